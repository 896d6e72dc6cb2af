"""Calculators on screen: a form per calculator; results and derivations update as you type.

Each form builds the same argument list a user would type after `dlquiz calc`, and runs it through
the CLI's own parser and handler (`dlquiz.cli.run_command`): one code path, one set of messages.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Static, TabbedContent, TabPane

from calculators.errors import InputError


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    default: str
    flag: str | None = None  # None: positional


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    command: tuple[str, ...]
    fields: tuple[Field, ...]
    switches: tuple[tuple[str, str], ...] = ()  # (flag, label) checkboxes
    table: bool = False


FORMS = (
    Form("conv", "Conv", ("calc", "conv"),
         (Field("size", "size N (or H,W)", "224", "--size"), Field("kernel", "kernel", "3", "--kernel"),
          Field("stride", "stride", "1", "--stride"), Field("padding", "padding", "1", "--padding"),
          Field("dilation", "dilation", "1", "--dilation"), Field("output_padding", "output padding", "",
                                                                   "--output-padding")),
         (("--transposed", "transposed"),)),
    Form("pool", "Pool", ("calc", "pool"),
         (Field("size", "size N", "112", "--size"), Field("kernel", "kernel", "3", "--kernel"),
          Field("stride", "stride", "2", "--stride"), Field("padding", "padding", "0", "--padding"),
          Field("dilation", "dilation", "1", "--dilation")),
         (("--ceil", "ceil_mode"), ("--avg", "average"))),
    Form("rf", "Receptive field", ("calc", "rf"),
         (Field("network", "preset (alexnet, vgg16, zf5, resnet50…) or empty", "alexnet"),
          Field("layers", "or layers: conv(k=3,s=1,p=1,c=64); pool(k=2,s=2)", "", "--layers"),
          Field("size", "input size", "", "--size")), table=True),
    Form("params", "Params / FLOPs", ("calc", "params"),
         (Field("network", "preset or empty", "resnet18"),
          Field("layers", "or layers (with channels c=…)", "", "--layers"),
          Field("size", "input size", "", "--size")), table=True),
    Form("iou", "IoU", ("calc", "iou"),
         (Field("pred", "box A x1,y1,x2,y2", "0,0,10,10"), Field("gt", "box B x1,y1,x2,y2", "5,5,15,15")),
         (("--pixel-inclusive", "VOC +1 pixels"),)),
    Form("norm", "Norms", ("calc", "norm"),
         (Field("vector", "vector v1,v2,…", "3,-4,0", "--vector"),
          Field("matrix", "or matrix 1,2;3,4", "", "--matrix"), Field("p", "p (optional)", "", "--p"))),
)


def form_argv(form: Form, values: dict[str, str], switches: dict[str, bool]) -> list[str]:
    """The argument list for `dlquiz calc …` (empty fields are left out)."""
    argv = list(form.command)
    if form.key in ("rf", "params") and values.get("layers"):
        values = {**values, "network": ""}  # typed layers win over the preset
    if form.key == "norm" and values.get("matrix"):
        values = {**values, "vector": ""}
    for f in form.fields:
        value = values.get(f.key, "").strip()
        if not value:
            continue
        argv += [value] if f.flag is None else [f"{f.flag}={value}"]
    argv += [flag for flag, on in switches.items() if on]
    return argv


def without_text_table(text: str) -> str:
    """The DataTable shows the layers; keep the text's title line and what follows the table."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if line and set(line.strip()) <= set("=─-") and len(line) > 20]
    if len(rules) < 2:
        return text
    return "\n".join([lines[0], *lines[rules[-1] + 1:]])


class CalcScreen(Screen):
    CSS_PATH = "calc.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="calc-tabs"):
            for form in FORMS:
                with TabPane(form.title, id=f"tab-{form.key}"):
                    with VerticalScroll():
                        for f in form.fields:
                            with Horizontal(classes="calc-row"):
                                yield Label(f.label, classes="calc-label")
                                yield Input(f.default, id=f"{form.key}-{f.key}", classes="calc-input")
                        if form.switches:
                            with Horizontal(classes="calc-row"):
                                for flag, label in form.switches:
                                    yield Checkbox(label, id=f"{form.key}-{flag.strip('-')}")
                        yield Static(id=f"{form.key}-error", classes="error")
                        if form.table:
                            yield DataTable(id=f"{form.key}-table", zebra_stripes=True)
                        yield Static(id=f"{form.key}-result", classes="calc-result")
        yield Footer()

    def on_mount(self) -> None:
        for form in FORMS:
            self.recalculate(form)

    def _form_of(self, widget_id: str | None) -> Form | None:
        prefix = (widget_id or "").split("-")[0]
        return next((f for f in FORMS if f.key == prefix), None)

    def on_input_changed(self, event: Input.Changed) -> None:
        form = self._form_of(event.input.id)
        if form:
            self.recalculate(form)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        form = self._form_of(event.checkbox.id)
        if form:
            self.recalculate(form)

    def recalculate(self, form: Form) -> None:
        from dlquiz.cli import run_command

        values = {f.key: self.query_one(f"#{form.key}-{f.key}", Input).value for f in form.fields}
        switches = {flag: self.query_one(f"#{form.key}-{flag.strip('-')}", Checkbox).value
                    for flag, _ in form.switches}
        error = self.query_one(f"#{form.key}-error", Static)
        try:
            output = run_command(form_argv(form, values, switches))
        except InputError as exc:
            error.update(Text(str(exc), style="bold red"))
            return
        error.update("")
        text = output.text
        if form.table:
            self._fill_table(form, output.data)
            text = without_text_table(text)
        self.query_one(f"#{form.key}-result", Static).update(Text(text))

    def _fill_table(self, form: Form, data: dict) -> None:
        table = self.query_one(f"#{form.key}-table", DataTable)
        table.clear(columns=True)
        rows = data.get("layers", [])
        if not rows:
            return
        columns = [k for k in rows[0] if not isinstance(rows[0][k], (dict, list)) or k == "output_shape"]
        table.add_columns(*columns)
        for row in rows:
            table.add_row(*(str(row.get(c, "")) for c in columns))
