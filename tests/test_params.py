"""Params / MACs / output shapes against real torch modules (on the meta device: shapes without compute),
published totals, and hand derivations."""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from calculators.architectures import PRESET_NAMES, get_preset, resnet
from calculators.layers import parse_layers
from calculators.params import count_params
from dlquiz.errors import InputError
from tests.torch_builders import build_from_layers, reference, rows


def torch_macs(module: nn.Module, inputs, output) -> int:
    """Multiply-accumulates of one conv/deconv/linear/rnn call for one sample, from torch's own shapes."""
    if isinstance(module, nn.RNNBase):  # each step multiplies every weight_ih/weight_hh entry once
        steps = inputs[0].shape[1]  # batch_first: (1, T, F)
        return steps * sum(w.numel() for name, w in module.named_parameters() if name.startswith("weight"))
    kh, kw = module.weight.shape[2:] if module.weight.dim() == 4 else (1, 1)
    if isinstance(module, nn.ConvTranspose2d):  # weight (C_in, C_out/g, kh, kw): each input value hits a patch
        return inputs[0][0].numel() * module.weight.shape[1] * kh * kw
    if isinstance(module, nn.Conv2d):  # weight (C_out, C_in/g, kh, kw): each output value is one dot product
        return output[0].numel() * module.weight.shape[1] * kh * kw
    return output[0].numel() * module.in_features  # nn.Linear


def measure(model: nn.Module, input_shape: tuple[int, ...], x: torch.Tensor | None = None) -> list[dict]:
    """Per row of `model`: name, params (numel), output shape (no batch) and MACs, all measured by torch.
    `x`: the input batch on the meta device when it is not a float C×H×W image (token ids, a sequence)."""
    measured, row_of = [], {}
    for name, module in rows(model):
        entry = {"name": name, "params": sum(p.numel() for p in module.parameters()), "macs": 0, "shape": None}
        measured.append(entry)
        for leaf in module.modules():
            row_of[leaf] = entry
    hooks = []

    def on_row(entry):
        def hook(_m, _inp, out):
            entry["shape"] = tuple(out.shape[1:])
        return hook

    def on_leaf(module, inputs, output):
        row_of[module]["macs"] += torch_macs(module, inputs, output)

    for (_name, module), entry in zip(rows(model), measured):
        hooks.append(module.register_forward_hook(on_row(entry)))
    for leaf in row_of:
        if isinstance(leaf, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.RNNBase)):
            hooks.append(leaf.register_forward_hook(on_leaf))
    with torch.device("meta"):
        model(torch.zeros(1, *input_shape) if x is None else x)
    for h in hooks:
        h.remove()
    return measured


def assert_rows_match(table, measured, compare_names: bool = True) -> None:
    assert len(table.rows) == len(measured)
    for ours, theirs in zip(table.rows, measured):
        if compare_names:
            assert ours.name == theirs["name"]
        assert (ours.params, ours.macs, ours.output_shape) == (theirs["params"], theirs["macs"], theirs["shape"]), \
            f"{ours.name}: ours {ours} vs torch {theirs}"


# --------------------------------------------------------------------------- presets vs hand-written torch models

@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_rows_match_torch_reference(name):
    preset = get_preset(name)
    table = count_params(list(preset.layers), preset.input_size, preset.in_channels, name).value
    with torch.device("meta"):
        model = reference(name)
    assert_rows_match(table, measure(model, (preset.in_channels, preset.input_size, preset.input_size)))
    assert table.total_params == sum(p.numel() for p in model.parameters())
    assert table.total_flops == 2 * table.total_macs


# torchvision's published parameter counts and "GFLOPS" (which are GMACs), from its model documentation.
PUBLISHED_PARAMS = {"alexnet": 61_100_840, "vgg16": 138_357_544, "vgg19": 143_667_240, "resnet18": 11_689_512,
                    "resnet34": 21_797_672, "resnet50": 25_557_032, "resnet101": 44_549_160,
                    "resnet152": 60_192_808}
PUBLISHED_GMACS = {"alexnet": 0.71, "vgg16": 15.47, "vgg19": 19.63, "resnet18": 1.81, "resnet34": 3.66,
                   "resnet50": 4.09, "resnet101": 7.80, "resnet152": 11.51}


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS))
def test_published_totals(name):
    preset = get_preset(name)
    table = count_params(list(preset.layers), 224, 3, name).value
    assert table.total_params == PUBLISHED_PARAMS[name]
    assert round(table.total_macs / 1e9, 2) == PUBLISHED_GMACS[name]


