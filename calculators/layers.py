"""Layer specs (one frozen dataclass per layer kind) and the layer-spec mini-language.

The mini-language, e.g. ``conv(k=11,s=4,p=2,c=64); pool(k=3,s=2); conv(k=5,p=2,c=192); bn; relu; fc(4096)``:

    spec   := layer (';' | newline) layer ...          empty items are skipped
    layer  := NAME [ '(' arg (',' arg)* ')' ] [ '*' COUNT ]
    arg    := KEY '=' VALUE | VALUE                    one bare VALUE = the layer's main number (see below)
    VALUE  := INT | INT 'x' INT (height x width) | true/false | a decimal (dropout p)

Layers, keys and defaults (s=1, p=0, d=1, groups 1, bias on, pooling stride = kernel):
    conv(k, s=1, p=0, d=1, c=<in channels>, g=1, bias=true)      nn.Conv2d; bare value = c
    dwconv(k, s=1, p=0, d=1, c=<in channels>, bias=true)          depthwise: groups = in channels
    deconv(k, s=1, p=0, d=1, op=0, c=<in channels>, g=1, bias=true)  nn.ConvTranspose2d (op = output_padding)
    pool / maxpool(k, s=k, p=0, d=1, ceil=false)                  nn.MaxPool2d; bare value = k
    avgpool(k, s=k, p=0, ceil=false)                              nn.AvgPool2d; bare value = k
    adaptiveavgpool(o) / gap (= adaptiveavgpool(o=1))             nn.AdaptiveAvgPool2d
    adaptivemaxpool(o) / amp(o) / gmp (= amp(o=1))                nn.AdaptiveMaxPool2d
    upsample(s)                                                   nn.Upsample(scale_factor=s): H·s × W·s, 0 params
    pixelshuffle(r)                                               nn.PixelShuffle(r): C/r² × H·r × W·r, 0 params
    bn                                                            BatchNorm2d, or BatchNorm1d after fc/flatten
    relu, relu6, leakyrelu, gelu, silu, sigmoid, tanh            activations, 0 params
    fc / linear(o, bias=true)                                     nn.Linear; bare value = o
    flatten, dropout(p=0.5)
    basic(c, s=1) / bottleneck(c, s=1)                            torchvision ResNet blocks (c = width;
                                                                  bottleneck outputs 4c); a 1x1 conv + BN
                                                                  shortcut is added when s != 1 or channels change
    bn(affine=true)                                               affine=false: no γ, β (0 params)
    layernorm(affine=true)                                        nn.LayerNorm over the last dimension of a
                                                                  vector/sequence, over C×H×W of a feature map
    groupnorm(g, affine=true)                                     nn.GroupNorm(g, C); g must divide C
    instancenorm(affine=false)                                    nn.InstanceNorm2d (PyTorch's default affine=False)
    prelu(n=1)                                                    nn.PReLU(n): one shared slope, or n = channels
    embedding(num, dim, t=1)                                      nn.Embedding; first layer only: the input is t
                                                                  token ids, the output a t×dim sequence
    rnn / lstm / gru(h, i=<incoming features>, layers=1, bidir=false, bias=true, t=1)
                                                                  nn.RNN/LSTM/GRU(batch_first=True); bare value = h.
                                                                  Reads a T×F sequence (i = F); as the first layer
                                                                  it needs i= and reads t steps of i features.
                                                                  Output T×(2h if bidir else h), every step's h
k, s, p, d also take HxW pairs, e.g. k=3x1. `layer*N` repeats a layer N times. A bare value fills the layer's
first positional key, a second one the next (embedding(10000, 300) = embedding(num=10000, dim=300)).
Shapes per sample: C×H×W feature maps, F vectors (after flatten/fc), T×F sequences (after embedding/rnn; fc
applies to every step, as nn.Linear does on a (batch, T, F) tensor).

Limits (calculators.limits), checked before any work: a spec has at most 10,000 characters and at most 1000
layers once repeats are expanded (a block counts as one); N in *N is 1..1000; integers are ASCII digits and at
most 10^18. The parser is linear in the spec's length: no backtracking regular expressions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, cast

from calculators.limits import MAX_INT, MAX_INT_TEXT, MAX_LAYERS, MAX_REPEAT, MAX_SPEC_CHARS, int_text_problem, shorten
from dlquiz.errors import InputError

Pair = tuple[int, int]


def pair(value: int | Pair) -> Pair:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def fmt_pair(value: Pair) -> str:
    """(3, 3) -> '3', (3, 1) -> '3x1'."""
    return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"


# --------------------------------------------------------------------------- layer dataclasses


@dataclass(frozen=True)
class Conv:
    kernel: Pair
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    out_channels: int | None = None  # None: keep the input's channel count
    groups: int = 1
    depthwise: bool = False  # groups = input channels, resolved when the input is known
    bias: bool = True
    name: str = ""
    kind: ClassVar[str] = "conv"

    @property
    def type_name(self) -> str:
        return "dwconv" if self.depthwise else "conv"


@dataclass(frozen=True)
class ConvTranspose:
    kernel: Pair
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    output_padding: Pair = (0, 0)
    out_channels: int | None = None
    groups: int = 1
    bias: bool = True
    name: str = ""
    kind: ClassVar[str] = "deconv"
    type_name: ClassVar[str] = "deconv"


@dataclass(frozen=True)
class Pool:
    op: str  # "max" or "avg"
    kernel: Pair
    stride: Pair | None = None  # None: stride = kernel (PyTorch's default)
    padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    ceil_mode: bool = False
    name: str = ""
    kind: ClassVar[str] = "pool"

    @property
    def type_name(self) -> str:
        return f"{self.op}pool"

    @property
    def effective_stride(self) -> Pair:
        return self.kernel if self.stride is None else self.stride


@dataclass(frozen=True)
class BatchNorm:
    name: str = ""
    affine: bool = True  # False: no γ, β (BatchNorm2d(affine=False))
    kind: ClassVar[str] = "bn"
    type_name: ClassVar[str] = "bn"


@dataclass(frozen=True)
class Norm:
    """LayerNorm, GroupNorm or InstanceNorm: statistics per sample, learnable γ, β when affine."""

    op: str  # "layernorm", "groupnorm" or "instancenorm"
    groups: int = 1  # groupnorm only
    affine: bool = True
    name: str = ""
    kind: ClassVar[str] = "norm"

    @property
    def type_name(self) -> str:
        return self.op


@dataclass(frozen=True)
class PReLU:
    num_parameters: int = 1  # 1 shared slope, or one per channel
    name: str = ""
    kind: ClassVar[str] = "prelu"
    type_name: ClassVar[str] = "prelu"


@dataclass(frozen=True)
class Embedding:
    num_embeddings: int
    dim: int
    seq_len: int = 1  # t: how many token ids one sample holds
    name: str = ""
    kind: ClassVar[str] = "embedding"
    type_name: ClassVar[str] = "embedding"


# gate sets per cell: RNN one (tanh), LSTM four (i, f, g, o), GRU three (r, z, n)
RNN_GATES = {"rnn": 1, "lstm": 4, "gru": 3}
RNN_GATE_NAMES = {"rnn": "h", "lstm": "i, f, g, o", "gru": "r, z, n"}


@dataclass(frozen=True)
class Recurrent:
    """nn.RNN / nn.LSTM / nn.GRU with batch_first=True, returning the output sequence (every step's h)."""

    cell: str  # "rnn", "lstm" or "gru"
    hidden: int
    input_size: int | None = None  # None: the incoming sequence's feature count
    num_layers: int = 1
    bidirectional: bool = False
    bias: bool = True
    seq_len: int | None = None  # t; only the first layer of a spec needs it (default 1)
    name: str = ""
    kind: ClassVar[str] = "rnn"

    @property
    def type_name(self) -> str:
        return self.cell

    @property
    def gates(self) -> int:
        return RNN_GATES[self.cell]

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1


@dataclass(frozen=True)
class Activation:
    fn: str = "relu"
    name: str = ""
    kind: ClassVar[str] = "activation"

    @property
    def type_name(self) -> str:
        return self.fn


@dataclass(frozen=True)
class Linear:
    out_features: int
    bias: bool = True
    name: str = ""
    kind: ClassVar[str] = "fc"
    type_name: ClassVar[str] = "fc"


@dataclass(frozen=True)
class Flatten:
    name: str = ""
    kind: ClassVar[str] = "flatten"
    type_name: ClassVar[str] = "flatten"


@dataclass(frozen=True)
class AdaptiveAvgPool:
    """nn.AdaptiveAvgPool2d, or nn.AdaptiveMaxPool2d with op="max" (both global for the receptive field)."""

    output_size: Pair = (1, 1)
    name: str = ""
    op: str = "avg"
    kind: ClassVar[str] = "adaptiveavgpool"

    @property
    def type_name(self) -> str:
        return f"adaptive{self.op}pool"


@dataclass(frozen=True)
class Resample:
    """nn.Upsample(scale_factor=s) (any mode: shapes and params agree) or nn.PixelShuffle(r): 0 params."""

    op: str  # "upsample" or "pixelshuffle"
    scale: Pair
    name: str = ""
    kind: ClassVar[str] = "resample"

    @property
    def type_name(self) -> str:
        return self.op


@dataclass(frozen=True)
class Dropout:
    p: float = 0.5
    name: str = ""
    kind: ClassVar[str] = "dropout"
    type_name: ClassVar[str] = "dropout"


@dataclass(frozen=True)
class ResidualBlock:
    """A torchvision ResNet block: BasicBlock (two 3x3) or Bottleneck (1x1, 3x3 with the stride, 1x1 x4)."""

    block: str  # "basic" or "bottleneck"
    width: int
    stride: int = 1
    name: str = ""
    kind: ClassVar[str] = "block"

    @property
    def type_name(self) -> str:
        return self.block

    @property
    def expansion(self) -> int:
        return 4 if self.block == "bottleneck" else 1

    @property
    def out_channels(self) -> int:
        return self.width * self.expansion


Layer = (Conv | ConvTranspose | Pool | BatchNorm | Activation | Linear | Flatten | AdaptiveAvgPool | Dropout
         | ResidualBlock | Norm | PReLU | Embedding | Recurrent | Resample)
# The layers with a kernel: `spatial_output` maps their input size to their output size.
SpatialLayer = Conv | ConvTranspose | Pool | ResidualBlock

# Layers after which every unit sees the whole input: the receptive-field table stops before them.
GLOBAL_KINDS = ("adaptiveavgpool", "flatten", "fc")
# Layers that work on token ids or sequences, not on images: calc rf refuses them.
SEQUENCE_KINDS = ("embedding", "rnn")
# Layers that divide the jump (upsampling): calc rf refuses them, as it does transposed convs.
UPSAMPLING_KINDS = ("resample",)


def block_paths(block: ResidualBlock, in_channels: int) -> tuple[list[Layer], list[Layer]]:
    """(main branch, shortcut branch) of a ResNet block, as torchvision builds them.

    Why: params/MACs need every conv and BN; the receptive field follows the main branch, the deepest path.
    """
    n, w, out, s = block.name, block.width, block.out_channels, block.stride
    if block.block == "basic":
        main: list[Layer] = [
            Conv(pair(3), pair(s), pair(1), out_channels=w, bias=False, name=f"{n}.conv1"), BatchNorm(f"{n}.bn1"),
            Activation("relu", f"{n}.relu"),
            Conv(pair(3), pair(1), pair(1), out_channels=w, bias=False, name=f"{n}.conv2"), BatchNorm(f"{n}.bn2"),
        ]
    else:
        main = [
            Conv(pair(1), out_channels=w, bias=False, name=f"{n}.conv1"), BatchNorm(f"{n}.bn1"),
            Activation("relu", f"{n}.relu"),
            Conv(pair(3), pair(s), pair(1), out_channels=w, bias=False, name=f"{n}.conv2"), BatchNorm(f"{n}.bn2"),
            Conv(pair(1), out_channels=out, bias=False, name=f"{n}.conv3"), BatchNorm(f"{n}.bn3"),
        ]
    shortcut: list[Layer] = []
    if s != 1 or in_channels != out:
        shortcut = [Conv(pair(1), pair(s), out_channels=out, bias=False, name=f"{n}.downsample.0"),
                    BatchNorm(f"{n}.downsample.1")]
    return main, shortcut


def spatial_output(layer: SpatialLayer, size: Pair) -> Pair:
    """Output (H, W) of a conv/deconv/pool/block for input (H, W); InputError naming the layer if < 1."""
    from calculators.conv import conv_out, conv_transpose_out, pool_out

    if isinstance(layer, ResidualBlock):
        out = size
        for sub in block_paths(layer, 0)[0]:
            if isinstance(sub, Conv):
                out = spatial_output(sub, out)
        return out
    result = []
    for axis in (0, 1):
        n, k, p, d = size[axis], layer.kernel[axis], layer.padding[axis], layer.dilation[axis]
        if isinstance(layer, Conv):
            axis_out = conv_out(n, k, layer.stride[axis], p, d)
        elif isinstance(layer, ConvTranspose):
            axis_out = conv_transpose_out(n, k, layer.stride[axis], p, d, layer.output_padding[axis])
        else:
            axis_out = pool_out(n, k, layer.effective_stride[axis], p, d, layer.ceil_mode)
        result.append(axis_out)
    if min(result) < 1:
        raise InputError(
            f"layer {layer.name} ({layer.type_name}, k={fmt_pair(layer.kernel)}) gets a {size[0]}×{size[1]} input "
            f"and its output would be {result[0]}×{result[1]}: the input is too small "
            f"(use a larger --size or less downsampling)")
    if max(result) > MAX_INT:  # transposed convs multiply sizes: 400 of them with s=10^6 reach 10^2400
        raise InputError(f"layer {layer.name} ({layer.type_name}) would output {shorten(str(result[0]), 24)}×"
                         f"{shorten(str(result[1]), 24)}: sizes are limited to {MAX_INT_TEXT}")
    return result[0], result[1]


# --------------------------------------------------------------------------- the parser

ACTIVATIONS = ("relu", "relu6", "leakyrelu", "gelu", "silu", "sigmoid", "tanh")
# layer word -> (canonical kind, allowed keys, keys that bare values fill in order, required keys)
_RNN_KEYS = ("h", "i", "layers", "bidir", "bias", "t")
_LAYER_WORDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...] | str | None, tuple[str, ...]]] = {
    "conv": ("conv", ("k", "s", "p", "d", "c", "g", "bias"), "c", ("k",)),
    "dwconv": ("dwconv", ("k", "s", "p", "d", "c", "bias"), "c", ("k",)),
    "deconv": ("deconv", ("k", "s", "p", "d", "op", "c", "g", "bias"), "c", ("k",)),
    "pool": ("maxpool", ("k", "s", "p", "d", "ceil"), "k", ("k",)),
    "maxpool": ("maxpool", ("k", "s", "p", "d", "ceil"), "k", ("k",)),
    "avgpool": ("avgpool", ("k", "s", "p", "ceil"), "k", ("k",)),
    "adaptiveavgpool": ("adaptiveavgpool", ("o",), "o", ("o",)),
    "gap": ("gap", (), None, ()),
    "adaptivemaxpool": ("adaptivemaxpool", ("o",), "o", ("o",)),
    "amp": ("amp", ("o",), "o", ("o",)),
    "gmp": ("gmp", (), None, ()),
    "upsample": ("upsample", ("s",), "s", ("s",)),
    "pixelshuffle": ("pixelshuffle", ("r",), "r", ("r",)),
    "bn": ("bn", ("affine",), None, ()),
    "layernorm": ("layernorm", ("affine",), None, ()),
    "groupnorm": ("groupnorm", ("g", "affine"), "g", ("g",)),
    "instancenorm": ("instancenorm", ("affine",), None, ()),
    "prelu": ("prelu", ("n",), "n", ()),
    "embedding": ("embedding", ("num", "dim", "t"), ("num", "dim"), ("num", "dim")),
    **{cell: (cell, _RNN_KEYS, "h", ("h",)) for cell in RNN_GATES},
    "fc": ("fc", ("o", "bias"), "o", ("o",)),
    "linear": ("fc", ("o", "bias"), "o", ("o",)),
    "flatten": ("flatten", (), None, ()),
    "dropout": ("dropout", ("p",), "p", ()),
    "basic": ("basic", ("c", "s"), "c", ("c",)),
    "bottleneck": ("bottleneck", ("c", "s"), "c", ("c",)),
    **{a: (a, (), None, ()) for a in ACTIVATIONS},
}
LAYER_WORDS = tuple(_LAYER_WORDS)
_PAIR_KEYS = ("k", "s", "p", "d", "op", "o")  # upsample's s (the scale) may be HxW as well
_BOOL_KEYS = ("bias", "ceil", "affine", "bidir")
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")

