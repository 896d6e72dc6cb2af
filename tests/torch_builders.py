"""Real torch modules for the tests (torchvision is not installed, so its layouts are written out here).

Two kinds of builders:
- `build_from_layers(layers, ...)`: translates our layer dataclasses into nn modules one by one; torch, not our
  code, works out every input size (a tensor is pushed through while building).
- `*_reference(...)`: AlexNet, VGG, ResNet, LeNet-5 and the notes' AlexNet/ZF-5 tables written directly with
  torch.nn, independent of calculators/architectures.py. Row names follow our presets so tests can line rows up.

`probe=True` builds the receptive-field probe: max pools become average pools (a max pool passes gradient to one
input only), dilated max pools become all-ones depthwise convs, BN/activations/dropout become Identity (they are
pointwise, and saturating ones would zero the gradient), every conv weight is 1 and every bias 0. The gradient
of one output unit w.r.t. an all-ones input is then positive exactly on the unit's receptive field.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import torch
from torch import nn

from calculators import layers as L

ACTIVATIONS = {"relu": nn.ReLU, "relu6": nn.ReLU6, "leakyrelu": nn.LeakyReLU, "gelu": nn.GELU, "silu": nn.SiLU,
               "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


# --------------------------------------------------------------------------- torchvision-style ResNet blocks

class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, norm=nn.BatchNorm2d):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = norm(planes)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = norm(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), norm(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, norm=nn.BatchNorm2d):
        super().__init__()
        out = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = norm(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)  # v1.5: stride on the 3x3
        self.bn2 = norm(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = norm(out)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or inplanes != out:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, out, 1, stride, bias=False), norm(out))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.relu(self.bn3(self.conv3(out)) + identity)


def _identity_norm(_channels: int) -> nn.Module:
    return nn.Identity()


RNN_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceOutput(nn.Module):
    """An nn.RNN/LSTM/GRU (batch_first) that returns only its output sequence, as our table rows do."""

    def __init__(self, rnn: nn.RNNBase):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def first_input(layers: list, in_channels: int, size: tuple[int, int]) -> torch.Tensor:
    """A zero batch of one sample: token ids before an embedding, a t×i sequence before a first rnn, else an
    image."""
    first = layers[0] if layers else None
    if isinstance(first, L.Embedding):
        return torch.zeros(1, first.seq_len, dtype=torch.long)
    if isinstance(first, L.Recurrent):
        return torch.zeros(1, first.seq_len or 1, first.input_size)
    return torch.zeros(1, in_channels, *size)


# --------------------------------------------------------------------------- the sequential container

class RowNet(nn.Sequential):
    """nn.Sequential whose children are our table rows; flattens before a Linear that gets a 4-D input
    (what torchvision does with torch.flatten) and can stop after a named row."""

    def forward(self, x, upto: str | None = None):
        for name, module in self.named_children():
            if isinstance(module, nn.Sequential) and name.startswith("layer"):  # a ResNet stage
                for i, block in enumerate(module):
                    x = block(x)
                    if upto == f"{name}.{i}":
                        return x
                continue
            if isinstance(module, nn.Linear) and x.dim() > 3:  # a (1, T, F) sequence goes in whole
                x = torch.flatten(x, 1)
            x = module(x)
            if upto == name:
                return x
        return x


def rows(model: RowNet) -> Iterator[tuple[str, nn.Module]]:
    """(row name, module) in order, ResNet stages expanded into their blocks (named like torchvision)."""
    for name, module in model.named_children():
        if isinstance(module, nn.Sequential) and name.startswith("layer"):
            for i, block in enumerate(module):
                yield f"{name}.{i}", block
        else:
            yield name, module


def make_probe(model: nn.Module) -> nn.Module:
    """All-ones conv weights, zero biases, float64, eval mode."""
    model = model.to(torch.float64).eval().requires_grad_(False)  # only the input's gradient is wanted
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.fill_(1.0)
                if m.bias is not None:
                    m.bias.zero_()
    return model


# --------------------------------------------------------------------------- from our layer dataclasses

def build_from_layers(layers: list, in_channels: int, size: tuple[int, int], probe: bool = False,
                      device: str = "meta") -> RowNet:
    """A RowNet with one child per layer, in table order (dots in names become '_': torch forbids them in child
    names). Raises torch's RuntimeError if a size collapses."""
    children: list[tuple[str, nn.Module]] = []
    with torch.device(device):
        x = first_input(layers, in_channels, size)
        for layer in layers:
            module = _module_for(layer, x, probe)
            if isinstance(module, nn.Linear) and x.dim() > 3:  # a (1, T, F) sequence goes in whole
                x = torch.flatten(x, 1)
            x = module.eval()(x)
            if x.numel() == 0:  # ConvTranspose2d returns an empty map instead of raising, e.g. 1x1 with p=2, k=4
                raise RuntimeError(f"{layer.name}: output collapsed to {tuple(x.shape)}")
            children.append((layer.name.replace(".", "_"), module))
    model = RowNet(OrderedDict(children))
    return make_probe(model) if probe else model.eval()


