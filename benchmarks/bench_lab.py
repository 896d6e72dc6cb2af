"""Lab benchmarks: the training loop's overhead against a bare PyTorch loop, and each experiment's wall time.

    .venv/bin/python benchmarks/bench_lab.py [--steps N] [--repeats R] [--skip-experiments]

1. Overhead. One model (the vanishing experiment's 15-layer ReLU+He MLP, digits, batch 64, SGD with
   momentum) trained for the same steps on the same data by
     - `bare`:        a hand-written loop (same batch order) that only trains;
     - `bare+eval`:   the same loop plus what the lab reports every 10 steps (loss/accuracy on 256 training
                      and 500 validation images, per-layer gradient norms);
     - `lab`:         `train_variants` with that one variant, reporting every 10 steps (the default);
     - `lab quiet`:   `train_variants` reporting only at the first and last step.
   Ratios: lab / bare+eval (same work: the loop's own overhead, target ≤ 1.05), lab quiet / bare (pure
   loop overhead), lab / bare (everything watching costs). The four run back to back in each of R
   rounds; the ratio printed is the median over rounds of the per-round ratio (wall and process CPU
   time), which damps the noise of a shared machine; the load average is printed with the results.
2. Wall time of every experiment at its default settings (one torch thread on the CPU, as the lab
   uses), with the cost per variant-step.
3. Engines. Every experiment with the one-by-one loop and with the stacked engine (alternating, median
   of R rounds), and the scaling that stacking is for: the `init` experiment's 5 same-architecture
   variants against one of them alone, with each engine ("5 variants cost N× one").

    --device cuda runs 2 and 3 on the GPU (the overhead part always runs on the CPU).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from dlquiz.lab import data as datasets  # noqa: E402
from dlquiz.lab.engine import RunConfig, Variant, train_variants, weight_layers  # noqa: E402
from dlquiz.lab.experiments import BUILDERS, ExperimentConfig, run_experiment  # noqa: E402
from dlquiz.lab.models import MLP  # noqa: E402

REPORT_EVERY = 10


def make_model(seed=0):
    model = MLP(64, 10, width=64, depth=15, activation="relu", init="he", seed=seed)
    return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, foreach=True)


def bare_loop(data, steps: int, evaluate: bool, seed=0) -> float:
    x_tr, y_tr, x_val, y_val = (torch.as_tensor(a) for a in data)
    x_fit, y_fit = x_tr[:256], y_tr[:256]
    model, opt = make_model(seed)
    layers = weight_layers(model)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    n, batch = len(x_tr), 64
    order, cursor = torch.randperm(n, generator=gen), 0
    log = []
    start = time.perf_counter()
    for step in range(steps + 1):
        if cursor + batch > n:
            order, cursor = torch.randperm(n, generator=gen), 0
        idx = order[cursor:cursor + batch]
        cursor += batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x_tr[idx]), y_tr[idx])
        loss.backward()
        if evaluate and (step % REPORT_EVERY == 0 or step == steps):
            norms = torch.stack([m.weight.grad.norm() for m in layers])
            model.eval()
            with torch.no_grad():
                fit, val = model(x_fit), model(x_val)
                log.append([loss_fn(fit, y_fit).item(), loss_fn(val, y_val).item(),
                            (fit.argmax(1) == y_fit).float().mean().item(),
                            (val.argmax(1) == y_val).float().mean().item(), norms.tolist()])
            model.train()
        if step < steps:
            opt.step()
    return time.perf_counter() - start


def lab_loop(data, steps: int, report_every: int, seed=0) -> float:
    model, opt = make_model(seed)
    variant = Variant("bench", model, opt)
    start = time.perf_counter()
    train_variants([variant], data, RunConfig(steps=steps, batch_size=64, report_every=report_every, seed=seed),
                   torch.device("cpu"))
    return time.perf_counter() - start


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "load average n/a"


def _timed(fn) -> tuple[float, float]:
    """(wall, process CPU) seconds of fn(), waiting for queued GPU work on both sides."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_overhead(steps: int, repeats: int) -> dict:
    data = datasets.digits(0)
    runs = {"bare": lambda: bare_loop(data, steps, evaluate=False),
            "bare+eval": lambda: bare_loop(data, steps, evaluate=True),
            "lab": lambda: lab_loop(data, steps, REPORT_EVERY),
            "lab quiet": lambda: lab_loop(data, steps, steps)}
    pairs = {"lab / bare+eval (same work)": ("lab", "bare+eval"),
             "lab quiet / bare (loop only)": ("lab quiet", "bare"),
             "lab / bare (cost of watching)": ("lab", "bare")}
    for fn in runs.values():  # warm-up
        fn()
    wall = {k: [] for k in runs}
    cpu = {k: [] for k in runs}
    for _ in range(repeats):  # rounds: each round runs all four back to back, so they share the load
        for name, fn in runs.items():
            w, c = _timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    print(f"overhead ({steps} steps, {repeats} rounds, 1 thread, {load()}):")
    for name in runs:
        print(f"  {name:10} best {min(wall[name]):6.3f} s wall  {min(wall[name]) / (steps + 1) * 1e3:6.3f} ms/step"
              f"   median {statistics.median(wall[name]):6.3f} s wall  {statistics.median(cpu[name]):6.3f} s cpu")
    ratios = {}
    print("  ratio                            median of per-round ratios (wall / cpu)   best-vs-best (wall)")
    for label, (a, b) in pairs.items():
        per_wall = statistics.median(x / y for x, y in zip(wall[a], wall[b]))
        per_cpu = statistics.median(x / y for x, y in zip(cpu[a], cpu[b]))
        best = min(wall[a]) / min(wall[b])
        ratios[label] = per_cpu
        print(f"  {label:32} {per_wall:.3f}x / {per_cpu:.3f}x                         {best:.3f}x")
    return ratios


