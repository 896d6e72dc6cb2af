"""Configurable MLPs for the experiments."""
from __future__ import annotations

import math

import torch
from torch import nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
INITS = ("default", "naive", "zero", "small", "large", "xavier", "he")


def init_linear(layer: nn.Linear, scheme: str, activation: str, gen: torch.Generator) -> None:
    fan_in, fan_out = layer.in_features, layer.out_features
    std = {
        "naive": 1.0 / math.sqrt(fan_in),  # "reasonable-looking" but ignores the activation's gain
        "small": 0.01,
        "large": 3.0 * math.sqrt(2.0 / fan_in),  # 3× He: each ReLU layer multiplies the signal by ~3
        "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
        "he": math.sqrt(2.0 / fan_in),
    }.get(scheme)
    with torch.no_grad():
        if scheme == "zero":
            layer.weight.zero_()
        elif std is not None:
            layer.weight.normal_(0.0, std, generator=gen)
        layer.bias.zero_()


class Block(nn.Module):
    def __init__(self, width: int, activation: str, batchnorm: bool, dropout: float, residual: bool):
        super().__init__()
        self.linear = nn.Linear(width, width)
        self.norm = nn.BatchNorm1d(width) if batchnorm else nn.Identity()
        self.act = ACTIVATIONS[activation]()
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.residual = residual

    def forward(self, x):
        out = self.drop(self.act(self.norm(self.linear(x))))
        return x + out if self.residual else out


class MLP(nn.Module):
    """in → width (stem) → (depth − 2) hidden blocks → out: `depth` Linear layers in all."""

    def __init__(self, in_dim: int, out_dim: int, width: int, depth: int, activation: str = "relu",
                 init: str = "default", batchnorm: bool = False, dropout: float = 0.0, residual: bool = False,
                 seed: int = 0):
        super().__init__()
        if depth < 2:
            raise ValueError("depth must be at least 2")
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)  # default inits and dropout masks follow the seed too
        self.stem = nn.Sequential(nn.Linear(in_dim, width), ACTIVATIONS[activation]())
        self.blocks = nn.Sequential(*[Block(width, activation, batchnorm, dropout, residual) for _ in range(depth - 2)])
        self.head = nn.Linear(width, out_dim)
        if init != "default":
            for layer in self.modules():
                if isinstance(layer, nn.Linear):
                    init_linear(layer, init, activation, gen)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))

    def hidden_outputs(self, x) -> list[torch.Tensor]:
        """Post-activation output of every hidden layer (for activation statistics)."""
        outs = [self.stem(x)]
        for block in self.blocks:
            outs.append(block(outs[-1]))
        return outs
