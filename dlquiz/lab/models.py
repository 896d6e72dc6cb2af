"""Configurable MLPs for the experiments."""
from __future__ import annotations

import math

import torch
from torch import nn

from dlquiz.lab.config import INIT_NAMES

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}  # one per config.ACTIVATION_NAMES
INITS = INIT_NAMES  # init_std below gives each one's weight std
LARGE_INIT_GAIN = 3.0  # "large" = 3 × He std: with ReLU every layer multiplies the signal by ~3


def init_std(scheme: str, fan_in: int, fan_out: int) -> float | None:
    """Weight std of an init scheme (None: PyTorch's default, 0.0: zeros)."""
    return {
        "naive": 1.0 / math.sqrt(fan_in),  # "reasonable-looking" but ignores the activation's gain
        "zero": 0.0,
        "small": 0.01,
        "large": LARGE_INIT_GAIN * math.sqrt(2.0 / fan_in),
        "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
        "he": math.sqrt(2.0 / fan_in),
    }.get(scheme)


def init_linear(layer: nn.Linear, scheme: str, gen: torch.Generator) -> None:
    std = init_std(scheme, layer.in_features, layer.out_features)
    if std is None:
        return
    with torch.no_grad():
        if std == 0.0:
            layer.weight.zero_()
        else:
            layer.weight.normal_(0.0, std, generator=gen)
        layer.bias.zero_()


class Block(nn.Module):
    """Linear → [BatchNorm] → activation → [Dropout], optionally with an identity shortcut."""

    def __init__(self, width: int, activation: str, batchnorm: bool, dropout: float, residual: bool):
        super().__init__()
        self.linear = nn.Linear(width, width)
        layers: list[nn.Module] = [self.linear]
        if batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        self.body = nn.Sequential(*layers)
        self.residual = residual

    def forward(self, x):
        out = self.body(x)
        return x + out if self.residual else out


class MLP(nn.Module):
    """in → width (stem) → (depth − 2) hidden blocks → out: `depth` Linear layers in all.

    `seed` fixes both the weights and (through the global RNG, re-seeded here) the dropout masks'
    starting point, so two models built with the same arguments are identical.
    """

    def __init__(self, in_dim: int, out_dim: int, width: int, depth: int, activation: str = "relu",
                 init: str = "default", batchnorm: bool = False, dropout: float = 0.0, residual: bool = False,
                 seed: int = 0):
        super().__init__()
        if depth < 2:
            raise ValueError("depth must be at least 2")
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        self.stem = nn.Sequential(nn.Linear(in_dim, width), ACTIVATIONS[activation]())
        self.blocks = nn.Sequential(*[Block(width, activation, batchnorm, dropout, residual) for _ in range(depth - 2)])
        self.head = nn.Linear(width, out_dim)
        if init != "default":
            for layer in self.modules():
                if isinstance(layer, nn.Linear):
                    init_linear(layer, init, gen)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))

    @property
    def hidden_blocks(self) -> list[Block]:
        """The hidden blocks, typed as such (iterating `self.blocks` yields plain Modules)."""
        return [block for block in self.blocks if isinstance(block, Block)]

    def hidden_outputs(self, x) -> list[torch.Tensor]:
        """Output of every hidden layer (stem, then each block), for activation statistics."""
        outs = [self.stem(x)]
        for block in self.blocks:
            outs.append(block(outs[-1]))
        return outs
