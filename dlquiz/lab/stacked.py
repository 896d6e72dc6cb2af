"""All variants of an experiment trained as one stacked network: V MLPs of one shape become batched
weights ([V, out, in]), so each layer is one batched matmul for every variant at once.

Why: the lab's nets are tiny (64-128 wide, batches of 50-64), so a step costs kernel launches and
Python dispatch, not arithmetic. Training V variants one after another pays that V times; stacked,
it is paid about once. That is what makes a 5-variant experiment cost well under 5x one variant on a
GPU, and it helps on the CPU too (benchmarks/bench_lab.py measures both).

What stays per variant: dropout rate (each variant's own keep probability), input augmentation, the
optimiser and its hyper-parameters (SGD/momentum/Nesterov, Adam, AdamW, Adagrad, RMSprop, vectorised
over the variants that share a type), gradient clipping, early stopping and divergence. Activation,
BatchNorm and the residual shortcut are part of the architecture (`architecture`): variants that differ
in them train as separate stacked networks. Slices never mix: one variant's NaN cannot reach another
(its slice is zeroed and frozen).

Each variant's `nn.Module` keeps its parameters and BN buffers as *views* into the stacked tensors,
so everything that reads `variant.model` (activation probes, early stopping's state_dict and restore,
the BN train-vs-eval check) sees the current weights without copies.

Tensors are stacked by hand rather than with `torch.func.vmap(functional_call)`: BN's running-stat
updates are in-place (vmap rejects them); here BN runs once for all variants, every (variant, channel)
pair being one channel of `F.batch_norm`.
Dropout masks and augmentation noise come from the global generator in a different order than the
one-by-one loop, so those variants match it in distribution, not bit for bit; everything else
matches it to float rounding (tests/test_lab_stacked.py).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from dlquiz.lab.engine import (
    EvalSet,
    RunConfig,
    StepEvent,
    Variant,
    diverge,
    eval_metrics,
    per_variant_loss,
    prepare,
    record_report,
    weight_layers,
)
from dlquiz.lab.models import ACTIVATIONS, MLP

ACTIVATION_FNS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
OPTIMIZERS = (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.Adagrad, torch.optim.RMSprop)


# -- what can be stacked -------------------------------------------------------------------------
def _activation(model: MLP) -> str:
    return next(name for name, cls in ACTIVATIONS.items() if isinstance(model.stem[1], cls))


def _batchnorms(model: MLP) -> list[nn.BatchNorm1d]:
    return [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]


def _dropout(model: MLP) -> float:
    return next((m.p for m in model.modules() if isinstance(m, nn.Dropout)), 0.0)


def _running_stats(bn: nn.BatchNorm1d) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A BN's running mean, variance and batch count (`stack_problem` has checked that it tracks them)."""
    mean, var, count = bn.running_mean, bn.running_var, bn.num_batches_tracked
    if mean is None or var is None or count is None:
        raise TypeError("BatchNorm without running statistics cannot be stacked")
    return mean, var, count


def _grad(t: torch.Tensor) -> torch.Tensor:
    """The gradient of a stacked tensor, which every step computes before it is read."""
    if t.grad is None:
        raise RuntimeError("no gradient yet: the step's backward pass has not run")
    return t.grad


def as_mlp(model: nn.Module) -> MLP:
    """A variant's model as the lab MLP that `stack_problem` has checked it is."""
    if not isinstance(model, MLP):
        raise TypeError(f"only the lab's MLPs can be stacked, not {type(model).__name__}")
    return model


def architecture(model: nn.Module) -> tuple:
    """Variants with equal keys stack into one network (sizes, activation, BN, shortcut)."""
    model = as_mlp(model)
    stem = model.stem[0]
    residual = model.hidden_blocks[0].residual if model.hidden_blocks else False
    return (stem.in_features, stem.out_features, len(model.blocks), model.head.out_features, _activation(model),
            bool(_batchnorms(model)), residual)


