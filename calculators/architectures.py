"""Architecture presets as layer lists: lenet5, alexnet, alexnet_seed, zf5, vgg16/19, resnet18/34/50/101/152.

Layouts follow torchvision where torchvision has the model (so parameter counts match its published
totals); alexnet_seed and zf5 follow the layer tables of the study notes' receptive-field script.
Layer names follow the literature (conv1..pool5, fc6..fc8) or torchvision's module names (ResNets).
`resnet(name, block, counts)` builds any torchvision-style ResNet from block counts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from calculators.conv import conv_out, pool_out
from calculators.layers import (
    Activation,
    AdaptiveAvgPool,
    BatchNorm,
    Conv,
    Dropout,
    Flatten,
    Layer,
    Linear,
    Pool,
    ResidualBlock,
    pair,
)
from calculators.preset_catalog import PRESET_DESCRIPTIONS
from dlquiz.errors import InputError


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    layers: tuple[Layer, ...]
    rf_end: int  # index of the last spatial layer: the receptive-field table stops there
    input_size: int = 224
    in_channels: int = 3
    notes: tuple[str, ...] = ()

    @property
    def rf_end_name(self) -> str:
        return self.layers[self.rf_end].name


# --------------------------------------------------------------------------- small constructors

def _conv(name: str, k: int, c: int, s: int = 1, p: int = 0, bias: bool = True) -> Conv:
    return Conv(pair(k), pair(s), pair(p), out_channels=c, bias=bias, name=name)


def _maxpool(name: str, k: int, s: int, p: int = 0) -> Pool:
    return Pool("max", pair(k), pair(s), pair(p), name=name)


def _index(layers: list[Layer], name: str) -> int:
    return next(i for i, layer in enumerate(layers) if layer.name == name)


def _classifier(features_out: list[Layer], dropout_first: bool, classes: int = 1000) -> list[Layer]:
    """fc6, fc7 (4096, ReLU, dropout) and fc8. AlexNet puts dropout before each fc, VGG after each ReLU."""
    out: list[Layer] = list(features_out)
    for n in (6, 7):
        block: list[Layer] = [Linear(4096, name=f"fc{n}"), Activation("relu", f"relu{n}")]
        drop: Layer = Dropout(0.5, f"dropout{n}")
        out += [drop, *block] if dropout_first else [*block, drop]
    return out + [Linear(classes, name="fc8")]


# --------------------------------------------------------------------------- presets

def _lenet5() -> Preset:
    layers: list[Layer] = [
        _conv("conv1", 5, 6), Activation("tanh", "tanh1"), Pool("avg", pair(2), name="pool1"),
        _conv("conv2", 5, 16), Activation("tanh", "tanh2"), Pool("avg", pair(2), name="pool2"),
        Flatten("flatten"), Linear(120, name="fc1"), Activation("tanh", "tanh3"),
        Linear(84, name="fc2"), Activation("tanh", "tanh4"), Linear(10, name="fc3"),
    ]
    return Preset("lenet5", PRESET_DESCRIPTIONS["lenet5"], tuple(layers), _index(layers, "pool2"), 32, 1, (
        "the common dense LeNet-5: the paper's C3 connects each map to only some S2 maps (1,516 parameters "
        "instead of 2,416), its S2/S4 subsampling has trainable coefficients and C5 is a 5×5 conv on a 5×5 map "
        "(the same as fc1 here)",))


def _alexnet() -> Preset:
    layers: list[Layer] = [
        _conv("conv1", 11, 64, s=4, p=2), Activation("relu", "relu1"), _maxpool("pool1", 3, 2),
        _conv("conv2", 5, 192, p=2), Activation("relu", "relu2"), _maxpool("pool2", 3, 2),
        _conv("conv3", 3, 384, p=1), Activation("relu", "relu3"),
        _conv("conv4", 3, 256, p=1), Activation("relu", "relu4"),
        _conv("conv5", 3, 256, p=1), Activation("relu", "relu5"), _maxpool("pool5", 3, 2),
        AdaptiveAvgPool(pair(6), "avgpool"), Flatten("flatten"),
    ]
    layers = _classifier(layers, dropout_first=True)
    padded = conv_out(224, 11, 4, 2)
    return Preset("alexnet", PRESET_DESCRIPTIONS["alexnet"], tuple(layers), _index(layers, "pool5"), notes=(
        "torchvision's AlexNet follows 'One weird trick' (channels 64/192/384/256/256), not the paper's "
        "96/256/384/384/256 (see alexnet_seed)",
        f"conv1 pads by 2 so a 224 input gives ⌊(224 + 2·2 − 11)/4⌋ + 1 = {padded}, the paper's 55; "
        "AdaptiveAvgPool2d(6) then fixes fc6's input at 256·6·6 = 9,216 for any input size",
    ))


def _seed_size_chain(n: int, ceil_pool: bool) -> list[int]:
    """conv1..pool5 output sizes of the notes' AlexNet table; pooling floors (PyTorch) or ceils (Caffe)."""
    sizes = []
    for name, (k, s, p) in zip(SEED_ALEXNET_NAMES, SEED_ALEXNET_TABLE):
        n = pool_out(n, k, s, p, 1, ceil_pool) if name.startswith("pool") else conv_out(n, k, s, p)
        sizes.append(n)
    return sizes


