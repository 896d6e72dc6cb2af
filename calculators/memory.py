"""Training memory: parameters, gradients, optimizer state, buffers and the activations autograd saves for backward.

The layer walk is calc params' (`count_params` gives every layer's output shape and parameter count); this module
adds what each layer keeps for its backward pass, following what PyTorch's autograd really saves (checked in the
tests by counting the tensors `torch.autograd.graph.saved_tensors_hooks` sees, deduplicated by storage):

- conv / dwconv / deconv / fc: the input (needed for the weight gradient; the weight itself is a parameter).
- bn (training): the input, plus the batch mean and 1/std (C values each).
- relu, sigmoid, tanh: the output (their derivative is a function of it); relu6, leakyrelu, gelu, silu: the input
  (PyTorch's out-of-place modules; an in-place relu6/leakyrelu saves its output instead).
- maxpool: the input and the argmax indices (int64, 8 bytes each, output-sized, whatever the dtype).
- avgpool and adaptiveavgpool(o > 1): the input; gap (o = 1) is a mean and saves nothing.
- dropout (0 < p < 1): the mask, 1 byte per element on CUDA (fused kernel, bool); PyTorch's CPU path keeps the
  scaled mask in the activation dtype. p = 0 is the identity. flatten is a view: nothing new.
- basic / bottleneck: torchvision's blocks, in-place ReLU after every BN but the last, add, then a ReLU.
- a layer without parameters whose input does not require grad (a relu or pool on the raw input) saves nothing:
  autograd records no graph there.
A tensor saved by two layers (a relu's output that the next conv saves as its input, a flatten view) is counted
once, at the first layer that saves it.

dtype convention: fp32 stores everything in 4 bytes. fp16 / bf16 is mixed precision as in Micikevicius et al. 2018
and ZeRO: half-precision parameters, gradients and activations (2 bytes) plus an fp32 master copy of the weights
and fp32 optimizer state in the optimizer, so Adam costs 2 + 2 + 4 + 4 + 4 = 16 bytes per parameter.
Optimizer state: sgd none, momentum one buffer per parameter, adam two (exp_avg, exp_avg_sq); Adam's per-tensor
step counters are left out. Pure Python, no torch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import TypedDict

from calculators.layers import (
    Activation,
    AdaptiveAvgPool,
    BatchNorm,
    Conv,
    ConvTranspose,
    Dropout,
    Flatten,
    Layer,
    Linear,
    Pair,
    Pool,
    ResidualBlock,
    block_paths,
    spatial_output,
)
from calculators.limits import MAX_INT, MAX_INT_TEXT
from calculators.params import count_params
from calculators.result import Result
from dlquiz.errors import InputError

DTYPES = {"fp32": 4, "fp16": 2, "bf16": 2}
OPTIMIZERS = {"sgd": 0, "momentum": 1, "adam": 2}  # fp32 state tensors per parameter
OPTIMIZER_STATE_NAMES = {"sgd": "no state", "momentum": "momentum_buffer", "adam": "exp_avg and exp_avg_sq"}
DEVICES = ("cuda", "cpu")
MASTER_BYTES = 4  # the fp32 master copy kept by mixed precision
STATE_BYTES = 4  # optimizer state is fp32 in every convention here
INDEX_BYTES = 8  # max-pool argmax indices are int64
NUM_BATCHES_TRACKED_BYTES = 8  # BN's int64 counter buffer

OUTPUT_SAVING = ("relu", "sigmoid", "tanh")  # d/dx from the output: relu' = [y > 0], σ' = y(1 − y), tanh' = 1 − y²
INPUT_SAVING = ("relu6", "leakyrelu", "gelu", "silu")
TERMS = ("parameters", "gradients", "optimizer_state", "buffers", "activations")
SUPPORTED = ("conv, dwconv, deconv, pool/maxpool, avgpool, adaptiveavgpool, gap, bn, relu, relu6, leakyrelu, gelu, "
             "silu, sigmoid, tanh, fc/linear, flatten, dropout, basic, bottleneck")

FORMULA = ("total = parameters + gradients + optimizer state + buffers + activations;  parameters = gradients = "
           "P·b (b = 4 for fp32, 2 for fp16/bf16);  optimizer state = k·4·P (+ 4·P fp32 master copy for fp16/bf16), "
           "k = 0 sgd, 1 momentum, 2 adam;  activations = Σ batch·(elements saved for backward)·bytes")

Shape = tuple[int, ...]


class MemoryRowJSON(TypedDict):
    name: str
    type: str
    output_shape: list[int]
    params: int
    saved: list[str]
    activation_bytes: int


@dataclass(frozen=True)
class MemoryRow:
    name: str
    type: str
    output_shape: Shape
    params: int
    saved: tuple[str, ...]  # what this layer keeps for backward that no earlier layer kept, e.g. "input 64×56×56"
    activation_bytes: int  # for the whole batch

    def as_dict(self) -> MemoryRowJSON:
        return {"name": self.name, "type": self.type, "output_shape": list(self.output_shape), "params": self.params,
                "saved": list(self.saved), "activation_bytes": self.activation_bytes}


@dataclass(frozen=True)
class MemoryTable:
    network: str
    input_shape: Shape
    batch: int
    dtype: str
    optimizer: str
    device: str
    params: int
    parameters: int  # bytes, like every term below
    gradients: int
    optimizer_state: int
    buffers: int
    rows: tuple[MemoryRow, ...]

    @property
    def activations(self) -> int:
        return sum(r.activation_bytes for r in self.rows)

    def terms(self) -> dict[str, int]:
        return {"parameters": self.parameters, "gradients": self.gradients, "optimizer_state": self.optimizer_state,
                "buffers": self.buffers, "activations": self.activations}

    @property
    def total(self) -> int:
        return sum(self.terms().values())

    @property
    def dominant(self) -> str:
        terms = self.terms()
        return max(terms, key=lambda name: terms[name])

    def as_dict(self) -> dict:
        return {"network": self.network, "input_shape": list(self.input_shape), "batch": self.batch,
                "dtype": self.dtype, "optimizer": self.optimizer, "device": self.device, "params": self.params,
                "bytes": {**self.terms(), "total": self.total}, "dominant": self.dominant,
                "layers": [r.as_dict() for r in self.rows]}


def bytes_text(n: int) -> str:
    """19267584 -> '19,267,584 B (18.38 MiB)': exact bytes, then binary units (what nvidia-smi and torch report)."""
    for power, unit in ((4, "TiB"), (3, "GiB"), (2, "MiB"), (1, "KiB")):
        if n >= 1024 ** power:
            scaled = n / 1024 ** power if n < 10 ** 300 else float("inf")
            return f"{n:,} B ({scaled:.2f} {unit})" if scaled < 10 ** 6 else f"{n:,} B"
    return f"{n:,} B"


def _dims(shape: Shape) -> str:
    return "×".join(map(str, shape))


def _prod(shape: Shape) -> int:
    out = 1
    for x in shape:
        out *= x
    return out


@dataclass
class _Tensor:
    shape: Shape  # per sample
    requires_grad: bool
    ident: int


@dataclass
class _Walk:
    """What has been saved so far, deduplicated by tensor identity, and the lines that explain it."""

    batch: int
    act_bytes: int
    device: str
    saved_ids: set[int] = field(default_factory=set)
    steps: list[str] = field(default_factory=list)
    ids: count = field(default_factory=count)

    def new(self, shape: Shape, requires_grad: bool = True) -> _Tensor:
        return _Tensor(shape, requires_grad, next(self.ids))

    def save(self, tensor: _Tensor, label: str, parts: list[tuple[str, int]]) -> None:
        """Keep `tensor` (batch × its shape in the activation dtype) unless an earlier layer already keeps it."""
        if tensor.ident in self.saved_ids:
            return
        self.saved_ids.add(tensor.ident)
        elements = self.batch * _prod(tensor.shape)
        parts.append((f"{label} {_dims(tensor.shape)}", elements * self.act_bytes))

    def extra(self, label: str, elements: int, element_bytes: int, parts: list[tuple[str, int]]) -> None:
        """A tensor only the backward needs (indices, a mask, BN statistics): always new."""
        parts.append((label, elements * element_bytes))

    def bn_stats(self, channels: int, parts: list[tuple[str, int]]) -> None:
        # CUDA (cuDNN and native) keeps the batch statistics in fp32 for half inputs; the CPU kernel in the input dtype
        stat_bytes = 4 if self.device == "cuda" else self.act_bytes
        self.extra(f"mean and 1/std 2×{channels}", 2 * channels, stat_bytes, parts)


def _check_choice(what: str, value: str, allowed) -> str:
    if value not in allowed:
        raise InputError(f"{what} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def training_memory(layers: list[Layer], input_size: int | Pair, in_channels: int = 3, batch: int = 1,
                    dtype: str = "fp32", optimizer: str = "adam", device: str = "cuda", network: str = "custom",
                    notes: tuple[str, ...] = ()) -> Result[MemoryTable]:
    """Bytes of one training step's state for a C×H×W input and a batch. Result.value is a MemoryTable."""
    _check_choice("dtype", dtype, DTYPES)
    _check_choice("optimizer", optimizer, OPTIMIZERS)
    _check_choice("device", device, DEVICES)
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_INT:
        raise InputError(f"batch must be an integer from 1 to {MAX_INT_TEXT}, got {batch!r}")
    layers = list(layers)
    for layer in layers:
        if not isinstance(layer, (Conv, ConvTranspose, Pool, BatchNorm, Activation, Linear, Flatten, AdaptiveAvgPool,
                                  Dropout, ResidualBlock)) or (isinstance(layer, Activation)
                                                               and layer.fn not in OUTPUT_SAVING + INPUT_SAVING):
            raise InputError(f"layer {layer.name} ({layer.type_name}): calc memory does not model what it saves for "
                             f"backward yet; it knows {SUPPORTED}")
    params_table = count_params(layers, input_size, in_channels, network).value  # shapes, params; checks the stack
    b = DTYPES[dtype]
    walk = _Walk(batch, b, device)
    current = walk.new(params_table.input_shape, requires_grad=False)  # the data batch
    rows: list[MemoryRow] = []
    bn_channels: list[int] = []
    for layer, row in zip(layers, params_table.rows):
        parts: list[tuple[str, int]] = []
        current = _layer_saves(layer, current, tuple(row.output_shape), walk, parts, bn_channels)
        rows.append(MemoryRow(row.name, row.type, tuple(row.output_shape), row.params, tuple(p for p, _ in parts),
                              sum(n for _, n in parts)))
        if parts:
            walk.steps.append(f"{row.name}: " + " + ".join(f"{what} ({n:,} B)" for what, n in parts)
                              + (f" = {sum(n for _, n in parts):,} B" if len(parts) > 1 else ""))
        elif isinstance(layer, Flatten) or (isinstance(layer, Dropout) and layer.p == 0):
            walk.steps.append(f"{row.name}: a view of its input, nothing new saved")

    p = params_table.total_params
    k = OPTIMIZERS[optimizer]
    mixed = dtype != "fp32"
    optimizer_state = k * STATE_BYTES * p + (MASTER_BYTES * p if mixed else 0)
    buffers = sum(2 * c * b + NUM_BATCHES_TRACKED_BYTES for c in bn_channels)
    table = MemoryTable(network, params_table.input_shape, batch, dtype, optimizer, device, p, p * b, p * b,
                        optimizer_state, buffers, tuple(rows))

    state_text = f"{k} × {STATE_BYTES} B × {p:,} ({OPTIMIZER_STATE_NAMES[optimizer]})"
    if mixed:
        state_text = f"{MASTER_BYTES} B × {p:,} (fp32 master weights) + " + state_text
    steps = [f"parameters: {p:,} × {b} B ({dtype}) = {table.parameters:,} B",
             f"gradients: one per parameter, {dtype}: {p:,} × {b} B = {table.gradients:,} B",
             f"optimizer state ({optimizer}): {state_text} = {optimizer_state:,} B",
             f"buffers: BN running mean/var 2·C × {b} B + an int64 counter, for {len(bn_channels)} BN layer(s) "
             f"= {buffers:,} B",
             f"activations saved for backward (batch {batch}, {b} B per element):",
             *("  " + s for s in walk.steps),
             f"activations: Σ = {table.activations:,} B"]
    total, dominant = table.total, table.dominant
    share = f"{100 * table.terms()[dominant] / total:.1f}%" if total else "0%"
    steps.append(f"total = {' + '.join(f'{v:,}' for v in table.terms().values())} = {total:,} B; "
                 f"dominant: {dominant.replace('_', ' ')} ({share})")
    all_notes = [
        "activations = the tensors autograd keeps from the forward pass for the backward pass, each counted once; "
        "peak memory is higher: the backward's temporary gradients, the loss, the allocator's caching and cuDNN "
        "workspaces come on top, and torch.cuda.max_memory_allocated will show more",
        "mixed precision (fp16/bf16) here = half parameters, gradients and activations plus an fp32 master copy and "
        "fp32 optimizer state (Adam: 16 B per parameter, ZeRO's count); torch.autocast instead keeps fp32 "
        "parameters and gradients (Adam: 4 + 4 + 8 = 16 B too, but no separate master copy) and casts per op",
        "optimizer state counts Adam's exp_avg and exp_avg_sq (or SGD's momentum_buffer), not its per-tensor step "
        "counters",
    ]
    if any(isinstance(layer, Activation) and layer.fn in ("relu6", "leakyrelu") for layer in layers):
        all_notes.append("relu6 and leakyrelu follow the modules' default inplace=False and save their input; "
                         "with inplace=True they save their output instead, which may be a tensor already kept")
    if any(isinstance(layer, Dropout) and 0 < layer.p < 1 for layer in layers):
        all_notes.append("dropout's mask is 1 byte per element on CUDA (bool); PyTorch's CPU path keeps it in the "
                         "activation dtype (--device cpu)")
    all_notes.extend(notes)
    return Result(table, FORMULA, tuple(steps), tuple(all_notes))


