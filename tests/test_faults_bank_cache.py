"""The on-disk bank cache is data, never code: planted, bit-flipped, truncated or empty cache files
are ignored and rebuilt; an unwritable cache dir only costs speed."""
import hashlib
import json
import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

from question_bank import loader
from tests.test_bank_loader import GOOD, NOTE

ROOT = Path(__file__).resolve().parents[1]


def run(home: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DLQUIZ_HOME": str(home), **env_extra}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def real_cache_name() -> str:
    return f"bank-{loader._fingerprint(loader.DATA_DIR, loader.NOTES_DIR)}.json"


class Boom:
    """Unpickling this creates `path`: proof that a cache file was unpickled (i.e. code ran)."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def planted_pickle(marker: Path) -> bytes:
    return pickle.dumps((Boom(marker), []), protocol=pickle.HIGHEST_PROTOCOL)


@pytest.fixture(scope="module")
def stats_text(tmp_path_factory) -> str:
    """`bank stats` output with no cache at all: what every faulty-cache run must also print."""
    proc = run(tmp_path_factory.mktemp("fresh"), "bank", "stats")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# --- the format -----------------------------------------------------------------------------------


def test_cache_is_json_with_version_fingerprint_and_hash(tmp_path, stats_text):
    proc = run(tmp_path, "bank", "stats")
    assert proc.returncode == 0 and proc.stdout == stats_text
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files == [real_cache_name()]  # no pickle, no temp file left behind
    raw = (tmp_path / "cache" / files[0]).read_bytes()
    head, _, payload = raw.partition(b"\n")
    header = json.loads(head)
    assert header["version"] == loader.CACHE_VERSION
    assert header["fingerprint"] == loader._fingerprint(loader.DATA_DIR, loader.NOTES_DIR)
    assert header["sha256"] == hashlib.sha256(payload).hexdigest()
    json.loads(payload, parse_constant=lambda c: pytest.fail(f"non-finite {c} in the cache"))


def test_second_run_reads_the_cache_it_wrote(tmp_path, stats_text):
    assert run(tmp_path, "bank", "stats").stdout == stats_text
    cache = tmp_path / "cache" / real_cache_name()
    before = cache.stat().st_mtime_ns, cache.read_bytes()
    assert run(tmp_path, "bank", "stats").stdout == stats_text
    assert (cache.stat().st_mtime_ns, cache.read_bytes()) == before  # read, not rewritten


def test_old_pickles_and_stale_caches_are_removed(tmp_path, stats_text):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("bank-0123456789abcdef.pickle", "bank-0123456789abcdef.json", "bank-x.tmp"):
        (cache / name).write_bytes(b"old")
    (cache / "unrelated.txt").write_text("keep me")
    assert run(tmp_path, "bank", "stats").stdout == stats_text
    assert sorted(p.name for p in cache.iterdir()) == sorted([real_cache_name(), "unrelated.txt"])


# --- planted code ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["old-pickle", "new-json"])
def test_planted_pickle_is_never_unpickled(tmp_path, stats_text, name):
    fingerprint = loader._fingerprint(loader.DATA_DIR, loader.NOTES_DIR)
    cache = tmp_path / "cache"
    cache.mkdir()
    marker = tmp_path / "PWNED"
    target = cache / (f"bank-{fingerprint}.pickle" if name == "old-pickle" else real_cache_name())
    target.write_bytes(planted_pickle(marker))
    proc = run(tmp_path, "bank", "stats")
    assert not marker.exists(), "the planted pickle was executed"
    assert proc.returncode == 0 and proc.stdout == stats_text and proc.stderr == ""
    assert sorted(p.name for p in cache.iterdir()) == [real_cache_name()]
    assert (cache / real_cache_name()).read_bytes()[:1] == b"{"


def test_planted_pickle_in_process_is_never_unpickled(tmp_path, monkeypatch):
    """Every bank loader entry point, with a malicious pickle under every name it could try."""
    data, notes = small_dirs(tmp_path)
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    monkeypatch.setenv("DLQUIZ_HOME", str(home))
    fingerprint = loader._fingerprint(data, notes)
    marker = tmp_path / "PWNED"
    for name in (f"bank-{fingerprint}.pickle", f"bank-{fingerprint}.json", f"bank-{fingerprint}.tmp"):
        (home / "cache" / name).write_bytes(planted_pickle(marker))
    loader._MEMO.clear()
    bank, problems = loader.load_bank_with_problems(data, notes)
    assert not marker.exists() and len(problems) == 1 and bank.get("cnn.good-one") is not None


# --- corrupted caches ------------------------------------------------------------------------------


def small_dirs(tmp_path: Path) -> tuple[Path, Path]:
    notes = tmp_path / "notes"
    data = tmp_path / "data" / "cnn"
    notes.mkdir(parents=True)
    data.mkdir(parents=True)
    (notes / "n.toml").write_text(NOTE, encoding="utf-8")
    second = GOOD.replace("cnn.good-one", "cnn.good-two").replace('type = "choice"', 'type = "numeric"')
    second = second.replace('correct = ["B"]', "value = 1.5\ntolerance = 0.25\nunit = \"px\"")
    second = second.replace('choices = [ { zh = "甲", en = "a" }, { zh = "乙", en = "b" } ]\n', "")
    bad = GOOD.replace("cnn.good-one", "cnn.bad").replace("difficulty = 2", "difficulty = 7")
    (data / "x.toml").write_text('topic = "cnn"\n' + GOOD + second + bad, encoding="utf-8")
    return tmp_path / "data", notes


def fresh(data: Path, notes: Path):
    loader._MEMO.clear()
    return loader.load_bank_with_problems(data, notes, use_disk_cache=False)


def load_from(data: Path, notes: Path):
    loader._MEMO.clear()
    return loader.load_bank_with_problems(data, notes)


def test_every_single_byte_flip_of_a_small_cache_is_rebuilt(tmp_path, monkeypatch):
    data, notes = small_dirs(tmp_path)
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "home"))
    expected = fresh(data, notes)
    assert len(expected[0].questions) == 2 and len(expected[1]) == 1
    assert load_from(data, notes) == expected  # writes the cache
    [cache_file] = (tmp_path / "home" / "cache").iterdir()
    good = cache_file.read_bytes()
    rng = random.Random(9)
    for pos in range(len(good)):
        flipped = bytearray(good)
        flipped[pos] ^= 1 << rng.randrange(8)
        cache_file.write_bytes(bytes(flipped))
        assert load_from(data, notes) == expected, f"flip at byte {pos}"
        assert cache_file.read_bytes() == good, f"flip at byte {pos} was not repaired"


def test_bit_flips_in_the_real_cache_are_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path))
    expected = fresh(loader.DATA_DIR, loader.NOTES_DIR)
    assert load_from(loader.DATA_DIR, loader.NOTES_DIR) == expected
    cache_file = tmp_path / "cache" / real_cache_name()
    good = cache_file.read_bytes()
    head_len = good.index(b"\n") + 1
    rng = random.Random(67)
    # each full rebuild parses ~500 questions, so a sample: header, its newline, payload ends, middle
    # (the small-bank test above flips every byte)
    positions = [0, head_len - 1, len(good) - 1, *rng.sample(range(1, head_len - 1), 6),
                 *rng.sample(range(head_len, len(good) - 1), 8)]
    for pos in positions:
        flipped = bytearray(good)
        flipped[pos] ^= 1 << rng.randrange(8)
        cache_file.write_bytes(bytes(flipped))
        assert load_from(loader.DATA_DIR, loader.NOTES_DIR) == expected, f"flip at byte {pos}"


@pytest.mark.parametrize("cut", ["empty", "header-only", "half", "one-byte-short"])
def test_truncated_cache_is_rebuilt(tmp_path, monkeypatch, cut):
    data, notes = small_dirs(tmp_path)
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "home"))
    expected = fresh(data, notes)
    load_from(data, notes)
    [cache_file] = (tmp_path / "home" / "cache").iterdir()
    good = cache_file.read_bytes()
    size = {"empty": 0, "header-only": good.index(b"\n") + 1, "half": len(good) // 2,
            "one-byte-short": len(good) - 1}[cut]
    cache_file.write_bytes(good[:size])
    assert load_from(data, notes) == expected
    assert cache_file.read_bytes() == good


def planted_json(fingerprint: str, payload: bytes, header: dict | None = None) -> bytes:
    head = {"format": loader.CACHE_FORMAT, "version": loader.CACHE_VERSION, "fingerprint": fingerprint,
            "sha256": hashlib.sha256(payload).hexdigest(), **(header or {})}
    return json.dumps(head).encode() + b"\n" + payload


def test_well_hashed_but_wrong_caches_are_rebuilt(tmp_path, monkeypatch):
    """A file with a correct hash (anyone can compute one) but the wrong shape or values."""
    data, notes = small_dirs(tmp_path)
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "home"))
    expected = fresh(data, notes)
    load_from(data, notes)
    [cache_file] = (tmp_path / "home" / "cache").iterdir()
    good = cache_file.read_bytes()
    fingerprint = loader._fingerprint(data, notes)
    payload = json.loads(good.partition(b"\n")[2])
    q = payload["questions"][0]

    def variant(**changes):
        p = json.loads(json.dumps(payload))
        for key, value in changes.items():
            p[key] = value
        return json.dumps(p).encode()

    def with_question(index, value):
        row = list(q)
        row[index] = value
        return variant(questions=[row])

    bad_payloads = [
        b"", b"null", b"[]", b'"text"', b"{}", b"[" * 100000 + b"]" * 100000,
        variant(questions="oops"), variant(questions=[["x"]]), variant(questions=[None]),
        variant(notes={"n.txt": 1}), variant(problems=[["f", "q", "f"]]), variant(extra=1),
        with_question(3, "2"), with_question(3, True), with_question(3, 9), with_question(0, 5),
        with_question(2, "essay"), with_question(4, "conv"), with_question(5, ["只有中文"]),
        with_question(8, ["n.txt"]), with_question(11, 1e999), with_question(12, -1),
        b'{"notes": [], "questions": [], "problems": [], "x": NaN}',
        json.dumps({**payload, "questions": [[*q[:11], float("nan"), *q[12:]]]}).encode(),
        b"\xff\xfe" + json.dumps(payload).encode(),
    ]
    for i, bad in enumerate(bad_payloads):
        cache_file.write_bytes(planted_json(fingerprint, bad))
        assert load_from(data, notes) == expected, f"bad payload #{i}"
        assert cache_file.read_bytes() == good, f"bad payload #{i} not replaced"
    body = good.partition(b"\n")[2]
    for header in ({"version": 1}, {"version": "2"}, {"fingerprint": "0" * 16}, {"format": "pickle"},
                   {"sha256": 5}):
        cache_file.write_bytes(planted_json(fingerprint, body, header))
        assert load_from(data, notes) == expected, header
    cache_file.write_bytes(b"[]\n" + body)
    assert load_from(data, notes) == expected


def test_corrupt_cache_via_cli_is_silent(tmp_path, stats_text):
    run(tmp_path, "bank", "stats")
    cache_file = tmp_path / "cache" / real_cache_name()
    good = cache_file.read_bytes()
    rng = random.Random(19)
    for pos in rng.sample(range(len(good)), 3):
        flipped = bytearray(good)
        flipped[pos] ^= 0x20
        cache_file.write_bytes(bytes(flipped))
        proc = run(tmp_path, "bank", "stats")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, stats_text, ""), pos
        assert cache_file.read_bytes() == good


# --- unwritable cache dir --------------------------------------------------------------------------


def test_cache_path_is_a_file_costs_only_speed(tmp_path, stats_text):
    (tmp_path / "cache").write_text("not a directory")
    for _ in range(2):
        proc = run(tmp_path, "bank", "stats")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, stats_text, "")
    proc = run(tmp_path, "bank", "list", "--json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) > 100
    assert (tmp_path / "cache").read_text() == "not a directory"


def test_failed_cache_write_leaves_no_temp_file(tmp_path, monkeypatch):
    data, notes = small_dirs(tmp_path)
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "home"))
    expected = fresh(data, notes)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loader.os, "replace", refuse)
    assert load_from(data, notes) == expected
    assert list((tmp_path / "home" / "cache").iterdir()) == []


def test_dlquiz_home_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DLQUIZ_HOME", "~/dq")
    assert loader._cache_dir() == tmp_path / "dq" / "cache"
