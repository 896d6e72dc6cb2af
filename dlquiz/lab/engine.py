"""The training loop shared by every experiment, and the metric events it emits.

All variants of an experiment train in one loop, step by step, so the CLI and the TUI see them move
together. Every `report_every` steps (and at the last step) one `StepEvent` per variant goes to the
callback; the TUI batches them before posting to its UI thread.

What a report at step s describes: the model after s updates (s = 0 is the initial model). Its
gradient norms are those of the mini-batch loss at step s, measured before clipping. The loop runs
steps + 1 iterations; the last one only measures (no update).

Device-agnostic and sync-light: data, index permutations and augmentation noise live on the chosen
device, and nothing is copied to the host between reports. In particular divergence is detected
lazily: each step's loss is kept as a device tensor and checked at the next report, which finds the
first non-finite step exactly (on a GPU a per-step `isfinite` check would stall the pipeline every
step). A diverged variant is reported once ("diverged at step N") and dropped; the others go on.

This loop trains variants one after another with their own nn.Modules and torch.optim optimisers;
it is the reference. `dlquiz/lab/stacked.py` trains the same variants as stacked networks (one
batched forward/backward per architecture), matches this loop to rounding in float64, and is what
experiments use by default (`engine="auto"`).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import nn

from dlquiz.errors import InputError


def pick_device(name: str = "auto") -> torch.device:
    """auto → CUDA, then MPS, then CPU. Asking for a device that isn't there is an input error."""
    mps = getattr(torch.backends, "mps", None)
    mps_ok = bool(mps is not None and mps.is_available())
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if mps_ok:
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda: no CUDA GPU is available here (use --device auto or cpu)")
    if name == "mps" and not mps_ok:
        raise InputError("--device mps: Apple's MPS backend is not available here (use --device auto or cpu)")
    if name not in ("cpu", "cuda", "mps"):
        raise InputError(f"unknown device {name!r}; allowed: auto, cpu, cuda, mps")
    return torch.device(name)


@dataclass
class Variant:
    """One line on the chart: a model, its optimiser and how to train it."""

    name: str
    model: nn.Module
    optimizer: torch.optim.Optimizer
    clip_grad: float | None = None
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None
    # Early stopping: after this many reports without a better validation loss the variant stops,
    # and its best weights (and metrics) are restored.
    early_stopping_patience: int | None = None
    # A per-step learning rate (the lr range test): step -> the lr of that step's update. Every step's
    # batch loss is then kept in `lr_curve` against the lr of the update before it. Loop engine only.
    lr_schedule: Callable[[int], float] | None = None
    # filled during training
    history: list[dict] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    grad_norms_init: list[float] = field(default_factory=list)
    grad_norms_history: list[dict] = field(default_factory=list)
    activation_stats: list[dict] = field(default_factory=list)
    lr_curve: list[dict] = field(default_factory=list)  # {"step", "lr", "loss"}, with lr_schedule only
    diverged_at: int | None = None
    stopped_at: int | None = None
    best_step: int | None = None
    best_val_loss: float = math.inf
    _bad_reports: int = 0
    _best_state: dict | None = None
    _pending: list = field(default_factory=list)  # device tensors: (step, batch loss) since the last report
    _layers: list = field(default_factory=list)
    _lr_sent: int = 0  # lr_curve rows already sent in events

    @property
    def live(self) -> bool:
        return self.diverged_at is None and self.stopped_at is None


@dataclass
class StepEvent:
    step: int
    variant: str
    metrics: dict
    grad_norms: list[float]
    diverged: bool = False
    extra: dict = field(default_factory=dict)  # activation stats, early-stop mark, ...


@dataclass
class RunConfig:
    steps: int
    batch_size: int = 64
    report_every: int = 10
    seed: int = 0
    dense_steps: int = 0  # also report every step before this one (where blow-ups happen)
    eval_train: int = 256  # train metrics on a fixed subset of this many training examples
    eval_val: int = 500  # validation metrics on at most this many


