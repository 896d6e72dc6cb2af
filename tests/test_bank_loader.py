"""Schema validation: broken files give precise errors naming file, id and field."""
import textwrap
from pathlib import Path

import pytest

from question_bank.loader import BankError, load_bank, load_bank_with_problems

NOTE = """file = "n.txt"
title = { zh = "笔记", en = "Note" }
sections = ["Intro", "Conv"]
"""

GOOD = '''
[[questions]]
id = "cnn.good-one"
type = "choice"
difficulty = 2
tags = ["conv"]
source = { file = "n.txt", section = "Conv" }
prompt = { zh = "问", en = "Q" }
answer = { zh = "答", en = "A" }
explanation = { zh = "因为", en = "Because" }
choices = [ { zh = "甲", en = "a" }, { zh = "乙", en = "b" } ]
correct = ["B"]
'''


def make_bank(tmp_path: Path, body: str, topic: str = "cnn", folder: str | None = None):
    notes = tmp_path / "notes"
    data = tmp_path / "data" / (folder or topic)
    notes.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    (notes / "n.toml").write_text(NOTE, encoding="utf-8")
    (data / "x.toml").write_text(f'topic = "{topic}"\n' + textwrap.dedent(body), encoding="utf-8")
    return load_bank_with_problems(tmp_path / "data", notes, use_disk_cache=False)


def problems_of(tmp_path, body, **kw):
    return [str(p) for p in make_bank(tmp_path, body, **kw)[1]]


def test_good_file_loads(tmp_path):
    bank, problems = make_bank(tmp_path, GOOD)
    assert problems == []
    q = bank.get("cnn.good-one")
    assert q.correct == ("B",) and q.choices[1].en == "b" and q.source.section == "Conv"


def test_choice_answer_not_among_choices(tmp_path):
    [msg] = problems_of(tmp_path, GOOD.replace('correct = ["B"]', 'correct = ["E"]'))
    assert msg.startswith("data/cnn/x.toml:13: cnn.good-one: correct:") and "'E'" in msg


def test_missing_english_prompt(tmp_path):
    [msg] = problems_of(tmp_path, GOOD.replace('prompt = { zh = "问", en = "Q" }', 'prompt = { zh = "问" }'))
    assert "cnn.good-one: prompt.en: missing or empty" in msg


def test_duplicate_ids(tmp_path):
    msgs = problems_of(tmp_path, GOOD + GOOD)
    assert len(msgs) == 1 and "duplicate id" in msgs[0]


def test_numeric_value_must_parse(tmp_path):
    body = GOOD.replace('type = "choice"', 'type = "numeric"').replace('correct = ["B"]', 'value = "thirteen"')
    body = body.replace('choices = [ { zh = "甲", en = "a" }, { zh = "乙", en = "b" } ]\n', "")
    [msg] = problems_of(tmp_path, body)
    assert "cnn.good-one: value: 'thirteen' is not a number" in msg


def test_unknown_source_file_and_section(tmp_path):
    msgs = problems_of(tmp_path, GOOD.replace('file = "n.txt"', 'file = "other.txt"'))
    assert "source.file: unknown source file 'other.txt'" in msgs[0]
    msgs = problems_of(tmp_path, GOOD.replace('section = "Conv"', 'section = "Pooling"'))
    assert "source.section: 'Pooling' is not a section listed for n.txt" in msgs[0]


def test_topic_must_match_folder(tmp_path):
    msgs = problems_of(tmp_path, GOOD, topic="cnn", folder="math")
    assert "data/math/x.toml:1: topic:" in msgs[0]


def test_dollar_math_rejected(tmp_path):
    [msg] = problems_of(tmp_path, GOOD.replace('en = "Because"', 'en = "Because $x^2$"'))
    assert "explanation: write math as" in msg


def test_invalid_toml_names_file(tmp_path):
    [msg] = problems_of(tmp_path, "[[questions]\nid=")
    assert msg.startswith("data/cnn/x.toml:2:12: not valid TOML")


def test_strict_load_raises_with_all_problems(tmp_path):
    make_bank(tmp_path, GOOD.replace('difficulty = 2', 'difficulty = 5'))
    with pytest.raises(BankError) as info:
        load_bank(tmp_path / "data", tmp_path / "notes", strict=True)
    assert "difficulty" in str(info.value.problems[0])


def test_bank_check_cli_reports_problem_with_exit_1(tmp_path, monkeypatch):
    import question_bank.loader as loader
    from dlquiz.cli import main

    make_bank(tmp_path, GOOD.replace('correct = ["B"]', 'correct = ["Z"]'))
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(loader, "NOTES_DIR", tmp_path / "notes")
    monkeypatch.setattr(loader.load_bank_with_problems, "__defaults__", (tmp_path / "data", tmp_path / "notes", True))
    assert main(["bank", "check"]) == 1
