"""The stacked engine (all variants of an architecture as one batched network) against the plain
one-variant-at-a-time loop, which uses torch.optim and nn.Modules as they come.

In float64 the two must agree to rounding: same losses, gradient norms, divergence and early-stopping
steps, and the same final weights in every variant's own module. "To rounding" depends on the run:
most variants are well conditioned and agree to ~1e-15 at every step, but a chaotic one (the
large-init tanh net) multiplies any rounding difference ~50x per step, and how the first rounding
differs depends on the CPU's BLAS kernels (AVX-512 or not, ARM). So each variant's tolerance at each
step is derived from its own measured growth: the loop is run a second time from initial weights
nudged by 1e-12 (relative), and the engines may differ by no more than that nudge moved the run, and
never by more than the strict base tolerance allows for a well-conditioned run. Dropout masks and
augmentation noise are drawn in a different order, so those variants are checked for doing what they
should, not for equality."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dlquiz.errors import InputError
from dlquiz.lab.engine import RunConfig, Variant, train_variants
from dlquiz.lab.experiments import BUILDERS, ExperimentConfig, run_experiment
from dlquiz.lab.models import MLP
from dlquiz.lab.stacked import StackedMLP, stack_problem, train_stacked

CPU = torch.device("cpu")
RANDOM_DRAWS = ("dropout", "augmentation")  # variants whose random numbers differ between engines


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def build(name: str, steps: int, dtype=torch.float64, report_every: int = 1):
    torch.manual_seed(0)
    np.random.seed(0)
    variants, data, run_cfg = BUILDERS[name](ExperimentConfig(name, steps=steps, device="cpu"))
    if dtype == torch.float64:
        data = tuple(np.asarray(a, dtype=np.float64) if np.asarray(a).dtype.kind == "f" else a for a in data)
        for v in variants:
            v.model.double()
    run_cfg.report_every = report_every
    return variants, data, run_cfg


def both_engines(name: str, steps: int, **kw):
    looped = build(name, steps, **kw)
    train_variants(looped[0], looped[1], looped[2], CPU)
    stacked = build(name, steps, **kw)
    train_stacked(stacked[0], stacked[1], stacked[2], CPU)
    return looped[0], stacked[0]


NUDGE = 1e-12  # relative change of every initial weight for the sensitivity run
BASE_RTOL = 1e-7  # what a well-conditioned run must meet at every step (it reaches ~1e-15)


def relative_gap(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-12), initial=0.0))


def nudged_loop(name: str, steps: int):
    """The plain loop again, from initial weights scaled by (1 + NUDGE): how far rounding-sized
    noise can move each variant's run, step by step."""
    variants, data, run_cfg = build(name, steps)
    with torch.no_grad():
        for v in variants:
            for p in v.model.parameters():
                p.mul_(1 + NUDGE)
    train_variants(variants, data, run_cfg, CPU)
    return variants


def allowed(gap_from_nudge: float) -> float:
    # 1e-12 is ~4500 ulps, far more than the engines' own rounding differences at step 0, so the
    # nudged run bounds them from above for chaotic variants; the base keeps the others strict.
    return max(BASE_RTOL, gap_from_nudge)


def weights(module) -> list[torch.Tensor]:
    return [t.double() for t in module.state_dict().values()]


# lr_finder's per-step lr runs on the loop engine only (test below); two of eval_mode's three variants draw
# dropout masks, and its BN-only variant is the kind `batchnorm` already compares
COMPARED = [name for name in BUILDERS if name not in ("lr_finder", "eval_mode")]


@pytest.mark.parametrize("name", COMPARED)
def test_stacked_matches_the_plain_loop_in_float64(name):
    steps = 6
    looped, stacked = both_engines(name, steps=steps)
    nudged = nudged_loop(name, steps)
    compared = 0
    for a, b, n in zip(looped, stacked, nudged):
        assert a.name == b.name == n.name and a.diverged_at == b.diverged_at, a.name
        if any(word in a.name for word in RANDOM_DRAWS):
            continue
        assert [h["step"] for h in a.history] == [h["step"] for h in b.history], a.name
        for i, (ha, hb) in enumerate(zip(a.history, b.history)):
            for key in ("train_loss", "val_loss", "train_acc", "val_acc"):
                nudge_gap = relative_gap(ha[key], n.history[i][key]) if i < len(n.history) else 0.0
                assert relative_gap(ha[key], hb[key]) <= allowed(nudge_gap), (a.name, key, ha["step"])
        for i, (ga, gb) in enumerate(zip(a.grad_norms_history, b.grad_norms_history)):
            nudge_gap = (relative_gap(ga["norms"], n.grad_norms_history[i]["norms"])
                         if i < len(n.grad_norms_history) else 0.0)
            # (x10 on the base: Adagrad's first step divides by |g| + 1e-10, which magnifies rounding of tiny g)
            assert relative_gap(ga["norms"], gb["norms"]) <= max(10 * BASE_RTOL, nudge_gap), (a.name, ga["step"])
        if a.diverged_at is None:  # the module itself holds the stacked row's final weights
            for pa, pb, pn in zip(weights(a.model), weights(b.model), weights(n.model)):
                # (atol: Adagrad's first step divides by |g| + 1e-10, which magnifies rounding of tiny g)
                tol = max(1e-6, float((pa - pn).abs().max()))
                assert torch.allclose(pa, pb, rtol=tol, atol=tol), a.name
        compared += 1
    assert compared >= 3


