"""Calculators on screen: a form per calculator; results and derivations update as you type.

Each form reads its fields with the parsers the CLI's options use (calculators.inputs, boxes.parse_box,
norms.parse_vector, ...) and calls the same calculator functions as `dlquiz calc`; the screen renders
their structured results itself: the answer and its derivation as text, per-layer rows in a DataTable.

Nothing typed can close the app: any error, expected or not, becomes one red line with the stale result
cleared (text such as `-h` is just a bad value: no argument parser is involved). Short input (the
calculators' limits keep it cheap) is computed at once; long input or a `*N` repeat is computed in a
thread worker, so pasting a big spec never freezes the screen, and only the latest keystroke's result
is shown.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Static, TabbedContent, TabPane

from dlquiz.errors import InputError

if TYPE_CHECKING:
    from calculators.result import Result


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    default: str


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    fields: tuple[Field, ...]
    switches: tuple[tuple[str, str], ...] = ()  # (key, label) checkboxes
    columns: tuple[str, ...] = ()  # per-layer table header; empty: no table


@dataclass(frozen=True)
class CalcView:
    """What a form shows: the text under it and, for rf/params, one row of cells per layer."""

    text: str
    rows: tuple[tuple[str, ...], ...] = ()


FORMS = (
    Form("conv", "Conv",
         (Field("size", "size N (or H,W)", "224"), Field("kernel", "kernel", "3"), Field("stride", "stride", "1"),
          Field("padding", "padding", "1"), Field("dilation", "dilation", "1"),
          Field("output_padding", "output padding", "")),
         (("transposed", "transposed"),)),
    Form("pool", "Pool",
         (Field("size", "size N", "112"), Field("kernel", "kernel", "3"), Field("stride", "stride", "2"),
          Field("padding", "padding", "0"), Field("dilation", "dilation", "1")),
         (("ceil", "ceil_mode"), ("avg", "average"))),
    Form("rf", "Receptive field",
         (Field("network", "preset (alexnet, vgg16, zf5, resnet50…) or empty", "alexnet"),
          Field("layers", "or layers: conv(k=3,s=1,p=1,c=64); pool(k=2,s=2)", ""),
          Field("size", "input size", "")),
         columns=("layer", "type", "kernel", "stride", "padding", "dilation", "output", "jump", "RF", "start")),
    Form("params", "Params / FLOPs",
         (Field("network", "preset or empty", "resnet18"), Field("layers", "or layers (with channels c=…)", ""),
          Field("size", "input size", "")),
         columns=("layer", "type", "output shape", "params", "MACs")),
    Form("iou", "IoU",
         (Field("pred", "box A x1,y1,x2,y2", "0,0,10,10"), Field("gt", "box B x1,y1,x2,y2", "5,5,15,15")),
         (("pixel-inclusive", "VOC +1 pixels"),)),
    Form("norm", "Norms",
         (Field("vector", "vector v1,v2,…", "3,-4,0"), Field("matrix", "or matrix 1,2;3,4", ""),
          Field("p", "p (optional)", ""))),
)


SYNC_CHARS = 200  # up to this many characters in a form (and no `*N`), compute on the UI thread at once


# -- reading fields ---------------------------------------------------------------------------------
def _size_argument(values: Mapping[str, str], key: str, default: Any = None, required: bool = False) -> Any:
    """An int or H,W field, read as the CLI reads --size/--kernel/...; the message names the option."""
    from calculators.inputs import parse_int_or_pair

    option = "--" + key.replace("_", "-")
    text = values.get(key, "").strip()
    if not text:
        if required:
            raise InputError(f"the following arguments are required: {option}")
        return default
    try:
        return parse_int_or_pair(text)
    except InputError as exc:
        raise InputError(f"argument {option}: {exc}") from None


def _derivation(result: Result[Any], answer: str | None = None) -> list[str]:
    """Formula, substituted steps, the answer (when given, instead of a final '→' step), notes."""
    steps = list(result.steps)
    if answer is not None and steps and steps[-1].startswith("→ "):
        steps.pop()
    lines = [f"formula: {result.formula}", *("  " + step for step in steps)]
    if answer is not None:
        lines.append(f"answer: {answer}")
    return lines + [f"note: {note}" for note in result.notes]


def _size_view(result: Result[Any]) -> CalcView:
    value = result.value
    answer = " × ".join(map(str, value)) if isinstance(value, tuple) else str(value)
    return CalcView("\n".join(_derivation(result, answer)))


# -- one function per form: fields in, CalcView out (InputError for bad input) --------------------
def _conv(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators.inputs import conv_layer_size

    result = conv_layer_size(_size_argument(values, "size", required=True),
                             _size_argument(values, "kernel", required=True), _size_argument(values, "stride"),
                             _size_argument(values, "padding", 0), _size_argument(values, "dilation", 1),
                             _size_argument(values, "output_padding"), switches.get("transposed", False))
    return _size_view(result)


def _pool(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators.conv import pool_size

    result = pool_size(_size_argument(values, "size", required=True), _size_argument(values, "kernel", required=True),
                       _size_argument(values, "stride"), _size_argument(values, "padding", 0),
                       _size_argument(values, "dilation", 1), ceil_mode=switches.get("ceil", False),
                       avg=switches.get("avg", False))
    return _size_view(result)


def _network(values: Mapping[str, str]):
    from calculators.inputs import resolve_network

    layers = values.get("layers", "").strip()
    network = values.get("network", "").strip()
    return resolve_network(None if layers else network or None, layers or None,  # typed layers win over the preset
                           values.get("size", "").strip() or None)


def _rf(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators.layers import fmt_pair
    from calculators.receptive_field import fmt_start, receptive_field_table

    net = _network(values)
    result = receptive_field_table(list(net.layers), net.size, net.name, end=net.rf_end, notes=net.notes)
    table = result.value
    rows = tuple((r.name, r.type, fmt_pair(r.kernel), fmt_pair(r.stride), fmt_pair(r.padding), fmt_pair(r.dilation),
                  fmt_pair(r.output_size), fmt_pair(r.jump), fmt_pair(r.receptive_field), fmt_start(r.start))
                 for r in table.rows)
    lines = [f"{net.name}: input {net.size[0]}×{net.size[1]}, the table ends at {table.rows[-1].name}",
             f"receptive field {fmt_pair(table.receptive_field)}, effective stride {fmt_pair(table.effective_stride)}, "
             f"effective padding {fmt_pair(table.effective_padding)}", "", *_derivation(result)]
    return CalcView("\n".join(lines), rows)


def _params(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators.params import count_params

    net = _network(values)
    result = count_params(list(net.layers), net.size, net.in_channels, net.name, notes=net.notes)
    table = result.value
    rows = tuple((r.name, r.type, str(list(r.output_shape)), f"{r.params:,}", f"{r.macs:,}" if r.macs else "--")
                 for r in table.rows)
    lines = [f"{net.name}: input {net.in_channels}×{net.size[0]}×{net.size[1]} (per sample)",
             f"total params {table.total_params:,}, MACs {table.total_macs:,}, FLOPs = 2 × MACs = "
             f"{table.total_flops:,}", "", *_derivation(result)]
    return CalcView("\n".join(lines), rows)


def _metrics(results: Mapping[str, Result[Any]], value_text: Callable[[Any], str]) -> CalcView:
    lines = [f"{name} = {value_text(r.value)}" for name, r in results.items()]
    for name, r in results.items():
        lines += ["", f"{name}:", *_derivation(r)]
    return CalcView("\n".join(lines))


def _number_text(value: int | float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _iou(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators import boxes

    pred = boxes.parse_box(values.get("pred", ""), "first box")
    gt = boxes.parse_box(values.get("gt", ""), "second box")
    return _metrics(boxes.box_metrics(pred, gt, pixel_inclusive=switches.get("pixel-inclusive", False)),
                    lambda v: f"{v:.6g}")


def _norm(values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    from calculators import norms
    from calculators.inputs import MATRIX_P_ERROR, parse_p

    matrix, p = values.get("matrix", "").strip(), values.get("p", "").strip()
    if matrix:  # a typed matrix wins over the vector
        if p:
            raise InputError(MATRIX_P_ERROR)
        return _metrics(norms.matrix_norms(norms.parse_matrix(matrix)), _number_text)
    vector = values.get("vector", "").strip()
    if not vector:
        raise InputError("give a vector (v1,v2,…) or a matrix (1,2;3,4)")
    return _metrics(norms.vector_norms(norms.parse_vector(vector), parse_p(p) if p else None), _number_text)


CALCULATORS: dict[str, Callable[[Mapping[str, str], Mapping[str, bool]], CalcView]] = {
    "conv": _conv, "pool": _pool, "rf": _rf, "params": _params, "iou": _iou, "norm": _norm}


def calculate(form: Form, values: Mapping[str, str], switches: Mapping[str, bool]) -> CalcView:
    """The form's result for these field texts and checkboxes; InputError for input it cannot use."""
    return CALCULATORS[form.key](values, switches)