ArgValue = int | Pair | float | bool  # what `_parse_value` reads: an int or HxW pair, a dropout p, a flag

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # one greedy class, anchored by match(): linear
_VALUE_RE = re.compile(r"([0-9]+)(?:x([0-9]+))?")  # ASCII digits only: `\d` also matches '٣'


@dataclass(frozen=True)
class _Item:
    """One layer item split by hand (linear time): NAME, the text inside (...), and the text after '*'."""

    name: str
    args: str | None
    args_offset: int  # offset of the text inside (...) within the item
    repeat: str | None


def _parse_value(word: str, key: str, text: str, pos: int) -> ArgValue:
    t = text.strip().lower()
    if key in _BOOL_KEYS:
        if t in _TRUE or t in _FALSE:
            return t in _TRUE
        raise InputError(f"bad value '{key}={shorten(text.strip())}' at position {pos} ({key} takes true or false)")
    if word == "dropout":  # a probability, not a size
        try:
            if not t.isascii() or "_" in t:  # float() also reads '٠.٥' and '0_5'
                raise ValueError(t)
            return float(t)
        except ValueError:
            raise InputError(f"bad value '{key}={shorten(text.strip())}' at position {pos} (dropout p is a number "
                             f"in [0, 1])") from None
    m = _VALUE_RE.fullmatch(t)
    if not m or (m.group(2) is not None and key not in _PAIR_KEYS):
        allowed = "an integer or HxW like 3x1" if key in _PAIR_KEYS else "an integer"
        raise InputError(f"bad value '{key}={shorten(text.strip())}' at position {pos} ({key} takes {allowed})")
    numbers = [g for g in m.groups() if g is not None]
    if any(int_text_problem(g) for g in numbers):  # digit count checked before int()
        raise InputError(f"bad value '{key}={shorten(text.strip())}' at position {pos} "
                         f"({key} must be at most {MAX_INT_TEXT})")
    a = int(m.group(1))
    return (a, int(m.group(2))) if m.group(2) is not None else a


