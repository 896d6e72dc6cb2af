"""Issue #13's layers: embedding, rnn/lstm/gru, layernorm/groupnorm/instancenorm, bn(affine=false), prelu.

Params are `numel()` of the real torch modules, output shapes come from a real forward pass (meta device), and
MACs follow the documented convention, measured from torch's weight shapes (tests/test_params.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from hypothesis import assume, given, settings, strategies as st
from torch import nn

from calculators.layers import AdaptiveAvgPool, BatchNorm, Embedding, Norm, PReLU, Recurrent, Resample, parse_layers
from calculators.params import count_params
from calculators.receptive_field import receptive_field_table
from dlquiz.errors import InputError
from tests.test_params import assert_rows_match, measure
from tests.torch_builders import build_from_layers, first_input


def check_against_torch(spec: str, size: int = 8, in_channels: int = 3):
    """Our table for `spec` next to the real modules' rows; returns (table, model)."""
    layers = parse_layers(spec)
    table = count_params(layers, size, in_channels).value
    model = build_from_layers(layers, in_channels, (size, size))
    with torch.device("meta"):
        x = first_input(layers, in_channels, (size, size))
    assert_rows_match(table, measure(model, (in_channels, size, size), x), compare_names=False)
    assert table.total_params == sum(p.numel() for p in model.parameters())
    return table, model


# --------------------------------------------------------------------------- the language

def test_parse_sequence_layers():
    emb, lstm, gru, rnn = parse_layers("embedding(10000, 300, t=35); lstm(256, layers=2, bidir=true); "
                                       "gru(h=8, i=4, t=3, bias=false); rnn(16)")
    assert emb == Embedding(10000, 300, 35, "embedding1")
    assert lstm == Recurrent("lstm", 256, None, 2, True, True, None, "lstm1")
    assert gru == Recurrent("gru", 8, 4, 1, False, False, 3, "gru1")
    assert (rnn.cell, rnn.hidden, rnn.num_layers, rnn.bidirectional, rnn.bias) == ("rnn", 16, 1, False, True)
    assert parse_layers("embedding(num=5, dim=2)") == [Embedding(5, 2, 1, "embedding1")]  # t defaults to 1


def test_parse_norms_and_prelu():
    bn, bn_plain, ln, gn, inorm, inorm_affine, prelu, prelu_c = parse_layers(
        "bn(affine=false); bn; layernorm; groupnorm(4); instancenorm; instancenorm(affine=true); prelu; prelu(16)")
    assert bn == BatchNorm("bn1", affine=False) and bn_plain.affine
    assert ln == Norm("layernorm", 1, True, "layernorm1")
    assert gn == Norm("groupnorm", 4, True, "groupnorm1")
    assert not inorm.affine and inorm_affine.affine  # PyTorch: InstanceNorm2d(affine=False) by default
    assert prelu == PReLU(1, "prelu1") and prelu_c.num_parameters == 16


@pytest.mark.parametrize("spec, message", [
    ("embedding(10000)", r"embedding needs dim="),
    ("embedding(1,2,3)", r"unexpected value '3' at position 15 \(embedding takes num=, dim=, t="),
    ("embedding(10,4,t=0)", r"bad value 't=0'"),
    ("groupnorm", r"groupnorm needs g="),
    ("groupnorm(g=0)", r"bad value 'g=0'"),
    ("lstm", r"lstm needs h="),
    ("lstm(0)", r"bad value 'h=0'"),
    ("gru(8,bidir=maybe)", r"bad value 'bidir=maybe'.*true or false"),
    ("rnn(8,layers=2x2)", r"bad value 'layers=2x2'"),
    ("lstm(8,k=3)", r"unknown key 'k' for lstm at position 8 \(lstm takes h=, i=, layers=, bidir=, bias=, t="),
    ("prelu(n=0)", r"bad value 'n=0'"),
    ("layernorm(3)", r"unexpected value '3'"),
])
def test_errors_name_the_token(spec, message):
    with pytest.raises(InputError, match=message) as info:
        parse_layers(spec)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- hand derivations