def _optimizer_problem(opt: torch.optim.Optimizer, model: nn.Module) -> str | None:
    if type(opt) not in OPTIMIZERS:
        return f"optimizer {type(opt).__name__} is not supported"
    if len(opt.param_groups) != 1 or len(opt.param_groups[0]["params"]) != len(list(model.parameters())):
        return "the optimizer must hold all of the model's parameters in one group"
    g = opt.param_groups[0]
    if g.get("maximize") or g.get("amsgrad") or g.get("centered") or \
            (isinstance(opt, torch.optim.RMSprop) and g.get("momentum")):
        return f"{type(opt).__name__} option not supported (maximize, amsgrad, centered, RMSprop momentum)"
    return None


def stack_problem(variants: list[Variant]) -> str | None:
    """None when `train_stacked` can train these variants, else the reason it cannot."""
    for v in variants:
        if type(v.model) is not MLP:
            return "only the lab's MLPs can be stacked"
        if v.lr_schedule is not None:
            return "a per-step learning-rate schedule (the lr range test) runs on the loop engine only"
        if any(bn.eps != 1e-5 or bn.momentum != 0.1 or not bn.affine or not bn.track_running_stats
               for bn in _batchnorms(v.model)):
            return "BatchNorm with non-default settings"
        problem = _optimizer_problem(v.optimizer, v.model)
        if problem:
            return problem
    return None