def _module_for(layer, x: torch.Tensor, probe: bool) -> nn.Module:
    c = x.shape[1]
    if isinstance(layer, L.Conv):
        groups = c if layer.depthwise else layer.groups
        out = layer.out_channels or c
        return nn.Conv2d(c, out, layer.kernel, layer.stride, layer.padding, layer.dilation, groups, layer.bias)
    if isinstance(layer, L.ConvTranspose):
        out = layer.out_channels or c
        return nn.ConvTranspose2d(c, out, layer.kernel, layer.stride, layer.padding, layer.output_padding,
                                  layer.groups, layer.bias, layer.dilation)
    if isinstance(layer, L.Pool):
        stride = layer.stride  # None: let torch apply its own default (stride = kernel)
        if layer.op == "avg" or (probe and layer.dilation == (1, 1)):
            return nn.AvgPool2d(layer.kernel, stride, layer.padding, layer.ceil_mode)
        if probe:  # a dilated max pool: same windows as an all-ones depthwise conv
            return nn.Conv2d(c, c, layer.kernel, stride or layer.kernel, layer.padding, layer.dilation, c, False)
        return nn.MaxPool2d(layer.kernel, stride, layer.padding, layer.dilation, ceil_mode=layer.ceil_mode)
    if isinstance(layer, L.BatchNorm):
        if probe:
            return nn.Identity()
        return (nn.BatchNorm2d if x.dim() == 4 else nn.BatchNorm1d)(c, affine=layer.affine)
    if isinstance(layer, L.Norm):
        if probe:
            return nn.Identity()
        if layer.op == "layernorm":  # a map: all of C×H×W; a vector or a (1, T, F) sequence: the last dim
            shape = list(x.shape[1:]) if x.dim() == 4 else [x.shape[-1]]
            return nn.LayerNorm(shape, elementwise_affine=layer.affine)
        if layer.op == "groupnorm":
            return nn.GroupNorm(layer.groups, c, affine=layer.affine)
        return nn.InstanceNorm2d(c, affine=layer.affine)
    if isinstance(layer, L.PReLU):
        return nn.Identity() if probe else nn.PReLU(layer.num_parameters)
    if isinstance(layer, L.Embedding):
        return nn.Embedding(layer.num_embeddings, layer.dim)
    if isinstance(layer, L.Recurrent):
        rnn_class = RNN_CLASSES[layer.cell]
        return SequenceOutput(rnn_class(x.shape[-1], layer.hidden, layer.num_layers, bias=layer.bias,
                                        batch_first=True, bidirectional=layer.bidirectional))
    if isinstance(layer, L.Activation):
        return nn.Identity() if probe else ACTIVATIONS[layer.fn]()
    if isinstance(layer, L.Linear):  # a (1, T, F) sequence: the same Linear on every step
        return nn.Linear(x.shape[-1] if x.dim() == 3 else x[0].numel(), layer.out_features, layer.bias)
    if isinstance(layer, L.Flatten):
        return nn.Flatten()
    if isinstance(layer, L.AdaptiveAvgPool):
        return (nn.AdaptiveMaxPool2d if layer.op == "max" else nn.AdaptiveAvgPool2d)(layer.output_size)
    if isinstance(layer, L.Resample):
        if layer.op == "pixelshuffle":
            return nn.PixelShuffle(layer.scale[0])
        return nn.Upsample(scale_factor=tuple(float(s) for s in layer.scale))
    if isinstance(layer, L.Dropout):
        return nn.Identity() if probe else nn.Dropout(layer.p)
    if isinstance(layer, L.ResidualBlock):
        block = BasicBlock if layer.block == "basic" else Bottleneck
        return block(c, layer.width, layer.stride, _identity_norm if probe else nn.BatchNorm2d)
    raise TypeError(f"no torch module for {layer!r}")


