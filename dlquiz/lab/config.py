"""What to run: `ExperimentConfig`, and `from_knobs`, the one rule that turns the knobs a user set (CLI
options or the TUI's lab form) into a custom variant. Torch-free, so both check their input before
torch is imported."""
from __future__ import annotations

from dataclasses import dataclass, field

from dlquiz.errors import InputError
from dlquiz.lab.catalog import EXPERIMENTS

ENGINES = ("auto", "stacked", "loop")
KNOBS = ("depth", "activation", "init", "lr", "dropout", "batchnorm")
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu")
# "default" is PyTorch's own init; "naive" is std 1/sqrt(fan_in), ignoring the activation's gain
INIT_NAMES = ("default", "naive", "zero", "small", "large", "xavier", "he")
# The init a custom variant gets when none is asked for: the one derived for the activation (He for
# ReLU; Glorot/Xavier for the saturating ones, derived for tanh and sigmoid-like units).
SUITED_INIT = {"relu": "he", "tanh": "xavier", "sigmoid": "xavier"}
MIN_DEPTH, MAX_DEPTH = 2, 60


def from_knobs(activation: str | None = None, init: str | None = None, depth: int | None = None,
               lr: float | None = None, dropout: float | None = None, batchnorm: bool | None = None) -> dict:
    """The custom variant's knobs, for `ExperimentConfig.knobs`. None means "not set": a knob left
    unset takes the experiment's own default, except init, which suits the activation (`SUITED_INIT`).
    Nothing set → {} (the experiment's preset variants). Any knob needs an activation."""
    given = {"activation": activation, "init": init, "depth": depth, "lr": lr, "dropout": dropout,
             "batchnorm": batchnorm}
    if all(v is None for v in given.values()):
        return {}
    if activation is None:
        raise InputError("a custom variant needs an activation (--activation sigmoid, tanh or relu) "
                         "along with the other knobs")
    check_knobs({"activation": activation})
    if init is None:
        given["init"] = SUITED_INIT[activation]
    knobs = {k: v for k, v in given.items() if v is not None}
    check_knobs(knobs)
    return knobs


def check_knobs(k: dict) -> None:
    """InputError for an unknown knob or a value out of range (one line, naming the knob)."""
    unknown = set(k) - set(KNOBS)
    if unknown:
        raise InputError(f"unknown knob(s) {', '.join(sorted(unknown))}; allowed: {', '.join(KNOBS)}")
    if "depth" in k and not (isinstance(k["depth"], int) and MIN_DEPTH <= k["depth"] <= MAX_DEPTH):
        raise InputError(f"depth must be a whole number from {MIN_DEPTH} to {MAX_DEPTH}, got {k['depth']}")
    if "activation" in k and k["activation"] not in ACTIVATION_NAMES:
        raise InputError(f"activation must be one of {', '.join(ACTIVATION_NAMES)}, got {k['activation']!r}")
    if "init" in k and k["init"] not in INIT_NAMES:
        raise InputError(f"init must be one of {', '.join(INIT_NAMES)}, got {k['init']!r}")
    if "lr" in k and not (isinstance(k["lr"], (int, float)) and 0 < k["lr"] <= 100):
        raise InputError(f"learning rate must be in (0, 100], got {k['lr']}")
    if "dropout" in k and not (isinstance(k["dropout"], (int, float)) and 0 <= k["dropout"] < 1):
        raise InputError(f"dropout must be in [0, 1), got {k['dropout']}")


@dataclass
class ExperimentConfig:
    name: str
    seed: int = 0
    steps: int | None = None
    device: str = "auto"
    # Knobs (build them with `from_knobs`): when any is set, the experiment runs one "custom" variant
    # built from them (filled in from the experiment's defaults) instead of its preset list;
    # `overfitting` keeps its baseline alongside for comparison.
    knobs: dict = field(default_factory=dict)
    threads: int | None = None  # CPU threads for torch during the run (None: experiments.CPU_THREADS)
    # "stacked": variants that share an architecture train as one batched network (dlquiz/lab/stacked.py);
    # "loop": one variant after another; "auto": stacked when some variants share an architecture.
    engine: str = "auto"

    def validate(self) -> None:
        if self.name not in EXPERIMENTS:
            raise InputError(f"unknown experiment {self.name!r}; allowed: {', '.join(EXPERIMENTS)}")
        if self.engine not in ENGINES:
            raise InputError(f"unknown engine {self.engine!r}; allowed: {', '.join(ENGINES)}")
        if self.steps is not None and not (isinstance(self.steps, int) and 1 <= self.steps <= 100_000):
            raise InputError(f"steps must be a whole number from 1 to 100000, got {self.steps}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or not 0 <= self.seed < 2**63:
            raise InputError(f"seed must be a whole number from 0 to 2**63-1, got {self.seed}")
        check_knobs(self.knobs)