def weight_layers(model: nn.Module) -> list[nn.Linear]:
    """Layers whose weight-gradient norm we plot, first layer first."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _grad_norm_tensor(layers: list[nn.Linear]) -> torch.Tensor:
    """Per-layer ‖∂L/∂W‖ as one device tensor (no host sync)."""
    return torch.stack([m.weight.grad.detach().norm() if m.weight.grad is not None
                        else m.weight.new_zeros(()) for m in layers])


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


@dataclass
class EvalSet:
    """What every report evaluates: a fixed training subset and the validation set, in one tensor."""

    x: torch.Tensor
    n_fit: int
    y_fit: torch.Tensor
    y_val: torch.Tensor


@dataclass
class Batch:
    step: int
    x: torch.Tensor
    y: torch.Tensor
    last: bool  # the final iteration: measure only, no update
    report: bool


def prepare(data, config: RunConfig, device: torch.device) -> tuple[EvalSet, Iterator[Batch]]:
    """Move the data to the device; return the evaluation set and the mini-batch schedule (seeded
    reshuffles, steps + 1 batches). Both training engines use this, so they see the same batches."""
    x_tr, y_tr, x_val, y_val = (torch.as_tensor(a).to(device) for a in data)
    n_fit = min(config.eval_train, len(x_tr))
    eval_set = EvalSet(torch.cat([x_tr[:n_fit], x_val[:config.eval_val]]), n_fit, y_tr[:n_fit],
                       y_val[:config.eval_val])

    def batches() -> Iterator[Batch]:
        gen = torch.Generator(device="cpu").manual_seed(config.seed)
        n = len(x_tr)
        size = min(config.batch_size, n)
        order, cursor = torch.randperm(n, generator=gen).to(device), 0
        for step in range(config.steps + 1):
            if cursor + size > n:
                order, cursor = torch.randperm(n, generator=gen).to(device), 0
            idx = order[cursor:cursor + size]
            cursor += size
            last = step == config.steps
            yield Batch(step, x_tr[idx], y_tr[idx], last,
                        last or step % config.report_every == 0 or step < config.dense_steps)

    return eval_set, batches()


def per_variant_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of every variant: logits [V, B, C], labels [B] → [V]."""
    v, b, c = logits.shape
    return nn.functional.cross_entropy(logits.reshape(v * b, c), y.repeat(v), reduction="none").view(v, b).mean(1)


def eval_metrics(out: torch.Tensor, ev: EvalSet) -> torch.Tensor:
    """[V, 4]: train loss, val loss, train accuracy, val accuracy, from eval-mode logits [V, N, C] of
    `ev.x` (one variant: V = 1). One device tensor; the caller syncs it with everything else."""
    fit, val = out[:, :ev.n_fit], out[:, ev.n_fit:]
    return torch.stack([per_variant_loss(fit, ev.y_fit), per_variant_loss(val, ev.y_val),
                        (fit.argmax(2) == ev.y_fit).to(out.dtype).mean(1),
                        (val.argmax(2) == ev.y_val).to(out.dtype).mean(1)], 1)


def train_variants(variants: list[Variant], data, config: RunConfig, device: torch.device,
                   on_event: Callable[[StepEvent], None] | None = None,
                   should_stop: Callable[[], bool] | None = None,
                   track_activations: Callable[[Variant], dict] | None = None) -> bool:
    """Train every variant for config.steps mini-batch steps. Returns False if `should_stop` said so
    (it is asked once per step, so a stop takes effect within one step)."""
    eval_set, batches = prepare(data, config, device)
    loss_fn = nn.CrossEntropyLoss()
    for v in variants:
        v.model.to(device).train()
        v._layers = weight_layers(v.model)
        v._pending = []
    live = [v for v in variants if v.live]
    for b in batches:
        if should_stop is not None and should_stop():
            return False
        for v in live:
            x_in = v.augment(b.x) if v.augment is not None else b.x
            v.optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(v.model(x_in), b.y)
            loss.backward()
            v._pending.append(loss.detach())
            if b.report:
                _report(v, b.step, _grad_norm_tensor(v._layers), eval_set, on_event, track_activations)
                if not v.live:
                    continue
            if not b.last:
                if v.clip_grad is not None:
                    nn.utils.clip_grad_norm_(v.model.parameters(), v.clip_grad)
                if v.lr_schedule is not None:
                    lr = v.lr_schedule(b.step)
                    for group in v.optimizer.param_groups:
                        group["lr"] = lr
                v.optimizer.step()
        if b.report:
            live = [v for v in live if v.live]
            if not live:
                break
    return True