# --------------------------------------------------------------------------- hand-written reference networks

def _act(probe: bool, kind=nn.ReLU) -> nn.Module:
    return nn.Identity() if probe else kind()


def _maxpool(k: int, s: int, p: int, probe: bool) -> nn.Module:
    return nn.AvgPool2d(k, s, p) if probe else nn.MaxPool2d(k, s, p)


def _finish(named: list[tuple[str, nn.Module]], probe: bool) -> RowNet:
    model = RowNet(OrderedDict(named))
    return make_probe(model) if probe else model.eval()


def _classifier(in_features: int, classes: int, dropout_first: bool, probe: bool) -> list[tuple[str, nn.Module]]:
    out = []
    for n, (fan_in, fan_out) in zip((6, 7), ((in_features, 4096), (4096, 4096))):
        fc = [(f"fc{n}", nn.Linear(fan_in, fan_out)), (f"relu{n}", _act(probe))]
        drop = [(f"dropout{n}", nn.Identity() if probe else nn.Dropout(0.5))]
        out += drop + fc if dropout_first else fc + drop
    return out + [("fc8", nn.Linear(4096, classes))]


def alexnet_reference(channels=(64, 192, 384, 256, 256), in_channels: int = 3, classes: int = 1000,
                      probe: bool = False) -> RowNet:
    """torchvision.models.alexnet: features, AdaptiveAvgPool2d(6), Dropout/Linear/ReLU classifier."""
    c1, c2, c3, c4, c5 = channels
    named = [("conv1", nn.Conv2d(in_channels, c1, 11, 4, 2)), ("relu1", _act(probe)),
             ("pool1", _maxpool(3, 2, 0, probe)),
             ("conv2", nn.Conv2d(c1, c2, 5, padding=2)), ("relu2", _act(probe)), ("pool2", _maxpool(3, 2, 0, probe)),
             ("conv3", nn.Conv2d(c2, c3, 3, padding=1)), ("relu3", _act(probe)),
             ("conv4", nn.Conv2d(c3, c4, 3, padding=1)), ("relu4", _act(probe)),
             ("conv5", nn.Conv2d(c4, c5, 3, padding=1)), ("relu5", _act(probe)), ("pool5", _maxpool(3, 2, 0, probe)),
             ("avgpool", nn.AdaptiveAvgPool2d(6)), ("flatten", nn.Flatten())]
    return _finish(named + _classifier(c5 * 6 * 6, classes, True, probe), probe)


# The notes' receptive-field script, copied: [filter size, stride, padding] and names.
NOTES_ALEXNET = ([[11, 4, 0], [3, 2, 0], [5, 1, 2], [3, 2, 0], [3, 1, 1], [3, 1, 1], [3, 1, 1], [3, 2, 0]],
                 ['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv4', 'conv5', 'pool5'])
NOTES_ZF5 = ([[7, 2, 3], [3, 2, 1], [5, 2, 2], [3, 2, 1], [3, 1, 1], [3, 1, 1], [3, 1, 1]],
             ['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv4', 'conv5'])
PAPER_ALEXNET_CHANNELS = (96, 256, 384, 384, 256)  # Krizhevsky et al. 2012


def notes_features(table, channels=PAPER_ALEXNET_CHANNELS, in_channels: int = 3,
                   probe: bool = False) -> list[tuple[str, nn.Module]]:
    net, names = table
    named, c, convs = [], in_channels, iter(channels)
    for (k, s, p), name in zip(net, names):
        if name.startswith("pool"):
            named.append((name, _maxpool(k, s, p, probe)))
        else:
            out = next(convs)
            named += [(name, nn.Conv2d(c, out, k, s, p)), (name.replace("conv", "relu"), _act(probe))]
            c = out
    return named


def alexnet_seed_reference(size: int = 224, channels=PAPER_ALEXNET_CHANNELS, probe: bool = False) -> RowNet:
    """The notes' AlexNet table + flatten + the paper's classifier (dropout, fc 4096, ReLU, ..., fc 1000)."""
    features = notes_features(NOTES_ALEXNET, channels, probe=probe)
    with torch.device("meta"):  # torch works out fc6's input size
        flat = nn.Sequential(OrderedDict(notes_features(NOTES_ALEXNET, channels)))(torch.zeros(1, 3, size, size))
    return _finish(features + [("flatten", nn.Flatten())] + _classifier(flat[0].numel(), 1000, True, probe), probe)


