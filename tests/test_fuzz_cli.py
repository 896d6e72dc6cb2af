"""Issue #9: a Hypothesis fuzz test per CLI entry point. Hostile argv (and stdin for `quiz`) must give
no traceback, no hang over 2 s, no memory blow-up; the outcome is exit 0 with output, or exit 2 with
exactly one `dlquiz...: error:` line on stderr.

One persistent worker process (tests/fuzz_worker.py) runs `dlquiz.cli.main(argv)` per example, so an
example costs milliseconds, not an interpreter start-up. The worker interrupts a case after
fuzz_worker.CASE_TIMEOUT_S (SIGALRM); this side also gives up on a silent worker and restarts it.
Time is judged as CPU seconds of the worker (robust to a loaded machine); the wall-clock alarm is only
the hang guard.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[1]
MAX_CPU_S = 2.0  # the issue's "no hang over 2 s", measured as CPU time of the case
MAX_RSS_GROWTH_MB = 300
REPLY_TIMEOUT_S = 60  # the worker's own alarm fires first; this catches a worker stuck in C code
# Per entry point; the whole file stays well under a minute. DLQUIZ_FUZZ_EXAMPLES=2000 for a long hunt.
EXAMPLES = int(os.environ.get("DLQUIZ_FUZZ_EXAMPLES", "25"))

FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


class Worker:
    def __init__(self, home: Path, cwd: Path) -> None:
        self.home, self.cwd = home, cwd
        self.proc = None
        self.start()

    def start(self) -> None:
        env = {**os.environ, "DLQUIZ_HOME": str(self.home), "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT),
               "COLUMNS": "100"}
        env.pop("PYTHONIOENCODING", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fuzz_worker"], cwd=self.cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def request(self, payload: dict) -> dict:
        line = (json.dumps(payload, ensure_ascii=True) + "\n").encode()
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.restart()
            return {"exit": None, "exception": "fuzz worker died before the request", "hang": False}
        ready, _, _ = select.select([self.proc.stdout], [], [], REPLY_TIMEOUT_S)
        reply = self.proc.stdout.readline() if ready else b""
        if not reply:
            died = self.proc.poll()
            self.restart()
            if died is None:
                return {"exit": None, "exception": None, "hang": True, "elapsed": REPLY_TIMEOUT_S}
            return {"exit": None, "exception": f"fuzz worker died with status {died} (memory limit?)",
                    "hang": False}
        return json.loads(reply)

    def run(self, argv: list[str], stdin: str = "") -> dict:
        return self.request({"argv": argv, "stdin": stdin})

    def restart(self) -> None:
        self.close()
        self.start()

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


# Valid calls, run once before fuzzing: one-off imports and caches (the bank, SymPy, torch) are not
# per-input costs and must not count as memory growth of the first fuzzed example.
WARM_UP = [
    ["calc", "conv", "--size", "224", "--kernel", "3"], ["calc", "pool", "--size", "224", "--kernel", "2"],
    ["calc", "rf", "vgg16"], ["calc", "params", "resnet50"], ["calc", "iou", "0,0,10,10", "5,5,15,15"],
    ["calc", "norm", "3,4"], ["calc", "norm", "--matrix", "1,2;3,4"],
    ["calc", "solve", "padding", "--size", "224", "--kernel", "3", "--out", "112", "--stride", "2"],
    ["bank", "list"], ["bank", "stats"], ["bank", "check"], ["bank", "coverage"], ["stats"],
    ["export", "anki", "warm.apkg"], ["lab", "list"], ["lab", "vanishing", "--depth", "0", "--activation", "relu"],
]


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    home, cwd = tmp_path_factory.mktemp("fuzz_home"), tmp_path_factory.mktemp("fuzz_cwd")
    w = Worker(home, cwd)
    w.request({"warm": "torch"})
    for argv in WARM_UP:
        w.run(argv, "")
    yield w
    w.close()


def check(result: dict, argv: list[str], allowed_exits=(0, 2)) -> None:
    shown = [a if len(a) <= 80 else f"{a[:40]}...({len(a)} chars)" for a in argv]
    assert not result.get("hang"), f"hang: {shown}"
    assert result.get("exception") is None, f"{shown}: {result.get('exception')}\n{result.get('traceback')}"
    assert result["cpu"] < MAX_CPU_S, f"{shown}: {result['cpu']:.2f} s of CPU"
    assert result["rss_growth_mb"] < MAX_RSS_GROWTH_MB, f"{shown}: peak memory grew {result['rss_growth_mb']:.0f} MB"
    code, out, err = result["exit"], result["stdout"], result["stderr"]
    assert "Traceback" not in err and "Traceback" not in out, f"{shown}: {err[-2000:]}"
    assert code in allowed_exits, f"{shown}: exit {code}; stderr: {err[-1000:]}"
    if code == 0:
        assert out.strip(), f"{shown}: exit 0 without output"
        assert result.get("json_problem") is None, f"{shown}: --json output: {result['json_problem']}"
    elif code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, f"{shown}: {len(lines)} lines on stderr, want 1: {err[:1000]!r}"
        assert lines[0].startswith("dlquiz") and "error:" in lines[0], f"{shown}: {lines[0][:300]!r}"


# -- hostile values -------------------------------------------------------------------------------
HOSTILE_WORDS = [
    "0", "-0", "-1", "-5", "1.5", "0.0", "-2.5", "1e309", "-1e309", "1e-400", "nan", "NaN", "inf", "-inf",
    "Infinity", str(10**30), str(-10**30), str(2**63), str(2**64), "1_000", "0x10", "0b1", "1e3", "٣", "²", "2²",
    "１２", "十", "中文", "卷积", "ℵ", "🙂", "", " ", "   3  ", "\t", "\n", "3\n4", "-", "--", "-h", "--json", "'",
    '"', "\\", "%s", "%(x)s", "{}", "{0}", "None", "True", "3x3", "3x", "x3", "0x0", "1x1x1", "3,3", "3,,3",
    ",", ";", ";;", "*", "*2", "conv*0", "\udcff", "\u200b", "\u202e", "a" * 300,
]
LONG = st.builds(lambda piece, n: piece * n, st.sampled_from(["9", "1", "(", ",", "x", "中", "-", "1,", "conv;", "9;"]),
                 st.integers(500, 20_000))
HUGE_INTS = st.sampled_from([str(10**30), "1" * 4301, "9" * 5000, str(-10**40), str(2**1000)])
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
HOSTILE = st.one_of(st.sampled_from(HOSTILE_WORDS), HUGE_INTS, LONG, TEXT,
                    st.integers(-10**40, 10**40).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def weighted(draw, *choices):
    """choices: (probability, strategy) pairs; the last takes whatever probability is left."""
    roll = draw(st.floats(0, 1))
    for p, strategy in choices[:-1]:
        if roll < p:
            return draw(strategy)
        roll -= p
    return draw(choices[-1][1])


def value(*valid, hostile=0.35) -> st.SearchStrategy[str]:
    """An option value: mostly a valid one, so that the other values reach the code behind the parser;
    a hostile one with probability `hostile`. With several options, most examples hold some hostile value."""
    if not valid:
        return HOSTILE
    return weighted((1 - hostile, st.sampled_from([str(v) for v in valid])), (hostile, HOSTILE))


# Integers the parser accepts but the code behind it must still refuse or survive.
INT_EDGE = st.one_of(st.sampled_from(["0", "-1", "-0", str(10**18), str(10**18 + 1), str(2**63), str(2**64),
                                      str(10**30), str(-10**30), "1" * 4301, "٣", "１２", "1_000", " 7 "]),
                     st.integers(-10**40, 10**40).map(str), st.integers(-3, 3000).map(str))
SMALL = weighted((0.55, st.sampled_from(["1", "2", "3", "5", "7", "32", "224", "1024"])), (0.3, INT_EDGE),
                 (0.15, HOSTILE))


@st.composite
def command(draw, prefix, options=None, flags=(), positionals=(), required=()):
    """prefix + some options (each present or not; `required` ones mostly present) + positionals."""
    options = options or {}
    argv = list(prefix)
    names = list(options)
    for name in names:
        if draw(st.floats(0, 1)) < (0.95 if name in required else 0.3):
            v = draw(options[name])
            # `--opt=value` keeps a value that starts with '-' a value (as the help texts advise)
            argv += [f"{name}={v}"] if v.startswith("-") and draw(st.booleans()) else [name, v]
    argv += [f for f in flags if draw(st.booleans())]
    argv += [draw(p) for p in positionals if draw(st.floats(0, 1)) < 0.95]
    if draw(st.floats(0, 1)) < 0.05:
        argv.append(draw(HOSTILE))  # a stray extra argument
    return argv


# -- calc ----------------------------------------------------------------------------------------
SIZE_OPTS = {"--size": SMALL, "--kernel": SMALL, "--stride": SMALL, "--padding": SMALL, "--dilation": SMALL}
HXW = value(224, "224x224", "32x64", "1x1", "0x0")
PRESETS = value("vgg16", "resnet50", "alexnet", "lenet5", "resnet152")
SPEC = st.one_of(
    value("conv(k=3,p=1,c=64); relu; pool(k=2)", "conv(k=3)*4", "fc(10)", "basic(64,2)", "bottleneck(256,1)"),
    st.builds(lambda layer, k, n: f"{layer}(k={k},s={k},c={k})*{n}",
              st.sampled_from(["conv", "pool", "dwconv", "deconv", "avgpool"]), HOSTILE, HOSTILE),
    st.builds(lambda n, k: f"fc({n}); conv(k={k})", HOSTILE, HOSTILE),
    st.lists(st.sampled_from(["conv(k=3)", "relu", "bn", "pool(k=2)", "gap", "flatten", "fc(10)", "dropout",
                              "conv(k=3,d=2,p=2)", "adaptiveavgpool(o=1)", "conv(k=3x1,p=1x0)"]),
             max_size=30).map("; ".join),
)
NUMBER = weighted((0.5, st.sampled_from(["0", "1", "-5", "10", "15", "2.5", "1e-300", "1e100", "1e-320"])),
                  (0.3, st.one_of(INT_EDGE, st.floats(allow_nan=True, allow_infinity=True).map(repr))),
                  (0.2, HOSTILE))
BOX = weighted((0.4, st.sampled_from(["0,0,10,10", "5,5,15,15", "0,0,0,0", "-5,-5,5,5", "0,0,1e-300,1e-300"])),
               (0.5, st.lists(NUMBER, min_size=4, max_size=4).map(",".join)),
               (0.1, st.lists(NUMBER, min_size=1, max_size=6).map(",".join)))
VECTOR = weighted((0.3, st.sampled_from(["3,4", "-3,4", "0,0,0", "1e100,1e100"])),
                  (0.6, st.lists(NUMBER, min_size=1, max_size=6).map(",".join)),
                  (0.1, st.builds(lambda n: ",".join(["1"] * n), st.integers(9000, 12000))))
MATRIX = weighted((0.3, st.sampled_from(["1,2;3,4", "1;2", "0,0;0,0", "1,2;3"])),
                  (0.7, st.integers(1, 3).flatmap(lambda cols: st.lists(
                      st.lists(NUMBER, min_size=cols, max_size=cols).map(",".join), min_size=1, max_size=3)
                      .map(";".join))))

ENTRY_POINTS = {
    "calc conv": command(["calc", "conv"], {**SIZE_OPTS, "--output-padding": SMALL}, ["--json", "--transposed"],
                         required=("--size", "--kernel")),
    "calc pool": command(["calc", "pool"], SIZE_OPTS, ["--json", "--ceil", "--avg"], required=("--size", "--kernel")),
    "calc rf": command(["calc", "rf"], {"--layers": SPEC, "--size": HXW}, ["--list", "--steps", "--json"],
                       [PRESETS]),
    "calc params": command(["calc", "params"], {"--layers": SPEC, "--size": HXW, "--in-channels": SMALL},
                           ["--list", "--steps", "--json"], [PRESETS]),
    "calc iou": command(["calc", "iou"], {}, ["--pixel-inclusive", "--json"], [BOX, BOX]),
    # a leading minus needs the --opt=value form or it is read as an option: both outcomes are fine
    "calc norm": command(["calc", "norm"], {"--vector": VECTOR, "--matrix": MATRIX, "--p": value(1, 2, 3, "inf", 0.5)},
                         ["--json"], [VECTOR]),
    "calc solve same": command(["calc", "solve", "same"], {"--kernel": SMALL, "--stride": SMALL,
                                                           "--dilation": SMALL, "--size": SMALL}, ["--json"],
                               required=("--kernel",)),
    **{f"calc solve {what}": command(
        ["calc", "solve", what],
        {k: SMALL for k in ("--size", "--kernel", "--out", "--stride", "--padding", "--dilation", "--output-padding")
         if not (what == "padding" and k == "--padding") and not (what == "stride" and k == "--stride")
         and not (what == "kernel" and k == "--kernel") and not (what == "input" and k == "--size")},
        ["--transposed", "--pool", "--avg", "--ceil", "--json"],
        required=("--size", "--kernel", "--out")) for what in ("padding", "stride", "kernel", "input")},
    "bank list": command(["bank", "list"], {"--topic": value("cnn", "math", "CNN"),
                                            "--type": value("numeric", "choice"), "--tag": value("errata"),
                                            "--search": value("卷积", "ReLU", "%", "")},
                         ["--json"], [], ()),
    "bank stats": command(["bank", "stats"], {}, ["--json"]),
    "bank check": command(["bank", "check"], {}, ["--json"]),
    "bank coverage": command(["bank", "coverage"], {}, ["--json"]),
    "stats": command(["stats"], {}, ["--json"]),
}

ANSWER_LINES = st.lists(st.one_of(st.sampled_from(["", "3", "1", "4", "t", "f", "对", "a", "B", "A,C", "(2**64)**64",
                                                   "9**9**9", "1e309", "2²", "10**30", "(" * 150, "0", "-1",
                                                   "3*3*64+64", "1/0", "0**-1", "__import__('os')"]),
                                  HOSTILE.map(lambda s: s.replace("\n", " "))), max_size=8).map(
    lambda lines: "".join(line + "\n" for line in lines))


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_fuzz_entry_point(worker, name):
    @FUZZ
    @given(argv=ENTRY_POINTS[name])
    def fuzz(argv):
        check(worker.run(argv), argv, allowed_exits=(0, 1, 2) if name == "bank check" else (0, 2))

    fuzz()


QUIZ = command(["quiz"], {"--mode": value("review", "practice", "cram", "mock", "errata"),
                          "--topic": value("cnn", "math"),
                          "--type": value("numeric", "flashcard", "choice", "truefalse"), "--tag": value("errata"),
                          "--difficulty": value(1, 2, 3), "--count": value(1, 3, 1000, 1001),
                          "--lang": value("zh", "en"), "--seed": value(0, 1, -1, 2**64)}, ["--json"])


@FUZZ
@given(argv=QUIZ, stdin=ANSWER_LINES)
def test_fuzz_quiz(worker, argv, stdin):
    check(worker.run(argv, stdin), argv)


def _safe_relative_path(text: str) -> bool:
    # The worker runs in a temporary directory; never let a fuzzed name point outside it.
    return not text.startswith(("/", "~")) and ".." not in text


OUT_PATH = st.one_of(value("deck.apkg", "sub/deck.apkg", "deck.txt", ".apkg", "deck.APKG", "a" * 300 + ".apkg",
                           "中文.apkg", " .apkg", "warm.apkg"),
                     HOSTILE.map(lambda s: s + ".apkg"), LONG.map(lambda s: s + ".apkg")).filter(_safe_relative_path)


@FUZZ
@given(argv=command(["export", "anki"], {}, ["--json"], [OUT_PATH]))
def test_fuzz_export_anki(worker, argv):
    check(worker.run(argv), argv)


# -- lab: argument validation only ------------------------------------------------------------------
# Every example carries at least one value the lab must refuse, so no example trains a network; what
# is fuzzed is that refusing happens (one line, exit 2) and happens before any training.
INVALID_KNOB = st.sampled_from([
    ("--depth", "0"), ("--depth", "1"), ("--depth", "61"), ("--depth", str(10**30)), ("--depth", "-5"),
    ("--depth", "1" * 4301), ("--depth", "2.5"), ("--lr", "0"), ("--lr", "-1"), ("--lr", "nan"), ("--lr", "inf"),
    ("--lr", "1e309"), ("--lr", "101"), ("--lr", "x"), ("--dropout", "1"), ("--dropout", "-0.1"),
    ("--dropout", "nan"), ("--dropout", "inf"), ("--dropout", "1e-400x"), ("--steps", "0"), ("--steps", "100001"),
    ("--steps", str(10**30)), ("--steps", "-1"), ("--seed", "-1"), ("--seed", str(2**63)), ("--seed", str(10**30)),
    ("--activation", "softmax"), ("--init", "ones"), ("--device", "tpu"), ("--engine", "fast"),
    ("--lang", "fr"),
])
LAB_NAME = st.one_of(st.sampled_from(["vanishing", "exploding", "overfitting", "batchnorm", "optimizers", "init"]),
                     HOSTILE.filter(lambda s: s not in ("list", "-h", "--help") and not s.startswith("-")))


@st.composite
def lab_argv(draw):
    argv = ["lab", draw(LAB_NAME)]
    pairs = [draw(INVALID_KNOB)] + draw(st.lists(INVALID_KNOB, max_size=3))
    if draw(st.booleans()):
        pairs.append(("--activation", draw(st.sampled_from(["relu", "tanh", "sigmoid"]))))
    draw(st.randoms()).shuffle(pairs)
    for name, v in pairs:
        argv += [f"{name}={v}"]
    argv += [f for f in ("--json", "--quiet", "--batchnorm") if draw(st.booleans())]
    return argv


@FUZZ
@given(argv=lab_argv())
def test_fuzz_lab_refuses_bad_knobs_before_training(worker, argv):
    result = worker.run(argv)
    check(result, argv)
    assert result["exit"] == 2, f"{argv}: expected a refusal, got exit {result['exit']}"


@FUZZ
@given(argv=command(["lab", "list"], {"--lang": value("zh", "en"), "--seed": SMALL, "--steps": SMALL}, ["--json"]))
def test_fuzz_lab_list(worker, argv):
    check(worker.run(argv), argv)


@FUZZ
@given(argv=st.lists(HOSTILE, min_size=1, max_size=4))
def test_fuzz_top_level(worker, argv):
    result = worker.run(argv)
    check(result, argv)
