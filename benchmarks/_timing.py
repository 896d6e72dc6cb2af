"""Tiny timing helpers shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time


def best_of(fn, repeat: int = 5) -> float:
    """Median wall time of `fn()` in seconds (median: robust to a noisy neighbour)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_time(args: list[str], repeat: int = 5, env=None) -> float:
    return best_of(lambda: subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env), repeat)


def report(rows: list[tuple[str, float, float]]) -> None:
    """rows: (label, seconds, baseline seconds) → aligned table with ratios."""
    width = max(len(r[0]) for r in rows)
    for label, seconds, base in rows:
        print(f"  {label:<{width}}  {seconds * 1000:9.1f} ms   {seconds / base:6.2f}x baseline")