def _alexnet_seed_notes() -> tuple[str, ...]:
    floor_224, floor_227, ceil_224 = (_seed_size_chain(224, False), _seed_size_chain(227, False),
                                      _seed_size_chain(224, True))
    # What the notes' Python 2 script computes if run under Python 3: `/` is true division, sizes go fractional.
    size, floats = 224.0, []
    for k, s, p in SEED_ALEXNET_TABLE:
        size = (size - k + 2 * p) / s + 1
        floats.append(size)
    # The script's own RF loop (backwards from the unit: RF = (RF − 1)·s + k), for a cross-check with our table.
    script_rf = 1
    for k, s, _ in reversed(SEED_ALEXNET_TABLE):
        script_rf = (script_rf - 1) * s + k
    chain = " → ".join
    return (
        "layers = the notes' script table [[11,4,0],[3,2,0],[5,1,2],[3,2,0],[3,1,1],[3,1,1],[3,1,1],[3,2,0]] with "
        "the paper's channels 96/256/384/384/256; the paper's LRN layers and two-GPU groups (conv2/4/5) are "
        "left out",
        f"224 without padding: conv1..pool5 sizes {chain(map(str, floor_224))}, so pool5 is "
        f"{floor_224[-1]}×{floor_224[-1]}×256 and fc6 takes {floor_224[-1] ** 2 * 256:,} features",
        f"227 vs 224: the paper says 224 but its 55×55 conv1 output needs 227 without padding "
        f"(⌊(227 − 11)/4⌋ + 1 = {floor_227[0]}, ⌊(224 − 11)/4⌋ + 1 = {floor_224[0]}); 227 gives "
        f"{chain(map(str, floor_227))}, i.e. the familiar {floor_227[-1]}×{floor_227[-1]}×256 = "
        f"{floor_227[-1] ** 2 * 256:,} fc6 inputs",
        f"Caffe rounds pooling up (the notes' pooling formula says 向上取整): 224 with ceil pooling gives "
        f"{chain(map(str, ceil_224))}",
        f"the notes' script is Python 2 (print statements); under Python 3 its `/` makes the sizes floats "
        f"({', '.join(f'{x:g}' for x in floats)}) — use `//`. Its RF loop is integer-only and gives "
        f"{script_rf} at pool5, as this table does",
    )


# [kernel, stride, padding] rows and names of the notes' receptive-field script
SEED_ALEXNET_TABLE = ((11, 4, 0), (3, 2, 0), (5, 1, 2), (3, 2, 0), (3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 2, 0))
SEED_ALEXNET_NAMES = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5")
ZF5_TABLE = ((7, 2, 3), (3, 2, 1), (5, 2, 2), (3, 2, 1), (3, 1, 1), (3, 1, 1), (3, 1, 1))
ZF5_NAMES = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5")
PAPER_ALEXNET_CHANNELS = {"conv1": 96, "conv2": 256, "conv3": 384, "conv4": 384, "conv5": 256}


def _from_notes_table(names: tuple[str, ...], table: tuple[tuple[int, int, int], ...]) -> list[Layer]:
    """conv (+ ReLU) / max-pool layers from a notes [k, s, p] table; channels are the paper's (ZF-5 shares them)."""
    layers: list[Layer] = []
    for name, (k, s, p) in zip(names, table):
        if name.startswith("pool"):
            layers.append(_maxpool(name, k, s, p))
        else:
            layers += [_conv(name, k, PAPER_ALEXNET_CHANNELS[name], s=s, p=p),
                       Activation("relu", name.replace("conv", "relu"))]
    return layers


