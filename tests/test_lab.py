"""The live lab's experiment core: the physics each experiment must show (fixed seeds, CPU, few steps),
determinism, divergence handling, devices, stopping, and the result's JSON shape."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from dlquiz.errors import InputError
from dlquiz.lab import data as datasets
from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.engine import RunConfig, Variant, pick_device, train_variants
from dlquiz.lab.experiments import (
    BUILDERS,
    ExperimentConfig,
    build_batchnorm,
    build_overfitting,
    run_experiment,
    shift_and_noise,
)
from dlquiz.lab.models import MLP

CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def run(name, steps, seed=0, **knobs):
    return run_experiment(ExperimentConfig(name, seed=seed, steps=steps, device="cpu", knobs=knobs))


def pick(variants, name):
    return next(v for v in variants if v.name == name)


def ratio(norms):
    return norms[0] / norms[-1]


# -- physics ----------------------------------------------------------------------------------------
def test_vanishing_gradients_at_init_and_during_training():
    result = run("vanishing", steps=20)
    v = result["variants"]
    for name in ("sigmoid, naive init", "ReLU + He"):
        assert len(v[name]["grad_norms_init"]) == 15 and len(v[name]["grad_norms"]) == 15  # first layer first
    # plain deep sigmoid: the first layer's gradient is orders of magnitude below the last layer's ...
    assert ratio(v["sigmoid, naive init"]["grad_norms_init"]) < 1e-6
    assert ratio(v["sigmoid, naive init"]["grad_norms"]) < 1e-6
    # ... while ReLU + He (and the other cures) stay within about an order of magnitude
    for name in ("ReLU + He", "tanh + Xavier", "sigmoid + BN", "ReLU + residual"):
        assert 0.1 <= ratio(v[name]["grad_norms_init"]) <= 10, name
        assert 0.1 <= ratio(v[name]["grad_norms"]) <= 20, name


def test_vanishing_custom_knobs_relu_he_is_healthy_sigmoid_is_not():
    relu = run("vanishing", steps=5, activation="relu", init="he")
    [(name, v)] = relu["variants"].items()
    assert "relu/he" in name and 0.1 <= ratio(v["grad_norms"]) <= 10
    sigmoid = run("vanishing", steps=5, activation="sigmoid", init="naive", depth=12)
    [(name, v)] = sigmoid["variants"].items()
    assert "sigmoid/naive" in name and "d12" in name and ratio(v["grad_norms"]) < 1e-4


def test_overfitting_gap_is_large_and_cures_shrink_it():
    cfg = ExperimentConfig("overfitting", device="cpu")
    variants, data, run_cfg = build_overfitting(cfg)
    chosen = [pick(variants, n) for n in ("baseline", "augmentation", "dropout 0.6")]
    run_cfg.steps, run_cfg.report_every = 120, 20
    train_variants(chosen, data, run_cfg, CPU)
    gap = {v.name: v.history[-1]["train_acc"] - v.history[-1]["val_acc"] for v in chosen}
    val = {v.name: v.history[-1]["val_acc"] for v in chosen}
    assert chosen[0].history[-1]["train_acc"] == 1.0 and gap["baseline"] > 0.2  # it memorised the noisy labels
    for cure in ("augmentation", "dropout 0.6"):
        assert gap[cure] < gap["baseline"] - 0.1, gap
        assert val[cure] > val["baseline"], val


def test_early_stopping_stops_marks_the_step_and_restores_the_best_weights():
    cfg = ExperimentConfig("overfitting", device="cpu")
    variants, data, run_cfg = build_overfitting(cfg)
    es = pick(variants, "early stopping")
    events = []
    run_cfg.steps = 400
    train_variants([es], data, run_cfg, CPU, on_event=events.append)
    assert es.stopped_at is not None and es.stopped_at < 400
    assert es.history[-1]["step"] == es.stopped_at  # it really stopped training there
    assert es.best_step == es.stopped_at - run_cfg.report_every * es.early_stopping_patience
    assert events[-1].extra == {"early_stop": True, "best_step": es.best_step}
    # the restored weights are the best ones: re-evaluating gives the best step's validation loss
    x_val, y_val = (torch.as_tensor(a) for a in data[2:])
    es.model.eval()
    with torch.no_grad():
        val_loss = float(torch.nn.functional.cross_entropy(es.model(x_val), y_val))
    best = next(h for h in es.history if h["step"] == es.best_step)
    assert val_loss == pytest.approx(best["val_loss"], rel=1e-4)


def test_batchnorm_reaches_a_lower_loss_at_the_same_learning_rate():
    variants, data, run_cfg = build_batchnorm(ExperimentConfig("batchnorm", device="cpu"))
    for lr in ("0.05", "0.3"):
        pair = [pick(variants, f"plain lr {lr}"), pick(variants, f"BN lr {lr}")]
        run_cfg.steps, run_cfg.report_every, run_cfg.dense_steps = 60, 30, 0
        train_variants(pair, data, run_cfg, CPU)
        plain, bn = (v.history[-1]["train_loss"] for v in pair)
        assert bn < 0.7 * plain, (lr, plain, bn)


def test_batchnorm_result_has_activation_stats_and_train_vs_eval_mode():
    result = run("batchnorm", steps=10)
    v = result["variants"]["BN lr 0.3"]
    stats = v["activation_stats"]
    assert [s["step"] for s in stats] == list(range(11))  # dense reports at the start
    assert len(stats[0]["act_mean"]) == len(stats[0]["act_std"]) == 9  # 9 hidden layers of a 10-layer MLP
    assert 0 <= v["final"]["val_acc_bn_train_mode_batch8"] <= 1 and 0 <= v["final"]["val_acc_bn_eval_mode"] <= 1
    assert "val_acc_bn_eval_mode" not in result["variants"]["plain lr 0.3"]["final"]


def test_init_zero_never_breaks_symmetry_small_vanishes_good_inits_differ():
    result = run("init", steps=15)
    v = result["variants"]
    assert all(s["distinct_units"] == 1 for s in v["zero init"]["activation_stats"])
    assert v["xavier init"]["final"]["distinct_units"] == 64
    assert v["small init"]["final"]["act_std_last_hidden_init"] < 1e-8
    assert 0.05 < v["xavier init"]["final"]["act_std_last_hidden_init"] < 1
    assert v["large init"]["final"]["saturated_last_hidden_init"] > 0.3
    assert v["he init"]["final"]["train_loss"] < v["zero init"]["final"]["train_loss"] - 0.5


def test_optimizers_momentum_and_adam_beat_plain_sgd():
    result = run("optimizers", steps=60)
    loss = {n: v["final"]["train_loss"] for n, v in result["variants"].items()}
    assert set(loss) == {"SGD", "momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"}
    assert loss["Adam"] < loss["SGD"] and loss["momentum"] < loss["SGD"]


# -- divergence ---------------------------------------------------------------------------------------
def test_exploding_diverges_within_a_few_steps_and_the_cures_do_not():
    result = run("exploding", steps=15)
    v = result["variants"]
    large = v["large init (1.5x He)"]
    assert 1 <= large["diverged_at"] <= 10
    steps_seen = [h["step"] for h in large["history"]]
    assert steps_seen == list(range(large["diverged_at"]))  # reported every step until the blow-up
    losses = [h["train_loss"] for h in large["history"]]
    assert losses[-1] > 100 * losses[0]  # it visibly blows up before it becomes inf/NaN
    for name in ("large init + clip 1.0", "He init (cure), lr 0.03", "lr 0.3 + clip 0.5 (cure)"):
        assert "diverged_at" not in v[name] and v[name]["history"][-1]["step"] == 15, name
    # the gradient explodes at init with the large init
    assert large["final"]["grad_norm_total_init"] > 50 * v["He init (cure), lr 0.03"]["final"]["grad_norm_total_init"]
    assert any("diverged at step" in line for line in result["findings"]["en"])
    json.dumps(result, allow_nan=False)  # no NaN/inf leaks into the JSON


def _toy_variants(lrs):
    data = datasets.digits(0)
    out = []
    for lr in lrs:
        model = MLP(64, 10, width=32, depth=4, activation="relu", init="he", seed=0)
        out.append(Variant(f"lr {lr}", model, torch.optim.SGD(model.parameters(), lr=lr)))
    return out, data


def test_divergence_is_detected_at_the_exact_step_and_others_continue():
    seen = []
    for report_every in (1, 7, 100):  # detection is lazy (checked at reports) but exact
        variants, data = _toy_variants([1e4, 0.05])
        events = []
        train_variants(variants, data, RunConfig(steps=40, report_every=report_every), CPU, on_event=events.append)
        bad, good = variants
        seen.append(bad.diverged_at)
        assert good.diverged_at is None and good.history[-1]["step"] == 40
        diverged = [e for e in events if e.diverged]
        assert len(diverged) == 1 and diverged[0].variant == "lr 10000.0" and diverged[0].step == bad.diverged_at
        assert all(math.isfinite(h["train_loss"]) for h in bad.history)
        assert not any(e.variant == bad.name and e.step > bad.diverged_at for e in events)  # it stopped there
    assert seen[0] is not None and 1 <= seen[0] <= 3 and seen == [seen[0]] * 3


# -- determinism, devices, stopping, validation ---------------------------------------------------------
def test_same_seed_same_history_on_cpu():
    a, b = run("overfitting", steps=20, seed=3), run("overfitting", steps=20, seed=3)
    for name in a["variants"]:
        assert a["variants"][name]["history"] == b["variants"][name]["history"]
        assert a["variants"][name]["grad_norms"] == b["variants"][name]["grad_norms"]
    c = run("overfitting", steps=20, seed=4)
    assert c["variants"]["baseline"]["history"] != a["variants"]["baseline"]["history"]


def test_device_auto_picks_an_available_one_and_missing_cuda_is_an_input_error(monkeypatch):
    assert pick_device("cpu") == CPU
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device("auto") == CPU
    with pytest.raises(InputError, match="no CUDA GPU"):
        pick_device("cuda")
    with pytest.raises(InputError, match="no CUDA GPU"):
        run_experiment(ExperimentConfig("init", steps=2, device="cuda"))
    with pytest.raises(InputError, match="MPS"):
        pick_device("mps")
    with pytest.raises(InputError, match="unknown device"):
        pick_device("tpu")


def test_stop_callback_stops_within_one_step():
    calls = 0

    def should_stop():
        nonlocal calls
        calls += 1
        return calls > 5  # asked once per step: steps 0-4 run, step 5 does not

    events = []
    variants, data = _toy_variants([0.05, 0.01])
    done = train_variants(variants, data, RunConfig(steps=1000, report_every=1), CPU, events.append, should_stop)
    assert done is False and calls == 6
    assert max(e.step for e in events) == 4
    assert all(v.history[-1]["step"] == 4 for v in variants)


def test_run_experiment_reports_stopped_runs():
    result = run_experiment(ExperimentConfig("init", steps=500, device="cpu"), should_stop=lambda: True)
    assert result["completed"] is False
    assert all(v["history"] == [] for v in result["variants"].values())


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="nope"), "unknown experiment"),
    (dict(name="init", steps=0), "steps"),
    (dict(name="init", seed=-1), "seed"),
    (dict(name="init", knobs={"width": 3}), "unknown knob"),
    (dict(name="init", knobs={"depth": 1}), "depth"),
    (dict(name="init", knobs={"activation": "gelu"}), "activation"),
    (dict(name="init", knobs={"init": "orthogonal"}), "init"),
    (dict(name="init", knobs={"lr": 0}), "learning rate"),
    (dict(name="init", knobs={"dropout": 1.0}), "dropout"),
])
def test_bad_config_is_an_input_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        run_experiment(ExperimentConfig(**{"device": "cpu", **kwargs}))


# -- result shape ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(BUILDERS))
def test_result_shape_matches_design(name):
    result = run(name, steps=2)
    assert set(EXPERIMENTS) == set(BUILDERS)
    assert result["experiment"] == name and result["device"] == "cpu" and result["seed"] == 0
    assert isinstance(result["seconds"], float) and result["completed"] is True
    assert set(result["summary"]) == {"zh", "en"} and EXPERIMENTS[name].explanation["en"] in result["summary"]["en"]
    assert result["variants"]
    for v in result["variants"].values():
        assert isinstance(v["history"], list) and isinstance(v["final"], dict)
        for h in v["history"]:
            assert isinstance(h["step"], int) and isinstance(h["train_loss"], float)
            assert {"val_loss", "train_acc", "val_acc"} <= set(h)
        assert all(isinstance(g, float) for g in v["grad_norms"])
        assert "diverged_at" not in v or isinstance(v["diverged_at"], int)
    json.dumps(result, allow_nan=False)


# -- data and augmentation --------------------------------------------------------------------------------
def test_data_is_offline_deterministic_and_shaped():
    x_tr, y_tr, x_val, y_val = datasets.digits(0)
    assert x_tr.shape == (1297, 64) and x_val.shape == (500, 64) and x_tr.dtype == np.float32
    assert x_tr.min() >= 0 and x_tr.max() <= 1 and set(np.unique(y_tr)) == set(range(10))
    again = datasets.digits(0)
    assert all(np.array_equal(a, b) for a, b in zip((x_tr, y_tr, x_val, y_val), again))
    _, noisy, _, _ = datasets.digits(0, train_size=150, label_noise=0.3)
    assert len(noisy) == 150 and 0.15 < (noisy != y_tr[:150]).mean() < 0.4
    a, b, c, d = datasets.spirals(1)
    assert a.shape[1] == 2 and len(a) == len(b) and len(c) == len(d) and set(np.unique(b)) == {0, 1}


def test_augmentation_shifts_each_image_by_at_most_one_pixel():
    x = torch.as_tensor(datasets.digits(0)[0][:32])
    torch.manual_seed(0)
    out = shift_and_noise(x)
    assert out.shape == x.shape
    images = torch.nn.functional.pad(x.view(-1, 8, 8), (1, 1, 1, 1))
    shifts = torch.stack([images[:, 1 + dy:9 + dy, 1 + dx:9 + dx].reshape(-1, 64)
                          for dy in (-1, 0, 1) for dx in (-1, 0, 1)], 1)  # (32, 9, 64)
    err = (shifts - out[:, None, :]).abs().amax(2).min(1).values
    assert (err < 0.3).all()  # each output is one of the 9 shifts, plus small noise
    assert len({int(i) for i in (shifts - out[:, None, :]).abs().amax(2).argmin(1)}) > 1  # shifts vary per image


def test_lab_imports_neither_textual_nor_torch_until_it_runs():
    code = ("import sys; import dlquiz.lab, dlquiz.lab.catalog; assert 'torch' not in sys.modules; "
            "import dlquiz.lab.experiments; assert 'textual' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_a_per_step_lr_schedule_sets_every_update_and_records_loss_against_lr():
    torch.manual_seed(0)
    data = (np.random.rand(64, 4).astype(np.float32), np.random.randint(0, 2, 64),
            np.random.rand(16, 4).astype(np.float32), np.random.randint(0, 2, 16))
    model = MLP(4, 2, width=8, depth=2, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=123.0)  # overridden from the first update on
    seen: list[float] = []
    step_fn = optimizer.step

    def step(*args, **kwargs):
        seen.append(optimizer.param_groups[0]["lr"])
        return step_fn(*args, **kwargs)

    optimizer.step = step  # type: ignore[method-assign]
    v = Variant("sweep", model, optimizer, lr_schedule=lambda s: 0.001 * 2 ** s)
    events: list = []
    assert train_variants([v], data, RunConfig(steps=6, batch_size=16, report_every=3), CPU, on_event=events.append)
    assert seen == [0.001 * 2 ** s for s in range(6)]  # one update per step, each at its own lr
    # the loss after each update, against the lr of that update: steps 1..6
    assert [(r["step"], r["lr"]) for r in v.lr_curve] == [(s, 0.001 * 2 ** (s - 1)) for s in range(1, 7)]
    assert all(math.isfinite(r["loss"]) for r in v.lr_curve)
    # the rows reach the UI in the events, each once
    assert [r for e in events for r in e.extra["lr_points"]] == v.lr_curve
