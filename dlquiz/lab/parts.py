"""Torch building blocks the experiment builders share: optimisers, the knobs' custom variant, the
digits augmentation, the per-layer activation probe and BN's train-vs-eval check. Imports torch; the
experiment modules (dlquiz/lab/catalog/) import it inside their builders only."""
from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import nn

from dlquiz.lab.engine import Variant
from dlquiz.lab.models import MLP


def sgd(model, lr, momentum=0.9, **kw):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, foreach=True, **kw)


def custom_settings(knobs: dict, defaults: dict) -> dict:
    """The custom variant's full settings: the experiment's defaults overridden by the knobs."""
    return {**defaults, **knobs}


def custom_variant(cfg, in_dim: int, out_dim: int, defaults: dict, name: str = "custom") -> Variant:
    """The knobs' single variant (`config.from_knobs`): the experiment's defaults overridden by the knobs."""
    k = custom_settings(cfg.knobs, defaults)
    model = MLP(in_dim, out_dim, width=k.get("width", 64), depth=k["depth"], activation=k["activation"],
                init=k["init"], batchnorm=bool(k["batchnorm"]), dropout=float(k["dropout"]), seed=cfg.seed)
    label = f"{name}: {k['activation']}/{k['init']}" + ("+BN" if k["batchnorm"] else "") + \
        (f"+drop{k['dropout']}" if k["dropout"] else "") + f" d{k['depth']} lr{k['lr']}"
    return Variant(label, model, sgd(model, k["lr"], momentum=k.get("momentum", 0.9)))


