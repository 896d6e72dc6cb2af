"""A persistent process that runs `dlquiz.cli.main(argv)` once per request, for the CLI fuzz tests.

Starting a fresh interpreter per Hypothesis example costs 0.1-0.5 s; this worker pays the imports once.
Protocol: one JSON object per line on stdin, {"argv": [...], "stdin": "..."}; one JSON object per
line back on the original stdout:

    {"exit": int|None, "exception": repr|None, "traceback": str|None, "hang": bool,
     "elapsed": wall seconds, "cpu": CPU seconds, "rss_growth_mb": float, "stdout": str, "stderr": str}

`exception` is anything but SystemExit escaping main (a crash). A case still running after
CASE_TIMEOUT_S is interrupted by SIGALRM and reported with hang=True. Memory: the growth of the peak
resident set (ru_maxrss) over the case; RLIMIT_DATA caps the worker so a runaway allocation becomes a
MemoryError report instead of taking the machine down. Run: python -m tests.fuzz_worker
"""
from __future__ import annotations

import io
import json
import os
import resource
import signal
import sys
import time
import traceback

CASE_TIMEOUT_S = 5.0
MEMORY_CAP_BYTES = 3 * 2**30
MAX_TEXT = 20_000  # characters of stdout/stderr sent back (the tests only need the start)


class CaseTimeout(BaseException):
    """Raised by SIGALRM inside a case that runs too long (BaseException: `except Exception` won't eat it)."""


def _on_alarm(signum, frame):
    raise CaseTimeout()


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads of the worker
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    # Linux reports KiB, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _json_problem(argv: list[str], text: str) -> str | None:
    """Why the output of a `--json` call is not strict JSON (no NaN/Infinity), or None.
    `quiz --json` prints the questions as it goes and the summary object last: that object is checked."""
    if "--json" not in argv or "-h" in argv or "--help" in argv:
        return None
    if argv[:1] == ["quiz"]:
        start = text.rfind("\n{")
        text = text[start + 1:] if start >= 0 else text

    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError as exc:
        return f"{exc}: {text[:200]!r}"
    return None


def run_case(argv: list[str], stdin_text: str) -> dict:
    from dlquiz.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin_text), out, err
    code = exception = tb = None
    hang = False
    rss_before, cpu_before = _peak_rss_mb(), _cpu_s()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT_S)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) or exc.code is None else 1
        if code is None:
            code = 0
    except CaseTimeout:
        hang = True
    except BaseException as exc:  # noqa: BLE001 - reporting every escape is the point
        exception, tb = repr(exc)[:2000], traceback.format_exc()[-8000:]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        sys.stdin, sys.stdout, sys.stderr = saved
    return {"exit": code, "exception": exception, "traceback": tb, "hang": hang, "elapsed": elapsed,
            "json_problem": _json_problem(argv, out.getvalue()) if code == 0 else None,
            "cpu": _cpu_s() - cpu_before,
            "rss_growth_mb": _peak_rss_mb() - rss_before,
            "stdout": out.getvalue()[:MAX_TEXT], "stderr": err.getvalue()[:MAX_TEXT]}


def serve() -> None:
    # Keep the protocol channel apart from fd 1/2: anything in the code under test that writes to
    # the real file descriptors goes to the null device instead of corrupting the replies.
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    proto_in = sys.stdin
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    except (ValueError, OSError, AttributeError):  # not on every platform; the RSS check still applies
        pass
    signal.signal(signal.SIGALRM, _on_alarm)
    import dlquiz.cli  # noqa: F401 - pay the import before the first measured case

    for line in proto_in:
        request = json.loads(line)
        if request.get("warm") == "torch":  # the lab's one-off torch import is not a per-input cost
            import torch  # noqa: F401

            reply = {"ok": True}
        else:
            reply = run_case(request["argv"], request.get("stdin", ""))
        proto_out.write(json.dumps(reply, ensure_ascii=True) + "\n")
        proto_out.flush()


if __name__ == "__main__":
    serve()