def _split_item(item: str, pos: int) -> _Item:
    """NAME [ '(' args ')' ] [ '*' COUNT ], whitespace anywhere between; InputError if it is not that shape."""
    start = len(item) - len(item.lstrip())
    m = _NAME_RE.match(item, start)
    at = m.end() if m else start
    name = m.group(0) if m else ""
    rest_start = at + len(item[at:]) - len(item[at:].lstrip())
    args = None
    args_offset = 0
    if m and item.startswith("(", rest_start):
        close = item.find(")", rest_start + 1)
        inner_open = item.find("(", rest_start + 1)
        if close < 0:
            raise InputError(f"missing ')' in '{shorten(item.strip())}' at position {pos}")
        if 0 <= inner_open < close:
            raise InputError(f"unexpected '(' inside the brackets of '{shorten(item.strip())}' at position {pos} "
                             f"(write NAME(key=value, ...), e.g. conv(k=3,s=1,p=1,c=64))")
        args, args_offset = item[rest_start + 1:close], rest_start + 1
        at = close + 1
        rest_start = at + len(item[at:]) - len(item[at:].lstrip())
    repeat = None
    if m and item.startswith("*", rest_start):
        repeat = item[rest_start + 1:].strip()
        if not repeat or any(ch.isspace() for ch in repeat):
            raise InputError(f"bad repeat '*{shorten(repeat)}' at position {pos} (use *N with N from 1 to "
                             f"{MAX_REPEAT})")
        rest_start = len(item)
    if not m or item[rest_start:].strip():
        if item.count("(") > item.count(")"):
            raise InputError(f"missing ')' in '{shorten(item.strip())}' at position {pos}")
        raise InputError(f"cannot read layer '{shorten(item.strip())}' at position {pos} "
                         f"(write NAME or NAME(key=value, ...), e.g. conv(k=3,s=1,p=1,c=64))")
    return _Item(name, args, args_offset, repeat)


