"""Per-layer parameters, MACs, FLOPs and output shapes (per sample: the batch dimension is left out).

Conventions (also returned as notes):
- params are learnable tensors (what `sum(p.numel() for p in model.parameters())` counts): weights, biases,
  BN's γ and β. BN's running mean/var are buffers, not parameters.
- MACs count only the multiply-accumulates of conv, transposed conv and linear layers. Bias adds, BN,
  activations, pooling and residual adds are not counted (they are a rounding error next to the convs).
- FLOPs = 2 × MACs. torchvision's "GFLOPS" column, fvcore, ptflops and thop report MACs under the name FLOPs.
- RNN / LSTM / GRU: per time step, each layer and direction multiplies its input (in) and its previous state (h)
  by every gate set's weights: G·h·(in + h) MACs, G = 1 (RNN), 4 (LSTM), 3 (GRU); a row counts the whole
  sequence, T steps. Gate nonlinearities and elementwise products (LSTM's f⊙c, GRU's r⊙(W_hn·h)) are not
  counted, like activations. fc on a T×F sequence applies to every step: T·in·out MACs. An embedding is a
  table lookup: 0 MACs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from calculators.layers import (
    RNN_GATE_NAMES,
    AdaptiveAvgPool,
    BatchNorm,
    Conv,
    ConvTranspose,
    Embedding,
    Flatten,
    Layer,
    Linear,
    Norm,
    Pair,
    Pool,
    PReLU,
    Recurrent,
    Resample,
    ResidualBlock,
    block_paths,
    fmt_pair,
    pair,
    spatial_output,
)
from calculators.limits import MAX_INT, MAX_INT_TEXT
from calculators.result import Result
from dlquiz.errors import InputError

FORMULA = ("conv: params = C_out·(C_in/g)·k_h·k_w (+ C_out bias), MACs = C_out·H_out·W_out·(C_in/g)·k_h·k_w;  "
           "deconv: MACs = C_in·(C_out/g)·k_h·k_w·H_in·W_in;  fc: params = in·out (+ out), MACs = in·out;  "
           "BN: params = 2·C;  FLOPs = 2·MACs")

Shape = tuple[int, ...]  # (C, H, W) for feature maps, (F,) after flatten/fc, (T, F) for sequences


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
    if len(shape) == 2:  # only sequences have two dimensions
        raise InputError(f"layer {layer.name} ({layer.type_name}) needs a C×H×W feature map but gets a "
                         f"{shape[0]}×{shape[1]} sequence (steps × features) from an embedding/rnn")
    if len(shape) != 3:
        raise InputError(f"layer {layer.name} ({layer.type_name}) needs a C×H×W feature map but follows a "
                         f"flatten/fc (input shape {list(shape)})")
    return shape[0], (shape[1], shape[2])


def _no_sequence(layer: Layer, shape: Shape, instead: str) -> None:
    if len(shape) == 2:
        raise InputError(f"layer {layer.name} ({layer.type_name}) gets a {shape[0]}×{shape[1]} sequence: PyTorch "
                         f"would take the {shape[0]} steps for channels ({instead})")


def _rnn_counts(rnn: Recurrent, shape: Shape, first: bool) -> tuple[int, int, Shape, str]:
    """Params (exact numel of nn.RNN/LSTM/GRU), MACs over the sequence, output T×(D·h), the derivation."""
    if first:
        if rnn.input_size is None:
            raise InputError(f"layer {rnn.name} ({rnn.cell}) is the first layer: give its input size i= (and the "
                             f"sequence length t=, default 1), e.g. {rnn.cell}(h={rnn.hidden},i=300,t=35)")
        steps, features = rnn.seq_len or 1, rnn.input_size
    else:
        if len(shape) != 2:
            raise InputError(f"layer {rnn.name} ({rnn.cell}) needs a T×F sequence but gets shape {list(shape)} "
                             f"(start with embedding(num, dim, t=T), or make it the first layer with i= and t=)")
        steps, features = shape
        for key, given, actual in (("i", rnn.input_size, features), ("t", rnn.seq_len, steps)):
            if given is not None and given != actual:
                raise InputError(f"layer {rnn.name} ({rnn.cell}) has {key}={given} but its input is a "
                                 f"{steps}×{features} sequence ({'features' if key == 'i' else 'steps'} "
                                 f"{actual}); leave {key}= out to take it from the input")
    g, h, d, n = rnn.gates, rnn.hidden, rnn.directions, rnn.num_layers
    bias = 2 * g * h if rnn.bias else 0  # PyTorch keeps two bias vectors per gate set: b_ih and b_hh
    first_w, later_w = g * h * (features + h), g * h * (d * h + h)  # later layers read both directions' h
    params = d * (first_w + bias) + (n - 1) * d * (later_w + bias)  # closed form: no loop over `layers`
    per_step = d * first_w + (n - 1) * d * later_w
    bias_text = f" + 2·{g}·{h}" if rnn.bias else ""
    first_text = f"{d}·({g}·{h}·({features} + {h}){bias_text})"
    later_text = f" + ({n}−1)·{d}·({g}·{h}·({d}·{h} + {h}){bias_text})" if n > 1 else ""
    mac_first = f"{d}·{g}·{h}·({features} + {h})"
    mac_later = f" + ({n}−1)·{d}·{g}·{h}·({d}·{h} + {h})" if n > 1 else ""
    step = (f"{rnn.name}: {rnn.cell}, {g} gate set{'s' if g > 1 else ''} ({RNN_GATE_NAMES[rnn.cell]}), "
            f"{d} direction{'s' if d > 1 else ''}, {n} layer{'s' if n > 1 else ''}: params = {first_text}"
            f"{later_text} = {_n(params)}; MACs per step = {mac_first}{mac_later} = {_n(per_step)}, "
            f"× {steps} steps = {_n(per_step * steps)}")
    return params, per_step * steps, (steps, d * h), step


def _resample(layer: Resample, shape: Shape) -> tuple[Shape, str]:
    """Output shape and derivation of an upsample / pixelshuffle (0 params; its arithmetic is not counted)."""
    c, (h, w) = _need_map(layer, shape)
    (sh, sw), out_c = layer.scale, c
    if layer.op == "pixelshuffle":
        r = sh
        if c % (r * r):
            raise InputError(f"layer {layer.name} (pixelshuffle): its {c} channels must be a multiple of r²={r * r}")
        out_c, what = c // (r * r), f"C/r² = {c}/{r * r} = {c // (r * r)} channels, "
    else:
        what = ""
    out = (out_c, h * sh, w * sw)
    if max(out) > MAX_INT:
        raise InputError(f"layer {layer.name} ({layer.type_name}) would output a side over {MAX_INT_TEXT}")
    return out, (f"{layer.name}: {layer.op} ×{fmt_pair(layer.scale)}: {what}{h}·{sh} × {w}·{sw} = "
                 f"{out[1]}×{out[2]}; 0 params, MACs not counted (no weights)")


def _norm_counts(norm: Norm, shape: Shape) -> tuple[int, str]:
    """Params of LayerNorm / GroupNorm / InstanceNorm2d on `shape`, and the derivation."""
    if norm.op == "layernorm":
        normalized = shape if len(shape) != 2 else shape[-1:]  # a map: nn.LayerNorm([C, H, W]); else the last dim
        numel = _prod(normalized)
        what = "×".join(map(str, normalized))
        params = 2 * numel if norm.affine else 0
        over = f"over {what} (nn.LayerNorm({list(normalized) if len(normalized) > 1 else normalized[0]}))"
        text = f"γ, β per normalized element: params = 2·{_n(numel)} = {_n(params)}" if norm.affine \
            else "affine=false: 0 params"
        return params, f"{norm.name}: layernorm {over}; {text}"
    if norm.op == "instancenorm":
        c, hw = _need_map(norm, shape)
        if hw == (1, 1):  # PyTorch refuses too: one value per channel has no variance to normalize by
            raise InputError(f"layer {norm.name} (instancenorm) gets a 1×1 map: it needs more than one value "
                             f"per channel (use a larger --size or less downsampling)")
    else:
        _no_sequence(norm, shape, "use layernorm on sequences")
        c = shape[0]
        if c % norm.groups:
            raise InputError(f"layer {norm.name} (groupnorm): g={norm.groups} must divide its {c} channels")
    params = 2 * c if norm.affine else 0
    groups = f"{norm.groups} groups of {c // norm.groups} channels, " if norm.op == "groupnorm" else ""
    text = f"params = 2·{c} (γ, β per channel) = {_n(params)}" if norm.affine else "affine=false: 0 params"
    return params, f"{norm.name}: {norm.op}, {groups}{text}"


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
    input_shape: Shape = shape
    for index, layer in enumerate(layers):
        params = macs = 0
        step = ""
        if isinstance(layer, Embedding):
            if index:
                raise InputError(f"layer {layer.name} (embedding) reads token ids: it must be the first layer")
            t, params = layer.seq_len, layer.num_embeddings * layer.dim
            input_shape, shape = (t,), (t, layer.dim)
            step = (f"{layer.name}: params = {layer.num_embeddings}·{layer.dim} = {_n(params)} (one {layer.dim}-vector "
                    f"per token); a lookup: 0 MACs; {t} token ids → {t}×{layer.dim}")
        elif isinstance(layer, Recurrent):
            params, macs, shape, step = _rnn_counts(layer, shape, index == 0)
            if index == 0:
                input_shape = (layer.seq_len or 1, layer.input_size or 0)
        elif isinstance(layer, Norm):
            params, step = _norm_counts(layer, shape)
        elif isinstance(layer, PReLU):
            n = layer.num_parameters
            if n > 1:
                _no_sequence(layer, shape, "use prelu(n=1) on sequences")
                if n != shape[0]:
                    raise InputError(f"layer {layer.name} (prelu): n={n} must be 1 or its {shape[0]} channels")
            params = n
            step = f"{layer.name}: params = {n} ({'one slope per channel' if n > 1 else 'one shared slope'})"
        elif isinstance(layer, (Conv, ConvTranspose)):
            params, macs, shape, step = _conv_counts(layer, shape)
        elif isinstance(layer, ResidualBlock):
            params, macs, shape, step = _block_counts(layer, shape)
        elif isinstance(layer, Pool):
            c, size = _need_map(layer, shape)
            shape = (c, *spatial_output(layer, size))
        elif isinstance(layer, Resample):
            shape, step = _resample(layer, shape)
        elif isinstance(layer, AdaptiveAvgPool):
            c, _ = _need_map(layer, shape)
            shape = (c, *layer.output_size)
        elif isinstance(layer, BatchNorm):
            _no_sequence(layer, shape, "use layernorm on sequences")
            if layer.affine:
                params = 2 * shape[0]
                step = f"{layer.name}: params = 2·{shape[0]} (γ, β) = {_n(params)}"
            else:
                step = f"{layer.name}: affine=false: no γ, β, 0 params (running mean/var are buffers)"
        elif isinstance(layer, Flatten):
            shape = (_prod(shape),)
        elif isinstance(layer, Linear):
            if len(shape) == 3:
                auto_flattened.append(layer.name)
            steps_in = shape[0] if len(shape) == 2 else 1  # a sequence: the same fc on every step
            n_in, n_out = (shape[1] if len(shape) == 2 else _prod(shape)), layer.out_features
            params, macs = n_in * n_out + (n_out if layer.bias else 0), steps_in * n_in * n_out
            per_step = f"{steps_in}·" if len(shape) == 2 else ""
            step = (f"{layer.name}: params = {n_in}·{n_out}{f' + {n_out}' if layer.bias else ''} = {_n(params)}; "
                    f"MACs = {per_step}{n_in}·{n_out} = {_n(macs)}")
            shape = (steps_in, n_out) if len(shape) == 2 else (n_out,)
        seen.add(layer.kind)
        rows.append(ParamRow(layer.name, layer.type_name, params, macs, tuple(shape)))
        if step:
            steps.append(step)
    table = ParamsTable(network, input_shape, tuple(rows))
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
    if "norm" in seen:
        all_notes.append("layernorm/groupnorm/instancenorm: γ, β only when affine (InstanceNorm2d's default is "
                         "affine=False); on a feature map layernorm normalizes C×H×W (nn.LayerNorm([C, H, W]), "
                         "2·C·H·W params); groupnorm(g=1) normalizes the same values with 2·C params")
    if "rnn" in seen:
        all_notes.append("rnn/lstm/gru: params per layer and direction = G·h·(in + h) weights + 2·G·h biases "
                         "(PyTorch keeps b_ih and b_hh), G = 1 (RNN), 4 (LSTM), 3 (GRU); in = i for layer 1, "
                         "directions·h after. MACs = G·h·(in + h) per layer, direction and time step, × T steps; "
                         "gate nonlinearities and elementwise products are not counted")
    if "embedding" in seen or (layers and isinstance(layers[0], Recurrent)):
        all_notes.append(f"{layers[0].name} is the first layer: the input is {_input_text(input_shape)}, not a "
                         f"C×H×W image (the input size and channel count do not apply)")
    if "deconv" in seen:
        all_notes.append("transposed conv MACs = C_in·(C_out/g)·k_h·k_w·H_in·W_in: each input value is "
                         "multiplied into a k_h×k_w patch of every output channel in its group")
    if auto_flattened:
        all_notes.append(f"{', '.join(auto_flattened)} got a C×H×W input and flattened it first (C·H·W "
                         f"features), as torchvision models do with torch.flatten")
    all_notes.extend(notes)
    return Result(table, FORMULA, tuple(steps), tuple(all_notes))


def _input_text(shape: Shape) -> str:
    if len(shape) == 1:
        return f"{shape[0]} token id{'s' if shape[0] > 1 else ''}"
    return f"a {shape[0]}×{shape[1]} sequence ({shape[0]} steps of {shape[1]} features)"


def input_text(table: ParamsTable) -> str:
    """The table's input as a title shows it: 'C×H×W', '35 token ids' or 'a 35×300 sequence (...)'."""
    return "×".join(map(str, table.input_shape)) if len(table.input_shape) == 3 else _input_text(table.input_shape)


def _prod(shape: Shape) -> int:
    out = 1
    for x in shape:
        out *= x
    return out