def _one_line(message: str, limit: int = 300) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "…"


def compute(form: Form, values: Mapping[str, str], switches: Mapping[str, bool]):
    """(CalcView, None) or (None, one-line error). Never raises: the screen must outlive any input."""
    try:
        return calculate(form, values, switches), None  # looked up per call (tests replace it)
    except InputError as exc:
        return None, _one_line(str(exc))
    except (Exception, SystemExit) as exc:  # a bug must not close the app: say what happened, in one line
        return None, _one_line(f"could not compute this ({type(exc).__name__}: {exc})")


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
                with TabPane(form.title, id=f"tab-{form.key}"), VerticalScroll():
                    for f in form.fields:
                        with Horizontal(classes="calc-row"):
                            yield Label(f.label, classes="calc-label")
                            yield Input(f.default, id=f"{form.key}-{f.key}", classes="calc-input")
                    if form.switches:
                        with Horizontal(classes="calc-row"):
                            for key, label in form.switches:
                                yield Checkbox(label, id=f"{form.key}-{key}")
                    yield Static(id=f"{form.key}-error", classes="error")
                    if form.columns:
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
        switches = {key: self.query_one(f"#{form.key}-{key}", Checkbox).value for key, _ in form.switches}
        generation = self._generations.get(form.key, 0) + 1
        self._generations[form.key] = generation
        heavy = sum(len(v) for v in values.values()) > SYNC_CHARS or "*" in values.get("layers", "")
        if not heavy:
            self._show(form, generation, *compute(form, values, switches))
            return
        self.query_one(f"#{form.key}-error", Static).update(Text("computing…", style="dim"))
        self.run_worker(partial(self._compute_in_thread, form, generation, values, switches), thread=True,
                        exclusive=True, group=f"calc-{form.key}", exit_on_error=False)

    def _compute_in_thread(self, form: Form, generation: int, values: dict[str, str],
                           switches: dict[str, bool]) -> None:
        view, error = compute(form, values, switches)
        if self._generations.get(form.key) != generation:
            return  # a later keystroke superseded this one
        try:
            self.app.call_from_thread(self._show, form, generation, view, error)
        except RuntimeError:  # the app closed meanwhile
            pass

    def _show(self, form: Form, generation: int, view: CalcView | None, error: str | None) -> None:
        if self._generations.get(form.key) != generation or not self.is_mounted:
            return
        result = self.query_one(f"#{form.key}-result", Static)
        message = self.query_one(f"#{form.key}-error", Static)
        if error is None and view is not None:
            try:
                if form.columns:
                    self._fill_table(form, view.rows)
            except Exception as exc:  # same promise as compute(): one red line, never a crash
                error = _one_line(f"could not show this result ({type(exc).__name__}: {exc})")
        if error is not None:
            message.update(Text(error, style="bold red"))
            result.update("")  # a stale answer next to an error would read as the answer
            if form.columns:
                self.query_one(f"#{form.key}-table", DataTable).clear(columns=True)
            return
        assert view is not None  # compute() gives a view or an error
        message.update("")
        result.update(Text(view.text))

    def _fill_table(self, form: Form, rows: tuple[tuple[str, ...], ...]) -> None:
        table = self.query_one(f"#{form.key}-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*form.columns)
        for row in rows:
            table.add_row(*row)
