"""The numbers behind each experiment's charts (dlquiz.lab.charts, what the TUI draws): each chart must show
its experiment's lesson. Fixed seeds, CPU, few steps."""
from __future__ import annotations

import math

import pytest

from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.charts import LOG_FLOOR, chart_data
from dlquiz.lab.config import from_knobs
from dlquiz.lab.experiments import ExperimentConfig, run_experiment

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def charts_of(name, steps, lang="en", **knobs):
    result = run_experiment(ExperimentConfig(name, steps=steps, device="cpu", knobs=from_knobs(**knobs)))
    return {c.key: chart_data(c, result["variants"], lang) for c in EXPERIMENTS[name].charts}, result


def series(chart, label):
    return next(s for s in chart.series if s.label.startswith(label))


def test_every_experiment_declares_charts_with_titles_in_both_languages():
    for exp in EXPERIMENTS.values():
        assert exp.charts, exp.name
        for chart in exp.charts:
            assert chart.title["en"] and chart.title["zh"] and chart.title["en"] != chart.title["zh"]


def test_vanishing_gradient_chart_first_layer_far_below_last():
    charts, _ = charts_of("vanishing", steps=10)
    grads = charts["grads"]
    sigmoid, relu = series(grads, "sigmoid, naive init"), series(grads, "ReLU + He")
    assert sigmoid.x == relu.x == list(range(1, 16))  # 15 layers, first on the left
    assert sigmoid.y[0] < 1e-6 * sigmoid.y[-1]
    assert 0.1 < relu.y[0] / relu.y[-1] < 10


def test_exploding_loss_chart_clips_and_marks_the_diverged_runs():
    charts, result = charts_of("exploding", steps=15)
    loss = charts["loss"]
    assert loss.log_y
    cap = loss.y_cap
    # the cap sits far below what the diverging runs reached, so the healthy curves keep the axis
    largest_loss = max(h["train_loss"] for v in result["variants"].values() for h in v["history"])
    assert cap is not None and cap < largest_loss
    assert all(y <= cap for s in loss.series for y in s.y)
    diverged = [s for s in loss.series if s.diverged_at is not None]
    diverged_names = {n for n, v in result["variants"].items() if "diverged_at" in v}
    assert {s.label.split(" ✕")[0] for s in diverged} == diverged_names
    assert len(diverged) >= 2
    for s in diverged:
        assert "✕" in s.label and s.x[-1] == s.diverged_at and s.y[-1] == cap  # marked where it blew up
    cure = series(loss, "He init (cure)")
    assert cure.clipped == 0 and cure.diverged_at is None
    assert cure.y == [h["train_loss"] for h in result["variants"][cure.label]["history"]]  # drawn as trained


def test_overfitting_charts_show_the_gap_and_the_cures_shrink_it():
    charts, _ = charts_of("overfitting", steps=120)
    acc, gap = charts["acc"], charts["gap"]
    baseline_train, baseline_val = series(acc, "baseline train"), series(acc, "baseline val")
    assert baseline_train.y[-1] == 1.0 and baseline_val.y[-1] < 0.85  # memorised, does not generalise
    final_gap = {s.label: s.y[-1] for s in gap.series}
    assert final_gap["baseline"] > 0.2
    for cure in ("dropout 0.6", "weight decay 5.0", "augmentation"):
        assert final_gap[cure] < final_gap["baseline"] - 0.1, final_gap
    # the gap chart is exactly train − val of the accuracy chart
    assert math.isclose(final_gap["baseline"], baseline_train.y[-1] - baseline_val.y[-1])


def test_init_activation_chart_collapses_with_small_init():
    charts, _ = charts_of("init", steps=1)
    act = charts["act"]
    small, xavier, zero = series(act, "small init"), series(act, "xavier init"), series(act, "zero init")
    assert len(small.y) == 9  # 9 hidden layers of a 10-layer MLP
    assert small.y[-1] < 1e-8 and small.y[-1] < 1e-6 * small.y[0]  # shrinks layer after layer
    assert all(0.05 < y < 1 for y in xavier.y)  # roughly constant
    assert zero.y == [LOG_FLOOR] * 9  # exactly zero, drawn at the floor of the log axis


