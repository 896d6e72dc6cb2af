"""The training loop shared by every experiment, and the metric events it emits.

All variants of an experiment train in one loop, step by step, so the CLI and the TUI see them move
together. Every `report_every` steps one `StepEvent` per variant goes to the callback (the TUI posts it
to the UI thread; posting every step would block the worker). A variant whose loss becomes NaN/inf is
marked diverged and stops; the others go on.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

from calculators.errors import InputError


def pick_device(name: str = "auto") -> torch.device:
    """auto → CUDA, then MPS, then CPU. Asking for a device that isn't there is an input error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda: no CUDA GPU is available here (use --device auto or cpu)")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
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
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None
    early_stopping_patience: int | None = None  # in reports; marks where training would have stopped
    # filled during training
    history: list[dict] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    grad_norms_init: list[float] = field(default_factory=list)
    activation_stats: list[dict] = field(default_factory=list)
    diverged_at: int | None = None
    stopped_at: int | None = None
    best_val_loss: float = math.inf
    _bad_reports: int = 0


@dataclass
class StepEvent:
    step: int
    variant: str
    metrics: dict
    grad_norms: list[float]
    diverged: bool = False


@dataclass
class RunConfig:
    steps: int
    batch_size: int = 64
    report_every: int = 10
    seed: int = 0


def weight_layers(model: nn.Module) -> list[nn.Module]:
    """Layers whose weight-gradient norm we plot, first layer first."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def layer_grad_norms(model: nn.Module) -> list[float]:
    return [float(m.weight.grad.norm()) if m.weight.grad is not None else 0.0 for m in weight_layers(model)]


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn) -> tuple[float, float]:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(x)
        loss = float(loss_fn(out, y))
        acc = float((out.argmax(1) == y).float().mean())
    model.train(was_training)
    return loss, acc


def train_variants(variants: list[Variant], data, config: RunConfig, device: torch.device,
                   on_event: Callable[[StepEvent], None] | None = None,
                   should_stop: Callable[[], bool] | None = None,
                   track_activations: Callable[[Variant], dict] | None = None) -> bool:
    """Train every variant for config.steps mini-batch steps. Returns False if stopped early."""
    x_tr, y_tr, x_val, y_val = (torch.as_tensor(a, device=device) for a in data)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator(device="cpu").manual_seed(config.seed)
    n = len(x_tr)
    batch = min(config.batch_size, n)
    for v in variants:
        v.model.to(device).train()
    order = torch.randperm(n, generator=gen)
    cursor = 0
    for step in range(config.steps + 1):
        if should_stop is not None and should_stop():
            return False
        if cursor + batch > n:
            order, cursor = torch.randperm(n, generator=gen), 0
        idx = order[cursor:cursor + batch].to(device)
        cursor += batch
        xb_plain, yb = x_tr[idx], y_tr[idx]
        report = step % config.report_every == 0 or step == config.steps
        for v in variants:
            if v.diverged_at is not None:
                continue
            xb = v.augment(xb_plain, gen) if v.augment is not None else xb_plain
            v.optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(v.model(xb), yb)
            if not torch.isfinite(loss):
                v.diverged_at = step
            elif step == config.steps:  # the last step only measures the gradients
                loss.backward()
                v.grad_norms = layer_grad_norms(v.model)
            else:
                loss.backward()
                if step == 0:
                    v.grad_norms_init = layer_grad_norms(v.model)
                if report:
                    v.grad_norms = layer_grad_norms(v.model)
                if v.clip_grad is not None:
                    nn.utils.clip_grad_norm_(v.model.parameters(), v.clip_grad)
                v.optimizer.step()
            if report or v.diverged_at == step:
                _report(v, step, float(loss), x_tr, y_tr, x_val, y_val, loss_fn, on_event, track_activations)
    return True


def _report(v: Variant, step: int, train_batch_loss: float, x_tr, y_tr, x_val, y_val, loss_fn, on_event,
            track_activations) -> None:
    if v.diverged_at is not None:
        metrics = {"step": step, "train_loss": train_batch_loss}
        v.history.append(metrics)
        if on_event:
            on_event(StepEvent(step, v.name, metrics, v.grad_norms, diverged=True))
        return
    # Train metrics on (up to) 500 training examples keep reporting cheap.
    train_loss, train_acc = _evaluate(v.model, x_tr[:500], y_tr[:500], loss_fn)
    val_loss, val_acc = _evaluate(v.model, x_val, y_val, loss_fn)
    if not math.isfinite(train_loss):
        v.diverged_at = step
    metrics = {"step": step, "train_loss": train_loss, "val_loss": val_loss,
               "train_acc": train_acc, "val_acc": val_acc}
    if track_activations is not None:
        v.activation_stats.append({"step": step, **track_activations(v)})
    if v.early_stopping_patience is not None and v.stopped_at is None:
        if val_loss < v.best_val_loss - 1e-4:
            v.best_val_loss, v._bad_reports = val_loss, 0
        else:
            v._bad_reports += 1
            if v._bad_reports >= v.early_stopping_patience:
                v.stopped_at = step
    v.history.append(metrics)
    if on_event:
        on_event(StepEvent(step, v.name, metrics, v.grad_norms, diverged=v.diverged_at is not None))


def variant_summary(v: Variant) -> dict:
    out: dict = {"history": v.history, "grad_norms": v.grad_norms, "final": dict(v.history[-1]) if v.history else {}}
    if v.grad_norms_init:
        out["grad_norms_init"] = v.grad_norms_init
    if v.diverged_at is not None:
        out["diverged_at"] = v.diverged_at
    if v.early_stopping_patience is not None:
        out["early_stop_step"] = v.stopped_at
        if v.stopped_at is not None:
            at_stop = next(h for h in v.history if h["step"] == v.stopped_at)
            out["final"]["val_acc_at_early_stop"] = at_stop.get("val_acc")
    if v.activation_stats:
        out["activation_stats"] = v.activation_stats
    return out


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
