"""`dlquiz lab list` and `dlquiz lab NAME`: run a live-lab experiment from the command line.

Only the torch-free catalog is imported here; torch loads when an experiment actually runs, so
`dlquiz lab --help` and `dlquiz lab list` stay fast.
"""
from __future__ import annotations

import argparse
import sys
import time

from dlquiz.commands import Output
from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.config import ACTIVATION_NAMES, ENGINES, INIT_NAMES, ExperimentConfig, from_knobs
from dlquiz.lab.summary import summary_text
from dlquiz.lang import env_lang

DEVICES = ("auto", "cpu", "cuda", "mps")


def register(subparsers: argparse._SubParsersAction) -> None:
    names = ", ".join(EXPERIMENTS)
    p = subparsers.add_parser(
        "lab", help="live experiments: vanishing/exploding gradients, overfitting, BatchNorm, optimisers, init, "
        "lr range test, train vs eval mode",
        description=f"Run a small PyTorch experiment and print what it shows. NAME is `list` or one of: {names}. "
        "Knob options (--activation, --init, --depth, --lr, --dropout, --batchnorm) replace the preset "
        "variants with one custom variant, as the TUI's lab screen does.")
    p.add_argument("name", nargs="?", default="list", metavar="NAME", help=f"`list` (default) or one of: {names}")
    p.add_argument("--device", choices=DEVICES, default="auto",
                   help="auto picks CUDA, then Apple MPS, then the CPU (default: auto)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0; runs on the CPU are deterministic)")
    p.add_argument("--steps", type=int, help="training steps (default: the experiment's own)")
    p.add_argument("--engine", choices=ENGINES, default="auto",
                   help="stacked: variants sharing an architecture train as one batched network; loop: one "
                   "after another (default auto: stacked)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the summary (default: from $LANG, else en)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    knobs = p.add_argument_group("custom variant (knobs)")
    knobs.add_argument("--activation", choices=ACTIVATION_NAMES)
    knobs.add_argument("--init", choices=INIT_NAMES,
                       help="weight init (default: the one that suits the activation: he for relu, xavier "
                       "for tanh and sigmoid; `default` is PyTorch's own)")
    knobs.add_argument("--depth", type=int, help="number of Linear layers (2-60)")
    knobs.add_argument("--lr", type=float, help="learning rate (lr_finder: the top of the sweep)")
    knobs.add_argument("--dropout", type=float, help="dropout probability in [0, 1)")
    knobs.add_argument("--batchnorm", action=argparse.BooleanOptionalAction, default=None,
                       help="BatchNorm after every hidden Linear, or not (default: the experiment's own)")
    p.set_defaults(handler=handle_lab)


def config_from_args(args) -> ExperimentConfig:
    """The options as a checked config; the knobs go through `from_knobs`, as the TUI's form does."""
    knobs = from_knobs(activation=args.activation, init=args.init, depth=args.depth, lr=args.lr,
                       dropout=args.dropout, batchnorm=args.batchnorm)
    config = ExperimentConfig(args.name, seed=args.seed, steps=args.steps, device=args.device, knobs=knobs,
                              engine=args.engine)
    config.validate()
    return config


def handle_lab(args) -> Output:
    from dlquiz.errors import InputError

    if args.name == "list":
        return list_output()
    if args.name not in EXPERIMENTS:
        raise InputError(f"unknown experiment {args.name!r}; allowed: list, {', '.join(EXPERIMENTS)}")
    lang = args.lang or env_lang()
    config = config_from_args(args)  # every input checked before torch loads

    from dlquiz.lab.experiments import run_experiment  # imports torch

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
    lines.append("run one: dlquiz lab NAME [--device auto|cpu|cuda] [--engine auto|stacked|loop] [--seed S] "
                 "[--steps N] [--lang zh|en] [--json]")
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

    def update(self, event) -> None:
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
