"""Receptive-field tables against hand derivations, the notes' own RF loop, and empirical gradient support on
real torch modules (all-ones weights, average instead of max pooling, float64)."""
from __future__ import annotations

import math
from fractions import Fraction

import pytest
import torch
from hypothesis import assume, given, strategies as st

from calculators.architectures import get_preset
from calculators.layers import Conv, Pool, parse_layers
from calculators.receptive_field import receptive_field_table
from dlquiz.errors import InputError
from tests.torch_builders import NOTES_ALEXNET, NOTES_ZF5, build_from_layers, reference


def table_for(name: str, size: int | None = None):
    preset = get_preset(name)
    return receptive_field_table(list(preset.layers), size or preset.input_size, name, end=preset.rf_end).value


# --------------------------------------------------------------------------- hand derivations

def test_alexnet_seed_by_hand():
    # (name, output size, jump, RF, start); start_l = start_{l−1} + ((k−1)/2 − p)·j_{l−1}, start_0 = 0.5
    expected = [
        ("conv1", 54, 4, 11, 5.5),     # ⌊(224−11)/4⌋+1 = 54; r = 1 + 10·1; start = 0.5 + 5·1
        ("pool1", 26, 8, 19, 9.5),     # ⌊(54−3)/2⌋+1 = 26; r = 11 + 2·4; start = 5.5 + 1·4
        ("conv2", 26, 8, 51, 9.5),     # p=2 keeps 26; r = 19 + 4·8; start = 9.5 + (2−2)·8
        ("pool2", 12, 16, 67, 17.5),   # ⌊(26−3)/2⌋+1 = 12; r = 51 + 2·8; start = 9.5 + 1·8
        ("conv3", 12, 16, 99, 17.5),   # r = 67 + 2·16
        ("conv4", 12, 16, 131, 17.5),  # r = 99 + 2·16
        ("conv5", 12, 16, 163, 17.5),  # r = 131 + 2·16
        ("pool5", 5, 32, 195, 33.5),   # ⌊(12−3)/2⌋+1 = 5; r = 163 + 2·16; start = 17.5 + 1·16
    ]
    table = table_for("alexnet_seed")
    got = [(r.name, r.output_size[0], r.jump[0], r.receptive_field[0], float(r.start[0])) for r in table.rows]
    assert got == expected
    # effective padding: conv2 p=2 at jump 8, conv3..5 p=1 at jump 16 → 16 + 48 = 64 = r/2 − start = 97.5 − 33.5
    assert (table.receptive_field, table.effective_stride, table.effective_padding) == ((195, 195), (32, 32),
                                                                                       (64, 64))


def test_dilation_and_padding_by_hand():
    # conv k3 d2: k_eff 5 → r 5; conv k3 s2 d1: r = 5 + 2·1 = 7, j 2; conv k3 d3: k_eff 7 → r = 7 + 6·2 = 19
    table = receptive_field_table(parse_layers("conv(k=3,d=2,p=2); conv(k=3,s=2,p=5); conv(k=3,d=3)"), 64).value
    assert [r.receptive_field[0] for r in table.rows] == [5, 7, 19]
    # effective padding = 2·1 + 5·1 + 0·2 = 7
    assert table.effective_padding == (7, 7)


def test_non_square_kernels():
    table = receptive_field_table(parse_layers("conv(k=3x1); conv(k=1x5,s=2x1)"), (32, 20)).value
    assert table.receptive_field == (3, 5) and table.effective_stride == (2, 1)
    assert table.rows[-1].output_size == (15, 16)  # h: ⌊(30−1)/2⌋+1 = 15; w: 20 → 20 → 16


def notes_script_rf(table) -> list[int]:
    """The notes' inFromOut, run for every layer prefix: RF = (RF − 1)·stride + fsize, walking backwards."""
    net, _ = table
    out = []
    for n in range(1, len(net) + 1):
        rf = 1
        for fsize, stride, _pad in reversed(net[:n]):
            rf = (rf - 1) * stride + fsize
        out.append(rf)
    return out


