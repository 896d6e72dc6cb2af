"""`export anki` never destroys the previous deck, leaves no temp files, and refuses bad targets in one line."""
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import dlquiz.anki as anki
from dlquiz.anki import export_anki
from tests.bank_fixture import small_bank

ROOT = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path / "home"), **env_extra}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dlquiz: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_export_writes_a_valid_deck_and_nothing_else(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert export_anki(small_bank(), out_dir / "deck.apkg") == 8
    assert [p.name for p in out_dir.iterdir()] == ["deck.apkg"]
    with zipfile.ZipFile(out_dir / "deck.apkg") as z:
        assert z.testzip() is None and {"collection.anki2", "media"} <= set(z.namelist())


def test_failed_export_keeps_the_previous_deck(tmp_path, monkeypatch):
    out = tmp_path / "deck.apkg"
    export_anki(small_bank(), out)
    good = out.read_bytes()

    real_writestr = zipfile.ZipFile.writestr

    def write_some_then_fail(self, name, data, *args, **kwargs):
        real_writestr(self, name, data[: len(data) // 2], *args, **kwargs)  # some bytes reach the disk
        self.fp.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", write_some_then_fail)
    with pytest.raises(OSError):
        export_anki(small_bank(), out)
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"]


def test_killed_export_keeps_the_previous_deck(tmp_path):
    out = tmp_path / "deck.apkg"
    assert run(tmp_path, "export", "anki", str(out)).returncode == 0
    good = out.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal, zipfile
        real = zipfile.ZipFile.writestr
        def die(self, name, data, *a, **k):
            real(self, name, data[: len(data) // 2], *a, **k)
            self.fp.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        zipfile.ZipFile.writestr = die
        from dlquiz.cli import main
        main(["export", "anki", {str(out)!r}])
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=300,
                          env={**os.environ, "DLQUIZ_HOME": str(tmp_path / "home")})
    assert proc.returncode == -9
    assert out.read_bytes() == good


def test_reexport_replaces_the_deck(tmp_path):
    out = tmp_path / "deck.apkg"
    export_anki(small_bank(), out)
    out.write_bytes(b"an old, broken deck")
    export_anki(small_bank(), out)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"]


def test_export_keeps_an_existing_decks_permissions(tmp_path):
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"old")
    out.chmod(0o640)
    export_anki(small_bank(), out)
    assert out.stat().st_mode & 0o777 == 0o640


def test_new_deck_gets_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        export_anki(small_bank(), tmp_path / "deck.apkg")
    finally:
        os.umask(old)
    assert (tmp_path / "deck.apkg").stat().st_mode & 0o777 == 0o644


def test_export_leaves_nothing_in_the_temp_dir(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "deck.apkg"
    for _ in range(2):
        proc = run(tmp_path, "export", "anki", str(out), TMPDIR=str(tmp))
        assert proc.returncode == 0, proc.stderr
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg", "home", "tmp"]


def test_in_process_export_leaves_nothing_in_the_temp_dir(tmp_path, monkeypatch):
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    export_anki(small_bank(), tmp_path / "deck.apkg")
    assert list(tmp.iterdir()) == []


def test_missing_parent_dir_is_an_error_not_created(tmp_path):
    out = tmp_path / "no" / "such" / "deck.apkg"
    one_line_error(run(tmp_path, "export", "anki", str(out)), str(out.parent), "does not exist")
    assert not (tmp_path / "no").exists()


def test_parent_is_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "deck.apkg"
    one_line_error(run(tmp_path, "export", "anki", str(out)), "not a directory")


def test_out_is_a_directory(tmp_path):
    (tmp_path / "deck.apkg").mkdir()
    one_line_error(run(tmp_path, "export", "anki", str(tmp_path / "deck.apkg")), "is a directory")
    assert (tmp_path / "deck.apkg").is_dir()


def test_unwritable_dir_is_one_line(tmp_path):
    """Root may write anywhere, so simulate the refusal where the temp file is made."""
    script = textwrap.dedent(f"""
        import sys, tempfile
        def refuse(*a, **k):
            raise PermissionError(13, "Permission denied")
        tempfile.mkstemp = refuse
        from dlquiz.cli import main
        sys.exit(main(["export", "anki", {str(tmp_path / "deck.apkg")!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DLQUIZ_HOME": str(tmp_path / "home")})
    one_line_error(proc, "cannot write", "Permission denied")
    assert not (tmp_path / "deck.apkg").exists()


def test_wrong_suffix(tmp_path):
    one_line_error(run(tmp_path, "export", "anki", str(tmp_path / "deck.zip")), ".apkg")


def test_export_anki_api_refuses_missing_parent(tmp_path):
    with pytest.raises(FileNotFoundError):
        anki.export_anki(small_bank(), tmp_path / "missing" / "deck.apkg")
    assert not (tmp_path / "missing").exists()
