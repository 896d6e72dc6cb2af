"""Issue #9, calculators: input that crashed or hung `dlquiz calc …` and the TUI calculators screen.

Every hostile input must give one short line and exit code 2 on the CLI (a red line in the TUI): never a
traceback, never a hang. Subprocess timeouts below are hang guards only, far above the real run time.
"""
from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from calculators import boxes, norms
from calculators.layers import parse_layers
from dlquiz.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD_S = 30

BIG = "1" * 5000            # over Python's 4300-digit int() limit
HUGE = "9" * 400            # under the int() limit, but overflows a float division
SPACES_2K = "relu" + " " * 2000 + "x"
SPACES_20K = "relu" + " " * 20_000 + "x"

ERROR_LINE = re.compile(r"^dlquiz(?: calc [a-z ]+)?: error: ")


def calc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlquiz", "calc", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=HANG_GUARD_S)


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, err[-500:])
    assert "Traceback" not in proc.stderr, err[-500:]
    assert len(err.splitlines()) == 1, err[-500:]
    assert ERROR_LINE.match(err), err[:200]
    assert len(err) < 400, f"{len(err)} characters: {err[:200]}…"  # one *clear* line, not 5000 digits
    for fragment in fragments:
        assert fragment in err, err


# ---------------------------------------------------------------- the CLI, through a real subprocess

CLI_CASES = {
    # layer specs: the old regex was cubic in runs of spaces; *N expanded before any check
    "rf spaces 2k": (["rf", "--layers", SPACES_2K], "cannot read layer"),
    "rf spaces 20k": (["rf", "--layers", SPACES_20K], "characters"),
    "params spaces 2k": (["params", "--layers", SPACES_2K], "cannot read layer"),
    "rf repeat 10^6": (["rf", "--layers", "conv(k=3);relu*1000000"], "repeat"),
    "rf repeat 10^9": (["rf", "--layers", "conv(k=3);relu*1000000000"], "repeat"),
    "params repeat 10^9": (["params", "--layers", "relu*1000000000"], "repeat"),
    "rf repeat huge digits": (["rf", "--layers", "relu*" + BIG], "repeat"),
    "rf many repeats add up": (["rf", "--layers", ";".join(["conv(k=1)*900"] * 3)], "layers"),
    "rf spec too long": (["rf", "--layers", "relu;" * 3000], "characters"),
    "rf spec many layers": (["rf", "--layers", ";".join(["pool(1)"] * 1100)], "layers"),
    # numbers past 4300 digits, and non-ASCII digits
    "rf --size big": (["rf", "alexnet", "--size", BIG], "--size"),
    "rf --size superscript": (["rf", "alexnet", "--size", "²"], "--size"),
    "params --size superscript pair": (["params", "alexnet", "--size", "224x²"], "--size"),
    "params --size arabic digits": (["params", "alexnet", "--size", "٢٢٤"], "--size"),
    "rf k= big": (["rf", "--layers", f"conv(k={BIG})"], "k="),
    "rf k= arabic digit": (["rf", "--layers", "conv(k=٣)"], "k="),
    "rf repeat superscript": (["rf", "--layers", "conv(k=3)*²"], "repeat"),
    "params in-channels big": (["params", "--layers", "fc(4)", "--in-channels", BIG], "in-channels"),
    "conv --size big": (["conv", "--size", BIG, "--kernel", "3"], "--size"),
    "conv --size arabic digit": (["conv", "--size", "٣", "--kernel", "1"], "--size"),
    "pool --kernel big": (["pool", "--size", "7", "--kernel", BIG], "--kernel"),
    "conv padding near the str limit": (["conv", "--size", "1", "--kernel", "1", "--padding", "9" * 4299],
                                        "--padding"),
    "solve --size big": (["solve", "padding", "--size", BIG, "--kernel", "3", "--out", "3"], "--size"),
    "solve --out superscript": (["solve", "padding", "--size", "10", "--kernel", "3", "--out", "²"], "--out"),
    "norm vector big": (["norm", BIG + ",2"], "value 1"),
    "norm vector arabic digits": (["norm", "١,٢"], "value 1"),
    "norm matrix big": (["norm", "--matrix", "1,2;3," + BIG], "value 2"),
    "norm --p big": (["norm", "1,2", "--p", BIG], "--p"),
    "iou box big": (["iou", BIG + ",0,1,1", "0,0,1,1"], "value 1"),
    # huge values into float divisions (OverflowError) and growth past any real network
    "params c= huge": (["params", "--layers", f"conv(k=3,c={HUGE});fc(3)"], "c="),
    "params fc huge": (["params", "--layers", f"fc({HUGE})"], "o="),
    "rf jump explodes": (["rf", "--layers", "conv(k=1,s=1000000)*1000"], None),
    "params deconv grows": (["params", "--layers", "deconv(k=2,s=1000000,c=1)*400", "--size", "1"], None),
    # tiny boxes: areas underflow to 0.0 and GIoU/DIoU divided by them
    "iou denormal boxes": (["iou", "0,0,1e-320,1e-320", "0,0,1e-320,1e-320"], "too small"),
    "iou denormal vs unit": (["iou", "0,0,1e-320,1e-320", "0,0,1,1"], "too small"),
    "iou tiny area": (["iou", "0,0,1e-200,1e-200", "0,0,1e-200,1e-200"], "too small"),
}