def zf5_reference(channels=PAPER_ALEXNET_CHANNELS, probe: bool = False) -> RowNet:
    return _finish(notes_features(NOTES_ZF5, channels, probe=probe), probe)


VGG_CFGS = {  # torchvision's cfgs "D" and "E"
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "vgg19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
              512, 512, 512, 512, "M"],
}


def vgg_reference(name: str, width_divisor: int = 1, probe: bool = False) -> RowNet:
    named, c, stage, i = [], 3 if width_divisor == 1 else 1, 1, 1
    for v in VGG_CFGS[name]:
        if v == "M":
            named.append((f"pool{stage}", _maxpool(2, 2, 0, probe)))
            stage, i = stage + 1, 1
        else:
            out = max(1, v // width_divisor)
            named += [(f"conv{stage}_{i}", nn.Conv2d(c, out, 3, padding=1)), (f"relu{stage}_{i}", _act(probe))]
            c, i = out, i + 1
    named += [("avgpool", nn.AdaptiveAvgPool2d(7)), ("flatten", nn.Flatten())]
    return _finish(named + _classifier(c * 7 * 7, 1000, False, probe), probe)


def resnet_reference(block: str, counts, widths=(64, 128, 256, 512), in_channels: int = 3, classes: int = 1000,
                     probe: bool = False) -> RowNet:
    """torchvision.models.resnet.ResNet with BasicBlock/Bottleneck."""
    block_cls = BasicBlock if block == "basic" else Bottleneck
    norm = _identity_norm if probe else nn.BatchNorm2d
    stem = widths[0]
    named = [("conv1", nn.Conv2d(in_channels, stem, 7, 2, 3, bias=False)), ("bn1", norm(stem)),
             ("relu", _act(probe)), ("maxpool", _maxpool(3, 2, 1, probe))]
    inplanes = stem
    for stage, (count, planes) in enumerate(zip(counts, widths)):
        blocks = []
        for i in range(count):
            blocks.append(block_cls(inplanes, planes, 2 if stage > 0 and i == 0 else 1, norm))
            inplanes = planes * block_cls.expansion
        named.append((f"layer{stage + 1}", nn.Sequential(*blocks)))
    named += [("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(inplanes, classes))]
    return _finish(named, probe)


def lenet5_reference(probe: bool = False) -> RowNet:
    tanh = lambda: _act(probe, nn.Tanh)  # noqa: E731
    named = [("conv1", nn.Conv2d(1, 6, 5)), ("tanh1", tanh()), ("pool1", nn.AvgPool2d(2)),
             ("conv2", nn.Conv2d(6, 16, 5)), ("tanh2", tanh()), ("pool2", nn.AvgPool2d(2)),
             ("flatten", nn.Flatten()), ("fc1", nn.Linear(16 * 5 * 5, 120)), ("tanh3", tanh()),
             ("fc2", nn.Linear(120, 84)), ("tanh4", tanh()), ("fc3", nn.Linear(84, 10))]
    return _finish(named, probe)


RESNET_COUNTS = {"resnet18": ("basic", (2, 2, 2, 2)), "resnet34": ("basic", (3, 4, 6, 3)),
                 "resnet50": ("bottleneck", (3, 4, 6, 3)), "resnet101": ("bottleneck", (3, 4, 23, 3)),
                 "resnet152": ("bottleneck", (3, 8, 36, 3))}


def reference(name: str, probe: bool = False, thin: bool = False) -> RowNet:
    """The hand-written model for a preset. thin=True: 1 input channel and (nearly) 1-channel layers, for
    cheap receptive-field probes on large inputs."""
    if name == "lenet5":
        return lenet5_reference(probe)
    if name == "alexnet":
        return alexnet_reference((1,) * 5, 1, probe=probe) if thin else alexnet_reference(probe=probe)
    if name == "alexnet_seed":
        return (_finish(notes_features(NOTES_ALEXNET, (1,) * 5, 1, probe), probe) if thin
                else alexnet_seed_reference(probe=probe))
    if name == "zf5":
        return _finish(notes_features(NOTES_ZF5, (1,) * 5, 1, probe), probe) if thin else zf5_reference(probe=probe)
    if name in VGG_CFGS:
        return vgg_reference(name, 10 ** 6 if thin else 1, probe)
    block, counts = RESNET_COUNTS[name]
    if thin:
        return resnet_reference(block, counts, (1, 1, 1, 1), 1, probe=probe)
    return resnet_reference(block, counts, probe=probe)