def test_bidirectional_two_layer_lstm_by_hand():
    # LSTM(300 → 256, 2 layers, bidirectional): 4 gate sets, 2 bias vectors each (b_ih, b_hh).
    # layer 1, per direction: 4·256·(300 + 256) + 2·4·256 = 569,344 + 2,048 = 571,392
    # layer 2 reads both directions (512):  4·256·(512 + 256) + 2,048 = 786,432 + 2,048 = 788,480
    # total 2·571,392 + 2·788,480 = 2,719,744.  MACs per step: 2·569,344 + 2·786,432 = 2,711,552; × 35 steps.
    table, _ = check_against_torch("embedding(10000,300,t=35); lstm(256,layers=2,bidir=true); fc(10000)")
    emb, lstm, fc = table.rows
    assert (emb.params, emb.macs, emb.output_shape) == (3_000_000, 0, (35, 300))
    assert (lstm.params, lstm.macs, lstm.output_shape) == (2_719_744, 2_711_552 * 35, (35, 512))
    # fc on every step: 512·10000 + 10000 params, 35·512·10000 MACs
    assert (fc.params, fc.macs, fc.output_shape) == (5_130_000, 35 * 512 * 10000, (35, 10000))
    assert table.input_shape == (35,)
    assert sum(p.numel() for p in nn.LSTM(300, 256, 2, bidirectional=True).parameters()) == 2_719_744


def test_gru_and_rnn_by_hand():
    # GRU(32 → 64): 3·64·(32 + 64) + 2·3·64 = 18,432 + 384 = 18,816; RNN(64 → 10, no bias): 10·(64 + 10) = 740
    table, _ = check_against_torch("gru(64,i=32,t=10); rnn(10,bias=false)")
    assert [r.params for r in table.rows] == [18_816, 740]
    assert [r.macs for r in table.rows] == [18_432 * 10, 740 * 10]
    assert table.input_shape == (10, 32)


def test_derivation_lines_show_the_gates_steps_and_both_biases():
    result = count_params(parse_layers("embedding(100,8,t=5); lstm(4,layers=2,bidir=true)"), 224, 3)
    lstm_step = next(s for s in result.steps if s.startswith("lstm1"))
    assert "4 gate sets (i, f, g, o), 2 directions, 2 layers" in lstm_step
    assert "2·(4·4·(8 + 4) + 2·4·4)" in lstm_step  # first layer: weights + the two bias vectors
    assert "(2−1)·2·(4·4·(2·4 + 4) + 2·4·4)" in lstm_step  # later layers read 2·h features
    assert "× 5 steps" in lstm_step
    assert any("the input is 5 token ids" in n for n in result.notes)


def test_norms_by_hand():
    # 8 channels of 6×6 after the conv: groupnorm / instancenorm(affine) 2·8; instancenorm and bn(affine=false) 0;
    # prelu(8) one slope per channel; layernorm on a map: nn.LayerNorm([8, 6, 6]) → 2·288 = 576
    table, _ = check_against_torch("conv(k=3,c=8); groupnorm(4); instancenorm; instancenorm(affine=true); "
                                   "bn(affine=false); prelu(8); prelu; layernorm; flatten; layernorm; bn")
    assert [r.params for r in table.rows[1:]] == [16, 0, 16, 0, 8, 1, 576, 0, 2 * 288, 2 * 288]


def test_long_layers_cost_nothing_to_count():
    # a closed form, not a loop over layers=10^18
    (row,) = count_params(parse_layers(f"lstm(1,i=1,layers={10 ** 18},t={10 ** 18})"), 1, 1).value.rows
    # per layer: 4·1·(1 + 1) + 2·4 = 16 params, 8 MACs per step
    assert row.params == 16 * 10 ** 18 and row.macs == 8 * 10 ** 18 * 10 ** 18


# --------------------------------------------------------------------------- mistakes in context

@pytest.mark.parametrize("spec, message", [
    ("conv(k=3); embedding(10,4)", r"embedding1 \(embedding\) reads token ids: it must be the first layer"),
    ("lstm(8)", r"lstm1 \(lstm\) is the first layer: give its input size i="),
    ("conv(k=3); lstm(8)", r"lstm1 \(lstm\) needs a T×F sequence but gets shape \[3, 6, 6\]"),
    ("embedding(10,4,t=3); lstm(8,i=5)", r"lstm1 \(lstm\) has i=5 but its input is a 3×4 sequence"),
    ("embedding(10,4,t=3); gru(8,t=4)", r"gru1 \(gru\) has t=4 but its input is a 3×4 sequence"),
    ("embedding(10,4,t=3); pool(k=2)", r"pool1 \(maxpool\) needs a C×H×W feature map but gets a 3×4 sequence"),
    ("embedding(10,4,t=3); bn", r"bn1 \(bn\) gets a 3×4 sequence.*use layernorm"),
    ("embedding(10,4,t=3); groupnorm(2)", r"groupnorm1 \(groupnorm\) gets a 3×4 sequence"),
    ("embedding(10,4,t=3); prelu(4)", r"prelu1 \(prelu\) gets a 3×4 sequence.*prelu\(n=1\)"),
    ("conv(k=1,c=6); groupnorm(4)", r"groupnorm1 \(groupnorm\): g=4 must divide its 6 channels"),
    ("conv(k=1,c=6); prelu(4)", r"prelu1 \(prelu\): n=4 must be 1 or its 6 channels"),
    ("fc(10); instancenorm", r"instancenorm1 \(instancenorm\) needs a C×H×W feature map"),
    ("conv(k=8); instancenorm", r"instancenorm1 \(instancenorm\) gets a 1×1 map"),
])
def test_count_errors_name_the_layer(spec, message):
    with pytest.raises(InputError, match=message) as info:
        count_params(parse_layers(spec), 8, 3)
    assert "\n" not in str(info.value)