@pytest.mark.parametrize("args, fragment", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_hostile_input_is_one_line_and_exit_2(args, fragment):
    assert_one_line_error(calc(*args), *([fragment] if fragment else []))


def test_cli_limits_are_in_the_help():
    rf_help = " ".join(calc("rf", "--help").stdout.split())
    assert "limits:" in rf_help and "1000 layers" in rf_help and "10^18" in rf_help
    for command in (["conv"], ["pool"], ["iou"], ["norm"], ["solve", "padding"]):
        assert "limits:" in calc(*command, "--help").stdout, command


def test_cli_ordinary_input_still_works():
    # resnet-ish spec with repeats, pairs and booleans stays fine
    proc = calc("params", "--layers", "conv(k=7,s=2,p=3,c=64,bias=false); bn; relu; pool(k=3,s=2,p=1); "
                "basic(c=64)*2; basic(c=128,s=2); basic(c=128); gap; fc(1000)")
    assert proc.returncode == 0, proc.stderr
    proc = calc("rf", "--layers", "conv(k=3x1,p=1x0)*3; pool(2)", "--size", "32x24")
    assert proc.returncode == 0, proc.stderr
    proc = calc("params", "--layers", "fc(1000000000000000000)*8")  # 10^18 is allowed; totals ~7e36 print fine
    assert proc.returncode == 0 and "Total params" in proc.stdout, proc.stderr
    proc = calc("iou", "0.5,0.5,1.5,1.5", "1,1,2,2")
    assert proc.returncode == 0 and "IoU" in proc.stdout, proc.stderr


# ---------------------------------------------------------------- in-process: linear parsing, limits first

def test_spec_length_is_checked_before_parsing():
    with pytest.raises(InputError, match=r"characters"):
        parse_layers("relu" + " " * 200_000 + "x")


def test_repeat_limit_is_checked_before_expanding():
    with pytest.raises(InputError, match=r"repeat"):
        parse_layers("relu*" + "9" * 4000)
    with pytest.raises(InputError, match=r"layers"):
        parse_layers("relu*1000;relu*1000")
    assert len(parse_layers("relu*1000")) == 1000


def test_layer_limit_boundaries():
    from calculators.limits import MAX_LAYERS, MAX_REPEAT, MAX_SPEC_CHARS

    assert len(parse_layers(";".join(["relu"] * MAX_LAYERS))) == MAX_LAYERS
    with pytest.raises(InputError, match=str(MAX_LAYERS)):
        parse_layers(";".join(["relu"] * (MAX_LAYERS + 1)))
    with pytest.raises(InputError, match=str(MAX_REPEAT)):
        parse_layers(f"relu*{MAX_REPEAT + 1}")
    spec = "relu" + " " * (MAX_SPEC_CHARS - 4)
    assert len(spec) == MAX_SPEC_CHARS and len(parse_layers(spec)) == 1
    with pytest.raises(InputError, match=str(MAX_SPEC_CHARS)):
        parse_layers(spec + " ")


def test_layer_values_are_capped_at_10_18():
    (conv,) = parse_layers("conv(k=3,c=1000000000000000000)")
    assert conv.out_channels == 10 ** 18
    with pytest.raises(InputError, match=r"10\^18"):
        parse_layers("conv(k=3,c=1000000000000000001)")
    with pytest.raises(InputError, match=r"10\^18"):
        parse_layers("conv(k=3,c=" + "1" * 30 + ")")


def test_huge_int_formatting_in_params_does_not_overflow():
    from dlquiz.commands.calc.format import human

    assert human(4089184256) == "4.09G"
    assert human(118013952) == "118.01M"
    assert human(999) == "999"
    assert len(human(10 ** 400)) < 12  # used to be OverflowError in n / factor


def test_tiny_float_boxes_are_refused_not_divided_by_zero():
    for fn in (boxes.iou, boxes.giou, boxes.diou, boxes.ciou):
        with pytest.raises(InputError, match="too small"):
            fn((0, 0, 1e-320, 1e-320), (0, 0, 1e-320, 1e-320))


def test_exact_fraction_boxes_with_tiny_sides_still_work():
    from fractions import Fraction

    tiny = Fraction(1, 10 ** 400)
    result = boxes.ciou((0, 0, tiny, tiny), (0, 0, tiny, tiny))  # used to be ZeroDivisionError in atan(w/h)
    assert result.value == 1.0


# ---------------------------------------------------------------- Hypothesis: result or InputError, nothing else

SPEC_ALPHABET = "convpoldeftbnrlugasimkx0123456789()=,;*\n \t²٣_-.xX"
SPEC_WORDS = st.sampled_from(["conv", "pool", "fc", "relu", "bn", "deconv", "dwconv", "avgpool", "basic",
                              "bottleneck", "gap", "dropout", "flatten", "k=", "s=", "p=", "c=", "o=", "d=",
                              "op=", "g=", "bias=", "ceil=", "(", ")", ",", ";", "*", "x", " " * 50,
                              "3", "2", "0", "1000", "9" * 25, "²", "٣", "1e9", "0.5", "true"])
_value = st.sampled_from(["0", "1", "3", "224", "1000000000000000000", "1000000000000000001", BIG, HUGE, "²",
                          "٣", "", "3x1", "1x" + BIG, " 7 ", "0.5", "1e9", "true", "maybe", "٠.٥"])
_arg = st.builds(lambda key, value: f"{key}={value}" if key else value,
                 st.sampled_from(["k", "s", "p", "d", "c", "o", "g", "op", "bias", "ceil", "q", ""]), _value)
_item = st.builds(
    lambda pad, name, args, repeat: f"{pad}{name}{'' if args is None else f'({args})'}"
                                    f"{f'*{repeat}' if repeat else ''}{pad}",
    st.sampled_from(["", " ", " " * 3000]),
    st.sampled_from(["conv", "dwconv", "deconv", "pool", "avgpool", "adaptiveavgpool", "gap", "bn", "relu", "fc",
                     "flatten", "dropout", "basic", "bottleneck", "cnv", ""]),
    st.none() | st.lists(_arg, max_size=4).map(",".join),
    st.sampled_from(["", "", "", "2", "1000", "1001", "0", "1000000000", BIG, "²", "٣", "3 x"]))
hostile_spec = (st.lists(_item, max_size=6).map("; ".join) | st.text(alphabet=SPEC_ALPHABET, max_size=80)
                | st.lists(SPEC_WORDS, max_size=30).map("".join))


@given(hostile_spec)
def test_parse_layers_result_or_input_error(spec):
    try:
        layers = parse_layers(spec)
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    assert 1 <= len(layers) <= 1000


@given(hostile_spec, st.sampled_from(["rf", "params"]),
       st.sampled_from(["", "1", "7", "224", "1x1000000000000000000", "3x5"]))
def test_rf_and_params_result_or_input_error(spec, command, size):
    from dlquiz.cli import build_parser

    argv = ["calc", command, f"--layers={spec}"] + ([f"--size={size}"] if size else [])
    args = build_parser().parse_args(argv)  # --x=value: any text parses, the handler judges it
    try:
        args.handler(args)
    except InputError as exc:
        assert "\n" not in str(exc)


number_piece = st.sampled_from(["0", "1", "-3", "2.5", "1e-320", "1e308", "1e100", "1e101", "nan", "inf",
                                "²", "١", "1_000", BIG, HUGE, "", " ", "0x10", "-0", "5e-324", "1e-200",
                                "1" + "0" * 100, "-" + "9" * 100, "1e-100", "٠.٥", "1.5e99"])
number_text = st.lists(number_piece | st.text(alphabet="0123456789.,;-+e ", max_size=8), max_size=8).map(",".join)


@given(number_text)
def test_parse_box_result_or_input_error(text):
    try:
        box = boxes.parse_box(text)
        boxes.box_metrics(box, (0, 0, 1, 1))
        boxes.box_metrics(box, box)
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400


@given(number_text, st.sampled_from([None, 1, 2, 3, 2.5, 64, 65, 1e300, float("inf")]))
def test_vector_norms_result_or_input_error(text, p):
    try:
        norms.vector_norms(norms.parse_vector(text), p)
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400


@given(st.lists(number_text, min_size=1, max_size=4).map(";".join))
def test_matrix_norms_result_or_input_error(text):
    try:
        norms.matrix_norms(norms.parse_matrix(text))
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400


field_text = (st.sampled_from(["-h", "--help", "--list", "--json", "-3,4", "0,0,1,1", "224", "3", BIG, "²",
                               SPACES_2K, "relu*1000000000", "conv(k=3)*1000", "1,2;3,4", "inf", "", "x"])
              | st.text(max_size=20))


@given(st.data())
def test_every_tui_form_result_or_input_error(data):
    """What the calculators screen runs for any field contents: a view or an InputError, never anything else."""
    from dlquiz.tui.screens.calc import FORMS, CalcView, calculate

    form = data.draw(st.sampled_from(FORMS))
    values = {f.key: data.draw(field_text, label=f.key) for f in form.fields}
    switches = {key: data.draw(st.booleans(), label=key) for key, _ in form.switches}
    try:
        view = calculate(form, values, switches)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(view, CalcView) and view.text


# ---------------------------------------------------------------- the TUI calculators screen (Pilot)

def _make_app(tmp_path):
    from dlquiz.tui.app import DlquizApp
    from tests.bank_fixture import small_bank

    app = DlquizApp(db_path=tmp_path / "progress.db")
    app._bank = small_bank()
    return app


def _rendered(app, selector: str):
    from textual.widgets import Static

    return app.screen.query_one(selector, Static).content  # what the screen put there (a rich Text or "")


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _assert_red_error(app, key: str, *fragments: str) -> None:
    from rich.text import Text

    from dlquiz.tui.screens.calc import CalcScreen

    assert app.is_running and isinstance(app.screen, CalcScreen)
    shown = _rendered(app, f"#{key}-error")
    assert isinstance(shown, Text) and "red" in str(shown.style), repr(shown)
    text = str(shown)
    assert text and "\n" not in text, text
    for fragment in fragments:
        assert fragment in text, text
    assert str(_rendered(app, f"#{key}-result")) == "", "stale result left on screen"


TUI_CASES = {
    "rf preset -h": ("rf", "network", "-h", "unknown network"),
    "rf preset --help": ("rf", "network", "--help", "unknown network"),
    "params preset -h": ("params", "network", "-h", "unknown network"),
    "iou box -h": ("iou", "pred", "-h", "first box"),
    "conv size -h": ("conv", "size", "-h", "--size"),
    "rf 20k spaces": ("rf", "layers", SPACES_20K, "characters"),
    "rf repeat 10^9": ("rf", "layers", "relu*1000000000", "repeat"),
    "params repeat 10^9": ("params", "layers", "conv(k=3)*1000000000", "repeat"),
    "norm big number": ("norm", "vector", BIG, "value 1"),
    "iou denormal": ("iou", "pred", "0,0,1e-320,1e-320", "too small"),
}


@pytest.mark.parametrize("key, field, value, fragment", TUI_CASES.values(), ids=TUI_CASES.keys())
def test_tui_hostile_field_shows_red_error_and_app_keeps_running(tmp_path, key, field, value, fragment):
    from textual.widgets import Input

    async def run():
        app = _make_app(tmp_path)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("c")
            await _settle(app, pilot)
            assert str(_rendered(app, f"#{key}-result")), "the default input should give a result"
            app.screen.query_one(f"#{key}-{field}", Input).value = value
            await _settle(app, pilot)
            _assert_red_error(app, key, fragment)
            assert app.is_running
    asyncio.run(run())


def test_tui_typing_minus_h_keystroke_by_keystroke_keeps_app(tmp_path):
    from textual.widgets import Input

    async def run():
        app = _make_app(tmp_path)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("c")
            await _settle(app, pilot)
            box = app.screen.query_one("#conv-size", Input)
            box.focus()
            box.value = ""
            await pilot.press("-", "h")
            await _settle(app, pilot)
            _assert_red_error(app, "conv", "--size")
            box.value = "224"
            await _settle(app, pilot)
            assert "answer: 224" in str(_rendered(app, "#conv-result"))  # k=3, p=1: size kept
    asyncio.run(run())


def test_tui_unexpected_exception_is_a_red_line_not_a_crash(tmp_path, monkeypatch):
    from textual.widgets import Input

    import dlquiz.tui.screens.calc

    async def run():
        app = _make_app(tmp_path)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("c")
            await _settle(app, pilot)

            def boom(form, values, switches, lang="en"):
                raise RuntimeError("simulated bug")

            monkeypatch.setattr(dlquiz.tui.screens.calc, "calculate", boom)
            app.screen.query_one("#conv-size", Input).value = "225"
            await _settle(app, pilot)
            _assert_red_error(app, "conv", "simulated bug")

            def leave(form, values, switches, lang="en"):
                raise SystemExit(0)

            monkeypatch.setattr(dlquiz.tui.screens.calc, "calculate", leave)
            app.screen.query_one("#conv-size", Input).value = "226"
            await _settle(app, pilot)
            _assert_red_error(app, "conv")
    asyncio.run(run())


def test_tui_long_spec_is_computed_off_the_ui_thread_and_stale_results_are_dropped(tmp_path):
    from textual.widgets import DataTable, Input

    async def run():
        app = _make_app(tmp_path)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("c")
            await _settle(app, pilot)
            layers = app.screen.query_one("#rf-layers", Input)
            layers.value = "conv(k=3,p=1)*200; pool(k=2)"
            layers.value = "conv(k=3)*5"  # the later value wins whatever order the workers finish in
            await _settle(app, pilot)
            assert str(_rendered(app, "#rf-error")) == ""
            assert app.screen.query_one("#rf-table", DataTable).row_count == 5
            assert "receptive field 11" in str(_rendered(app, "#rf-result"))
            layers.value = "relu*1000000000"
            await _settle(app, pilot)
            _assert_red_error(app, "rf", "repeat")
            assert app.screen.query_one("#rf-table", DataTable).row_count == 0, "stale table left on screen"
    asyncio.run(run())
