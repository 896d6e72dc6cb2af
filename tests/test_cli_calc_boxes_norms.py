"""`dlquiz calc iou` and `dlquiz calc norm` through a real subprocess."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def dlquiz(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"DLQUIZ_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def run_json(*args: str, tmp_path: Path) -> dict:
    proc = dlquiz(*args, "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# ---------------------------------------------------------------- iou

def test_iou_text_shows_all_four_with_derivation(tmp_path):
    proc = dlquiz("calc", "iou", "0,0,10,10", "5,5,15,15", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for label in ("IoU", "GIoU", "DIoU", "CIoU", "25/175", "enclosing", "α"):
        assert label in proc.stdout
    assert "0.142857" in proc.stdout                           # 1/7, derived by hand in test_boxes


def test_iou_json(tmp_path):
    data = run_json("calc", "iou", "0,0,10,10", "5,5,15,15", tmp_path=tmp_path)
    assert {"iou", "giou", "diou", "ciou"} <= data.keys()
    assert all(isinstance(data[k], float) for k in ("iou", "giou", "diou", "ciou"))
    # Hand derivation: 25/175, 1/7 − 2/9, 1/7 − 1/9, squares → CIoU = DIoU.
    assert data["iou"] == pytest.approx(1 / 7) and data["giou"] == pytest.approx(-5 / 63)
    assert data["diou"] == pytest.approx(2 / 63) and data["ciou"] == pytest.approx(2 / 63)
    assert isinstance(data["steps"]["iou"], list) and all(isinstance(s, str) for s in data["steps"]["iou"])


def test_iou_pixel_inclusive_and_negative_coordinates(tmp_path):
    data = run_json("calc", "iou", "0,0,9,9", "5,5,14,14", "--pixel-inclusive", tmp_path=tmp_path)
    assert data["iou"] == pytest.approx(25 / 175)              # 10×10 pixel boxes, 5×5 overlap
    data = run_json("calc", "iou", "-10,-10,0,0", "-5,-5,5,5", tmp_path=tmp_path)
    assert data["iou"] == pytest.approx(25 / 175)              # the same picture shifted by −10


# ---------------------------------------------------------------- norm

def test_norm_vector_json_types(tmp_path):
    data = run_json("calc", "norm", "3,-4,0", "--p", "3", tmp_path=tmp_path)
    assert {"l0", "l1", "l2", "linf", "lp"} <= data.keys()
    assert data["l0"] == 2 and isinstance(data["l0"], int)
    assert data["l1"] == 7 and isinstance(data["l1"], int)
    assert data["l2"] == 5 and data["linf"] == 4
    assert data["lp"] == pytest.approx(91 ** (1 / 3)) and data["p"] == 3


def test_norm_vector_without_p_has_no_lp(tmp_path):
    data = run_json("calc", "norm", "1,1", tmp_path=tmp_path)
    assert "lp" not in data and data["l2"] == pytest.approx(math.sqrt(2))


def test_norm_matrix_json(tmp_path):
    data = run_json("calc", "norm", "--matrix", "1,2;3,4", tmp_path=tmp_path)
    assert {"frobenius", "nuclear", "spectral", "l1", "linf"} <= data.keys()
    assert data["frobenius"] == pytest.approx(math.sqrt(30))
    assert data["nuclear"] == pytest.approx(math.sqrt(34))     # σ₁ + σ₂ = √(‖A‖_F² + 2|det A|)
    assert data["l1"] == 6 and data["linf"] == 7 and isinstance(data["l1"], int)


def test_norm_text(tmp_path):
    proc = dlquiz("calc", "norm", "3,-4", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "√25 = 5" in proc.stdout and "not a true norm" in proc.stdout


@pytest.mark.parametrize("args", [
    ("-3,4", "--json"),           # a leading minus is still a value
    ("--json", "-3,4"),
    ("--vector=-3,4", "--json"),
    ("--vector", "-3,4", "--json"),
    ("--json", "--", "-3,4"),
])
def test_norm_negative_numbers(args, tmp_path):
    proc = dlquiz("calc", "norm", *args, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["l1"] == 7 and data["l2"] == 5 and data["linf"] == 4


@pytest.mark.parametrize("args", [("1,-2", "--p", "-inf"), ("1,-2", "--p=-inf"), ("--p", "-inf", "1,-2"),
                                  ("1,-2", "--p", "-Infinity")])
def test_norm_minus_inf_after_p_is_the_smallest_magnitude(args, tmp_path):
    # argparse used to stop at "--p -inf" with "expected one argument"
    data = run_json("calc", "norm", *args, tmp_path=tmp_path)
    assert data["lp"] == 1 and data["p"] == "-inf"  # min(|1|, |−2|) = 1, what numpy's ord=-inf gives


@pytest.mark.parametrize("p, expected", [
    # A = [[1, −2], [3, 4]]: column sums 4, 6; row sums 3, 7
    ("-1", 4), ("-inf", 3), ("1", 6), ("inf", 7),
])
def test_norm_matrix_negative_orders(p, expected, tmp_path):
    data = run_json("calc", "norm", "--matrix", "1,-2;3,4", "--p", p, tmp_path=tmp_path)
    assert data["lp"] == expected and isinstance(data["lp"], int)


def test_norm_matrix_order_minus_two_is_the_smallest_singular_value(tmp_path):
    # σ₁·σ₂ = |det A| = |4 + 6| = 10 and σ₁² + σ₂² = ‖A‖_F² = 30, so σ_min² = 15 − √(225 − 100) = 15 − 5√5
    data = run_json("calc", "norm", "--matrix", "1,-2;3,4", "--p", "-2", tmp_path=tmp_path)
    assert data["lp"] == pytest.approx(math.sqrt(15 - 5 * math.sqrt(5)), rel=1e-9) and data["p"] == -2
    assert data["lp"] * data["spectral"] == pytest.approx(10, rel=1e-9)


def test_norm_negative_matrix_entry(tmp_path):
    data = run_json("calc", "norm", "--matrix", "-1,2;3,-4", tmp_path=tmp_path)
    assert data["l1"] == 6 and data["linf"] == 7


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, mentions", [
    (("iou", "0,0,10", "5,5,15,15"), "0,0,10"),                # three coordinates
    (("iou", "0,0,10,x", "5,5,15,15"), "'x'"),
    (("iou", "10,0,0,10", "5,5,15,15"), "(10, 0, 0, 10)"),     # reversed box
    (("iou", "0,0,0,10", "5,5,15,15"), "zero width"),
    (("iou", "0,0,10,10"), "X1,Y1,X2,Y2"),                     # second box missing
    (("norm",), "V1,V2"),                                      # nothing given
    (("norm", "1,,2"), "value 2"),
    (("norm", "1,a"), "'a'"),
    (("norm", "--matrix", "1,2;3"), "row 2"),                  # ragged
    (("norm", "1,2", "--p", "0.5"), "not a norm"),
    (("norm", "1,2", "--p", "abc"), "--p"),
    (("norm", "1,2", "--matrix", "1;2"), "exactly one"),
    (("norm", "--matrix", "1,2;3,4", "--p", "3"), "-1, -2 or -inf"),  # numpy has no matrix order 3
    (("norm", "1,2", "--p", "-2"), "not a norm"),                  # reaches the norm, not argparse
])
def test_bad_input_one_line_exit_2(args, mentions, tmp_path):
    proc = dlquiz("calc", *args, tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert mentions in lines[0]
    assert proc.stdout == ""


@pytest.mark.parametrize("command", ["iou", "norm"])
def test_help_has_examples(command, tmp_path):
    proc = dlquiz("calc", command, "--help", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "examples:" in proc.stdout and f"dlquiz calc {command}" in proc.stdout
