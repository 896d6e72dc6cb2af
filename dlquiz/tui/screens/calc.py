"""Calculators on screen: a form per calculator; results and derivations update as you type.

Each form builds the same argument list a user would type after `dlquiz calc`, and runs it through
the CLI's own parser and handler (`dlquiz.cli.run_command`): one code path, one set of messages.

Nothing typed can close the app: positional values go after `--` (so `-h` is a value, not argparse's
help action), and any error, expected or not, becomes one red line with the stale result cleared.
Short input (the calculators' limits keep it cheap) is computed at once; long input or a `*N` repeat
is computed in a thread worker, so pasting a big spec never freezes the screen, and only the latest
keystroke's result is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Static, TabbedContent, TabPane

from dlquiz.errors import InputError


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


SYNC_CHARS = 200  # up to this many characters in a form (and no `*N`), compute on the UI thread at once


def form_argv(form: Form, values: dict[str, str], switches: dict[str, bool]) -> list[str]:
    """The argument list for `dlquiz calc …` (empty fields are left out).

    Options come first as --flag=value; positional values follow a `--`, so that text such as -h or
    --list typed into a field is read as a value and never as an option.
    """
    argv = list(form.command)
    if form.key in ("rf", "params") and values.get("layers"):
        values = {**values, "network": ""}  # typed layers win over the preset
    if form.key == "norm" and values.get("matrix"):
        values = {**values, "vector": ""}
    positional = []
    for f in form.fields:
        value = values.get(f.key, "").strip()
        if not value:
            continue
        if f.flag is None:
            positional.append(value)
        else:
            argv.append(f"{f.flag}={value}")
    argv += [flag for flag, on in switches.items() if on]
    return argv + (["--", *positional] if positional else [])


def _one_line(message: str, limit: int = 300) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "…"


def compute(argv: list[str]):
    """(Output, None) or (None, one-line error). Never raises: the screen must outlive any input."""
    from dlquiz import cli  # looked up per call (tests replace run_command)

    try:
        return cli.run_command(argv), None
    except InputError as exc:
        return None, _one_line(str(exc))
    except SystemExit:  # an argparse action that exits (help, version); `--` keeps field text away from them
        return None, "that is a command-line option, not a value; type numbers or a layer spec here"
    except Exception as exc:  # a bug must not close the app: say what happened, in one line
        return None, _one_line(f"could not compute this ({type(exc).__name__}: {exc})")


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._generations: dict[str, int] = {}  # per form, the latest request: older results are dropped

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
        values = {f.key: self.query_one(f"#{form.key}-{f.key}", Input).value for f in form.fields}
        switches = {flag: self.query_one(f"#{form.key}-{flag.strip('-')}", Checkbox).value
                    for flag, _ in form.switches}
        argv = form_argv(form, values, switches)
        generation = self._generations.get(form.key, 0) + 1
        self._generations[form.key] = generation
        heavy = sum(len(v) for v in values.values()) > SYNC_CHARS or "*" in values.get("layers", "")
        if not heavy:
            self._show(form, generation, *compute(argv))
            return
        self.query_one(f"#{form.key}-error", Static).update(Text("computing…", style="dim"))
        self.run_worker(partial(self._compute_in_thread, form, generation, argv), thread=True,
                        exclusive=True, group=f"calc-{form.key}", exit_on_error=False)

    def _compute_in_thread(self, form: Form, generation: int, argv: list[str]) -> None:
        output, error = compute(argv)
        if self._generations.get(form.key) != generation:
            return  # a later keystroke superseded this one
        try:
            self.app.call_from_thread(self._show, form, generation, output, error)
        except RuntimeError:  # the app closed meanwhile
            pass

    def _show(self, form: Form, generation: int, output, error: str | None) -> None:
        if self._generations.get(form.key) != generation or not self.is_mounted:
            return
        result = self.query_one(f"#{form.key}-result", Static)
        message = self.query_one(f"#{form.key}-error", Static)
        if error is None:
            try:
                text = output.text
                if form.table:
                    self._fill_table(form, output.data)
                    text = without_text_table(text)
            except Exception as exc:  # same promise as compute(): one red line, never a crash
                error = _one_line(f"could not show this result ({type(exc).__name__}: {exc})")
        if error is not None:
            message.update(Text(error, style="bold red"))
            result.update("")  # a stale answer next to an error would read as the answer
            if form.table:
                self.query_one(f"#{form.key}-table", DataTable).clear(columns=True)
            return
        message.update("")
        result.update(Text(text))

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