def test_lenet5_by_hand():
    # conv1 6·1·5·5+6 = 156; conv2 16·6·5·5+16 = 2,416; fc1 400·120+120 = 48,120; fc2 120·84+84 = 10,164;
    # fc3 84·10+10 = 850 → 61,706.  MACs: conv1 6·28·28·25 = 117,600; conv2 16·10·10·150 = 240,000;
    # fc 48,000 + 10,080 + 840 → 416,520.
    table = count_params(list(get_preset("lenet5").layers), 32, 1).value
    assert table.total_params == 156 + 2_416 + 48_120 + 10_164 + 850 == 61_706
    assert table.total_macs == 117_600 + 240_000 + 48_000 + 10_080 + 840


def test_alexnet_seed_by_hand():
    # 224 → conv1 54 → pool1 26 → conv2 26 → pool2 12 → conv3..5 12 → pool5 5: fc6 takes 256·5·5 = 6,400.
    expected = {"conv1": 96 * 3 * 121 + 96, "conv2": 256 * 96 * 25 + 256, "conv3": 384 * 256 * 9 + 384,
                "conv4": 384 * 384 * 9 + 384, "conv5": 256 * 384 * 9 + 256, "fc6": 6400 * 4096 + 4096,
                "fc7": 4096 * 4096 + 4096, "fc8": 4096 * 1000 + 1000}
    table = count_params(list(get_preset("alexnet_seed").layers), 224, 3).value
    got = {r.name: r.params for r in table.rows if r.params}
    assert got == expected
    assert {r.name: r.output_shape for r in table.rows}["pool5"] == (256, 5, 5)


# --------------------------------------------------------------------------- hand derivations of single layers

def test_depthwise_conv_by_hand():
    # 32 channels, 56×56, 3×3 depthwise, p=1: one 3×3 filter per channel → 32·9 + 32 bias = 320 params,
    # MACs = 32·56·56 outputs × 9 = 903,168.
    (row,) = count_params(parse_layers("dwconv(k=3,p=1)"), 56, 32).value.rows
    assert (row.params, row.macs, row.output_shape) == (320, 903_168, (32, 56, 56))


def test_grouped_conv_by_hand():
    # 64 → 128 channels in 4 groups, 3×3, no bias: 128·(64/4)·9 = 18,432 params; 8×8 output: 128·64·16·9 MACs.
    (row,) = count_params(parse_layers("conv(k=3,p=1,c=128,g=4,bias=false)"), 8, 64).value.rows
    assert (row.params, row.macs) == (18_432, 128 * 64 * 16 * 9)


def test_transposed_conv_by_hand():
    # 128 → 64, k=4, s=2, p=1 on 16×16: out (16−1)·2 − 2 + 4 = 32; params 128·64·16 + 64 = 131,136;
    # MACs = C_in·C_out·k²·H_in·W_in = 128·64·16·256 = 33,554,432.
    (row,) = count_params(parse_layers("deconv(k=4,s=2,p=1,c=64)"), 16, 128).value.rows
    assert (row.params, row.macs, row.output_shape) == (131_136, 33_554_432, (64, 32, 32))


def test_batchnorm_counts_gamma_beta_not_running_stats():
    table = count_params(parse_layers("conv(k=1,c=10); bn"), 4, 3)
    assert table.value.rows[1].params == 20  # γ and β for 10 channels
    bn = nn.BatchNorm2d(10)
    assert sum(p.numel() for p in bn.parameters()) == 20 and len(list(bn.buffers())) == 3
    assert any("buffers" in n for n in table.notes)


def test_fc_on_feature_map_flattens_with_a_note():
    result = count_params(parse_layers("conv(k=3,c=4); fc(10)"), 5, 1)
    assert result.value.rows[1].params == 4 * 3 * 3 * 10 + 10
    assert any("flattened" in n for n in result.notes)


def test_conv_after_flatten_is_an_input_error():
    with pytest.raises(InputError, match="conv2"):
        count_params(parse_layers("conv(k=3); flatten; conv(k=3)"), 8, 1)


def test_groups_must_divide_input_channels():
    with pytest.raises(InputError, match="conv1.*3 input channels"):
        count_params(parse_layers("conv(k=3,c=4,g=2)"), 8, 3)