def test_the_nudged_run_separates_the_chaotic_variant_from_the_well_conditioned_ones():
    """The tolerance above is only as strict as the nudge says: check it is strict where it should be."""
    looped, data, run_cfg = build("init", 6)
    train_variants(looped, data, run_cfg, CPU)
    nudged = nudged_loop("init", 6)
    final_gap = {a.name: relative_gap(a.grad_norms_history[-1]["norms"], n.grad_norms_history[-1]["norms"])
                 for a, n in zip(looped, nudged)}
    assert final_gap["large init"] > 1e3 * NUDGE  # chaotic: the nudge grew by orders of magnitude
    for name in ("small init", "xavier init", "he init"):
        assert allowed(final_gap[name]) == BASE_RTOL, name  # well conditioned: the strict base applies


def test_divergence_steps_match_in_float32():
    for name, steps in (("exploding", 15), ("batchnorm", 10)):
        looped, stacked = both_engines(name, steps=steps, dtype=torch.float32, report_every=5)
        diverged = {v.name: v.diverged_at for v in looped}
        assert {v.name: v.diverged_at for v in stacked} == diverged
        assert sum(step is not None for step in diverged.values()) >= 1, name


def test_early_stopping_stops_at_the_same_step_and_restores_the_same_weights():
    looped, stacked = both_engines("overfitting", steps=150, report_every=10)
    a, b = (next(v for v in vs if v.name == "early stopping") for vs in (looped, stacked))
    assert a.stopped_at is not None and a.stopped_at == b.stopped_at and a.best_step == b.best_step
    for pa, pb in zip(a.model.state_dict().values(), b.model.state_dict().values()):
        assert torch.allclose(pa, pb, rtol=1e-6, atol=1e-9)


def test_dropout_rows_drop_at_their_own_rate_and_eval_mode_does_not():
    torch.manual_seed(0)
    models = [MLP(8, 3, width=256, depth=3, dropout=p, seed=1) for p in (0.0, 0.5, 0.8)]
    net = StackedMLP(models, CPU)
    x = torch.randn(64, 8)
    with torch.no_grad():
        evaluated = net.forward(x, train=False)
        for row, model in enumerate(models):
            model.eval()
            assert torch.allclose(evaluated[row], model(x), atol=1e-6)  # modules are views of the rows
        # the hidden block's dropout: share of exactly-zero units after ReLU, against no dropout
        hidden = torch.relu(net._linear(torch.relu(net._linear(x, *net._views()[:2])), *net._views()[2:4]))
        masked = hidden * (torch.rand_like(hidden) < net.keep) / net.keep
    zero_share = [float((masked[r] == 0).float().mean() - (hidden[r] == 0).float().mean()) for r in range(3)]
    assert abs(zero_share[0]) < 1e-9
    assert 0.2 < zero_share[1] < 0.3 and 0.33 < zero_share[2] < 0.45  # p × (share of units that were active)


def test_what_cannot_be_stacked_is_named():
    model = MLP(4, 2, width=8, depth=3)
    amsgrad = Variant("amsgrad", model, torch.optim.Adam(model.parameters(), amsgrad=True))
    assert "amsgrad" in stack_problem([amsgrad])
    lbfgs = Variant("lbfgs", model, torch.optim.LBFGS(model.parameters()))
    assert "LBFGS" in stack_problem([lbfgs])
    seq = torch.nn.Sequential(torch.nn.Linear(4, 2))
    assert "MLP" in stack_problem([Variant("seq", seq, torch.optim.SGD(seq.parameters(), lr=0.1))])
    with pytest.raises(InputError, match="unknown engine"):
        run_experiment(ExperimentConfig("init", steps=2, device="cpu", engine="vmap"))


def test_the_lr_range_test_runs_on_the_loop_engine_only():
    variants, _, _ = build("lr_finder", steps=5)
    problem = stack_problem(variants)
    assert problem is not None and "loop engine only" in problem
    with pytest.raises(InputError, match="loop engine only"):
        run_experiment(ExperimentConfig("lr_finder", steps=5, device="cpu", engine="stacked"))
    assert run_experiment(ExperimentConfig("lr_finder", steps=5, device="cpu"))["engine"] == "loop"


def test_variants_of_different_sizes_train_in_separate_stacks():
    # the TUI's knob runs put a custom net beside a baseline: different depths, one call
    torch.manual_seed(0)
    data = (np.random.rand(120, 6).astype(np.float32), np.random.randint(0, 3, 120),
            np.random.rand(40, 6).astype(np.float32), np.random.randint(0, 3, 40))
    variants = []
    for depth, act in ((3, "relu"), (5, "tanh"), (3, "relu")):
        m = MLP(6, 3, width=16, depth=depth, activation=act, seed=depth)
        variants.append(Variant(f"d{depth}{act}{len(variants)}", m, torch.optim.SGD(m.parameters(), lr=0.1)))
    assert train_stacked(variants, data, RunConfig(steps=20, report_every=5), CPU)
    for v in variants:
        assert [h["step"] for h in v.history] == [0, 5, 10, 15, 20]
        assert len(v.grad_norms) == int(v.name[1])


def test_run_experiment_reports_its_engine_and_auto_stacks_only_shared_architectures():
    stacked = run_experiment(ExperimentConfig("optimizers", steps=5, device="cpu"))
    looped = run_experiment(ExperimentConfig("optimizers", steps=5, device="cpu", engine="loop"))
    assert stacked["engine"] == "stacked" and looped["engine"] == "loop"
    assert stacked["variants"].keys() == looped["variants"].keys()
    # vanishing's five variants are five architectures: nothing to share, so auto keeps the loop
    assert run_experiment(ExperimentConfig("vanishing", steps=2, device="cpu"))["engine"] == "loop"
    assert run_experiment(ExperimentConfig("vanishing", steps=2, device="cpu", engine="stacked"))["engine"] == "stacked"
