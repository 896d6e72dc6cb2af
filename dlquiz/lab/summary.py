"""The text summary of a lab result: a table of each variant's final numbers, the findings, the
explanation. Torch-free; `dlquiz lab NAME` prints it, in English or Chinese."""
from __future__ import annotations

import textwrap
from typing import Any

from dlquiz.lab.catalog import EXPERIMENTS, explanation
from dlquiz.lab.catalog._base import Cell, num, pct
from dlquiz.text_layout import text_table, wrap_cjk


def _columns(name: str) -> list[tuple[str, Cell]]:
    """(header, cell) for this experiment's table: losses and accuracies, the experiment's own, divergence."""
    cols: list[tuple[str, Cell]] = [
        ("train loss", lambda v: num(v["final"].get("train_loss"), ".3g")),
        ("val loss", lambda v: num(v["final"].get("val_loss"), ".3g")),
        ("train acc", lambda v: pct(v["final"].get("train_acc"))),
        ("val acc", lambda v: pct(v["final"].get("val_acc"))),
        *EXPERIMENTS[name].columns,
    ]
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
    lines.append(wrap(explanation(result, lang)))
    return "\n".join(lines)