def test_collapsed_size_names_the_layer():
    with pytest.raises(InputError, match="pool2"):
        count_params(parse_layers("conv(k=3); pool(k=2); conv(k=3); pool(k=4)"), 10, 1)


def test_resnet_builder_by_block_counts():
    # A 1-1-1-1 basic ResNet is a valid model; its count must match torch's.
    preset = resnet("tiny", "basic", (1, 1, 1, 1), classes=10)
    table = count_params(list(preset.layers), 64, 3).value
    with torch.device("meta"):
        from tests.torch_builders import resnet_reference
        model = resnet_reference("basic", (1, 1, 1, 1), classes=10)
    assert table.total_params == sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------- random stacks (Hypothesis) vs torch

def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def random_stacks(draw):
    """(spec text, in_channels, size) for a random stack of every layer kind, with groups and depthwise."""
    c = in_channels = draw(st.integers(1, 6))
    size = draw(st.integers(4, 40))
    flat, parts = False, []
    kernel = st.one_of(st.integers(1, 4).map(str), st.tuples(st.integers(1, 4), st.integers(1, 4))
                       .map(lambda hw: f"{hw[0]}x{hw[1]}"))
    for _ in range(draw(st.integers(1, 6))):
        kinds = ["bn", "relu", "dropout", "fc"] + ([] if flat else ["conv", "dwconv", "deconv", "maxpool",
                                                                       "avgpool", "gap", "flatten", "basic",
                                                                       "bottleneck"])
        kind = draw(st.sampled_from(kinds))
        if kind in ("conv", "deconv"):
            g = draw(st.sampled_from(_divisors(c)))
            out = g * draw(st.integers(1, 3))
            s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
            extra = f",op={draw(st.integers(0, max(s, d) - 1))}" if kind == "deconv" else ""
            bias = draw(st.sampled_from(["true", "false"]))
            parts.append(f"{kind}(k={draw(kernel)},s={s},p={draw(st.integers(0, 2))},d={d},c={out},g={g},"
                         f"bias={bias}{extra})")
            c = out
        elif kind == "dwconv":
            out = c * draw(st.integers(1, 2))
            parts.append(f"dwconv(k={draw(kernel)},s={draw(st.integers(1, 2))},p={draw(st.integers(0, 1))},c={out})")
            c = out
        elif kind in ("maxpool", "avgpool"):
            k = draw(st.integers(1, 4))
            stride = draw(st.one_of(st.just(""), st.integers(1, 3).map(lambda s: f",s={s}")))
            dil = f",d={draw(st.integers(1, 2))}" if kind == "maxpool" else ""
            parts.append(f"{kind}(k={k}{stride},p={draw(st.integers(0, k // 2))}{dil},"
                         f"ceil={draw(st.sampled_from(['true', 'false']))})")
        elif kind == "gap":
            parts.append(draw(st.sampled_from(["gap", "adaptiveavgpool(o=2)", "adaptiveavgpool(o=3x2)"])))
        elif kind == "flatten":
            parts.append("flatten")
            flat = True
        elif kind == "fc":
            c = draw(st.integers(1, 8))
            parts.append(f"fc({c},bias={draw(st.sampled_from(['true', 'false']))})")
            flat = True
        elif kind in ("basic", "bottleneck"):
            width = draw(st.integers(1, 4))
            parts.append(f"{kind}(c={width},s={draw(st.integers(1, 2))})")
            c = width * (4 if kind == "bottleneck" else 1)
        else:
            parts.append(kind if kind != "dropout" else "dropout(p=0.25)")
    return "; ".join(parts), in_channels, size


@given(random_stacks())
def test_random_stacks_match_torch(case):
    spec, in_channels, size = case
    layers = parse_layers(spec)
    try:
        table = count_params(layers, size, in_channels).value
    except InputError as exc:  # we say the input is too small: torch must refuse it as well
        assert "too small" in str(exc)
        with pytest.raises(RuntimeError):  # on the CPU: the meta device skips ConvTranspose2d's size check
            build_from_layers(layers, in_channels, (size, size), device="cpu")
        return
    model = build_from_layers(layers, in_channels, (size, size))
    assert_rows_match(table, measure(model, (in_channels, size, size)), compare_names=False)
    assert table.total_params == sum(p.numel() for p in model.parameters())
