"""The text summary of a lab result: a table of each variant's final numbers, the findings, the
explanation. Torch-free; `dlquiz lab NAME` prints it, in English or Chinese."""
from __future__ import annotations

import textwrap
from typing import Any, Callable

from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.text_layout import text_table, wrap_cjk

Cell = Callable[[dict[str, Any]], str]  # variant result -> table cell


def _pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def _num(x, fmt=".3f") -> str:
    return "-" if x is None else format(x, fmt)


def _columns(name: str) -> list[tuple[str, Cell]]:
    """(header, cell) for this experiment's table."""
    cols: list[tuple[str, Cell]] = [
        ("train loss", lambda v: _num(v["final"].get("train_loss"), ".3g")),
        ("val loss", lambda v: _num(v["final"].get("val_loss"), ".3g")),
        ("train acc", lambda v: _pct(v["final"].get("train_acc"))),
        ("val acc", lambda v: _pct(v["final"].get("val_acc"))),
    ]
    if name in ("vanishing", "exploding", "init"):
        cols += [("∇first/∇last init", lambda v: _num(v["final"].get("grad_ratio_first_last_init"), ".1e")),
                 ("∇first/∇last end", lambda v: _num(v["final"].get("grad_ratio_first_last"), ".1e"))]
    if name == "exploding":
        cols.append(("‖∇‖ init", lambda v: _num(v["final"].get("grad_norm_total_init"), ".1e")))
    if name == "overfitting":
        cols += [("gap", lambda v: _num(v["final"].get("train_val_gap"), "+.0%")),
                 ("early stop", lambda v: "-" if v.get("early_stop_step") is None
                  else f"{v['early_stop_step']} (best {v.get('best_step')})")]
    if name == "batchnorm":
        cols += [("last hidden std init→end", lambda v: f"{_num(v['final'].get('act_std_last_hidden_init'), '.2g')}→"
                  f"{_num(v['final'].get('act_std_last_hidden_end'), '.2g')}"),
                 ("BN eval-mode acc", lambda v: _pct(v["final"].get("val_acc_bn_eval_mode"))),
                 ("BN train-mode acc (batch 8)", lambda v: _pct(v["final"].get("val_acc_bn_train_mode_batch8")))]
    if name == "optimizers":
        cols.append(("90% train acc at", lambda v: "never" if v["final"].get("steps_to_90pct_train_acc") is None
                     else f"step {v['final']['steps_to_90pct_train_acc']}"))
    if name == "init":
        cols += [("distinct units", lambda v: _num(v["final"].get("distinct_units"), "d")),
                 ("last std init", lambda v: _num(v["final"].get("act_std_last_hidden_init"), ".1e")),
                 ("saturated init", lambda v: _pct(v["final"].get("saturated_last_hidden_init")))]
    cols.append(("diverged at", lambda v: "-" if v.get("diverged_at") is None else f"step {v['diverged_at']}"))
    return cols


def summary_text(result: dict[str, Any], lang: str) -> str:
    """Title, run line, the variants table, findings and the explanation of `result` (run_experiment's)."""
    name = result["experiment"]
    info = EXPERIMENTS[name]
    state = "" if result.get("completed", True) else " (stopped early)"
    lines = [f"{name} — {info.title[lang]}",
             f"device {result['device']} ({result['engine']}), seed {result['seed']}, {result['steps']} steps, "
             f"{result['seconds']:.1f} s{state}", ""]
    cols = _columns(name)
    rows = [[vname] + [cell(v) for _, cell in cols] for vname, v in result["variants"].items()]
    headers = ["variant"] + [h for h, _ in cols]
    lines += text_table(headers, rows, align="l" + "r" * len(cols), rule="columns")
    lines.append("")
    findings = result.get("findings", {}).get(lang, [])
    wrap = (lambda t: textwrap.fill(t, 100)) if lang == "en" else wrap_cjk
    if findings:
        lines.extend("· " + item for item in findings)
        lines.append("")
    lines.append(wrap(info.explanation[lang]))
    return "\n".join(lines)
