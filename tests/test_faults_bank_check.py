"""`bank check`: non-finite numbers are rejected, a wrongly typed `questions` is one problem, and every
problem names file:line, question id and field (README "Adding questions", FORMAT.md)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import question_bank.loader as loader
from tests.test_bank_loader import GOOD, NOTE

ROOT = Path(__file__).resolve().parents[1]

NUMERIC = '''
[[questions]]
id = "cnn.out-size"
type = "numeric"
difficulty = 1
tags = ["conv"]
source = { file = "n.txt", section = "Conv" }
prompt = { zh = "问", en = "Q" }
answer = { zh = "答", en = "A" }
explanation = { zh = "因为", en = "Because" }
value = 13
tolerance = 0
unit = "px"
'''


def write_bank(tmp_path: Path, body: str, topic: str = "cnn") -> tuple[Path, Path]:
    notes = tmp_path / "notes"
    data = tmp_path / "data" / topic
    notes.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    (notes / "n.toml").write_text(NOTE, encoding="utf-8")
    (data / "x.toml").write_text(f'topic = "{topic}"\n' + textwrap.dedent(body), encoding="utf-8")
    return tmp_path / "data", notes


def problems(tmp_path: Path, body: str) -> list[str]:
    data, notes = write_bank(tmp_path, body)
    loader._MEMO.clear()
    return [str(p) for p in loader.load_bank_with_problems(data, notes, use_disk_cache=False)[1]]


def line_of(body: str, needle: str) -> int:
    """1-based line of `needle` in x.toml (whose first line is the `topic = ...` line)."""
    lines = ('topic = "cnn"\n' + textwrap.dedent(body)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.fixture
def point_cli_at(monkeypatch):
    """`bank check`/`bank list` read the default bank dirs; point them at a temp bank."""

    def point(data: Path, notes: Path) -> None:
        monkeypatch.setattr(loader, "DATA_DIR", data)
        monkeypatch.setattr(loader, "NOTES_DIR", notes)
        monkeypatch.setattr(loader.load_bank_with_problems, "__defaults__", (data, notes, True))
        monkeypatch.setattr(loader.load_bank, "__defaults__", (data, notes, False))
        monkeypatch.setenv("DLQUIZ_HOME", str(data.parent / "home"))
        loader._MEMO.clear()

    yield point
    loader._MEMO.clear()


# --- non-finite numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("field,text,message", [
    ("value", "value = inf", "value: inf is not a finite number"),
    ("value", "value = -inf", "value: -inf is not a finite number"),
    ("value", "value = nan", "value: nan is not a finite number"),
    ("value", "value = 1e999", "value: inf is not a finite number"),
    ("value", "value = " + "9" * 400, "value: " + "9" * 400 + " is not a finite number"),
    ("tolerance", "tolerance = inf", "tolerance: inf must be a finite number ≥ 0"),
    ("tolerance", "tolerance = nan", "tolerance: nan must be a finite number ≥ 0"),
])
def test_non_finite_numbers_are_rejected_with_line(tmp_path, field, text, message):
    body = NUMERIC.replace(f"{field} = {13 if field == 'value' else 0}", text)
    [msg] = problems(tmp_path, body)
    assert msg == f"data/cnn/x.toml:{line_of(body, text)}: cnn.out-size: {message}"


def test_bank_list_json_is_strict_json_even_with_inf_in_a_file(tmp_path, point_cli_at, capsys):
    from dlquiz.cli import main

    body = NUMERIC + NUMERIC.replace("cnn.out-size", "cnn.inf-size").replace("tolerance = 0", "tolerance = inf")
    point_cli_at(*write_bank(tmp_path, body))
    assert main(["bank", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"{c} in --json output"))
    assert [r["id"] for r in rows] == ["cnn.out-size"]


def test_bool_and_float_difficulty_rejected(tmp_path):
    for text in ("difficulty = true", "difficulty = 1.0"):
        body = NUMERIC.replace("difficulty = 1", text)
        [msg] = problems(tmp_path, body)
        assert msg.startswith(f"data/cnn/x.toml:{line_of(body, text)}: cnn.out-size: difficulty: ")


# --- `questions` of the wrong type -----------------------------------------------------------------


@pytest.mark.parametrize("text,kind", [('questions = "oops"', "a string"), ("questions = 42", "an integer"),
                                       ("questions = { a = 1, b = 2 }", "a table")])
def test_questions_not_an_array_is_one_problem(tmp_path, text, kind):
    assert problems(tmp_path, text + "\n") == [
        f"data/cnn/x.toml:2: questions: must be an array of tables ([[questions]]), got {kind}"]


def test_questions_entry_not_a_table_names_its_index(tmp_path):
    assert problems(tmp_path, "questions = [1, 2]\n") == [
        "data/cnn/x.toml:2: questions[0]: each entry must be a table, got an integer",
        "data/cnn/x.toml:2: questions[1]: each entry must be a table, got an integer"]


# --- every problem has file:line -------------------------------------------------------------------


def test_field_problems_point_at_the_field_line(tmp_path):
    second = GOOD.replace("cnn.good-one", "cnn.good-two")
    body = GOOD + NUMERIC + second.replace('correct = ["B"]', 'correct = ["Z"]').replace(
        'prompt = { zh = "问", en = "Q" }', 'prompt.zh = "问"')
    msgs = problems(tmp_path, body)
    lines = ('topic = "cnn"\n' + textwrap.dedent(body)).splitlines()
    third = [i for i, line in enumerate(lines, 1) if line == "[[questions]]"][2]
    prompt_line = next(i for i, line in enumerate(lines, 1) if i > third and line.startswith("prompt.zh"))
    correct_line = next(i for i, line in enumerate(lines, 1) if i > third and line.startswith("correct"))
    assert msgs == [f"data/cnn/x.toml:{prompt_line}: cnn.good-two: prompt.en: missing or empty",
                    f"data/cnn/x.toml:{correct_line}: cnn.good-two: correct: ['Z'] not among the choices A, B"]


def test_missing_field_points_at_the_question_header(tmp_path):
    body = NUMERIC + NUMERIC.replace("cnn.out-size", "cnn.other").replace('unit = "px"\n', "").replace(
        'explanation = { zh = "因为", en = "Because" }\n', "")
    [msg] = problems(tmp_path, body)
    lines = ('topic = "cnn"\n' + textwrap.dedent(body)).splitlines()
    header = [i for i, line in enumerate(lines, 1) if line == "[[questions]]"][1]
    assert msg == f"data/cnn/x.toml:{header}: cnn.other: explanation: missing (needs zh and en)"


def test_subtable_and_unknown_field_lines(tmp_path):
    body = NUMERIC.replace('source = { file = "n.txt", section = "Conv" }\n', "").replace(
        'unit = "px"', 'unit = "px"\ncolour = "red"\n[questions.source]\nfile = "n.txt"\nsection = "Pool"')
    msgs = problems(tmp_path, body)
    pool = line_of(body, 'section = "Pool"')
    assert msgs == [f"data/cnn/x.toml:{pool}: cnn.out-size: source.section: "
                    "'Pool' is not a section listed for n.txt",
                    f"data/cnn/x.toml:{line_of(body, 'colour')}: cnn.out-size: colour: unknown field"]


def test_duplicate_id_points_at_the_second_id_line(tmp_path):
    body = GOOD + GOOD
    [msg] = problems(tmp_path, body)
    lines = ('topic = "cnn"\n' + textwrap.dedent(body)).splitlines()
    second_id = [i for i, line in enumerate(lines, 1) if line.startswith("id = ")][1]
    assert msg.startswith(f"data/cnn/x.toml:{second_id}: cnn.good-one: id: duplicate id")


def test_topic_problem_points_at_topic_line(tmp_path):
    data, notes = write_bank(tmp_path, "\n\n" + GOOD, topic="cnn")
    path = data / "cnn" / "x.toml"
    path.write_text("# a comment\n" + path.read_text(encoding="utf-8").replace('"cnn"', '"math"', 1), encoding="utf-8")
    loader._MEMO.clear()
    [msg] = [str(p) for p in loader.load_bank_with_problems(data, notes, use_disk_cache=False)[1]]
    assert msg == "data/cnn/x.toml:2: topic: 'math' must equal the folder name 'cnn'"


def test_toml_syntax_error_gives_file_line_column(tmp_path):
    [msg] = problems(tmp_path, GOOD + "\n[[questions]\nid = 1\n")
    lines = ('topic = "cnn"\n' + textwrap.dedent(GOOD + "\n[[questions]\nid = 1\n")).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text == "[[questions]")
    assert msg == f"data/cnn/x.toml:{line}:12: not valid TOML: Expected ']]' at the end of an array declaration"
    assert "(at line" not in msg and "\n" not in msg


def test_toml_error_at_end_of_document(tmp_path):
    [msg] = problems(tmp_path, 'x = "unterminated')
    assert msg == "data/cnn/x.toml:2: not valid TOML: Unterminated string (at the end of the file)"


def test_invalid_utf8_gives_line(tmp_path):
    data, notes = write_bank(tmp_path, GOOD)
    path = data / "cnn" / "x.toml"
    path.write_bytes(path.read_bytes().replace(b"Because", b"Bec\xffuse"))
    loader._MEMO.clear()
    [msg] = [str(p) for p in loader.load_bank_with_problems(data, notes, use_disk_cache=False)[1]]
    lines = ('topic = "cnn"\n' + textwrap.dedent(GOOD)).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "Because" in text)
    assert msg.startswith(f"data/cnn/x.toml:{line}: not valid UTF-8")


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    data, notes = write_bank(tmp_path, GOOD)
    (data / "cnn" / "y.toml").mkdir()  # a directory named like a bank file: reading it fails
    loader._MEMO.clear()
    bank, found = loader.load_bank_with_problems(data, notes, use_disk_cache=False)
    assert [str(p) for p in found] == ["data/cnn/y.toml: cannot read: Is a directory"]
    assert bank.get("cnn.good-one") is not None


def test_note_problems_have_lines(tmp_path):
    data, notes = write_bank(tmp_path, GOOD)
    (notes / "m.toml").write_text('file = "m.txt"\n\nsections = "Intro"\n', encoding="utf-8")
    loader._MEMO.clear()
    found = [str(p) for p in loader.load_bank_with_problems(data, notes, use_disk_cache=False)[1]]
    assert found == ["notes/m.toml:3: sections: must be a list of non-empty strings"]


# --- the CLI -------------------------------------------------------------------------------------


def test_bank_check_prints_file_line_problems(tmp_path, point_cli_at, capsys):
    from dlquiz.cli import main

    body = NUMERIC.replace("value = 13", "value = inf")
    point_cli_at(*write_bank(tmp_path, body))
    assert main(["bank", "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"data/cnn/x.toml:{line_of(body, 'value = inf')}: cnn.out-size: value: inf is not a finite number",
                   "0 valid question(s), 1 problem(s)"]
    assert main(["bank", "check", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["problems"] == out[:1]


def test_bank_check_cli_on_the_real_bank_passes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dlquiz", "bank", "check"], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "DLQUIZ_HOME": str(tmp_path)}, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.strip().endswith(" problem(s)") and ", 0 problem(s)" in proc.stdout


def test_real_bank_list_json_is_strict(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dlquiz", "bank", "list", "--json"], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "DLQUIZ_HOME": str(tmp_path)}, timeout=120)
    assert proc.returncode == 0
    rows = json.loads(proc.stdout, parse_constant=lambda c: pytest.fail(f"{c} in --json output"))
    assert len(rows) > 100


def test_dangling_symlink_is_a_problem_not_a_crash(tmp_path):
    data, notes = write_bank(tmp_path, GOOD)
    (data / "cnn" / "z.toml").symlink_to(tmp_path / "gone.toml")
    loader._MEMO.clear()
    bank, found = loader.load_bank_with_problems(data, notes, use_disk_cache=False)
    assert [str(p) for p in found] == ["data/cnn/z.toml: cannot read: No such file or directory"]
    assert bank.get("cnn.good-one") is not None
