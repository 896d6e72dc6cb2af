"""The layer-spec mini-language: good specs, defaults, and one InputError per kind of mistake."""
from __future__ import annotations

import pytest

from calculators.layers import (
    Activation,
    AdaptiveAvgPool,
    BatchNorm,
    Conv,
    ConvTranspose,
    Dropout,
    Flatten,
    Linear,
    Pool,
    ResidualBlock,
    block_paths,
    parse_layers,
    spatial_output,
)
from dlquiz.errors import InputError


def test_the_readme_example():
    layers = parse_layers("conv(k=11,s=4,p=2,c=64); pool(k=3,s=2); conv(k=5,p=2,c=192); bn; relu; fc(4096)")
    assert layers == [
        Conv((11, 11), (4, 4), (2, 2), (1, 1), 64, name="conv1"),
        Pool("max", (3, 3), (2, 2), name="pool1"),
        Conv((5, 5), (1, 1), (2, 2), (1, 1), 192, name="conv2"),
        BatchNorm("bn1"), Activation("relu", "relu1"), Linear(4096, name="fc1"),
    ]


def test_defaults():
    conv, pool, avg = parse_layers("conv(k=3); pool(k=2); avgpool(3)")
    assert (conv.stride, conv.padding, conv.dilation, conv.groups, conv.bias, conv.out_channels) == \
        ((1, 1), (0, 0), (1, 1), 1, True, None)
    assert pool.stride is None and pool.effective_stride == (2, 2)  # PyTorch: pooling stride defaults to kernel
    assert avg.op == "avg" and avg.kernel == (3, 3) and avg.effective_stride == (3, 3) and not avg.ceil_mode


def test_every_layer_kind_and_option():
    layers = parse_layers("""
        conv(64, k=3x1, s=2x1, p=1x0, d=2, g=2, bias=false)
        dwconv(k=3, p=1)
        deconv(k=4, s=2, p=1, op=1, c=32)
        maxpool(k=3, s=2, p=1, d=2, ceil=true)
        gap; adaptiveavgpool(o=7x5); flatten; dropout(0.3); linear(o=10, bias=no); gelu; tanh
        basic(c=64, s=2); bottleneck(128)
    """)
    conv, dw, de, mp, gap, aap, fl, drop, fc, gelu, tanh, basic, bottle = layers
    assert conv == Conv((3, 1), (2, 1), (1, 0), (2, 2), 64, 2, False, False, "conv1")
    assert dw.depthwise and dw.type_name == "dwconv" and dw.padding == (1, 1)
    assert de == ConvTranspose((4, 4), (2, 2), (1, 1), (1, 1), (1, 1), 32, name="deconv1")
    assert mp == Pool("max", (3, 3), (2, 2), (1, 1), (2, 2), True, "pool1")
    assert gap == AdaptiveAvgPool((1, 1), "gap1") and aap.output_size == (7, 5)
    assert isinstance(fl, Flatten) and drop == Dropout(0.3, "dropout1")
    assert fc == Linear(10, False, "fc1")
    assert (gelu.fn, tanh.fn) == ("gelu", "tanh")
    assert basic == ResidualBlock("basic", 64, 2, "basic1") and bottle.out_channels == 512


def test_repeat_and_separators_and_whitespace():
    layers = parse_layers(" conv(k=3,p=1)*3 ;; relu\n pool( k = 2 ) ;")
    assert [x.name for x in layers] == ["conv1", "conv2", "conv3", "relu1", "pool1"]


def test_block_paths_follow_torchvision():
    main, shortcut = block_paths(ResidualBlock("bottleneck", 64, 2, "layer2.0"), 256)
    convs = [x for x in main if isinstance(x, Conv)]
    assert [(c.kernel[0], c.stride[0], c.out_channels) for c in convs] == [(1, 1, 64), (3, 2, 64), (1, 1, 256)]
    assert [x.name for x in shortcut] == ["layer2.0.downsample.0", "layer2.0.downsample.1"]
    assert block_paths(ResidualBlock("basic", 64, 1, "b"), 64)[1] == []  # same shape: identity shortcut


@pytest.mark.parametrize("spec, message", [
    # "conv(k=3); " is 11 characters, so 'cnv' starts at position 12
    ("conv(k=3); cnv", r"unknown layer 'cnv' at position 12 \(expected one of conv, dwconv, deconv, pool"),
    ("conv(s=2)", r"conv needs k= \(at position 1"),
    ("pool(s=2)", r"pool needs k="),
    ("fc()", r"fc needs o="),
    ("conv(k=3,s=x)", r"bad value 's=x' at position 10"),
    ("conv(k=3,s=0)", r"bad value 's=0'"),
    ("conv(k=3,c=2x2)", r"bad value 'c=2x2'"),
    ("conv(k=3,bias=maybe)", r"bad value 'bias=maybe'"),
    ("conv(k=3,q=1)", r"unknown key 'q' for conv at position 10"),
    ("conv(k=3,k=5)", r"repeated key 'k'"),
    ("relu(3)", r"unexpected value '3' at position 6"),
    ("avgpool(k=3,d=2)", r"unknown key 'd' for avgpool"),
    ("pool(k=3,p=2)", r"bad value 'p=2'.*p <= k/2"),
    ("deconv(k=3,s=2,op=2)", r"bad value 'op=2'.*output_padding must be < max\(stride, dilation\)"),
    ("conv(k=3,c=6,g=4)", r"bad value 'g=4'.*groups must divide c=6"),
    ("dropout(p=1.5)", r"bad value 'p=1.5'"),
    ("relu; conv(k=3", r"missing '\)' in 'conv\(k=3' at position 7"),
    ("conv(k=3)*0", r"bad repeat '\*0'"),
    ("conv k=3", r"cannot read layer 'conv k=3' at position 1"),
    ("  ;  ", r"empty layer spec"),
])
def test_errors_name_the_token(spec, message):
    with pytest.raises(InputError, match=message) as info:
        parse_layers(spec)
    assert "\n" not in str(info.value)


def test_spatial_output_error_names_the_layer():
    (conv,) = parse_layers("conv(k=7)")
    assert spatial_output(conv, (7, 9)) == (1, 3)
    with pytest.raises(InputError, match=r"layer conv1 \(conv, k=7\) gets a 6×9 input"):
        spatial_output(conv, (6, 9))