def _alexnet_seed() -> Preset:
    layers = _from_notes_table(SEED_ALEXNET_NAMES, SEED_ALEXNET_TABLE) + [Flatten("flatten")]
    layers = _classifier(layers, dropout_first=True)
    return Preset("alexnet_seed", PRESET_DESCRIPTIONS["alexnet_seed"], tuple(layers), _index(layers, "pool5"),
                  notes=_alexnet_seed_notes())


def _zf5() -> Preset:
    layers = _from_notes_table(ZF5_NAMES, ZF5_TABLE)
    return Preset("zf5", PRESET_DESCRIPTIONS["zf5"], tuple(layers), _index(layers, "conv5"), notes=(
        "ZF-5 as in the notes' script (the 5-conv ZF backbone used by SPP-net / Faster R-CNN), convolutional "
        "part only: no classifier, no LRN",))


VGG_CONFIGS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}  # convs per stage; widths 64..512


def _vgg(name: str) -> Preset:
    layers: list[Layer] = []
    for stage, (n_convs, width) in enumerate(zip(VGG_CONFIGS[name], (64, 128, 256, 512, 512)), start=1):
        for i in range(1, n_convs + 1):
            layers += [_conv(f"conv{stage}_{i}", 3, width, p=1), Activation("relu", f"relu{stage}_{i}")]
        layers.append(_maxpool(f"pool{stage}", 2, 2))
    layers += [AdaptiveAvgPool(pair(7), "avgpool"), Flatten("flatten")]
    layers = _classifier(layers, dropout_first=False)
    return Preset(name, PRESET_DESCRIPTIONS[name], tuple(layers), _index(layers, "pool5"), notes=(
        "torchvision layout without BN (the *_bn variants add it); AdaptiveAvgPool2d(7) makes fc6 take "
        "512·7·7 = 25,088 features",))


RESNET_CONFIGS = {"resnet18": ("basic", (2, 2, 2, 2)), "resnet34": ("basic", (3, 4, 6, 3)),
                  "resnet50": ("bottleneck", (3, 4, 6, 3)), "resnet101": ("bottleneck", (3, 4, 23, 3)),
                  "resnet152": ("bottleneck", (3, 8, 36, 3))}


def resnet(name: str, block: str, counts: tuple[int, ...], classes: int = 1000) -> Preset:
    """A torchvision-style ResNet: 7×7/2 stem, 3×3/2 max pool, stages of `counts` blocks (widths 64·2^i,
    stride 2 in the first block of stages 2+), global average pool, fc."""
    if block not in ("basic", "bottleneck") or not counts or min(counts) < 1:
        raise InputError("resnet needs block 'basic' or 'bottleneck' and block counts >= 1, e.g. (3, 4, 6, 3)")
    layers: list[Layer] = [_conv("conv1", 7, 64, s=2, p=3, bias=False), BatchNorm("bn1"), Activation("relu", "relu"),
                           _maxpool("maxpool", 3, 2, 1)]
    for stage, count in enumerate(counts):
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            layers.append(ResidualBlock(block, 64 * 2 ** stage, stride, f"layer{stage + 1}.{i}"))
    last_block = len(layers) - 1
    layers += [AdaptiveAvgPool(pair(1), "avgpool"), Flatten("flatten"), Linear(classes, name="fc")]
    description = PRESET_DESCRIPTIONS.get(name, f"ResNet with {block} blocks {list(counts)}")
    return Preset(name, description, tuple(layers), last_block, notes=(
        "torchvision ResNet (v1.5): BN after every conv, no conv bias; in bottlenecks the stride sits on the 3×3 "
        "conv (the paper's v1 puts it on the first 1×1); a 1×1 conv + BN shortcut where the shape changes",))


_FACTORIES: dict[str, Callable[[], Preset]] = {
    "lenet5": _lenet5, "alexnet": _alexnet, "alexnet_seed": _alexnet_seed, "zf5": _zf5,
    "vgg16": lambda: _vgg("vgg16"), "vgg19": lambda: _vgg("vgg19"),
    **{name: partial(resnet, name, block, counts) for name, (block, counts) in RESNET_CONFIGS.items()},
}
PRESET_NAMES = tuple(_FACTORIES)


@cache
def get_preset(name: str) -> Preset:
    """The preset called `name` (case-insensitive); InputError listing the valid names otherwise."""
    key = name.strip().lower().replace("-", "").replace("alexnetseed", "alexnet_seed")
    if key not in _FACTORIES:
        raise InputError(f"unknown network '{name}' (choose one of {', '.join(PRESET_NAMES)})")
    return _FACTORIES[key]()