def _repeat_count(text: str, pos: int) -> int:
    """N of *N: ASCII digits, 1..MAX_REPEAT, checked on the text's length before int()."""
    digits = text.lstrip("0")
    if not text.isascii() or not text.isdigit() or len(digits) > len(str(MAX_REPEAT)) or not digits \
            or int(digits) > MAX_REPEAT:
        raise InputError(f"bad repeat '*{shorten(text)}' at position {pos} (use *N with N from 1 to {MAX_REPEAT})")
    return int(digits)


def _split_top(spec: str) -> list[tuple[str, int]]:
    """Split on ';' and newlines outside parentheses; keep each item's 0-based offset."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(spec):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in ";\n" and depth <= 0:
            items.append((spec[start:i], start))
            start, depth = i + 1, 0
    items.append((spec[start:], start))
    return items


def parse_layers(spec: str) -> list[Layer]:
    """Parse a layer spec into layer dataclasses with auto names (conv1, pool1, bn1, relu1, fc1, ...).

    Limits first: the spec's length before anything, each *N and the running layer count before expanding.
    """
    if len(spec) > MAX_SPEC_CHARS:
        raise InputError(f"layer spec has {len(spec)} characters; at most {MAX_SPEC_CHARS} are allowed")
    layers: list[Layer] = []
    counters: dict[str, int] = {}
    for item, offset in _split_top(spec):
        if not item.strip():
            continue
        pos = offset + len(item) - len(item.lstrip()) + 1  # 1-based position of the item
        parts = _split_item(item, pos)
        word = parts.name.lower()
        if word not in _LAYER_WORDS:
            raise InputError(f"unknown layer '{shorten(parts.name)}' at position {pos} "
                             f"(expected one of {', '.join(LAYER_WORDS)})")
        repeat = 1 if parts.repeat is None else _repeat_count(parts.repeat, pos)
        if len(layers) + repeat > MAX_LAYERS:
            raise InputError(f"layer spec has more than {MAX_LAYERS} layers (at position {pos}, after repeats); "
                             f"at most {MAX_LAYERS} are allowed")
        kind, allowed, positional, required = _LAYER_WORDS[word]
        args: dict[str, ArgValue] = {}
        if parts.args is not None and parts.args.strip():
            arg_base = offset + parts.args_offset
            for raw, arg_off in _split_args(parts.args):
                apos = arg_base + arg_off + len(raw) - len(raw.lstrip()) + 1
                key, eq, val = raw.partition("=")
                key = key.strip().lower()
                if not eq:
                    free = [k for k in _positional_keys(positional) if k not in args]
                    if not free:
                        raise InputError(f"unexpected value '{shorten(raw.strip())}' at position {apos} "
                                         f"({word} takes {_describe_keys(allowed)})")
                    key, val = free[0], raw
                if key not in allowed:
                    raise InputError(f"unknown key '{shorten(key)}' for {word} at position {apos} "
                                     f"({word} takes {_describe_keys(allowed)})")
                if key in args:
                    raise InputError(f"repeated key '{key}' at position {apos}")
                args[key] = _parse_value(word, key, val, apos)
        missing = [k for k in required if k not in args]
        if missing:
            raise InputError(f"{word} needs {missing[0]}= (at position {pos}, e.g. {_example(word)})")
        for _ in range(repeat):
            prefix = "pool" if kind == "maxpool" else kind  # `pool` is the everyday word for max pooling
            counters[prefix] = counters.get(prefix, 0) + 1
            layer = _build(kind, args, f"{prefix}{counters[prefix]}", word, pos)
            layers.append(layer)
    if not layers:
        raise InputError("empty layer spec (e.g. 'conv(k=3,p=1,c=64); relu; pool(k=2)')")
    return layers


def _positional_keys(positional: tuple[str, ...] | str | None) -> tuple[str, ...]:
    if positional is None:
        return ()
    return (positional,) if isinstance(positional, str) else positional


def _split_args(text: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for i, ch in enumerate(text + ","):
        if ch == ",":
            out.append((text[start:i], start))
            start = i + 1
    return out


def _describe_keys(allowed: tuple[str, ...]) -> str:
    return ", ".join(f"{k}=" for k in allowed) if allowed else "no arguments"


def _example(word: str) -> str:
    return {"conv": "conv(k=3,c=64)", "dwconv": "dwconv(k=3,p=1)", "deconv": "deconv(k=4,s=2,p=1,c=64)",
            "pool": "pool(k=2)", "maxpool": "maxpool(k=3,s=2)", "avgpool": "avgpool(k=2)",
            "adaptiveavgpool": "adaptiveavgpool(o=7)", "adaptivemaxpool": "adaptivemaxpool(o=7)", "amp": "amp(o=7)",
            "upsample": "upsample(s=2)", "pixelshuffle": "pixelshuffle(r=2)", "fc": "fc(1000)",
            "linear": "linear(1000)",
            "basic": "basic(c=64,s=2)", "bottleneck": "bottleneck(c=64)", "groupnorm": "groupnorm(g=32)",
            "embedding": "embedding(num=10000,dim=300,t=35)", "rnn": "rnn(h=128)", "lstm": "lstm(h=256,layers=2)",
            "gru": "gru(h=256,bidir=true)"}.get(word, word)


def _positive(name: str, key: str, value: Pair, pos: int, minimum: int = 1) -> None:
    if min(value) < minimum:
        raise InputError(f"bad value '{key}={fmt_pair(value)}' at position {pos} "
                         f"({key} must be >= {minimum} in {name})")


def _build(kind: str, args: dict[str, ArgValue], name: str, word: str, pos: int) -> Layer:
    # Without a default the key is required: parse_layers has checked that it is in `args`.
    def get_pair(key: str, default: int | None = None) -> Pair:
        value = args[key] if default is None else args.get(key, default)
        return pair(cast("int | Pair", value))  # k/s/p/d/op/o parse to an int or an HxW pair

    def get_int(key: str, default: int | None = None) -> int:
        value = args[key] if default is None else args.get(key, default)
        if isinstance(value, tuple):
            raise InputError(f"bad value '{key}={fmt_pair(value)}' at position {pos} ({key} takes one integer)")
        return cast(int, value)  # c/g/o/s parse to an int (or a pair, refused above)

    if kind in ("conv", "dwconv", "deconv"):
        k, s, p, d = get_pair("k"), get_pair("s", 1), get_pair("p", 0), get_pair("d", 1)
        _positive(word, "k", k, pos)
        _positive(word, "s", s, pos)
        _positive(word, "p", p, pos, 0)
        _positive(word, "d", d, pos)
        c = get_int("c") if "c" in args else None
        g = get_int("g", 1)
        if c is not None and c < 1:
            raise InputError(f"bad value 'c={c}' at position {pos} (c must be >= 1)")
        if g < 1:
            raise InputError(f"bad value 'g={g}' at position {pos} (g must be >= 1)")
        if c is not None and c % g:
            raise InputError(f"bad value 'g={g}' at position {pos} (groups must divide c={c})")
        bias = bool(args.get("bias", True))
        if kind == "deconv":
            op = get_pair("op", 0)
            for axis in (0, 1):
                if op[axis] >= max(s[axis], d[axis]):
                    raise InputError(f"bad value 'op={fmt_pair(op)}' at position {pos} "
                                     f"(output_padding must be < max(stride, dilation))")
            return ConvTranspose(k, s, p, d, op, c, g, bias, name)
        return Conv(k, s, p, d, c, g, kind == "dwconv", bias, name)
    if kind in ("maxpool", "avgpool"):
        k, p, d = get_pair("k"), get_pair("p", 0), get_pair("d", 1)
        stride = get_pair("s") if "s" in args else None
        _positive(word, "k", k, pos)
        if stride is not None:
            _positive(word, "s", stride, pos)
        _positive(word, "p", p, pos, 0)
        _positive(word, "d", d, pos)
        if 2 * p[0] > k[0] or 2 * p[1] > k[1]:
            raise InputError(f"bad value 'p={fmt_pair(p)}' at position {pos} "
                             f"(PyTorch pooling needs p <= k/2, here k={fmt_pair(k)})")
        return Pool(kind[:3], k, stride, p, d, bool(args.get("ceil", False)), name)
    if kind in ("adaptiveavgpool", "gap", "adaptivemaxpool", "amp", "gmp"):
        output_size = get_pair("o", 1)
        _positive(word, "o", output_size, pos)
        return AdaptiveAvgPool(output_size, name, "max" if kind in ("adaptivemaxpool", "amp", "gmp") else "avg")
    if kind in ("upsample", "pixelshuffle"):
        scale = get_pair("s") if kind == "upsample" else pair(get_int("r"))
        _positive(word, "s" if kind == "upsample" else "r", scale, pos)
        return Resample(kind, scale, name)
    if kind == "bn":
        return BatchNorm(name, bool(args.get("affine", True)))
    if kind in ("layernorm", "groupnorm", "instancenorm"):
        groups = get_int("g", 1)
        if groups < 1:
            raise InputError(f"bad value 'g={groups}' at position {pos} (g must be >= 1)")
        return Norm(kind, groups, bool(args.get("affine", kind != "instancenorm")), name)
    if kind == "prelu":
        slopes = get_int("n", 1)
        if slopes < 1:
            raise InputError(f"bad value 'n={slopes}' at position {pos} (n must be >= 1: 1 or the channel count)")
        return PReLU(slopes, name)
    if kind == "embedding":
        num, dim, seq_len = get_int("num"), get_int("dim"), get_int("t", 1)
        for key, value in (("num", num), ("dim", dim), ("t", seq_len)):
            if value < 1:
                raise InputError(f"bad value '{key}={value}' at position {pos} ({key} must be >= 1)")
        return Embedding(num, dim, seq_len, name)
    if kind in RNN_GATES:
        values = {key: get_int(key) for key in ("h", "i", "layers", "t") if key in args}
        for key, value in values.items():
            if value < 1:
                raise InputError(f"bad value '{key}={value}' at position {pos} ({key} must be >= 1)")
        return Recurrent(kind, values["h"], values.get("i"), values.get("layers", 1), bool(args.get("bidir", False)),
                         bool(args.get("bias", True)), values.get("t"), name)
    if kind == "fc":
        features = get_int("o")
        if features < 1:
            raise InputError(f"bad value 'o={features}' at position {pos} (o must be >= 1)")
        return Linear(features, bool(args.get("bias", True)), name)
    if kind == "flatten":
        return Flatten(name)
    if kind == "dropout":
        prob = args.get("p", 0.5)
        if isinstance(prob, tuple) or not 0 <= float(prob) <= 1:
            raise InputError(f"bad value 'p={prob}' at position {pos} (dropout p must be in [0, 1])")
        return Dropout(float(prob), name)
    if kind in ("basic", "bottleneck"):
        width, block_stride = get_int("c"), get_int("s", 1)
        if width < 1 or block_stride < 1:
            raise InputError(f"bad value at position {pos} ({word} needs c >= 1 and s >= 1)")
        return ResidualBlock(kind, width, block_stride, name)
    return Activation(kind, name)