def _column(vec: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A per-variant vector shaped to broadcast against a stacked tensor [V, ...]."""
    return vec.view(-1, *([1] * (like.dim() - 1)))


# -- the stacked network -------------------------------------------------------------------------
class StackedMLP:
    """V lab MLPs of one architecture as one flat parameter tensor [V, P] (every weight, bias, BN γ
    and β of a variant in one row), so an optimiser step or a clip is a handful of ops whatever the
    depth. Layers read views of it; each module's own parameters are views of its row."""

    def __init__(self, models: list[MLP], device: torch.device):
        first = models[0]
        self.activation = ACTIVATION_FNS[_activation(first)]
        self.batchnorm = bool(_batchnorms(first))
        self.residual = architecture(first)[-1]
        self.n_linear = len(weight_layers(first))
        tensors = [self._tensors_of(m) for m in models]
        self.shapes = [t.shape for t in tensors[0]]
        self.bounds, start = [], 0
        for t in tensors[0]:
            self.bounds.append((start, start + t.numel()))
            start += t.numel()
        self.flat = torch.stack([torch.cat([t.detach().reshape(-1) for t in ts]) for ts in tensors]).to(device)
        self.flat.requires_grad_()
        # which Linear weight each entry belongs to (n_linear: a bias or a BN parameter), for grad norms
        owner = torch.full((start,), self.n_linear, dtype=torch.long)
        for layer in range(self.n_linear):
            a, b = self.bounds[2 * layer]
            owner[a:b] = layer
        self.owner = owner.to(device)
        bns = [_batchnorms(m) for m in models]
        stats = [[_running_stats(bn) for bn in model_bns] for model_bns in bns]  # [model][BN] → (mean, var, count)
        self.running = [(torch.stack([m[i][0] for m in stats]), torch.stack([m[i][1] for m in stats]),
                         torch.stack([m[i][2] for m in stats])) for i in range(len(bns[0]))]
        keep = torch.tensor([1.0 - _dropout(m) for m in models], dtype=self.flat.dtype, device=device)
        self.keep = keep.view(-1, 1, 1)
        self.dropout = bool((keep < 1).any())
        self.models = list(models)
        self._bind()

    def _tensors_of(self, model: MLP) -> list[torch.Tensor]:
        """A model's parameters in flat order: (W, b) per Linear layer, then (γ, β) per BN."""
        out = []
        for layer in weight_layers(model):
            out += [layer.weight, layer.bias]
        for bn in _batchnorms(model):
            out += [bn.weight, bn.bias]
        return out

    def _bind(self) -> None:
        """Point every module's parameters and BN buffers at its row of the stacked tensors."""
        flat = self.flat.detach()
        for v, model in enumerate(self.models):
            for t, (a, b), shape in zip(self._tensors_of(model), self.bounds, self.shapes):
                t.data = flat[v, a:b].view(shape)
            for (mean, var, count), bn in zip(self.running, _batchnorms(model)):
                bn_mean, bn_var, bn_count = _running_stats(bn)
                bn_mean.data, bn_var.data, bn_count.data = mean[v], var[v], count[v]

    def keep_only(self, rows: list[int]) -> None:
        """Drop the other variants (diverged or stopped): later steps no longer compute them. Their
        modules keep views into the old tensors, i.e. their final weights."""
        index = torch.tensor(rows, device=self.flat.device)
        grad = self.flat.grad
        self.flat = self.flat.detach().index_select(0, index).requires_grad_()
        self.flat.grad = None if grad is None else grad.index_select(0, index)  # this step's update follows
        self.running = [(mean.index_select(0, index), var.index_select(0, index), count.index_select(0, index))
                        for mean, var, count in self.running]
        self.keep = self.keep.index_select(0, index)
        self.models = [self.models[r] for r in rows]
        self._bind()

    @property
    def params(self) -> list[torch.Tensor]:
        return [self.flat]

    def _views(self) -> list[torch.Tensor]:
        # one split (its backward is one concatenation), not one slice per tensor (each of whose
        # backwards would scatter into a zero tensor the size of the whole row)
        v = self.flat.shape[0]
        chunks = self.flat.split([b - a for a, b in self.bounds], dim=1)
        return [chunk.view(v, *shape) for chunk, shape in zip(chunks, self.shapes)]

    @staticmethod
    def _linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:  # the same input batch for every variant
            return torch.matmul(x, w.transpose(1, 2)) + b.unsqueeze(1)
        return torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))

    def _batchnorm(self, i: int, z: torch.Tensor, gamma, beta, train: bool) -> torch.Tensor:
        """PyTorch's own batch_norm with every (variant, channel) pair as one channel: the same
        statistics, running averages and gradients as nn.BatchNorm1d per variant."""
        v, b, c = z.shape
        mean, var, count = self.running[i]
        out = F.batch_norm(z.transpose(0, 1).reshape(b, v * c), mean.view(-1), var.view(-1), gamma.reshape(-1),
                           beta.reshape(-1), training=train, momentum=0.1, eps=1e-5)
        if train:
            count.add_(1)
        return out.view(b, v, c).transpose(0, 1)

    def forward(self, x: torch.Tensor, train: bool) -> torch.Tensor:
        """x: [B, in] (shared) or [V, B, in] (per variant) → logits [V, B, out]."""
        views = self._views()
        linear, bn = views[:2 * self.n_linear], views[2 * self.n_linear:]
        h = self.activation(self._linear(x, linear[0], linear[1]))
        for i in range(1, self.n_linear - 1):
            z = self._linear(h, linear[2 * i], linear[2 * i + 1])
            if self.batchnorm:
                z = self._batchnorm(i - 1, z, bn[2 * i - 2], bn[2 * i - 1], train)
            a = self.activation(z)
            if train and self.dropout:
                a = a * (torch.rand_like(a) < self.keep) / self.keep
            h = h + a if self.residual else a
        return self._linear(h, linear[-2], linear[-1])

    def grad_norms(self) -> torch.Tensor:
        """[V, layers]: ‖∂L/∂W‖ of every Linear layer of every variant, in one segmented sum."""
        g2 = _grad(self.flat).pow(2)
        sums = g2.new_zeros(g2.shape[0], self.n_linear + 1).index_add_(1, self.owner, g2)
        return sums[:, :self.n_linear].sqrt()