def test_torch_refuses_what_we_refuse():
    """The mismatches above are real: PyTorch fails on them too."""
    with pytest.raises(ValueError):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError):
        nn.LSTM(5, 8, batch_first=True)(torch.zeros(1, 3, 4))
    with pytest.raises(RuntimeError):
        nn.PReLU(4)(torch.zeros(1, 6, 2, 2))
    with pytest.raises(ValueError):
        nn.InstanceNorm2d(3).eval()(torch.zeros(1, 3, 1, 1))


# --------------------------------------------------------------------------- receptive field

def test_rf_refuses_sequence_layers_and_notes_per_sample_norms():
    with pytest.raises(InputError, match=r"lstm1 \(lstm\) works on token ids or sequences"):
        receptive_field_table(parse_layers("lstm(8,i=4)"), 32)
    plain = receptive_field_table(parse_layers("conv(k=3); bn; conv(k=3)"), 32)
    normed = receptive_field_table(parse_layers("conv(k=3); groupnorm(1); prelu; conv(k=3)"), 32)
    assert plain.value.receptive_field == normed.value.receptive_field == (5, 5)  # pointwise: the RF stays
    assert any("whole map" in n for n in normed.notes) and not any("whole map" in n for n in plain.notes)


# --------------------------------------------------------------------------- max pooling, upsampling

def test_parse_adaptive_max_pooling_and_upsampling():
    amp, gmp, amax, up, up2, shuffle = parse_layers("amp(3); gmp; adaptivemaxpool(o=2x4); upsample(2); "
                                                    "upsample(s=2x3); pixelshuffle(r=2)")
    assert amp == AdaptiveAvgPool((3, 3), "amp1", "max") and amp.type_name == "adaptivemaxpool"
    assert gmp.output_size == (1, 1) and amax.output_size == (2, 4)
    assert up == Resample("upsample", (2, 2), "upsample1") and up2.scale == (2, 3)
    assert shuffle == Resample("pixelshuffle", (2, 2), "pixelshuffle1")
    with pytest.raises(InputError, match=r"bad value 'r=2x2'"):
        parse_layers("pixelshuffle(r=2x2)")
    with pytest.raises(InputError, match=r"upsample needs s="):
        parse_layers("upsample")


def test_upsampling_by_hand_and_against_torch():
    # 16 channels of 8×8: pixelshuffle(2) → 16/2² = 4 channels of 16×16; upsample 2x3 → 32×48;
    # amp(3) → 4×3×3; gmp → 4×1×1; fc flattens 4 features → 2·4 + 2 = 10 params
    table, _ = check_against_torch("conv(k=3,p=1,c=16); pixelshuffle(2); upsample(s=2x3); amp(3); gmp; fc(2)", 8)
    assert [r.output_shape for r in table.rows[1:]] == [(4, 16, 16), (4, 32, 48), (4, 3, 3), (4, 1, 1), (2,)]
    assert [r.params for r in table.rows[1:]] == [0, 0, 0, 0, 10]
    with pytest.raises(InputError, match=r"pixelshuffle1 \(pixelshuffle\): its 6 channels must be a multiple of r²=4"):
        count_params(parse_layers("conv(k=1,c=6); pixelshuffle(2)"), 4, 3)
    with pytest.raises(RuntimeError):  # torch agrees
        nn.PixelShuffle(2)(torch.zeros(1, 6, 4, 4))


def test_rf_refuses_upsampling_and_stops_at_global_max_pooling():
    with pytest.raises(InputError, match=r"upsample1 \(upsample\) upsamples: it divides the jump"):
        receptive_field_table(parse_layers("conv(k=3); upsample(2); conv(k=3)"), 32)
    table = receptive_field_table(parse_layers("conv(k=3); conv(k=3); gmp; fc(10)"), 32)
    assert table.value.rows[-1].name == "conv2" and table.value.receptive_field == (5, 5)


# --------------------------------------------------------------------------- random stacks (Hypothesis) vs torch