@pytest.mark.parametrize("name, notes_table", [("alexnet_seed", NOTES_ALEXNET), ("zf5", NOTES_ZF5)])
def test_agrees_with_the_notes_script(name, notes_table):
    table = table_for(name)
    assert [r.name for r in table.rows] == notes_table[1]
    assert [r.receptive_field[0] for r in table.rows] == notes_script_rf(notes_table)


def test_padding_never_changes_rf_and_pool_stride_defaults_to_kernel():
    a = receptive_field_table(parse_layers("conv(k=5,p=0); pool(k=2); conv(k=3,p=0)"), 64).value
    b = receptive_field_table(parse_layers("conv(k=5,p=2); pool(k=2,s=2,p=1); conv(k=3,p=1)"), 64).value
    assert a.receptive_field == b.receptive_field == (5 + 1 * 1 + 2 * 2,) * 2
    assert a.effective_stride == (2, 2)


def test_transposed_conv_is_rejected():
    with pytest.raises(InputError, match="deconv1"):
        receptive_field_table(parse_layers("conv(k=3); deconv(k=2,s=2)"), 32)


def test_collapse_names_the_layer():
    with pytest.raises(InputError, match="layer pool5"):
        table_for("alexnet_seed", size=40)


# --------------------------------------------------------------------------- empirical support on real modules

def measure_support(model, size: tuple[int, int], units: list[tuple[int, int]], upto: str | None = None):
    """For each unit: (rows span, cols span) of d(output[0, 0, unit]) / d(input) at an all-ones input;
    and the output's spatial size. One forward pass serves all units."""
    x = torch.ones(1, 1, *size, dtype=torch.float64, requires_grad=True)
    y = model(x, upto=upto)
    spans = []
    for unit in units:
        (grad,) = torch.autograd.grad(y[0, 0, unit[0], unit[1]], x, retain_graph=True)
        grad = grad[0, 0]
        assert (grad >= 0).all()
        hits = [torch.nonzero(grad.sum(axis) > 0).flatten() for axis in (1, 0)]
        # None: a border unit whose window holds only padding (e.g. k=1 with p=1) sees no pixel at all
        spans.append(tuple((int(h.min()), int(h.max())) if len(h) else None for h in hits))
    return spans, tuple(y.shape[-2:])


def window(table, axis: int, unit: int) -> tuple[int, int]:
    """Our predicted pixel span of `unit`: centred at start + unit·jump, r pixels wide."""
    r, j, start = table.receptive_field[axis], table.effective_stride[axis], table.start[axis]
    left = start + unit * j - Fraction(r, 2)  # exact: start is a half-integer when r is odd, an integer when r is even
    assert left.denominator == 1
    return int(left), int(left) + r - 1


def interior_unit_and_size(table, axis: int) -> tuple[int, int]:
    """A unit whose whole window lies inside the input, and an input size that holds it (plus a margin)."""
    r, j, pad = table.receptive_field[axis], table.effective_stride[axis], table.effective_padding[axis]
    unit = math.ceil(pad / j)
    return unit, unit * j - pad + r + j


PRESETS_TO_PROBE = ["lenet5", "alexnet", "alexnet_seed", "zf5", "vgg16", "vgg19", "resnet18", "resnet50"]


@pytest.mark.parametrize("name", PRESETS_TO_PROBE)
def test_preset_rf_matches_gradient_support(name):
    preset = get_preset(name)
    geometry = table_for(name, size=4096)  # size-independent columns: r, jump, padding, start
    unit, size = interior_unit_and_size(geometry, 0)
    size = max(size, preset.input_size)
    table = table_for(name, size)
    model = reference(name, probe=True, thin=True)
    [(rows, cols), (rows0, cols0)], out = measure_support(model, (size, size), [(unit, unit), (0, 0)],
                                                         upto=preset.rf_end_name)
    assert out == table.rows[-1].output_size
    assert rows == cols == window(table, 0, unit)
    assert rows[1] - rows[0] + 1 == table.receptive_field[0]
    # unit 0 sits on the border: the padding clips its window to the image
    lo, hi = window(table, 0, 0)
    assert rows0 == cols0 == (max(lo, 0), min(hi, size - 1))


