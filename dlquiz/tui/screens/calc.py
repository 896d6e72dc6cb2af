"""Calculators on screen: a form per calculator; results and derivations update as you type.

Each form reads its fields with the parsers the CLI's options use (calculators.inputs, boxes.parse_box,
norms.parse_vector, ...) and calls the same calculator functions as `dlquiz calc`; the screen renders
their structured results itself: the answer (or the totals) first, so it is visible at 80x24 without
scrolling, then the per-layer rows in a DataTable, then the derivation.

Nothing typed can close the app: any error, expected or not, becomes one red line with the stale result
cleared (text such as `-h` is just a bad value: no argument parser is involved). Short input (the
calculators' limits keep it cheap) is computed at once; long input or a `*N` repeat is computed in a
thread worker, so pasting a big spec never freezes the screen, and only the latest keystroke's result
is shown. The inverse-problem tab always computes in a worker, and only once it is opened: it needs
SymPy, which takes about a second to import and must not slow the app's start.

Keys: alt+1 … alt+7 pick a tab (priority bindings: a terminal sends alt+1 with the character "1", which
a focused Input would otherwise type), ctrl+y (or c outside a text field) copies the shown result.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Label, Select, Static, TabbedContent, TabPane

from dlquiz.errors import InputError
from dlquiz.tui.i18n import t

if TYPE_CHECKING:
    from calculators.result import Result


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # i18n key
    default: str
    placeholder: str = ""  # i18n key; empty: none
    span: int = 1  # grid columns it takes (of 3): layer specs take a whole row


@dataclass(frozen=True)
class Choice:
    """A drop-down whose value reaches the calculator as text among the field values."""

    key: str
    label: str  # i18n key
    options: tuple[tuple[str, str], ...]  # (value, i18n key of its label)
    default: str


@dataclass(frozen=True)
class Form:
    key: str
    title: str  # i18n key
    fields: tuple[Field, ...]
    switches: tuple[tuple[str, str], ...] = ()  # (key, i18n key of the label) checkboxes
    columns: tuple[str, ...] = ()  # i18n keys of the per-layer table header; empty: no table
    choices: tuple[Choice, ...] = ()
    lazy: bool = False  # computed in a worker, and first when its tab is opened (SymPy)


@dataclass(frozen=True)
class CalcView:
    """What a form shows: the answer or totals (`text`), one row of cells per layer (rf/params), the derivation."""

    text: str
    rows: tuple[tuple[str, ...], ...] = ()
    steps: str = ""


SOLVE_PROBLEMS = ("same", "padding", "stride", "kernel", "input")
SOLVE_LAYERS = ("conv", "transposed", "max", "avg")
# The fields each inverse problem reads (the CLI's options for it); the others are greyed out.
SOLVE_FIELDS = {
    "same": ("size", "kernel", "stride", "dilation"),
    "padding": ("size", "kernel", "out", "stride", "dilation", "output_padding"),
    "stride": ("size", "kernel", "out", "padding", "dilation", "output_padding"),
    "kernel": ("size", "out", "stride", "padding", "dilation", "output_padding"),
    "input": ("out", "kernel", "stride", "padding", "dilation", "output_padding"),
}
SOLVE_REQUIRED = {"size", "kernel", "out"}  # when the problem reads them (same: only the kernel)

RF_COLUMNS = ("calc_col_layer", "calc_col_type", "calc_col_kernel", "calc_col_stride", "calc_col_padding",
              "calc_col_dilation", "calc_col_output", "calc_col_jump", "calc_col_rf", "calc_col_start")
NARROW = 100  # below this many columns the RF table uses short headers and drops an all-1 dilation column

FORMS = (
    Form("conv", "calc_tab_conv",
         (Field("size", "calc_size", "224", "calc_ph_size_pair"), Field("kernel", "calc_kernel", "3"),
          Field("stride", "calc_stride", "1"), Field("padding", "calc_padding", "1"),
          Field("dilation", "calc_dilation", "1"), Field("output_padding", "calc_output_padding", "")),
         (("transposed", "calc_transposed"),)),
    Form("pool", "calc_tab_pool",
         (Field("size", "calc_size", "112"), Field("kernel", "calc_kernel", "3"), Field("stride", "calc_stride", "2"),
          Field("padding", "calc_padding", "0"), Field("dilation", "calc_dilation", "1")),
         (("ceil", "calc_ceil"), ("avg", "calc_avg"))),
    Form("rf", "calc_tab_rf",
         (Field("network", "calc_network", "alexnet", "calc_ph_network"),
          Field("size", "calc_input_size", "", "calc_ph_input_size", span=2),
          Field("layers", "calc_layers", "", "calc_ph_layers", span=3)),
         columns=RF_COLUMNS),
    Form("params", "calc_tab_params",
         (Field("network", "calc_network", "resnet18", "calc_ph_network"),
          Field("size", "calc_input_size", "", "calc_ph_input_size", span=2),
          Field("layers", "calc_layers", "", "calc_ph_layers_channels", span=3)),
         columns=("calc_col_layer", "calc_col_type", "calc_col_shape", "calc_col_params", "calc_col_macs")),
    Form("iou", "calc_tab_iou",
         (Field("pred", "calc_box_a", "0,0,10,10", "calc_ph_box"),
          Field("gt", "calc_box_b", "5,5,15,15", "calc_ph_box")),
         (("pixel-inclusive", "calc_pixel_inclusive"),)),
    Form("norm", "calc_tab_norm",
         (Field("vector", "calc_vector", "3,-4,0", "calc_ph_vector"),
          Field("matrix", "calc_matrix", "", "calc_ph_matrix"), Field("p", "calc_p", "", "calc_ph_p"))),
    Form("solve", "calc_tab_solve",
         (Field("size", "calc_solve_size", "224"), Field("kernel", "calc_kernel", "7"),
          Field("stride", "calc_stride", "2"), Field("padding", "calc_padding", ""),
          Field("dilation", "calc_dilation", "1"), Field("out", "calc_out", "112"),
          Field("output_padding", "calc_output_padding", "")),
         (("ceil", "calc_ceil"),),
         choices=(Choice("problem", "calc_solve_for", tuple((p, f"calc_solve_{p}") for p in SOLVE_PROBLEMS),
                         "padding"),
                  Choice("layer", "calc_layer", tuple((op, f"calc_layer_{op}") for op in SOLVE_LAYERS), "conv")),
         lazy=True),
)
FORM_BY_KEY = {form.key: form for form in FORMS}

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


def _int_argument(values: Mapping[str, str], key: str, required: bool = False) -> int | None:
    """One integer (inverse problems are one dimension at a time), checked as `calc solve` checks its options."""
    from calculators.limits import parse_int

    option = "--" + key.replace("_", "-")
    text = values.get(key, "").strip()
    if not text:
        if required:
            raise InputError(f"the following arguments are required: {option}")
        return None
    return parse_int(text, option)


def _grouped(value: Any) -> str:
    """224 → '224', 25557032 → '25,557,032', (224, 160) → '224 × 160'."""
    if isinstance(value, tuple):
        return " × ".join(map(_grouped, value))
    return f"{value:,}" if isinstance(value, int) else str(value)


def _derivation(result: Result[Any], lang: str, drop_answer: bool = False) -> str:
    """Formula, substituted steps (without the final '→' step when the answer line says it), notes."""
    steps = list(result.steps)
    if drop_answer and steps and steps[-1].startswith("→ "):
        steps.pop()
    lines = [t("calc_formula", lang, formula=result.formula), *("  " + step for step in steps)]
    return "\n".join(lines + [t("calc_note", lang, note=note) for note in result.notes])


def _answer(answer: str, lang: str) -> str:
    return t("calc_answer", lang, answer=answer)


def _size_view(result: Result[Any], lang: str) -> CalcView:
    return CalcView(_answer(_grouped(result.value), lang), steps=_derivation(result, lang, drop_answer=True))


# -- one function per form: fields in, CalcView out (InputError for bad input) --------------------
def _conv(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators.inputs import conv_layer_size

    result = conv_layer_size(_size_argument(values, "size", required=True),
                             _size_argument(values, "kernel", required=True), _size_argument(values, "stride"),
                             _size_argument(values, "padding", 0), _size_argument(values, "dilation", 1),
                             _size_argument(values, "output_padding"), switches.get("transposed", False))
    return _size_view(result, lang)


def _pool(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators.conv import pool_size

    result = pool_size(_size_argument(values, "size", required=True), _size_argument(values, "kernel", required=True),
                       _size_argument(values, "stride"), _size_argument(values, "padding", 0),
                       _size_argument(values, "dilation", 1), ceil_mode=switches.get("ceil", False),
                       avg=switches.get("avg", False))
    return _size_view(result, lang)


def _network(values: Mapping[str, str]):
    from calculators.inputs import resolve_network

    layers = values.get("layers", "").strip()
    network = values.get("network", "").strip()
    return resolve_network(None if layers else network or None, layers or None,  # typed layers win over the preset
                           values.get("size", "").strip() or None)


def _rf(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators.layers import fmt_pair
    from calculators.receptive_field import fmt_start, receptive_field_table

    net = _network(values)
    result = receptive_field_table(list(net.layers), net.size, net.name, end=net.rf_end, notes=net.notes)
    table = result.value
    rows = tuple((r.name, r.type, fmt_pair(r.kernel), fmt_pair(r.stride), fmt_pair(r.padding), fmt_pair(r.dilation),
                  fmt_pair(r.output_size), fmt_pair(r.jump), fmt_pair(r.receptive_field), fmt_start(r.start))
                 for r in table.rows)
    summary = t("calc_rf_summary", lang, rf=fmt_pair(table.receptive_field), stride=fmt_pair(table.effective_stride),
        padding=fmt_pair(table.effective_padding))
    heading = t("calc_rf_heading", lang, name=net.name, size=f"{net.size[0]}×{net.size[1]}",
                                                last=table.rows[-1].name)
    return CalcView(summary + "\n" + heading, rows, _derivation(result, lang))


def _params(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators.params import count_params, input_text

    net = _network(values)
    result = count_params(list(net.layers), net.size, net.in_channels, net.name, notes=net.notes)
    table = result.value
    rows = tuple((r.name, r.type, str(list(r.output_shape)), f"{r.params:,}", f"{r.macs:,}" if r.macs else "--")
                 for r in table.rows)
    totals = t("calc_params_totals", lang, params=f"{table.total_params:,}", macs=f"{table.total_macs:,}",
                                                  flops=f"{table.total_flops:,}")
    heading = t("calc_params_heading", lang, name=net.name, shape=input_text(result.value))
    return CalcView(totals + "\n" + heading, rows, _derivation(result, lang))


def _metrics(results: Mapping[str, Result[Any]], value_text: Callable[[Any], str], lang: str) -> CalcView:
    steps: list[str] = []
    for name, r in results.items():
        steps += ["", f"{name}:", _derivation(r, lang)]
    return CalcView("\n".join(f"{name} = {value_text(r.value)}" for name, r in results.items()),
                    steps="\n".join(steps[1:]))


def _number_text(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:.6g}"


def _iou(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators import boxes

    pred = boxes.parse_box(values.get("pred", ""), "first box")
    gt = boxes.parse_box(values.get("gt", ""), "second box")
    return _metrics(boxes.box_metrics(pred, gt, pixel_inclusive=switches.get("pixel-inclusive", False)),
                    lambda v: f"{v:.6g}", lang)


def _norm(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    from calculators import norms
    from calculators.inputs import parse_p

    matrix, p = values.get("matrix", "").strip(), values.get("p", "").strip()
    if matrix:  # a typed matrix wins over the vector; p picks one induced norm, as `calc norm --matrix --p`
        return _metrics(norms.matrix_norms(norms.parse_matrix(matrix), parse_p(p) if p else None), _number_text, lang)
    vector = values.get("vector", "").strip()
    if not vector:
        raise InputError("give a vector (v1,v2,…) or a matrix (1,2;3,4)")
    return _metrics(norms.vector_norms(norms.parse_vector(vector), parse_p(p) if p else None), _number_text, lang)


def solve_fields(problem: str, layer: str) -> set[str]:
    """The fields an inverse problem reads for this layer type (output padding: transposed conv only)."""
    used = set(SOLVE_FIELDS.get(problem, ()))
    return used if layer == "transposed" else used - {"output_padding"}


def _solve(values: Mapping[str, str], switches: Mapping[str, bool], lang: str) -> CalcView:
    """`dlquiz calc solve PROBLEM`: the same calculators.solve functions, with the CLI's defaults."""
    problem, layer = values.get("problem", "padding"), values.get("layer", "conv")
    if problem not in SOLVE_PROBLEMS or layer not in SOLVE_LAYERS:
        raise InputError(f"choose a problem ({', '.join(SOLVE_PROBLEMS)}) and a layer ({', '.join(SOLVE_LAYERS)})")
    used = solve_fields(problem, layer)
    required = {"kernel"} if problem == "same" else SOLVE_REQUIRED
    numbers = {key: _int_argument(values, key, required=key in required)
               for key in sorted(used)}  # fields greyed out for this problem are not read
    from calculators import solve  # imports SymPy on first use: this form computes in a worker

    if problem == "same":  # a convolution question (`calc solve same`): the layer choice is greyed out
        kernel = numbers["kernel"]
        assert kernel is not None  # required above
        result = solve.same_padding(kernel, 1 if numbers["stride"] is None else numbers["stride"],
                                    1 if numbers["dilation"] is None else numbers["dilation"], numbers["size"])
    else:
        options = {"op": "transposed" if layer == "transposed" else "pool" if layer in ("max", "avg") else "conv",
                   "avg": layer == "avg", "ceil_mode": switches.get("ceil", False) and layer in ("max", "avg"),
                   "output_padding": numbers.get("output_padding") or 0,
                   "dilation": 1 if numbers["dilation"] is None else numbers["dilation"]}
        padding = numbers.get("padding") or 0
        size, kernel, out = numbers.get("size"), numbers.get("kernel"), numbers.get("out")
        stride = numbers.get("stride")
        if problem == "padding":
            result = solve.solve_padding(size, kernel, out, stride, **options)  # type: ignore[arg-type]
        elif problem == "stride":
            result = solve.solve_stride(size, kernel, out, padding, **options)  # type: ignore[arg-type]
        elif problem == "kernel":
            result = solve.solve_kernel(size, out, stride, padding, **options)  # type: ignore[arg-type]
        else:
            result = solve.solve_input(out, kernel, stride, padding, **options)  # type: ignore[arg-type]
    answer = result.steps[-1].removeprefix("→ ") if result.steps else ""
    return CalcView(_answer(answer, lang), steps=_derivation(result, lang, drop_answer=True))


