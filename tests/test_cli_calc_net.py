"""`dlquiz calc rf` / `dlquiz calc params` through a real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dlquiz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlquiz", "calc", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_rf_table_text():
    proc = dlquiz("rf", "alexnet")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("layer"))
    assert header.split() == ["layer", "type", "kernel", "stride", "padding", "dilation", "output", "jump", "RF",
                              "start"]
    # torchvision AlexNet at 224: conv1 ⌊(224+4−11)/4⌋+1 = 55, pool1 27, conv2 27, pool2 13, conv3..5 13,
    # pool5 ⌊(13−3)/2⌋+1 = 6. RF: 11, 19, 51, 67, 99, 131, 163, 195 (see test_receptive_field's derivation).
    pool5 = next(line for line in lines if line.startswith("pool5")).split()
    assert pool5[:10] == ["pool5", "maxpool", "3", "2", "0", "1", "6", "32", "195", pool5[9]]
    # effective padding = conv1 2·1 + conv2 2·8 + conv3..5 1·16 each = 66
    assert "receptive field 195, effective stride 32, effective padding 66" in proc.stdout


def test_rf_json_keys_and_types():
    proc = dlquiz("rf", "vgg16", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"network", "input_size", "receptive_field", "effective_stride", "effective_padding",
            "layers"} <= set(data)
    assert data["network"] == "vgg16" and data["input_size"] == 224
    # VGG16 to pool5: 13 3×3 convs and 5 2×2/2 pools. r = 1 + 2·(1+1) + 1·1 [pool1] + 2·(2+2) + 1·2
    # + 2·(4+4+4) + 1·4 + 2·(8+8+8) + 1·8 + 2·(16+16+16) + 1·16 = 212
    assert data["receptive_field"] == 212 and data["effective_stride"] == 32
    assert len(data["layers"]) == 18
    for layer in data["layers"]:
        assert list(layer) == ["name", "type", "kernel", "stride", "padding", "dilation", "output_size", "jump",
                               "receptive_field", "start"]
        assert all(type(layer[k]) is int for k in ("kernel", "stride", "padding", "dilation", "output_size", "jump",
                                                   "receptive_field"))
        assert isinstance(layer["start"], float)
    assert all(type(data[k]) is int for k in ("input_size", "receptive_field", "effective_stride",
                                              "effective_padding"))


def test_params_json_and_text():
    proc = dlquiz("params", "resnet50", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"network", "total_params", "total_macs", "total_flops", "layers"} <= set(data)
    assert data["total_params"] == 25_557_032  # torchvision's published count
    assert data["total_flops"] == 2 * data["total_macs"]
    for layer in data["layers"]:
        assert list(layer) == ["name", "type", "params", "macs", "output_shape"]
        assert type(layer["params"]) is int and type(layer["macs"]) is int
        assert all(type(x) is int for x in layer["output_shape"])
    text = dlquiz("params", "resnet50").stdout
    assert "Total params: 25,557,032" in text
    assert "Total MACs:   4.09G" in text and "Total FLOPs:  8.18G" in text
    assert "Layer (type)" in text and "buffers" in text


def test_layers_spec_with_size_and_channels():
    proc = dlquiz("params", "--layers", "conv(k=3,c=8); bn; relu; gap; fc(10)", "--size", "16x8", "--in-channels",
                  "1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # conv 8·1·9 + 8 = 80; bn 16; fc 8·10 + 10 = 90
    assert data["total_params"] == 80 + 16 + 90
    assert data["layers"][0]["output_shape"] == [8, 14, 6]
    proc = dlquiz("rf", "--layers", "conv(k=3); conv(k=3,s=2); conv(k=3)", "--json")
    assert json.loads(proc.stdout)["receptive_field"] == 3 + 2 + 2 * 2


def test_list():
    proc = dlquiz("rf", "--list")
    assert proc.returncode == 0
    for name in ("lenet5", "alexnet", "alexnet_seed", "zf5", "vgg16", "vgg19", "resnet18", "resnet50"):
        assert name in proc.stdout
    assert "alexnet_seed" in dlquiz("params", "--help").stdout


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr


def test_bad_input_is_one_line_exit_2():
    assert_one_line_error(dlquiz("rf", "alexnett"), "unknown network 'alexnett'", "resnet50", "alexnet_seed")
    assert_one_line_error(dlquiz("params", "--layers", "conv(k=3); cnv"), "unknown layer 'cnv' at position 12")
    assert_one_line_error(dlquiz("rf", "vgg16", "--size", "20"), "layer pool5")
    assert_one_line_error(dlquiz("rf"), "--layers")
    assert_one_line_error(dlquiz("params", "vgg16", "--size", "abc"), "bad --size 'abc'")


def test_no_torch_sympy_or_textual_imported():
    code = ("import sys, contextlib, io\n"
            "from dlquiz.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['calc', 'rf', 'alexnet']) == 0\n"
            "    assert main(['calc', 'params', 'resnet50', '--json']) == 0\n"
            "    assert main(['calc', 'rf', '--layers', 'conv(k=3); pool(k=2)']) == 0\n"
            "print(sorted(m for m in ('torch', 'sympy', 'textual') if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