def _layer_saves(layer: Layer, x: _Tensor, out_shape: Shape, walk: _Walk, parts: list[tuple[str, int]],
                 bn_channels: list[int]) -> _Tensor:
    """Record what `layer` saves for backward given its input tensor `x`; return its output tensor."""
    input_label = "input (the batch)" if x.ident == 0 else "input"
    if isinstance(layer, (Conv, ConvTranspose, Linear)):
        walk.save(x, input_label, parts)  # the weight gradient needs the input, whether or not x requires grad
        return walk.new(out_shape)
    if isinstance(layer, BatchNorm):
        bn_channels.append(x.shape[0])
        if not (layer.affine or x.requires_grad):  # nothing to differentiate: no graph
            return walk.new(out_shape, requires_grad=False)
        walk.save(x, input_label, parts)
        walk.bn_stats(x.shape[0], parts)
        return walk.new(out_shape)
    if isinstance(layer, ResidualBlock):
        return _block_saves(layer, x, out_shape, walk, parts, bn_channels)
    if isinstance(layer, Flatten) or (isinstance(layer, Dropout) and layer.p == 0):
        return _Tensor(out_shape, x.requires_grad, x.ident)  # a view (flatten) or the input itself (p = 0)
    if not x.requires_grad:  # a layer without parameters on the raw input: autograd records nothing
        return walk.new(out_shape, requires_grad=False)
    if isinstance(layer, Activation):
        if layer.fn in OUTPUT_SAVING:
            out = walk.new(out_shape)
            walk.save(out, "output", parts)
            return out
        walk.save(x, input_label, parts)
        return walk.new(out_shape)
    if isinstance(layer, Pool):
        walk.save(x, input_label, parts)
        if layer.op == "max":
            walk.extra(f"indices {_dims(out_shape)} (int64)", walk.batch * _prod(out_shape), INDEX_BYTES, parts)
        return walk.new(out_shape)
    if isinstance(layer, AdaptiveAvgPool):
        if layer.output_size != (1, 1):  # o = 1 is computed as a mean, whose backward needs only the shape
            walk.save(x, input_label, parts)
        return walk.new(out_shape)
    if isinstance(layer, Dropout):
        if layer.p < 1:
            mask_bytes = 1 if walk.device == "cuda" else walk.act_bytes
            walk.extra(f"mask {_dims(x.shape)}", walk.batch * _prod(x.shape), mask_bytes, parts)
        else:  # p = 1 multiplies by a zero scalar, which is what gets saved
            walk.extra("a zero scalar", 1, walk.act_bytes, parts)
        return walk.new(out_shape)
    raise InputError(f"layer {layer.name} ({layer.type_name}): calc memory does not model it; it knows {SUPPORTED}")


