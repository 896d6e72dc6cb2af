"""`dlquiz lab` through the command line: subprocesses for the real entry point (and the no-torch
promise for `lab list` / `lab --help`), in-process `main()` for cheap error paths."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dlquiz.cli import main
from dlquiz.lab.catalog import EXPERIMENTS


def dlquiz(*args, env=None):
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


# Runs `main(argv)` and reports whether torch got imported, even when argparse exits (as --help does).
NO_TORCH = """
import sys
from dlquiz.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("TORCH" if "torch" in sys.modules else "NO-TORCH", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("args", [["lab", "list"], ["lab", "list", "--json"], ["lab", "--help"], ["lab"],
                                  ["lab", "nope"], ["--help"]])
def test_lab_list_help_and_bad_names_do_not_import_torch(args):
    out = subprocess.run([sys.executable, "-c", NO_TORCH, *args], capture_output=True, text=True, timeout=120)
    assert out.stderr.strip().splitlines()[-1] == "NO-TORCH", out.stderr


def test_lab_list_json():
    out = dlquiz("lab", "list", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [e["name"] for e in data] == list(EXPERIMENTS) == \
        ["vanishing", "exploding", "overfitting", "batchnorm", "optimizers", "init", "lr_finder", "eval_mode"]
    for e in data:
        assert set(e["title"]) == {"zh", "en"} and isinstance(e["default_steps"], int)


def test_lab_list_text(capsys):
    assert main(["lab", "list"]) == 0
    text = capsys.readouterr().out
    for name, info in EXPERIMENTS.items():
        assert name in text and info.title["en"] in text


def test_lab_init_json_keys_and_types():
    out = dlquiz("lab", "init", "--steps", "20", "--json", "--device", "cpu")
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["experiment"] == "init" and r["device"] == "cpu" and r["seed"] == 0
    assert isinstance(r["seconds"], float) and r["steps"] == 20
    assert set(r["summary"]) == {"zh", "en"} and all(isinstance(t, str) and t for t in r["summary"].values())
    assert set(r["variants"]) == {"zero init", "small init", "large init", "xavier init", "he init"}
    for v in r["variants"].values():
        assert [h["step"] for h in v["history"]] == [0, 10, 20]
        for h in v["history"]:
            assert isinstance(h["step"], int)
            assert all(isinstance(h[k], float) for k in ("train_loss", "val_loss", "train_acc", "val_acc"))
        assert len(v["grad_norms"]) == 10 and all(isinstance(g, float) for g in v["grad_norms"])
        assert isinstance(v["final"], dict) and "val_acc" in v["final"]
    assert "lab init" in out.stderr  # the progress report goes to stderr, never into the JSON


def test_lab_text_summary_table_in_both_languages(capsys):
    assert main(["lab", "exploding", "--steps", "6", "--device", "cpu", "--quiet", "--lang", "en"]) == 0
    out = capsys.readouterr()
    assert out.err == ""  # --quiet
    lines = out.out.splitlines()
    assert lines[0].startswith("exploding — Exploding gradients")
    header = next(line for line in lines if line.startswith("variant"))
    for column in ("train loss", "val acc", "∇first/∇last init", "‖∇‖ init", "diverged at"):
        assert column in header
    assert any(line.startswith("large init (1.5x He)") and "step 3" in line for line in lines)
    assert EXPERIMENTS["exploding"].explanation["en"][:40] in out.out
    assert main(["lab", "overfitting", "--steps", "3", "--device", "cpu", "--quiet", "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert "early stop" in zh and "gap" in zh and "过拟合" in zh and "训练" in zh


def test_lab_lr_finder_and_eval_mode_print_their_tables_and_findings_in_both_languages(capsys):
    assert main(["lab", "lr_finder", "--device", "cpu", "--quiet", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("variant"))
    assert "suggested lr" in header and "blow-up lr" in header
    assert "· lr range test: the loss fell fastest at lr" in out and "· suggested: lr" in out
    assert main(["lab", "lr_finder", "--steps", "30", "--device", "cpu", "--quiet", "--lang", "zh"]) == 0
    assert "下降最快" in capsys.readouterr().out
    assert main(["lab", "eval_mode", "--steps", "30", "--device", "cpu", "--quiet", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "train-mode acc (b8)" in out and "ValueError" in out and "model.eval()" in out
    assert main(["lab", "eval_mode", "--steps", "30", "--device", "cpu", "--quiet", "--lang", "zh"]) == 0
    assert "训练模式" in capsys.readouterr().out


def test_lab_lr_finder_json_has_the_curve_and_the_check_runs():
    out = dlquiz("lab", "lr_finder", "--steps", "40", "--json", "--device", "cpu", "--quiet")
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    sweep = r["variants"]["lr range test"]
    assert len(sweep["lr_curve"]) == 40 and {"step", "lr", "loss"} <= set(sweep["lr_curve"][0])
    assert isinstance(sweep["final"]["lr_suggested"], float)
    assert sorted(name.split(":")[0] for name in r["variants"]) == ["lr range test", "suggested", "too high",
                                                                     "too low"]
    assert r["engine"] == "loop"


def test_lab_lr_finder_knobs_set_the_net_and_the_top_of_the_sweep(capsys):
    assert main(["lab", "lr_finder", "--activation", "tanh", "--lr", "1", "--steps", "20", "--device", "cpu",
                 "--quiet", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    rows = r["variants"]["lr range test"]["lr_curve"]
    assert abs(rows[-1]["lr"] - 1.0) < 1e-9
    assert "range test of a 3-layer tanh MLP" in r["summary"]["en"]
    assert main(["lab", "lr_finder", "--activation", "relu", "--lr", "0.0001", "--device", "cpu", "--quiet"]) == 2
    assert "top of the sweep" in capsys.readouterr().err


def test_lab_custom_knobs_from_the_command_line(capsys):
    assert main(["lab", "vanishing", "--activation", "relu", "--init", "he", "--depth", "8", "--steps", "3",
                 "--device", "cpu", "--quiet", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    [(name, v)] = r["variants"].items()
    assert "relu/he" in name and "d8" in name and len(v["grad_norms"]) == 8
    assert r["knobs"] == {"activation": "relu", "init": "he", "depth": 8}


@pytest.mark.parametrize("args, message", [
    (["lab", "nope"], "unknown experiment 'nope'"),
    (["lab", "init", "--steps", "0"], "steps"),
    (["lab", "init", "--depth", "4"], "--activation"),
    (["lab", "init", "--activation", "relu", "--dropout", "1.5"], "dropout"),
    (["lab", "init", "--device", "tpu"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, err


def test_bad_name_subprocess_exit_2_one_line():
    out = dlquiz("lab", "vanishingg")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "dlquiz: error: unknown experiment 'vanishingg'; allowed: list, " + ", ".join(EXPERIMENTS)]


def test_device_cuda_without_a_gpu_is_one_line_exit_2(monkeypatch, capsys):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(["lab", "init", "--device", "cuda", "--steps", "2", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no CUDA GPU" in err[0]