# -- optimisers, vectorised over the variants that share a type --------------------------------
class StackedOptimizer:
    """torch.optim's SGD (momentum, Nesterov, dampening), Adam, AdamW, Adagrad and RMSprop update
    rules, for the stacked rows [start, stop) of one network, with per-variant hyper-parameters."""

    def __init__(self, kind: type, groups: list[dict], start: int, stop: int, like: torch.Tensor):
        self.kind, self.start, self.stop = kind, start, stop
        self.step_count = 0

        def vector(values) -> torch.Tensor:  # in the parameters' dtype: a float32 lr would perturb float64
            return torch.tensor([float(x) for x in values], dtype=like.dtype, device=like.device)

        first = groups[0]
        self.hp = {key: vector(g[key] for g in groups) for key, value in first.items()
                   if isinstance(value, (int, float)) and not isinstance(value, bool)}
        if "betas" in first:
            self.hp["beta1"] = vector(g["betas"][0] for g in groups)
            self.hp["beta2"] = vector(g["betas"][1] for g in groups)
        if "nesterov" in first:
            self.nesterov = torch.tensor([bool(g["nesterov"]) for g in groups], device=like.device)
        self.state: dict[int, dict[str, torch.Tensor]] = {}

    def keep_only(self, rows: list[int]) -> None:
        """Keep the state of these rows (indices relative to this optimiser's first row)."""
        index = torch.tensor(rows, device=next(iter(self.hp.values())).device)
        self.hp = {k: v.index_select(0, index) for k, v in self.hp.items()}
        if hasattr(self, "nesterov"):
            self.nesterov = self.nesterov.index_select(0, index)
        self.state = {k: {name: t.index_select(0, index) for name, t in st.items()} for k, st in self.state.items()}

    def step(self, params: list[torch.Tensor]) -> None:
        self.step_count += 1
        rows = slice(self.start, self.stop)
        for k, param in enumerate(params):
            self._update(param.detach()[rows], _grad(param)[rows], self.state.setdefault(k, {}))

    def _update(self, p: torch.Tensor, g: torch.Tensor, st: dict[str, torch.Tensor]) -> None:
        """One parameter's rows `p` (updated in place) from their gradient `g` and optimiser state `st`."""
        t, hp = self.step_count, self.hp

        def col(name: str) -> torch.Tensor:
            return _column(hp[name], p)

        if self.kind is torch.optim.SGD:
            d = g + col("weight_decay") * p
            mom = col("momentum")
            if "buf" not in st:
                st["buf"] = d.clone()
            else:
                st["buf"].mul_(mom).add_(d * (1 - col("dampening")))
            buf = st["buf"]
            # momentum 0 uses the gradient itself; Nesterov looks one step ahead
            d = torch.where(_column(self.nesterov, p), d + mom * buf, torch.where(mom > 0, buf, d))
            p.sub_(col("lr") * d)
        elif self.kind in (torch.optim.Adam, torch.optim.AdamW):
            if self.kind is torch.optim.AdamW:
                p.mul_(1 - col("lr") * col("weight_decay"))
            else:
                g = g + col("weight_decay") * p
            if "m" not in st:
                st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
            b1, b2 = col("beta1"), col("beta2")
            st["m"].lerp_(g, 1 - b1)
            st["v"].mul_(b2).add_((1 - b2) * g * g)
            denom = st["v"].sqrt() / torch.sqrt(1 - b2 ** t) + col("eps")
            p.sub_(col("lr") / (1 - b1 ** t) * st["m"] / denom)
        elif self.kind is torch.optim.Adagrad:
            g = g + col("weight_decay") * p
            if "sum" not in st:
                st["sum"] = torch.zeros_like(p) + col("initial_accumulator_value")
            st["sum"].add_(g * g)
            p.sub_(col("lr") / (1 + (t - 1) * col("lr_decay")) * g / (st["sum"].sqrt() + col("eps")))
        else:  # RMSprop
            g = g + col("weight_decay") * p
            if "sq" not in st:
                st["sq"] = torch.zeros_like(p)
            alpha = col("alpha")
            st["sq"].mul_(alpha).add_((1 - alpha) * g * g)
            p.sub_(col("lr") * g / (st["sq"].sqrt() + col("eps")))