def test_batchnorm_charts_eval_mode_beats_train_mode_on_batches_of_8():
    charts, _ = charts_of("batchnorm", steps=60)
    modes = charts["modes"]
    assert modes.bar_groups == ["BN lr 0.05", "BN lr 0.3", "BN lr 1.0"]  # every BN variant, none of the plain
    eval_acc, train_acc = modes.bar_values
    for e, t in zip(eval_acc, train_acc):
        assert e > t + 0.1, (eval_acc, train_acc)
    act = charts["act"]
    for lr in ("0.05", "0.3", "1.0"):
        assert all(0.2 < y < 2 for y in series(act, f"BN lr {lr}").y)  # BN keeps every layer near unit scale
    assert series(charts["loss"], "plain lr 1.0").diverged_at is not None


def test_optimizers_loss_chart_adam_and_momentum_below_sgd():
    charts, _ = charts_of("optimizers", steps=200)
    loss = charts["loss"]
    sgd = series(loss, "SGD").y[-1]
    for name in ("momentum", "Adam"):
        assert series(loss, name).y[-1] < 0.5 * sgd


def test_chart_labels_follow_the_language():
    charts, _ = charts_of("overfitting", steps=2, lang="zh")
    assert charts["acc"].title == "准确率:训练 vs 验证"
    assert "baseline 训练" in charts["acc"].labels() and "baseline 验证" in charts["acc"].labels()


def test_a_custom_run_explains_what_was_trained():
    _, result = charts_of("vanishing", steps=2, activation="tanh", depth=6)
    assert result["custom"] == {"depth": 6, "activation": "tanh", "init": "xavier", "lr": 0.01, "dropout": 0.0,
                                "batchnorm": False}
    assert "6-layer tanh MLP (xavier init, lr 0.01)" in result["summary"]["en"]
    assert "A 15-layer MLP" not in result["summary"]["en"]
    assert "6 层 tanh MLP" in result["summary"]["zh"]


# -- lr_finder: the learning-rate range test ------------------------------------------------------------
def test_lr_finder_minimum_lies_between_the_too_slow_and_the_diverging_lr():
    charts, result = charts_of("lr_finder", steps=200)
    lr_chart = charts["lr"]
    assert lr_chart.chart.log_x and lr_chart.x_label == "learning rate"
    curve = series(lr_chart, "lr range test")
    # the sweep: multiplied by the same factor every step, from 1e-5 to 10
    assert math.isclose(curve.x[0], 1e-5) and math.isclose(curve.x[-1], 10.0) and len(curve.x) == 200
    ratios = [b / a for a, b in zip(curve.x, curve.x[1:])]
    assert max(ratios) / min(ratios) < 1 + 1e-9 and ratios[0] > 1
    start, low = curve.y[0], min(curve.y)
    i_min = curve.y.index(low)
    tenth = len(curve.y) // 10
    # too slow: over the first tenth of the sweep (lr below ~2e-5) the loss barely moves
    assert all(y > 0.9 * start for y in curve.y[:tenth])
    # the minimum is deep and strictly inside the range, well away from both ends
    assert low < 0.5 * start
    assert tenth < i_min < len(curve.y) - tenth and 1e-5 < curve.x[i_min] < 10
    # past the minimum the loss blows up: far above the minimum (or non-finite)
    assert curve.diverged_at is not None or max(curve.y[i_min:]) > 3 * low
    # the suggested lr (steepest descent), drawn as a vertical line, sits on the falling part before the minimum
    [mark] = [s for s in lr_chart.series if s.label.startswith("suggested lr")]
    suggested = mark.x[0]
    assert mark.x == [suggested, suggested] and curve.x[tenth] < suggested < curve.x[i_min]
    at = curve.x.index(suggested)
    assert low < curve.y[at] < 0.95 * start
    assert f"{suggested:.2g}" in mark.label
    assert result["variants"]["lr range test"]["final"]["lr_suggested"] == suggested  # the table says the same