def _block_saves(block: ResidualBlock, x: _Tensor, out_shape: Shape, walk: _Walk, parts: list[tuple[str, int]],
                 bn_channels: list[int]) -> _Tensor:
    """torchvision's BasicBlock / Bottleneck: conv-BN pairs with a ReLU after every BN but the last, the shortcut
    (a 1x1 conv + BN when the shape changes), the add (saves nothing) and a final ReLU (saves its output)."""
    main, shortcut = block_paths(block, x.shape[0])
    for branch in (main, shortcut):
        convs_and_bns = [sub for sub in branch if isinstance(sub, (Conv, BatchNorm))]
        current = x
        for i, sub in enumerate(convs_and_bns):
            short = sub.name.removeprefix(f"{block.name}.")  # conv1, bn2, downsample.0
            if isinstance(sub, Conv):
                hw = spatial_output(sub, (current.shape[1], current.shape[2]))
                walk.save(current, f"{short} input", parts)
                current = walk.new((sub.out_channels or current.shape[0], *hw))
            else:
                bn_channels.append(current.shape[0])
                walk.save(current, f"{short} input", parts)
                walk.bn_stats(current.shape[0], parts)
                current = walk.new(current.shape)
                if branch is main and i < len(convs_and_bns) - 1:  # ReLU(inplace=True) between the conv-BN pairs
                    walk.save(current, "relu output", parts)
    out = walk.new(out_shape)
    walk.save(out, "output (after add and relu)", parts)
    return out


def batch_from_text(text: str) -> int:
    """--batch B: a positive ASCII integer up to 10^18."""
    from calculators.limits import parse_int

    value = parse_int(text, "--batch")
    if value < 1:
        raise InputError(f"--batch {value} must be at least 1")
    return value