def _report(v: Variant, step: int, norms: torch.Tensor, ev: EvalSet, on_event, track_activations) -> None:
    # Divergence: the first non-finite batch loss since the last report.
    losses = torch.stack(v._pending)
    first_step = step - len(v._pending) + 1
    v._pending = []
    if v.lr_schedule is not None:  # before the divergence check: the curve up to the blow-up is the result
        record_lr_curve(v, first_step, losses.tolist())
    bad = (~torch.isfinite(losses)).nonzero()
    if len(bad):
        diverge(v, first_step + int(bad[0, 0]), on_event)
        return
    model = v.model
    model.eval()
    with torch.no_grad():
        scalars = eval_metrics(model(ev.x).unsqueeze(0), ev)[0]
        values = torch.cat([scalars, norms.to(scalars.dtype)]).tolist()  # the only host sync of a report
    model.train()
    record_report(v, step, values, on_event, track_activations)


def record_lr_curve(v: Variant, first_step: int, losses: list[float]) -> None:
    """The range test's rows: the batch loss at step t against the lr of the update (at t - 1) that led to
    it; the curve ends at the first non-finite loss."""
    assert v.lr_schedule is not None
    for step, loss in enumerate(losses, start=first_step):
        if not _finite(loss):
            break
        if step > 0:
            v.lr_curve.append({"step": step, "lr": v.lr_schedule(step - 1), "loss": loss})


def record_report(v: Variant, step: int, values: list[float], on_event, track_activations) -> None:
    """Host-side bookkeeping of one report: values = [train_loss, val_loss, train_acc, val_acc,
    *per-layer gradient norms]. Shared by the per-variant loop and the stacked engine."""
    train_loss, val_loss, train_acc, val_acc = values[:4]
    grad_norms = values[4:]
    if not all(_finite(x) for x in values):
        diverge(v, step, on_event)
        return
    model = v.model
    v.grad_norms = grad_norms
    if step == 0:
        v.grad_norms_init = grad_norms
    v.grad_norms_history.append({"step": step, "norms": grad_norms})
    metrics = {"step": step, "train_loss": train_loss, "val_loss": val_loss, "train_acc": train_acc,
               "val_acc": val_acc}
    v.history.append(metrics)
    extra: dict = {}
    if v.lr_schedule is not None:
        extra["lr_points"] = v.lr_curve[v._lr_sent:]
        v._lr_sent = len(v.lr_curve)
    if track_activations is not None:
        stats = track_activations(v)
        v.activation_stats.append({"step": step, **stats})
        extra.update(stats)
    if v.early_stopping_patience is not None:
        if val_loss < v.best_val_loss - 1e-4:
            v.best_val_loss, v.best_step, v._bad_reports = val_loss, step, 0
            v._best_state = {k: t.detach().clone() for k, t in model.state_dict().items()}
        else:
            v._bad_reports += 1
            if v._bad_reports >= v.early_stopping_patience:
                v.stopped_at = step
                if v._best_state is not None:  # set by the first report: a finite loss always beats inf
                    model.load_state_dict(v._best_state)  # restore the best weights, as early stopping does
                extra.update({"early_stop": True, "best_step": v.best_step})
    if on_event:
        on_event(StepEvent(step, v.name, metrics, grad_norms, extra=extra))


def diverge(v: Variant, step: int, on_event) -> None:
    v.diverged_at = step
    if on_event:
        on_event(StepEvent(step, v.name, {"step": step}, v.grad_norms, diverged=True))


def _ratio(norms: list[float]) -> float | None:
    if len(norms) < 2 or not norms[-1] > 0:
        return None
    return norms[0] / norms[-1]


def variant_summary(v: Variant) -> dict:
    """One variant's part of the `dlquiz lab NAME --json` result."""
    final: dict = {}
    if v.stopped_at is not None:
        final = dict(next(h for h in v.history if h["step"] == v.best_step))
    elif v.history:
        final = dict(v.history[-1])
    out: dict = {"history": v.history, "grad_norms": v.grad_norms, "final": final}
    if v.grad_norms_init:
        out["grad_norms_init"] = v.grad_norms_init
        final["grad_ratio_first_last_init"] = _ratio(v.grad_norms_init)
        final["grad_norm_total_init"] = math.sqrt(sum(g * g for g in v.grad_norms_init))
    if v.grad_norms:
        final["grad_ratio_first_last"] = _ratio(v.grad_norms)
    out["grad_norms_history"] = v.grad_norms_history
    if v.diverged_at is not None:
        out["diverged_at"] = v.diverged_at
    if v.early_stopping_patience is not None:
        out["early_stop_step"] = v.stopped_at
        out["best_step"] = v.best_step
    if v.activation_stats:
        out["activation_stats"] = v.activation_stats
    if v.lr_schedule is not None:
        out["lr_curve"] = v.lr_curve
    return out


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