def test_lr_finder_suggested_lr_trains_better_than_too_low_and_too_high():
    charts, result = charts_of("lr_finder", steps=200)
    variants = result["variants"]
    runs = {name.split(":")[0]: (name, v) for name, v in variants.items() if name != "lr range test"}
    assert set(runs) == {"too low", "suggested", "too high"}
    reading = variants["lr range test"]["final"]
    lr_of = {key: float(name.rsplit("lr ", 1)[1]) for key, (name, _) in runs.items()}
    assert lr_of["too low"] == 1e-5
    assert math.isclose(lr_of["suggested"], float(f"{reading['lr_suggested']:.2g}"))
    assert lr_of["too high"] > reading["lr_at_min"]  # where the sweep blew up
    loss = {key: v["final"]["train_loss"] for key, (_, v) in runs.items()}
    assert loss["suggested"] < 0.5 * loss["too low"]
    assert "diverged_at" in runs["too high"][1] or loss["suggested"] < 0.5 * loss["too high"]
    # the second chart draws the three short runs, not the sweep
    check = charts["check"]
    assert sorted(s.label.split(":")[0] for s in check.series) == ["suggested", "too high", "too low"]
    assert all(s.x[-1] == 100 for s in check.series if s.diverged_at is None)


# -- eval_mode: dropout and BatchNorm at train vs eval time ----------------------------------------------
def test_eval_mode_predictions_are_deterministic_and_train_mode_ones_are_not():
    charts, result = charts_of("eval_mode", steps=200)
    spread = charts["spread"]
    assert spread.bar_labels == ["eval mode", "train mode"]
    assert spread.bar_groups == ["BN + dropout 0.5", "dropout 0.5", "BN"]
    eval_spread, train_spread = spread.bar_values
    assert all(s < 1e-5 for s in eval_spread), eval_spread  # the same input, the same answer
    assert all(s > 0.05 for s in train_spread), train_spread  # p(true class) wanders pass to pass
    for v in result["variants"].values():
        f = v["final"]
        assert f["flips_eval_mode"] == 0 and f["flips_train_mode"] > 0.2  # predicted classes flip in train mode
        # eval mode is a function of each input alone: a batch of one gives the full batch's answers
        assert abs(f["val_acc_eval_mode_batch1"] - f["val_acc_eval_mode"]) <= 1 / 500


def test_eval_mode_accuracy_beats_train_mode_on_batches_of_8():
    charts, result = charts_of("eval_mode", steps=200)
    acc = charts["acc"]
    assert acc.y_range == (0.0, 1.0) and acc.bar_labels == ["eval mode", "train mode, batch 8"]
    margin = {}
    for name, eval_acc, train_acc in zip(acc.bar_groups, *acc.bar_values):
        final = result["variants"][name]["final"]
        assert final["train_mode_batch"] == 8
        assert eval_acc > 0.9 and (eval_acc, train_acc) == (final["val_acc_eval_mode"], final["val_acc_train_mode"])
        assert final["val_loss_train_mode"] > 1.5 * final["val_loss_eval_mode"]
        margin[name] = eval_acc - train_acc
    assert all(m > 0.03 for m in margin.values()), margin
    assert margin["BN + dropout 0.5"] > 0.1  # both sources of noise at once


def test_batchnorm_refuses_a_batch_of_one_in_train_mode():
    import torch

    bn = torch.nn.BatchNorm1d(4).train()
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        bn(torch.randn(1, 4))
    bn.eval()
    assert bn(torch.randn(1, 4)).shape == (1, 4)  # eval mode uses the running statistics: fine
    _, result = charts_of("eval_mode", steps=20)
    final = {name: v["final"] for name, v in result["variants"].items()}
    for name in ("BN + dropout 0.5", "BN"):
        assert "Expected more than 1 value per channel" in final[name]["train_mode_batch1_error"]
        assert final[name]["val_acc_train_mode_batch1"] is None
    assert final["dropout 0.5"]["train_mode_batch1_error"] is None  # dropout alone has no batch statistics
    assert 0.1 < final["dropout 0.5"]["val_acc_train_mode_batch1"] <= 1