# -- one architecture's variants -------------------------------------------------------------------
class StackedGroup:
    """The variants of one architecture: their stacked network, optimisers and clipping."""

    def __init__(self, variants: list[Variant], device: torch.device):
        self.variants = variants
        self.net = StackedMLP([as_mlp(v.model) for v in variants], device)
        like = self.net.flat
        self.optimizers = []
        start = 0
        for i in range(1, len(variants) + 1):  # consecutive variants with one optimiser type share one
            if i == len(variants) or type(variants[i].optimizer) is not type(variants[start].optimizer):
                self.optimizers.append(StackedOptimizer(type(variants[start].optimizer),
                                                        [v.optimizer.param_groups[0] for v in variants[start:i]],
                                                        start, i, like))
                start = i
        self.clip = torch.tensor([math.inf if v.clip_grad is None else v.clip_grad for v in variants],
                                 dtype=like.dtype, device=like.device)

    def loss(self, xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        if any(v.augment is not None for v in self.variants):
            xb = torch.stack([xb if v.augment is None else v.augment(xb) for v in self.variants])
        for p in self.net.params:
            p.grad = None
        return per_variant_loss(self.net.forward(xb, train=True), yb)

    def step(self) -> None:
        with torch.no_grad():
            if any(v.clip_grad is not None for v in self.variants):  # per variant, as clip_grad_norm_
                total = torch.stack([_grad(p).flatten(1).pow(2).sum(1) for p in self.net.params]).sum(0).sqrt()
                coef = torch.clamp(self.clip / (total + 1e-6), max=1.0)
                for p in self.net.params:
                    grad = _grad(p)
                    grad.mul_(_column(coef, grad))
            for opt in self.optimizers:
                opt.step(self.net.params)

    def keep_live(self) -> None:
        """Stop computing variants that diverged or stopped early."""
        rows = [i for i, v in enumerate(self.variants) if v.live]
        if len(rows) == len(self.variants):
            return
        self.variants = [self.variants[i] for i in rows]
        if not rows:
            return
        self.net.keep_only(rows)
        self.clip = self.clip.index_select(0, torch.tensor(rows, device=self.clip.device))
        optimizers = []
        new_start = 0
        for opt in self.optimizers:
            kept = [i - opt.start for i in rows if opt.start <= i < opt.stop]
            if kept:
                opt.keep_only(kept)
                opt.start, opt.stop = new_start, new_start + len(kept)
                new_start = opt.stop
                optimizers.append(opt)
        self.optimizers = optimizers


# -- the training loop ---------------------------------------------------------------------------
def train_stacked(variants: list[Variant], data, config: RunConfig, device: torch.device,
                  on_event: Callable[[StepEvent], None] | None = None,
                  should_stop: Callable[[], bool] | None = None,
                  track_activations: Callable[[Variant], dict] | None = None) -> bool:
    """Same contract, events and results as `engine.train_variants`; variants that share an
    architecture train as one stacked network."""
    eval_set, batches = prepare(data, config, device)
    by_architecture: dict[tuple, list[Variant]] = {}
    for v in variants:
        v.model.to(device).train()
        by_architecture.setdefault(architecture(v.model), []).append(v)
    groups = [StackedGroup(vs, device) for vs in by_architecture.values()]
    pending: dict[int, list[torch.Tensor]] = {id(g): [] for g in groups}  # per-step losses since the last report
    for b in batches:
        if should_stop is not None and should_stop():
            return False
        losses = [g.loss(b.x, b.y) for g in groups]
        # slices are independent: each gets its own gradient
        torch.stack([loss.sum() for loss in losses]).sum().backward()
        for g, loss in zip(groups, losses):
            pending[id(g)].append(loss.detach())
        if b.report:
            for g in groups:
                _report_group(g, b.step, pending[id(g)], eval_set, on_event, track_activations)
                pending[id(g)] = []
            groups = [g for g in groups if g.variants]
            if not groups:
                break
        if not b.last:
            for g in groups:
                g.step()
    return True


def _report_group(group: StackedGroup, step, pending, ev: EvalSet, on_event, track_activations) -> None:
    net = group.net
    with torch.no_grad():
        bad = ~torch.isfinite(torch.stack(pending))  # [steps since the last report, V]
        out = net.forward(ev.x, train=False)
        first_bad = torch.where(bad.any(0), bad.to(out.dtype).argmax(0), torch.full_like(bad[0], -1, dtype=out.dtype))
        # one host sync for every variant's metrics
        rows = torch.cat([eval_metrics(out, ev), net.grad_norms().to(out.dtype), first_bad.unsqueeze(1)], 1).tolist()
    first_step = step - len(pending) + 1
    for v, row in zip(group.variants, rows):
        if row[-1] >= 0:
            diverge(v, first_step + int(row[-1]), on_event)
        else:
            record_report(v, step, row[:-1], on_event, track_activations)
    group.keep_live()
