"""`dlquiz calc conv|pool|solve`: text, --json, errors, import weight.

End to end through `python -m dlquiz` for the contract (exit codes, one stderr line, no traceback,
what gets imported); in-process through `dlquiz.cli.main` for the many bad-input variants, which
would otherwise cost a Python start-up each. Expected numbers are derived by hand in comments (the
calculators themselves are checked against torch in test_conv.py and test_solve.py).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from dlquiz.cli import main

SIZE_KEYS = {"output_size", "formula", "steps", "notes"}
SOLVE_KEYS = {"unknown", "solutions", "every_value_from", "formula", "steps", "notes"}


def dlquiz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlquiz", "calc", *args], capture_output=True, text=True,
                          timeout=60)


def dlquiz_json(*args: str):
    shown = dlquiz(*args, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def in_process(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of dlquiz.cli.main; argparse errors exit through SystemExit."""
    try:
        code = main(["calc", *args])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def in_process_json(capsys, *args: str):
    code, out, err = in_process(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


# ---------------------------------------------------------------- end to end

def test_conv_text_shows_formula_steps_answer_and_notes():
    shown = dlquiz("conv", "--size", "224", "--kernel", "7", "--stride", "2", "--padding", "3")
    assert shown.returncode == 0 and shown.stderr == ""
    lines = shown.stdout.splitlines()
    assert any(line.startswith("formula:") and "⌊" in line for line in lines)
    assert any("⌊(224 + 2×3 − 1×(7−1) − 1)/2⌋" in line for line in lines)
    assert "answer: 112" in lines  # ⌊(224 + 6 − 6 − 1)/2⌋ + 1 = ⌊223/2⌋ + 1 = 112
    assert any(line.startswith("note:") for line in lines)


def test_conv_json_height_and_width_differ():
    data = dlquiz_json("conv", "--size", "30,17", "--kernel", "3,5", "--stride", "2,1", "--padding", "1,2")
    assert set(data) == SIZE_KEYS | {"output_height", "output_width"}
    # H: ⌊(30 + 2 − 2 − 1)/2⌋ + 1 = ⌊29/2⌋ + 1 = 15;  W: ⌊(17 + 4 − 4 − 1)/1⌋ + 1 = 17
    assert data["output_size"] == [15, 17]  # both sides, never the height alone
    assert data["output_height"] == 15 and data["output_width"] == 17
    assert isinstance(data["formula"], str) and all(isinstance(step, str) for step in data["steps"])


def test_pool_ceil_json():
    data = dlquiz_json("pool", "--size", "5,6", "--kernel", "2", "--stride", "2", "--padding", "1", "--ceil")
    assert set(data) == SIZE_KEYS | {"output_height", "output_width"}
    # H: ⌈(5 + 2 − 1 − 1)/2⌉ + 1 = 4, but window 4 starts at 3×2 = 6 ≥ n + p = 6: dropped → 3
    # W: ⌈(6 + 2 − 1 − 1)/2⌉ + 1 = 4, window 4 starts at 6 < n + p = 7: kept → 4
    assert data["output_size"] == [3, 4]


def test_conv_json_of_one_dimension_is_a_plain_integer():
    data = dlquiz_json("conv", "--size", "224", "--kernel", "7", "--stride", "2", "--padding", "3")
    assert set(data) == SIZE_KEYS
    assert data["output_size"] == 112  # ⌊(224 + 6 − 6 − 1)/2⌋ + 1 = 112, an int, not [112]


def test_conv_help_documents_the_json_shape():
    shown = dlquiz("conv", "--help")
    assert '"output_size" is [H, W]' in shown.stdout and "output_height" in shown.stdout


@pytest.mark.parametrize("args, fragment", [
    # a negative value after an option reaches the value's own check instead of argparse's "expected one argument"
    (("conv", "--size", "-3,4", "--kernel", "3"), "size must be a positive integer, got -3"),
    (("pool", "--size", "8", "--kernel", "2", "--padding", "-1,0"), "padding must be a non-negative integer, got -1"),
    (("solve", "padding", "--size", "7", "--kernel", "3", "--out", "-7"), "out must be a positive integer, got -7"),
])
def test_negative_values_after_options_get_the_calculators_message(args, fragment):
    shown = dlquiz(*args)
    assert shown.returncode == 2 and "expected one argument" not in shown.stderr
    assert len(shown.stderr.strip().splitlines()) == 1 and fragment in shown.stderr


def test_solve_padding_without_a_symmetric_answer_points_to_asymmetric_padding():
    # k = 4, s = 1, out = n: the total padding must be d(k−1) = 3, odd, so no p on both sides works
    shown = dlquiz("solve", "padding", "--size", "224", "--kernel", "4", "--out", "224")
    assert shown.returncode == 0, shown.stderr
    answer = [line for line in shown.stdout.splitlines() if line.startswith("answer:")]
    assert len(answer) == 1
    assert "no symmetric padding" in answer[0] and "1 left/top + 2 right/bottom" in answer[0]
    assert "dlquiz calc solve same --kernel 4" in answer[0]


def test_solve_stride_asked_to_grow_the_size_points_to_transposed():
    # the largest conv output is at s = 1: ⌊(112 + 2 − 2 − 1)/1⌋ + 1 = 112 < 224
    shown = dlquiz("solve", "stride", "--size", "112", "--kernel", "3", "--padding", "1", "--out", "224")
    assert shown.returncode == 0, shown.stderr
    answer = [line for line in shown.stdout.splitlines() if line.startswith("answer:")]
    assert len(answer) == 1 and "--transposed" in answer[0] and "(112)" in answer[0]
    # and the transposed conv it points to does have a stride: (112 − 1)·s − 2 + 3 + 1 = 224 at s = 2
    followed = dlquiz("solve", "stride", "--size", "112", "--kernel", "4", "--padding", "1", "--out", "224",
                      "--transposed")
    assert "answer: s ∈ {2}" in followed.stdout.splitlines()


def test_solve_padding_text():
    shown = dlquiz("solve", "padding", "--size", "224", "--kernel", "7", "--stride", "2", "--out", "112")
    assert shown.returncode == 0 and shown.stderr == ""
    # ⌊(224 + 2p − 6 − 1)/2⌋ + 1 = 112  ⇔  222 ≤ 217 + 2p ≤ 223  ⇔  2.5 ≤ p ≤ 3
    assert "answer: p ∈ {3}" in shown.stdout.splitlines()
    assert "formula:" in shown.stdout and "SymPy" in shown.stdout


def test_solve_input_json_is_the_exact_interval():
    data = dlquiz_json("solve", "input", "--out", "7", "--kernel", "3", "--stride", "2", "--padding", "1")
    assert set(data) == SOLVE_KEYS | {"interval"} and data["unknown"] == "input_size"
    by_brute_force = [n for n in range(1, 60) if (n + 2 * 1 - 1 * (3 - 1) - 1) // 2 + 1 == 7]
    assert data["solutions"] == by_brute_force
    assert data["interval"] == [by_brute_force[0], by_brute_force[-1]]


@pytest.mark.parametrize("args", [("conv", "--help"), ("solve", "input", "--help")])
def test_help_has_examples(args):
    shown = dlquiz(*args)
    assert shown.returncode == 0 and "examples:" in shown.stdout and "dlquiz calc" in shown.stdout


@pytest.mark.parametrize("args, fragment", [
    (("conv", "--size", "224", "--kernel", "0"), "kernel must be a positive integer, got 0"),
    (("conv", "--size", "abc", "--kernel", "3"), "'abc'"),
    (("pool", "--size", "5", "--kernel", "3", "--padding", "3"), "padding 3 is more than half the kernel 3"),
    (("solve", "input", "--out", "0", "--kernel", "3"), "out must be a positive integer, got 0"),
    (("solve",), "PROBLEM"),
])
def test_bad_input_end_to_end_is_one_line_exit_2(args, fragment):
    shown = dlquiz(*args)
    assert shown.returncode == 2
    assert "Traceback" not in shown.stderr
    assert len(shown.stderr.strip().splitlines()) == 1 and fragment in shown.stderr
    assert shown.stdout == ""


# ---------------------------------------------------------------- import weight

CHECK_IMPORTS = """
import sys
from dlquiz.cli import main
codes = [main(argv) for argv in {argvs!r}]
print("MODULES", sorted(m for m in ("torch", "sympy", "textual") if m in sys.modules), codes)
"""


def imported_heavy_modules(*argvs: list[str]) -> list[str]:
    shown = subprocess.run([sys.executable, "-c", CHECK_IMPORTS.format(argvs=list(argvs))], capture_output=True,
                           text=True, timeout=60)
    marker = shown.stdout.strip().splitlines()[-1]
    assert marker.startswith("MODULES"), shown.stdout + shown.stderr
    modules, codes = marker.removeprefix("MODULES ").split("] ")
    assert ast.literal_eval(codes) == [0] * len(argvs), shown.stderr
    return ast.literal_eval(modules + "]")


def test_calc_conv_and_pool_import_no_torch_sympy_or_textual():
    assert imported_heavy_modules(["calc", "conv", "--size", "32", "--kernel", "3", "--json"],
                                  ["calc", "conv", "--size", "8", "--kernel", "3", "--transposed"],
                                  ["calc", "pool", "--size", "32", "--kernel", "2", "--ceil"]) == []


def test_calc_solve_may_import_sympy_but_not_torch_or_textual():
    assert imported_heavy_modules(["calc", "solve", "same", "--kernel", "3"]) == ["sympy"]


# ---------------------------------------------------------------- in-process breadth

def test_transposed_conv_json_with_output_padding(capsys):
    data = in_process_json(capsys, "conv", "--size", "7", "--kernel", "3", "--stride", "2", "--padding", "1",
                           "--transposed", "--output-padding", "1")
    assert set(data) == SIZE_KEYS
    assert data["output_size"] == 14  # (7 − 1)×2 − 2×1 + 1×(3 − 1) + 1 + 1 = 14


def test_avg_pool_default_stride_json(capsys):
    data = in_process_json(capsys, "pool", "--size", "13", "--kernel", "3", "--avg")
    assert data["output_size"] == 4  # stride = kernel = 3: ⌊(13 − 2 − 1)/3⌋ + 1 = ⌊10/3⌋ + 1 = 4
    assert any("Caffe" in note for note in data["notes"])


def test_solve_same_json(capsys):
    data = in_process_json(capsys, "solve", "same", "--kernel", "5")
    assert set(data) == {"target_size", "symmetric_padding", "total_padding", "padding_left", "padding_right",
                         "formula", "steps", "notes"}
    assert data["symmetric_padding"] == [2]  # out = n + 2p − (5 − 1) = n  ⇔  p = 2


def test_solve_same_even_kernel_text_says_no_symmetric_padding(capsys):
    code, out, _ = in_process(capsys, "solve", "same", "--kernel", "4")
    assert code == 0 and "no symmetric padding" in out  # 2p = 3 has no integer solution


def test_solve_stride_reports_every_large_stride(capsys):
    data = in_process_json(capsys, "solve", "stride", "--size", "10", "--kernel", "3", "--out", "1")
    assert set(data) == SOLVE_KEYS
    assert data["every_value_from"] == 8  # ⌊(10 − 2 − 1)/s⌋ + 1 = 1  ⇔  s > 7


def test_solve_kernel_for_pooling_with_default_stride(capsys):
    data = in_process_json(capsys, "solve", "kernel", "--size", "12", "--out", "3", "--pool")
    # stride = kernel: ⌊(12 − k)/k⌋ + 1 = ⌊12/k⌋ = 3  ⇔  k = 4 (k = 3 gives 4, k = 5 gives 2)
    assert data["solutions"] == [4]


@pytest.mark.parametrize("args, fragment", [
    (("conv", "--size", "2.5", "--kernel", "3"), "'2.5'"),
    (("conv", "--size", "1,2,3", "--kernel", "3"), "'1,2,3'"),
    (("conv", "--size", "5", "--kernel", "9"), "output size would be"),
    (("conv", "--size", "5", "--kernel", "3", "--padding", "-1"),
     "padding must be a non-negative integer, got -1"),
    (("conv", "--size", "5", "--kernel", "3", "--stride", "0"), "stride must be a positive integer, got 0"),
    (("conv", "--size", "5,5", "--kernel", "3,0"), "width: kernel must be a positive integer, got 0"),
    (("conv", "--size", "5", "--kernel", "3", "--output-padding", "1"), "--transposed"),
    (("conv", "--size", "4", "--kernel", "3", "--stride", "2", "--transposed", "--output-padding", "2"),
     "output_padding 2 must be smaller"),
    (("pool", "--size", "9", "--kernel", "3", "--dilation", "2", "--padding", "2"), "padding 2 is more than half"),
    (("pool", "--size", "9", "--kernel", "3", "--dilation", "2", "--avg"), "dilation 2"),
    (("conv", "--size", "5"), "--kernel"),
    (("solve", "same", "--kernel", "3", "--stride", "2"), "size"),
    (("solve", "same", "--kernel", "0"), "kernel must be a positive integer, got 0"),
    (("solve", "padding", "--size", "10", "--kernel", "3", "--out", "x"), "'x'"),
    (("solve", "input", "--out", "5", "--kernel", "3", "--transposed", "--pool"), "--transposed"),
    (("solve", "input", "--out", "5", "--kernel", "3", "--output-padding", "1"), "--transposed"),
    (("solve", "stride", "--size", "10", "--kernel", "3", "--out", "2", "--padding", "2", "--pool"),
     "padding 2 is more than half the kernel 3"),
])
def test_bad_input_is_one_line_exit_2(capsys, args, fragment):
    code, out, err = in_process(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err