# 9 shifts of an 8×8 image by up to one pixel each way, as gather indices into the zero-padded 10×10 image
_SHIFT_INDEX = torch.tensor([[(r + 1 + dy) * 10 + (c + 1 + dx) for r in range(8) for c in range(8)]
                             for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
_SHIFT_INDEX_ON: dict = {}


def shift_and_noise(x: torch.Tensor) -> torch.Tensor:
    """Augment 8×8 digits: each image shifted by up to one pixel each way, plus a little noise.
    Runs on x's device; random numbers from the (seeded) global generator."""
    b = x.shape[0]
    padded = nn.functional.pad(x.view(b, 8, 8), (1, 1, 1, 1)).view(b, 100)
    shifts = _SHIFT_INDEX_ON.get(x.device)
    if shifts is None:  # one host-to-device copy per device, not one per step
        shifts = _SHIFT_INDEX_ON[x.device] = _SHIFT_INDEX.to(x.device)
    index = shifts[torch.randint(0, 9, (b,), device=x.device)]
    return padded.gather(1, index) + 0.05 * torch.randn_like(x)


def activation_stats(x_probe: torch.Tensor, saturation: bool = False,
                     symmetry: bool = False) -> Callable[[Variant], dict]:
    """Per hidden layer, on a fixed probe batch (eval mode): mean and std of the outputs (the
    'covariate shift' picture), optionally the fraction of saturated units (|h| > 0.99, for tanh) and
    how many distinct functions the first hidden block's units compute (1 = symmetry never broke)."""

    def measure(v: Variant) -> dict:
        model = v.model
        if not isinstance(model, MLP):  # the probe reads the lab MLP's hidden layers
            raise TypeError(f"activation statistics need the lab's MLP, not {type(model).__name__}")
        model.eval()
        with torch.no_grad():
            outs = model.hidden_outputs(x_probe)
            rows = [torch.stack([o.mean(), o.std()]) for o in outs]
            if saturation:
                rows = [torch.cat([r, (o.abs() > 0.99).float().mean().view(1)]) for r, o in zip(rows, outs)]
            stats = torch.stack(rows).tolist()
            distinct = None
            if symmetry:
                h = outs[1] if len(outs) > 1 else outs[0]
                distinct = int(torch.unique(torch.round(h.T * 1e4), dim=0).shape[0])
        model.train()
        out: dict[str, list[float] | int] = {"act_mean": [round(r[0], 5) for r in stats],
                                             "act_std": [float(f"{r[1]:.4g}") for r in stats]}
        if saturation:
            out["act_saturated"] = [round(r[2], 4) for r in stats]
        if distinct is not None:
            out["distinct_units"] = distinct
        return out

    return measure


def bn_train_vs_eval(variants, data, device) -> dict:
    """BN uses batch statistics in train mode and running averages in eval mode: compare them on the
    validation set, in train mode with mini-batches of 8 (noisy statistics) and in eval mode."""
    x_val = torch.as_tensor(data[2]).to(device)
    y_val = torch.as_tensor(data[3]).to(device)
    out = {}
    for v in variants:
        if v.diverged_at is not None or not any(isinstance(m, nn.BatchNorm1d) for m in v.model.modules()):
            continue
        model = copy.deepcopy(v.model)  # train-mode forwards update running stats: use a copy
        with torch.no_grad():
            model.train()
            n = len(x_val) // 8 * 8
            preds = torch.cat([model(x_val[i:i + 8]).argmax(1) for i in range(0, n, 8)])
            acc_train_mode = float((preds == y_val[:n]).float().mean())
            model.eval()
            acc_eval_mode = float((model(x_val).argmax(1) == y_val).float().mean())
        out[v.name] = {"val_acc_bn_train_mode_batch8": acc_train_mode, "val_acc_bn_eval_mode": acc_eval_mode}
    return out


def train_vs_eval_mode(model: nn.Module, data, device, batch: int, probe: int, passes: int) -> dict:
    """One trained model on the validation set in train mode (batches of `batch`) and in eval mode:
    accuracy and loss both ways; the spread (std over `passes` passes, averaged over `probe` inputs) of
    p(true class), each pass shuffling the probe inputs into fresh batches; and a batch of one in train
    mode (BatchNorm raises) and in eval mode."""
    x_val = torch.as_tensor(data[2]).to(device)
    y_val = torch.as_tensor(data[3]).to(device)
    # Copies: train-mode forwards update BN's running statistics, which eval mode reads.
    frozen, noisy = copy.deepcopy(model).eval(), copy.deepcopy(model).train()
    n = len(x_val) // batch * batch
    loss_fn = nn.CrossEntropyLoss()
    out: dict = {"train_mode_batch": batch}
    with torch.no_grad():
        logits = frozen(x_val)
        out["val_acc_eval_mode"] = float((logits.argmax(1) == y_val).float().mean())
        out["val_loss_eval_mode"] = float(loss_fn(logits, y_val))
        single = torch.cat([frozen(x_val[i:i + 1]) for i in range(len(x_val))])
        out["val_acc_eval_mode_batch1"] = float((single.argmax(1) == y_val).float().mean())
        logits = torch.cat([noisy(x_val[i:i + batch]) for i in range(0, n, batch)])
        out["val_acc_train_mode"] = float((logits.argmax(1) == y_val[:n]).float().mean())
        out["val_loss_train_mode"] = float(loss_fn(logits, y_val[:n]))
        x_probe, y_probe = x_val[:probe], y_val[:probe]
        gen = torch.Generator(device="cpu").manual_seed(1)
        orders = [torch.randperm(probe, generator=gen).to(device) for _ in range(passes)]
        for mode, net in (("train_mode", noisy), ("eval_mode", frozen)):
            p_true = torch.empty(passes, probe, device=device)
            predicted = torch.empty(passes, probe, dtype=torch.long, device=device)
            for k, order in enumerate(orders):  # the same batches both ways: only the mode differs
                for i in range(0, probe, batch):
                    idx = order[i:i + batch]
                    probs = net(x_probe[idx]).softmax(1)
                    p_true[k, idx] = probs.gather(1, y_probe[idx].view(-1, 1)).squeeze(1)
                    predicted[k, idx] = probs.argmax(1)
            out[f"spread_{mode}"] = float(p_true.std(0).mean())
            out[f"flips_{mode}"] = float((predicted != predicted[0]).any(0).float().mean())
        try:
            single = torch.cat([noisy(x_val[i:i + 1]) for i in range(len(x_val))])
        except ValueError as exc:  # BatchNorm1d: "Expected more than 1 value per channel when training"
            out["train_mode_batch1_error"] = f"ValueError: {exc}"
            out["val_acc_train_mode_batch1"] = None
        else:
            out["train_mode_batch1_error"] = None
            out["val_acc_train_mode_batch1"] = float((single.argmax(1) == y_val).float().mean())
    return out