CALCULATORS: dict[str, Callable[[Mapping[str, str], Mapping[str, bool], str], CalcView]] = {
    "conv": _conv, "pool": _pool, "rf": _rf, "params": _params, "iou": _iou, "norm": _norm, "solve": _solve}


def calculate(form: Form, values: Mapping[str, str], switches: Mapping[str, bool], lang: str = "en") -> CalcView:
    """The form's result for these field texts and checkboxes; InputError for input it cannot use."""
    return CALCULATORS[form.key](values, switches, lang)


def _one_line(message: str, limit: int = 300) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "…"


def compute(form: Form, values: Mapping[str, str], switches: Mapping[str, bool], lang: str = "en"):
    """(CalcView, None) or (None, one-line error). Never raises: the screen must outlive any input."""
    try:
        return calculate(form, values, switches, lang), None  # looked up per call (tests replace it)
    except InputError as exc:
        return None, _one_line(str(exc))
    except (Exception, SystemExit) as exc:  # a bug must not close the app: say what happened, in one line
        return None, _one_line(f"could not compute this ({type(exc).__name__}: {exc})")


def table_columns(form: Form, rows: tuple[tuple[str, ...], ...], width: int, lang: str
                  ) -> tuple[list[str], list[int]]:
    """Header labels and the indices of the row cells to show at this screen width.

    Narrow screens (80 columns) get the RF table's short headers (k s p d) and lose the dilation column
    when every layer has dilation 1, so all the columns that matter fit without scrolling sideways.
    """
    keep = list(range(len(form.columns)))
    narrow = width < NARROW and form.columns == RF_COLUMNS
    if narrow and all(row[RF_COLUMNS.index("calc_col_dilation")] == "1" for row in rows):
        keep.remove(RF_COLUMNS.index("calc_col_dilation"))
    labels = [t(form.columns[i] + ("_short" if narrow else ""), lang) for i in keep]
    return labels, keep


