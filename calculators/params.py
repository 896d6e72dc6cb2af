"""Per-layer parameters, MACs, FLOPs and output shapes (per sample: the batch dimension is left out).

Conventions (also returned as notes):
- params are learnable tensors (what `sum(p.numel() for p in model.parameters())` counts): weights, biases,
  BN's γ and β. BN's running mean/var are buffers, not parameters.
- MACs count only the multiply-accumulates of conv, transposed conv and linear layers. Bias adds, BN,
  activations, pooling and residual adds are not counted (they are a rounding error next to the convs).
- FLOPs = 2 × MACs. torchvision's "GFLOPS" column, fvcore, ptflops and thop report MACs under the name FLOPs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from calculators.layers import (
    AdaptiveAvgPool,
    BatchNorm,
    Conv,
    ConvTranspose,
    Flatten,
    Layer,
    Linear,
    Pair,
    Pool,
    ResidualBlock,
    block_paths,
    fmt_pair,
    pair,
    spatial_output,
)
from calculators.result import Result
from dlquiz.errors import InputError

FORMULA = ("conv: params = C_out·(C_in/g)·k_h·k_w (+ C_out bias), MACs = C_out·H_out·W_out·(C_in/g)·k_h·k_w;  "
           "deconv: MACs = C_in·(C_out/g)·k_h·k_w·H_in·W_in;  fc: params = in·out (+ out), MACs = in·out;  "
           "BN: params = 2·C;  FLOPs = 2·MACs")

Shape = tuple[int, ...]  # (C, H, W) for feature maps, (F,) after flatten/fc


class ParamRowJSON(TypedDict):
    name: str
    type: str
    params: int
    macs: int
    output_shape: list[int]


class ParamsTableJSON(TypedDict):
    network: str
    input_shape: list[int]
    total_params: int
    total_macs: int
    total_flops: int
    layers: list[ParamRowJSON]


@dataclass(frozen=True)
class ParamRow:
    name: str
    type: str
    params: int
    macs: int
    output_shape: Shape

    def as_dict(self) -> ParamRowJSON:
        return {"name": self.name, "type": self.type, "params": self.params, "macs": self.macs,
                "output_shape": list(self.output_shape)}


@dataclass(frozen=True)
class ParamsTable:
    network: str
    input_shape: Shape
    rows: tuple[ParamRow, ...]

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def total_macs(self) -> int:
        return sum(r.macs for r in self.rows)

    @property
    def total_flops(self) -> int:
        return 2 * self.total_macs

    def as_dict(self) -> ParamsTableJSON:
        return {"network": self.network, "input_shape": list(self.input_shape), "total_params": self.total_params,
                "total_macs": self.total_macs, "total_flops": self.total_flops,
                "layers": [r.as_dict() for r in self.rows]}


def _n(x: int) -> str:
    return f"{x:,}"


def _need_map(layer: Layer, shape: Shape) -> tuple[int, Pair]:
    if len(shape) != 3:
        raise InputError(f"layer {layer.name} ({layer.type_name}) needs a C×H×W feature map but follows a "
                         f"flatten/fc (input shape {list(shape)})")
    return shape[0], (shape[1], shape[2])


def _conv_counts(conv: Conv | ConvTranspose, shape: Shape) -> tuple[int, int, Shape, str]:
    c_in, hw = _need_map(conv, shape)
    depthwise = isinstance(conv, Conv) and conv.depthwise
    groups = c_in if depthwise else conv.groups
    c_out = conv.out_channels if conv.out_channels is not None else c_in
    if c_in % groups or c_out % groups:
        what = "depthwise conv needs output channels that are a multiple of" if depthwise else \
            f"groups g={groups} must divide both its output channels ({c_out}) and"
        raise InputError(f"layer {conv.name}: {what} its {c_in} input channels")
    kh, kw = conv.kernel
    out_hw = spatial_output(conv, hw)
    weights = c_out * (c_in // groups) * kh * kw  # same count for Conv2d (C_out, C_in/g, k, k) and
    bias = c_out if conv.bias else 0              # ConvTranspose2d (C_in, C_out/g, k, k) weights
    bias_text = f" + {c_out}" if conv.bias else ""
    if isinstance(conv, ConvTranspose):
        # every input value is multiplied into a (C_out/g)·k_h·k_w patch of the output
        macs = c_in * (c_out // groups) * kh * kw * hw[0] * hw[1]
        mac_text = f"{c_in}·({c_out}/{groups})·{kh}·{kw}·{hw[0]}·{hw[1]}"
    else:
        macs = c_out * out_hw[0] * out_hw[1] * (c_in // groups) * kh * kw
        mac_text = f"{c_out}·{out_hw[0]}·{out_hw[1]}·({c_in}/{groups})·{kh}·{kw}"
    step = (f"{conv.name}: params = {c_out}·({c_in}/{groups})·{kh}·{kw}{bias_text} = {_n(weights + bias)}; "
            f"MACs = {mac_text} = {_n(macs)}")
    return weights + bias, macs, (c_out, *out_hw), step


def _block_counts(block: ResidualBlock, shape: Shape) -> tuple[int, int, Shape, str]:
    c_in, _ = _need_map(block, shape)
    main, shortcut = block_paths(block, c_in)
    total_params = total_macs = 0
    parts = []
    for branch in (main, shortcut):
        cur = shape
        for layer in branch:
            if isinstance(layer, Conv):
                p, m, cur, _ = _conv_counts(layer, cur)
                parts.append(f"{layer.name.rsplit('.', 1)[-1] if 'downsample' not in layer.name else 'downsample'}"
                             f" {_n(p)}")
            elif isinstance(layer, BatchNorm):
                p, m = 2 * cur[0], 0
            else:
                continue
            total_params, total_macs = total_params + p, total_macs + m
        if branch is main:
            out = cur
    step = (f"{block.name}: {block.block} block, convs {', '.join(parts)} + BN 2·C each "
            f"→ params {_n(total_params)}; MACs {_n(total_macs)}")
    return total_params, total_macs, out, step


def count_params(layers: list[Layer], input_size: int | Pair, in_channels: int = 3, network: str = "custom",
                 notes: tuple[str, ...] = ()) -> Result[ParamsTable]:
    """Params/MACs/output shape per layer for a C×H×W input. Result.value is a ParamsTable."""
    hw = pair(input_size)
    if min(hw) < 1 or in_channels < 1:
        raise InputError(f"input must be at least 1×1×1, got {in_channels}×{fmt_pair(hw)}")
    shape: Shape = (in_channels, *hw)
    rows: list[ParamRow] = []
    steps: list[str] = []
    auto_flattened: list[str] = []
    seen = set()
    for layer in layers:
        params = macs = 0
        step = ""
        if isinstance(layer, (Conv, ConvTranspose)):
            params, macs, shape, step = _conv_counts(layer, shape)
        elif isinstance(layer, ResidualBlock):
            params, macs, shape, step = _block_counts(layer, shape)
        elif isinstance(layer, Pool):
            c, size = _need_map(layer, shape)
            shape = (c, *spatial_output(layer, size))
        elif isinstance(layer, AdaptiveAvgPool):
            c, _ = _need_map(layer, shape)
            shape = (c, *layer.output_size)
        elif isinstance(layer, BatchNorm):
            params = 2 * shape[0]
            step = f"{layer.name}: params = 2·{shape[0]} (γ, β) = {_n(params)}"
        elif isinstance(layer, Flatten):
            shape = (_prod(shape),)
        elif isinstance(layer, Linear):
            if len(shape) == 3:
                auto_flattened.append(layer.name)
            n_in, n_out = _prod(shape), layer.out_features
            params, macs = n_in * n_out + (n_out if layer.bias else 0), n_in * n_out
            step = (f"{layer.name}: params = {n_in}·{n_out}{f' + {n_out}' if layer.bias else ''} = {_n(params)}; "
                    f"MACs = {n_in}·{n_out} = {_n(macs)}")
            shape = (n_out,)
        seen.add(layer.kind)
        rows.append(ParamRow(layer.name, layer.type_name, params, macs, tuple(shape)))
        if step:
            steps.append(step)
    table = ParamsTable(network, (in_channels, *hw), tuple(rows))
    steps.append(f"total: params {_n(table.total_params)}, MACs {_n(table.total_macs)}, "
                 f"FLOPs = 2·MACs = {_n(table.total_flops)}")
    all_notes = [
        "MACs count only the multiply-accumulates of conv/deconv/linear layers; bias adds, BN, activations, "
        "pooling and residual adds are not counted",
        "FLOPs = 2 × MACs (a multiply and an add); torchvision's GFLOPS column, fvcore, ptflops and thop report "
        "MACs under the name FLOPs",
        "params = learnable weights and biases (what sum(p.numel() for p in model.parameters()) counts); "
        "shapes are per sample (no batch dimension)",
    ]
    if "bn" in seen or "block" in seen:
        all_notes.append("BatchNorm has 2·C parameters (γ, β); its running mean/var are buffers, not parameters")
    if "deconv" in seen:
        all_notes.append("transposed conv MACs = C_in·(C_out/g)·k_h·k_w·H_in·W_in: each input value is "
                         "multiplied into a k_h×k_w patch of every output channel in its group")
    if auto_flattened:
        all_notes.append(f"{', '.join(auto_flattened)} got a C×H×W input and flattened it first (C·H·W "
                         f"features), as torchvision models do with torch.flatten")
    all_notes.extend(notes)
    return Result(table, FORMULA, tuple(steps), tuple(all_notes))


def _prod(shape: Shape) -> int:
    out = 1
    for x in shape:
        out *= x
    return out