@pytest.mark.parametrize("name", PRESETS_TO_PROBE)
def test_preset_output_sizes_match_torch(name):
    """Every row's output size at the preset's own input size, against hooks on the real reference model."""
    preset = get_preset(name)
    table = table_for(name)
    with torch.device("meta"):
        model = reference(name)
    modules = dict(model.named_modules())
    seen = {}

    def record(name):
        def hook(_module, _inputs, output):
            seen[name] = tuple(output.shape[-2:])
        return hook

    hooks = [modules[r.name].register_forward_hook(record(r.name)) for r in table.rows]
    with torch.device("meta"):
        model(torch.zeros(1, preset.in_channels, preset.input_size, preset.input_size))
    for h in hooks:
        h.remove()
    assert {r.name: r.output_size for r in table.rows} == seen


# --------------------------------------------------------------------------- random stacks (Hypothesis)

small_pair = st.one_of(st.integers(1, 3).map(lambda v: (v, v)), st.tuples(st.integers(1, 3), st.integers(1, 3)))


@st.composite
def rf_stacks(draw):
    layers = []
    for i in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            k = draw(st.tuples(st.integers(1, 5), st.integers(1, 5)))
            layers.append(Conv(k, draw(small_pair), draw(st.tuples(st.integers(0, 3), st.integers(0, 3))),
                               draw(small_pair), out_channels=1, name=f"conv{i}"))
        else:
            k = draw(st.integers(1, 4))
            op = draw(st.sampled_from(["max", "avg"]))
            dilation = (1, 1) if op == "avg" else draw(st.sampled_from([(1, 1), (2, 2), (1, 2)]))
            stride = draw(st.one_of(st.none(), small_pair))
            layers.append(Pool(op, (k, k), stride, (draw(st.integers(0, k // 2)),) * 2, dilation,
                               draw(st.booleans()), name=f"pool{i}"))
    return layers


@given(rf_stacks())
def test_random_stacks_match_gradient_support(layers):
    geometry = receptive_field_table(layers, 100_000).value
    (unit_h, size_h), (unit_w, size_w) = (interior_unit_and_size(geometry, a) for a in (0, 1))
    assume(size_h * size_w <= 400_000)
    table = receptive_field_table(layers, (size_h, size_w)).value
    out = table.rows[-1].output_size
    assert unit_h < out[0] and unit_w < out[1]
    # our output sizes equal the real modules' (real max pooling, ceil_mode and all)
    real = build_from_layers(layers, 1, (size_h, size_w))
    with torch.device("meta"):
        x = torch.zeros(1, 1, size_h, size_w)
        sizes = []
        for module in real:
            x = module(x)
            sizes.append(tuple(x.shape[-2:]))
    assert sizes == [r.output_size for r in table.rows]
    probe = build_from_layers(layers, 1, (size_h, size_w), probe=True, device="cpu")
    [(rows, cols), (rows0, cols0)], _ = measure_support(probe, (size_h, size_w), [(unit_h, unit_w), (0, 0)])
    assert rows == window(table, 0, unit_h) and cols == window(table, 1, unit_w)
    # unit (0, 0): clipped by the border; dilation/stride gaps may leave its extreme in-image pixels unused
    corner = window(table, 0, 0), window(table, 1, 0)
    if rows0 is None:  # its window holds only padding along some axis (e.g. k=1 with p=1): no pixel at all
        assert corner[0][0] < 0 or corner[1][0] < 0
        return
    for (lo, hi), got, size in zip(corner, (rows0, cols0), (size_h, size_w)):
        assert max(lo, 0) <= got[0] <= got[1] <= min(hi, size - 1)


@given(rf_stacks(), st.data())
def test_padding_never_changes_receptive_field(layers, data):
    repadded = []
    for layer in layers:
        limit = layer.kernel[0] // 2 if isinstance(layer, Pool) else 4
        p = data.draw(st.integers(0, limit))
        repadded.append(type(layer)(**{**layer.__dict__, "padding": (p, p)}))
    a = receptive_field_table(layers, 10_000).value
    b = receptive_field_table(repadded, 10_000).value
    assert a.receptive_field == b.receptive_field and a.effective_stride == b.effective_stride