@st.composite
def sequence_stacks(draw):
    """A random sequence model: embedding or a first rnn, then rnn/lstm/gru, norms, fc, pointwise layers."""
    t = draw(st.integers(1, 4))
    if draw(st.booleans()):
        features = draw(st.integers(1, 6))
        parts = [f"embedding({draw(st.integers(1, 20))},{features},t={t})"]
    else:
        cell, features = draw(st.sampled_from(["rnn", "lstm", "gru"])), draw(st.integers(1, 6))
        parts = [f"{cell}({draw(st.integers(1, 5))},i={features},t={t})"]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["rnn", "lstm", "gru", "fc", "layernorm", "prelu", "relu", "dropout", "tanh"]))
        if kind in ("rnn", "lstm", "gru"):
            parts.append(f"{kind}({draw(st.integers(1, 5))},layers={draw(st.integers(1, 3))},"
                         f"bidir={draw(st.booleans())},bias={draw(st.booleans())})".lower())
        elif kind == "fc":
            parts.append(f"fc({draw(st.integers(1, 6))},bias={str(draw(st.booleans())).lower()})")
        elif kind == "layernorm":
            parts.append(f"layernorm(affine={str(draw(st.booleans())).lower()})")
        else:
            parts.append(kind)
    if draw(st.booleans()):
        parts += ["flatten", f"fc({draw(st.integers(1, 4))})", draw(st.sampled_from(["bn", "layernorm", "prelu"]))]
    return "; ".join(parts)


@settings(max_examples=60, deadline=None)
@given(sequence_stacks())
def test_random_sequence_stacks_match_torch(spec):
    check_against_torch(spec)


@st.composite
def normed_map_stacks(draw):
    """conv → norm/prelu/upsample/adaptive max pool layers on C×H×W maps, with every norm's affine switch."""
    c = draw(st.integers(1, 3)) * draw(st.integers(1, 4))
    parts = [f"conv(k={draw(st.integers(1, 3))},c={c})"]
    for _ in range(draw(st.integers(1, 4))):
        affine = str(draw(st.booleans())).lower()
        parts.append(draw(st.sampled_from([
            f"bn(affine={affine})", f"layernorm(affine={affine})", f"instancenorm(affine={affine})",
            f"groupnorm({draw(st.sampled_from([g for g in range(1, c + 1) if c % g == 0]))},affine={affine})",
            "prelu", f"prelu({c})", "relu", f"upsample(s={draw(st.integers(1, 2))}x{draw(st.integers(1, 3))})",
            f"amp({draw(st.integers(1, 3))})", "gmp"])))
    return "; ".join(parts), draw(st.integers(3, 8))


@settings(max_examples=60, deadline=None)
@given(normed_map_stacks())
def test_random_normed_maps_match_torch(case):
    spec, size = case
    try:
        check_against_torch(spec, size)
    except InputError as exc:  # a 1×1 map before an instancenorm: torch refuses it as well
        assert "1×1 map" in str(exc)
        with pytest.raises(ValueError):
            build_from_layers(parse_layers(spec), 3, (size, size))
    except ValueError as exc:  # (InputError, a ValueError too, is caught above)
        if "more than 1 value per channel" not in str(exc):
            raise
        # torch's batch-of-one rule, not a shape disagreement: the check runs one sample, and groupnorm (or
        # bn in training) over a single value per group has no variance; with a batch of 2 it runs. The
        # calculator counts per sample, so it rightly accepts the layer; an instancenorm case is InputError.
        assert "groupnorm" in spec or "bn" in spec, spec
        assume(False)


# --------------------------------------------------------------------------- the command line

def run_cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "dlquiz", "calc", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_params_for_a_language_model(tmp_path):
    spec = "embedding(10000,300,t=35); lstm(256,layers=2,bidir=true); fc(10000)"
    done = run_cli(tmp_path, "params", "--layers", spec, "--steps")
    assert done.returncode == 0, done.stderr
    assert "custom: input 35 token ids" in done.stdout
    assert "Total params: 10,849,744" in done.stdout  # 3,000,000 + 2,719,744 + 5,130,000
    assert "× 35 steps" in done.stdout
    data = json.loads(run_cli(tmp_path, "params", "--layers", spec, "--json").stdout)
    assert data["input_shape"] == [35] and data["layers"][1]["output_shape"] == [35, 512]


def test_cli_bad_sequence_spec_is_one_line_exit_2(tmp_path):
    done = run_cli(tmp_path, "params", "--layers", "conv(k=3); lstm(8)")
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0
    assert "needs a T×F sequence" in done.stderr
    help_text = run_cli(tmp_path, "params", "--help").stdout
    assert "embedding(num, dim, t=1)" in help_text and "b_ih and b_hh" in help_text