def bench_experiments(device: str) -> None:
    print(f"experiments (defaults, device {device}, {load()}):")
    run_experiment(ExperimentConfig("vanishing", steps=5, device=device))  # warm-up: first-call costs, data load
    for name in BUILDERS:
        cfg = ExperimentConfig(name, device=device)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = run_experiment(cfg)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        n_var = len(result["variants"])
        variant_steps = sum(min(result["steps"], v.get("early_stop_step") or v.get("diverged_at") or result["steps"])
                            for v in result["variants"].values())
        print(f"  {name:12} {wall:6.2f} s wall  {cpu:6.2f} s cpu  {result['engine']:7} "
              f"{n_var} variants × {result['steps']} steps  "
              f"{wall / max(variant_steps, 1) * 1e3:5.2f} ms per variant-step")
    print(f"  ({load()})")


def bench_engines(device: str, repeats: int) -> None:
    from dlquiz.lab.stacked import train_stacked

    print(f"engines: loop (one variant after another) vs stacked (one network per architecture), device {device}, "
          f"median of {repeats} alternating rounds ({load()}):")
    print(f"  {'experiment':12} {'loop':>8} {'stacked':>8}  stacked/loop")
    for name in BUILDERS:
        times = {"loop": [], "stacked": []}
        for _ in range(repeats):
            for engine in times:
                cfg = ExperimentConfig(name, device=device, engine=engine)
                times[engine].append(_timed(partial(run_experiment, cfg))[0])
        loop, stacked = (statistics.median(times[e]) for e in ("loop", "stacked"))
        print(f"  {name:12} {loop:7.2f}s {stacked:7.2f}s  {stacked / loop:6.2f}x")
    dev = torch.device(device)
    cfg = ExperimentConfig("init", device=device)
    print("  scaling: the init experiment's 5 variants (one architecture) vs its 'xavier init' variant alone")
    for engine, train in (("loop", train_variants), ("stacked", train_stacked)):
        all_t, one_t = [], []
        for _ in range(repeats):
            variants, data, run_cfg = BUILDERS["init"](cfg)
            all_t.append(_timed(partial(train, variants, data, run_cfg, dev))[0])
            variants, data, run_cfg = BUILDERS["init"](cfg)
            one_t.append(_timed(partial(train, [variants[3]], data, run_cfg, dev))[0])
        a, o = statistics.median(all_t), statistics.median(one_t)
        print(f"    {engine:8} 5 variants {a:6.2f} s, 1 variant {o:6.2f} s: 5 variants cost {a / o:.2f}x one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--skip-experiments", action="store_true")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda, for parts 2 and 3")
    parser.add_argument("--engine-repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.skip_overhead:
        bench_overhead(args.steps, args.repeats)
    if not args.skip_experiments:
        bench_experiments(args.device)
    if args.engine_repeats > 0:
        bench_engines(args.device, args.engine_repeats)


if __name__ == "__main__":
    main()