def copy_text(form: Form, view: CalcView, lang: str) -> str:
    """What ctrl+y puts on the clipboard: the answer, the whole table (full headers), the derivation."""
    from dlquiz.text_layout import text_table

    parts = [view.text]
    if form.columns and view.rows:
        header = [t(key, lang) for key in form.columns]
        align = "ll" + "r" * (len(form.columns) - 2)
        parts.append("\n".join(text_table(header, view.rows, align)))
    if view.steps:
        parts.append(view.steps)
    return "\n\n".join(parts)


TAB_KEYS = [Binding(f"alt+{i}", f"show_tab('{form.key}')", show=False, priority=True)
            for i, form in enumerate(FORMS, start=1)]


class CalcScreen(Screen):
    CSS_PATH = "calc.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                *TAB_KEYS,
                Binding("ctrl+y", "copy_result", "Copy", show=False, priority=True),
                Binding("c", "copy_result", "Copy", show=False)]  # Inputs type the letter c: only outside them

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._generations: dict[str, int] = {}  # per form, the latest request: older results are dropped
        self._views: dict[str, CalcView] = {}  # per form, what is on screen now (copy, redraw on resize)
        self._requested: set[str] = set()  # lazy forms computed at least once

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header()
        with TabbedContent(id="calc-tabs"):
            for form in FORMS:
                with TabPane(t(form.title, lang), id=f"tab-{form.key}"), VerticalScroll():
                    with Grid(classes="calc-fields"):
                        for choice in form.choices:
                            with Horizontal(classes="calc-cell"):
                                yield Label(t(choice.label, lang), id=f"{form.key}-{choice.key}-label",
                                            classes="calc-label")
                                yield Select(self._choice_options(choice, lang), value=choice.default,
                                             allow_blank=False, compact=True, id=f"{form.key}-{choice.key}",
                                             classes="calc-input")
                        for f in form.fields:
                            with Horizontal(classes=f"calc-cell calc-span{f.span}"):
                                yield Label(t(f.label, lang), id=f"{form.key}-{f.key}-label", classes="calc-label")
                                yield Input(f.default, placeholder=t(f.placeholder, lang) if f.placeholder else "",
                                            compact=True, id=f"{form.key}-{f.key}", classes="calc-input")
                        for key, label in form.switches:
                            yield Checkbox(t(label, lang), compact=True, id=f"{form.key}-{key}", classes="calc-cell")
                    yield Static(id=f"{form.key}-error", classes="error")
                    yield Static(id=f"{form.key}-result", classes="calc-result")
                    if form.columns:
                        yield DataTable(id=f"{form.key}-table", zebra_stripes=True)
                    yield Static(id=f"{form.key}-steps", classes="calc-steps")
        yield Static(t("calc_keys", lang), id="calc-keys", classes="hint")

    @staticmethod
    def _choice_options(choice: Choice, lang: str) -> list[tuple[str, str]]:
        return [(t(label, lang), value) for value, label in choice.options]

    def on_mount(self) -> None:
        for form in FORMS:
            if not form.lazy:
                self.recalculate(form)
        self._update_solve_fields()

    def refresh_language(self) -> None:
        """F2: every label of the screen in the new language; results are recomputed in it."""
        lang = self.lang
        tabs = self.query_one("#calc-tabs", TabbedContent)
        for form in FORMS:
            tabs.get_tab(f"tab-{form.key}").label = t(form.title, lang)
            for f in form.fields:
                self.query_one(f"#{form.key}-{f.key}-label", Label).update(t(f.label, lang))
                self.query_one(f"#{form.key}-{f.key}", Input).placeholder = t(f.placeholder, lang) if f.placeholder \
                    else ""
            for key, label in form.switches:
                self.query_one(f"#{form.key}-{key}", Checkbox).label = t(label, lang)
            for choice in form.choices:
                self.query_one(f"#{form.key}-{choice.key}-label", Label).update(t(choice.label, lang))
                select: Select[str] = self.query_one(f"#{form.key}-{choice.key}", Select)
                value = select.value
                select.set_options(self._choice_options(choice, lang))
                select.value = value
            if self.is_mounted and form.key in self._generations:
                self.recalculate(form)
        self.query_one("#calc-keys", Static).update(t("calc_keys", lang))

    # -- keys -------------------------------------------------------------------------------------
    def action_show_tab(self, key: str) -> None:
        self.query_one("#calc-tabs", TabbedContent).active = f"tab-{key}"

    def _active_form(self) -> Form:
        active = self.query_one("#calc-tabs", TabbedContent).active
        return FORM_BY_KEY[active.removeprefix("tab-")]

    def action_copy_result(self) -> None:
        form = self._active_form()
        view = self._views.get(form.key)
        if view is None:
            self.notify(t("calc_nothing_to_copy", self.lang), severity="warning")
            return
        self.app.copy_to_clipboard(copy_text(form, view, self.lang))
        self.notify(t("calc_copied", self.lang, what=view.text.splitlines()[0]))

    # -- events -----------------------------------------------------------------------------------
    def _form_of(self, widget_id: str | None) -> Form | None:
        return FORM_BY_KEY.get((widget_id or "").split("-")[0])

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        form = FORM_BY_KEY.get((event.pane.id or "").removeprefix("tab-"))
        if form and form.lazy and form.key not in self._requested:
            self.recalculate(form)

    def on_input_changed(self, event: Input.Changed) -> None:
        form = self._form_of(event.input.id)
        if form and (not form.lazy or form.key in self._requested):
            self.recalculate(form)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        form = self._form_of(event.checkbox.id)
        if form and (not form.lazy or form.key in self._requested):
            self.recalculate(form)

    def on_select_changed(self, event: Select.Changed) -> None:
        form = self._form_of(event.select.id)
        if form is None:
            return
        if form.key == "solve":
            self._update_solve_fields()
        if not form.lazy or form.key in self._requested:
            self.recalculate(form)

    def on_resize(self) -> None:
        for form in FORMS:  # short or full RF headers follow the width
            view = self._views.get(form.key)
            if form.columns and view is not None:
                self._fill_table(form, view.rows)

    def _update_solve_fields(self) -> None:
        """Grey out the fields the chosen inverse problem does not read (the unknown among them)."""
        problem = str(self.query_one("#solve-problem", Select).value)
        layer = str(self.query_one("#solve-layer", Select).value)
        used = solve_fields(problem, layer)
        for f in FORM_BY_KEY["solve"].fields:
            self.query_one(f"#solve-{f.key}", Input).disabled = f.key not in used
        self.query_one("#solve-ceil", Checkbox).disabled = problem == "same" or layer not in ("max", "avg")
        self.query_one("#solve-layer", Select).disabled = problem == "same"

    # -- computing --------------------------------------------------------------------------------
    def _values(self, form: Form) -> tuple[dict[str, str], dict[str, bool]]:
        values = {f.key: self.query_one(f"#{form.key}-{f.key}", Input).value for f in form.fields}
        for choice in form.choices:
            values[choice.key] = str(self.query_one(f"#{form.key}-{choice.key}", Select).value)
        switches = {key: self.query_one(f"#{form.key}-{key}", Checkbox).value for key, _ in form.switches}
        return values, switches

    def recalculate(self, form: Form) -> None:
        values, switches = self._values(form)
        self._requested.add(form.key)
        generation = self._generations.get(form.key, 0) + 1
        self._generations[form.key] = generation
        heavy = form.lazy or sum(len(v) for v in values.values()) > SYNC_CHARS or "*" in values.get("layers", "")
        if not heavy:
            self._show(form, generation, *compute(form, values, switches, self.lang))
            return
        self.query_one(f"#{form.key}-error", Static).update(Text(t("calc_computing", self.lang), style="dim"))
        self.run_worker(partial(self._compute_in_thread, form, generation, values, switches, self.lang),
                        thread=True, exclusive=True, group=f"calc-{form.key}", exit_on_error=False)

    def _compute_in_thread(self, form: Form, generation: int, values: dict[str, str],
                           switches: dict[str, bool], lang: str) -> None:
        view, error = compute(form, values, switches, lang)
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
        steps = self.query_one(f"#{form.key}-steps", Static)
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
            steps.update("")
            self._views.pop(form.key, None)
            if form.columns:
                self.query_one(f"#{form.key}-table", DataTable).clear(columns=True)
            return
        assert view is not None  # compute() gives a view or an error
        self._views[form.key] = view
        message.update("")
        result.update(Text(view.text, style="bold"))
        steps.update(Text(view.steps))

    def _fill_table(self, form: Form, rows: tuple[tuple[str, ...], ...]) -> None:
        table = self.query_one(f"#{form.key}-table", DataTable)
        labels, keep = table_columns(form, rows, self.size.width or self.app.size.width, self.lang)
        table.clear(columns=True)
        table.add_columns(*labels)
        for row in rows:
            table.add_row(*(row[i] for i in keep))
