"""`dlquiz lab list` and `dlquiz lab NAME`: run a live-lab experiment from the command line.

Only the torch-free catalog is imported here; torch loads when an experiment actually runs, so
`dlquiz lab --help` and `dlquiz lab list` stay fast.
"""
from __future__ import annotations

import argparse
import re
import sys
import textwrap
import time
import unicodedata
from typing import Callable

from dlquiz.commands import Output
from dlquiz.lang import env_lang
from dlquiz.lab.catalog import EXPERIMENTS

DEVICES = ("auto", "cpu", "cuda", "mps")


def register(subparsers: argparse._SubParsersAction) -> None:
    names = ", ".join(EXPERIMENTS)
    p = subparsers.add_parser(
        "lab", help="live experiments: vanishing/exploding gradients, overfitting, BatchNorm, optimisers, init",
        description=f"Run a small PyTorch experiment and print what it shows. NAME is `list` or one of: {names}. "
        "Knob options (--activation, --init, --depth, --lr, --dropout, --batchnorm) replace the preset "
        "variants with one custom variant, as the TUI's lab screen does.")
    p.add_argument("name", nargs="?", default="list", metavar="NAME", help=f"`list` (default) or one of: {names}")
    p.add_argument("--device", choices=DEVICES, default="auto",
                   help="auto picks CUDA, then Apple MPS, then the CPU (default: auto)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0; runs on the CPU are deterministic)")
    p.add_argument("--steps", type=int, help="training steps (default: the experiment's own)")
    p.add_argument("--engine", choices=("auto", "stacked", "loop"), default="auto",
                   help="stacked: variants sharing an architecture train as one batched network; loop: one "
                   "after another (default auto: stacked)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the summary (default: from $LANG, else en)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    knobs = p.add_argument_group("custom variant (knobs)")
    knobs.add_argument("--activation", choices=("sigmoid", "tanh", "relu"))
    knobs.add_argument("--init", choices=("default", "naive", "zero", "small", "large", "xavier", "he"))
    knobs.add_argument("--depth", type=int, help="number of Linear layers (2-60)")
    knobs.add_argument("--lr", type=float, help="learning rate")
    knobs.add_argument("--dropout", type=float, help="dropout probability in [0, 1)")
    knobs.add_argument("--batchnorm", action="store_true", default=None, help="BatchNorm after every hidden Linear")
    p.set_defaults(handler=handle_lab)


def handle_lab(args) -> Output:
    from dlquiz.errors import InputError

    if args.name == "list":
        return list_output()
    if args.name not in EXPERIMENTS:
        raise InputError(f"unknown experiment {args.name!r}; allowed: list, {', '.join(EXPERIMENTS)}")
    lang = args.lang or env_lang()
    knobs = {k: getattr(args, k) for k in ("activation", "init", "depth", "lr", "dropout", "batchnorm")
             if getattr(args, k) is not None}
    if knobs and "activation" not in knobs:
        raise InputError("a custom variant needs --activation (sigmoid, tanh or relu) along with the other knobs")

    from dlquiz.lab.experiments import ExperimentConfig, run_experiment  # imports torch

    config = ExperimentConfig(args.name, seed=args.seed, steps=args.steps, device=args.device, knobs=knobs,
                              engine=args.engine)
    config.validate()
    total = args.steps or EXPERIMENTS[args.name].default_steps
    bar = None if args.quiet else ProgressBar(args.name, total, sys.stderr)
    try:
        result = run_experiment(config, on_event=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    return Output(result, summary_text(result, lang))


def list_output() -> Output:
    data = [{"name": e.name, "title": dict(e.title), "default_steps": e.default_steps,
             "related_tags": list(e.related_tags)} for e in EXPERIMENTS.values()]
    width = max(len(name) for name in EXPERIMENTS)
    lines = [f"{e.name:{width}}  {e.title['en']} · {e.title['zh']}" for e in EXPERIMENTS.values()]
    lines.append("")
    lines.append("run one: dlquiz lab NAME [--device auto|cpu|cuda] [--engine auto|stacked|loop] [--seed S] [--steps N] "
                 "[--lang zh|en] [--json]")
    return Output(data, "\n".join(lines))


class ProgressBar:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, a line per quarter otherwise."""

    WIDTH = 30

    def __init__(self, name: str, total: int, stream) -> None:
        self.name, self.total, self.stream = name, max(total, 1), stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.step = -1
        self.quarter = -1
        self.start = time.perf_counter()
        self.diverged: list[str] = []

    def update(self, event) -> None:
        if event.diverged:
            self.diverged.append(event.variant)
        if event.step <= self.step:
            return
        self.step = event.step
        frac = min(self.step / self.total, 1.0)
        if self.tty:
            filled = int(frac * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\rlab {self.name} [{bar}] {frac:4.0%}  step {self.step}/{self.total}"
                              f"  {time.perf_counter() - self.start:5.1f} s")
            self.stream.flush()
        elif int(frac * 4) > self.quarter:
            self.quarter = int(frac * 4)
            self.stream.write(f"lab {self.name}: {frac:.0%} (step {self.step}/{self.total}, "
                              f"{time.perf_counter() - self.start:.1f} s)\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.step >= 0:
            self.stream.write("\n")
            self.stream.flush()


# -- the text summary ------------------------------------------------------------------------------
def _pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def _num(x, fmt=".3f") -> str:
    return "-" if x is None else format(x, fmt)


def _columns(name: str) -> list[tuple[str, Callable[[dict], str]]]:
    """(header, cell(variant_result) -> str) for this experiment's table."""
    cols: list[tuple[str, Callable[[dict], str]]] = [
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


def summary_text(result: dict, lang: str) -> str:
    name = result["experiment"]
    info = EXPERIMENTS[name]
    state = "" if result.get("completed", True) else " (stopped early)"
    lines = [f"{name} — {info.title[lang]}",
             f"device {result['device']} ({result['engine']}), seed {result['seed']}, {result['steps']} steps, "
             f"{result['seconds']:.1f} s{state}", ""]
    cols = _columns(name)
    rows = [[vname] + [cell(v) for _, cell in cols] for vname, v in result["variants"].items()]
    headers = ["variant"] + [h for h, _ in cols]
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))]
    fmt_row = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(r, widths)))
    lines.append(fmt_row(headers))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(fmt_row(r) for r in rows)
    lines.append("")
    findings = result.get("findings", {}).get(lang, [])
    explanation = info.explanation[lang]
    wrap = (lambda t: textwrap.fill(t, 100)) if lang == "en" else wrap_cjk
    if findings:
        lines.extend("· " + item for item in findings)
        lines.append("")
    lines.append(wrap(explanation))
    return "\n".join(lines)


def wrap_cjk(text: str, width: int = 100) -> str:
    """Wrap mixed Chinese/ASCII text to `width` terminal columns (CJK characters are two wide) without
    splitting ASCII words or numbers, and without starting a line with closing punctuation."""
    tokens = re.findall(r"[A-Za-z0-9_.'’+\-×≤≈=/%()]+|\s+|.", text)
    lines, line, cols = [], "", 0
    for tok in tokens:
        w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in tok)
        if cols + w > width and line and tok not in "，。、；：）,.;:)" and not tok.isspace():
            lines.append(line.rstrip())
            line, cols = "", 0
        if not line and tok.isspace():
            continue
        line += tok
        cols += w
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)
