"""calc memory against what PyTorch really keeps: saved-for-backward bytes counted with saved_tensors_hooks on real
modules (CPU), gradients and optimizer state after a real step, buffers; hand derivations; the CLI in a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calculators.layers import parse_layers
from calculators.memory import training_memory
from dlquiz.errors import InputError

torch = pytest.importorskip("torch")

from tests.torch_builders import build_from_layers, reference  # noqa: E402  (needs torch)

STACKS = {
    "conv-bn-relu-pool-fc": ("conv(k=3,p=1,c=8); bn; relu; pool(k=2); fc(10)", 16),
    "vgg-ish": ("conv(k=3,p=1,c=8); relu; conv(k=3,p=1,c=8); relu; pool(2); conv(k=3,p=1,c=16); relu; "
                "conv(k=3,p=1,c=16); relu; pool(2); flatten; fc(32); relu; dropout; fc(10)", 16),
    "every activation and pool": ("relu; pool(2); conv(k=3,c=4); gelu; avgpool(2); leakyrelu; relu6; silu; sigmoid; "
                                  "tanh; adaptiveavgpool(o=2); gap; fc(5); bn; dropout(0); fc(3)", 20),
    "resnet blocks": ("conv(k=7,s=2,p=3,c=8,bias=false); bn; relu; pool(k=3,s=2,p=1); basic(c=8); basic(c=16,s=2); "
                      "bottleneck(c=4); bottleneck(c=8,s=2); gap; fc(10)", 32),
    "deconv and depthwise": ("conv(k=3,p=1,c=8); bn; relu; pool(k=2); deconv(k=2,s=2,c=4); dwconv(k=3,p=1); "
                             "dropout(0.3); fc(10)", 16),
    "pool and relu on the raw input": ("pool(2); relu; bn; conv(k=3,c=4); sigmoid; fc(7)", 12),
}


def saved_for_backward_bytes(model, x) -> int:
    """Bytes of the distinct storages autograd packs during one forward pass, parameters and buffers excluded
    (they are counted as such)."""
    own = {t.untyped_storage().data_ptr() for t in [*model.parameters(), *model.buffers()]}
    storages: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in own:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(x)
    return sum(storages.values())


@pytest.mark.parametrize("dtype", ["fp32", "fp16"])
@pytest.mark.parametrize("stack", STACKS)
def test_activation_bytes_match_what_autograd_saves(stack, dtype):
    spec, size = STACKS[stack]
    layers, batch = parse_layers(spec), 3
    torch_dtype = torch.float32 if dtype == "fp32" else torch.float16
    torch.manual_seed(0)
    model = build_from_layers(layers, 3, (size, size), device="cpu").train().to(torch_dtype)
    measured = saved_for_backward_bytes(model, torch.randn(batch, 3, size, size, dtype=torch_dtype))
    ours = training_memory(layers, size, 3, batch, dtype, device="cpu").value
    assert ours.activations == measured


def test_resnet18_activations_match_autograd():
    from calculators.architectures import get_preset

    preset = get_preset("resnet18")
    model = reference("resnet18").to("cpu").train()
    measured = saved_for_backward_bytes(model, torch.randn(1, 3, 64, 64))
    assert training_memory(list(preset.layers), 64, 3, 1, device="cpu").value.activations == measured


def test_activations_scale_with_the_batch_and_parameters_do_not():
    layers = parse_layers(STACKS["vgg-ish"][0])
    one, eight = (training_memory(layers, 16, 3, b).value for b in (1, 8))
    assert eight.activations == 8 * one.activations
    assert eight.parameters == one.parameters and eight.optimizer_state == one.optimizer_state


@pytest.mark.parametrize("optimizer, make", [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("adam", lambda p: torch.optim.Adam(p, lr=1e-3)),
])
def test_parameters_gradients_state_and_buffers_match_a_real_step(optimizer, make):
    spec, size = STACKS["resnet blocks"]
    layers = parse_layers(spec)
    model = build_from_layers(layers, 3, (size, size), device="cpu").train()
    opt = make(model.parameters())
    model(torch.randn(2, 3, size, size)).sum().backward()
    opt.step()
    params = list(model.parameters())
    state = sum(t.untyped_storage().nbytes() for p in params for t in opt.state[p].values()
                if torch.is_tensor(t) and t.numel() == p.numel())  # Adam's scalar step counters are not counted
    ours = training_memory(layers, size, 3, 2, optimizer=optimizer).value
    assert ours.parameters == sum(p.untyped_storage().nbytes() for p in params)
    assert ours.gradients == sum(p.grad.untyped_storage().nbytes() for p in params if p.grad is not None)
    assert all(p.grad is not None for p in params)
    assert ours.optimizer_state == state
    assert ours.buffers == sum(b.untyped_storage().nbytes() for b in model.buffers())


def test_dropout_mask_is_one_byte_on_cuda_and_the_dtype_on_cpu():
    # fc(100) on a 10-vector, then dropout: the mask has batch·100 elements
    layers = parse_layers("fc(100); dropout(0.5)")
    cuda = training_memory(layers, 1, 10, batch=4, device="cuda").value.rows[1].activation_bytes
    cpu = training_memory(layers, 1, 10, batch=4, device="cpu").value.rows[1].activation_bytes
    assert (cuda, cpu) == (4 * 100 * 1, 4 * 100 * 4)


def test_mixed_precision_keeps_an_fp32_master_copy():
    # fc(10) on 10 inputs: 110 parameters. Adam in mixed precision: 2 (fp16 weights) + 2 (grads) + 4 (master) +
    # 4 + 4 (exp_avg, exp_avg_sq) = 16 bytes per parameter; fp32: 4 + 4 + 8 = 16 as well, sgd fp16: 2 + 2 + 4
    layers = parse_layers("fc(10)")
    adam16 = training_memory(layers, 1, 10, 1, "fp16", "adam").value
    assert (adam16.parameters, adam16.gradients, adam16.optimizer_state) == (220, 220, 1320)
    sgd16 = training_memory(layers, 1, 10, 1, "bf16", "sgd").value
    assert sgd16.parameters + sgd16.gradients + sgd16.optimizer_state == 8 * 110
    sgd32 = training_memory(layers, 1, 10, 1, "fp32", "sgd").value
    assert sgd32.optimizer_state == 0


def test_unmodelled_layers_and_bad_choices_are_one_line_input_errors():
    with pytest.raises(InputError, match="does not model"):
        training_memory(parse_layers("conv(k=3,c=4); layernorm"), 8, 3, 2)
    layers = parse_layers("fc(3)")
    for bad in (lambda: training_memory(layers, 4, 3, 1, dtype="fp8"),
                lambda: training_memory(layers, 4, 3, 1, optimizer="lion"),
                lambda: training_memory(layers, 4, 3, 1, device="tpu"),
                lambda: training_memory(layers, 4, 3, batch=0)):
        with pytest.raises(InputError):
            bad()


# ---------------------------------------------------------------- the CLI

REPO = Path(__file__).resolve().parents[1]

def dlquiz(*args: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlquiz", "calc", "memory", *args], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env={"DLQUIZ_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})


SMALL = ("--layers", "conv(k=3,p=1,c=4); relu; fc(10)", "--size", "8", "--batch", "2")


def test_cli_json_by_hand(tmp_path):
    shown = dlquiz(*SMALL, "--json", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    # params: conv 4·3·3·3 + 4 = 112, fc 4·8·8·10 + 10 = 2570 → 2682 × 4 B = 10,728 B; gradients the same;
    # adam 2 × 10,728 = 21,456; activations: conv's input 2·3·8·8·4 = 1,536 + relu's output 2·4·8·8·4 = 2,048
    # (fc saves the same tensor, counted once) = 3,584; total 10,728 + 10,728 + 21,456 + 0 + 3,584 = 46,496
    assert data["params"] == 2682
    assert data["bytes"] == {"parameters": 10728, "gradients": 10728, "optimizer_state": 21456, "buffers": 0,
                             "activations": 3584, "total": 46496}
    assert data["dominant"] == "optimizer_state"
    assert [layer["activation_bytes"] for layer in data["layers"]] == [1536, 2048, 0]
    assert {"formula", "steps", "notes"} <= data.keys()


def test_cli_text_shows_every_term_the_total_and_the_dominant_one(tmp_path):
    shown = dlquiz(*SMALL, "--optimizer", "sgd", "--dtype", "fp16", "--steps", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for term in ("parameters", "gradients", "optimizer state", "buffers", "activations", "total", "dominant:"):
        assert term in out
    assert "fp32 master weights" in out  # the derivation says where the fp16 optimizer's bytes come from


def test_cli_help_states_the_conventions(tmp_path):
    shown = dlquiz("--help", tmp_path=tmp_path)
    assert shown.returncode == 0
    for phrase in ("maxpool", "indices", "master copy", "momentum 1", "adam 2", "saves nothing", "examples:"):
        assert phrase in shown.stdout


@pytest.mark.parametrize("args, fragment", [
    (("vgg16",), "--batch"),
    (("vgg16", "--batch", "-4"), "--batch -4 must be at least 1"),
    (("vgg16", "--batch", "4", "--dtype", "fp8"), "fp8"),
    (("nosuchnet", "--batch", "4"), "nosuchnet"),
    (("--layers", "conv(k=3,c=4); layernorm", "--batch", "4"), "does not model"),
])
def test_cli_bad_input_is_one_line_exit_2(args, fragment, tmp_path):
    shown = dlquiz(*args, tmp_path=tmp_path)
    assert shown.returncode == 2 and "Traceback" not in shown.stderr
    assert len(shown.stderr.strip().splitlines()) == 1 and fragment in shown.stderr


def test_cli_memory_imports_no_torch(tmp_path):
    code = ("import sys; from dlquiz.cli import main; main(['calc', 'memory', 'resnet50', '--batch', '8']); "
            "print('HEAVY', sorted(m for m in ('torch', 'sympy', 'textual') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
                           env={"DLQUIZ_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert shown.stdout.strip().splitlines()[-1] == "HEAVY []", shown.stderr
