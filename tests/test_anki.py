"""Anki export read back with zipfile + sqlite3: sub-decks, stable GUIDs, both languages, MathJax math."""
import json
import sqlite3
import zipfile

import genanki

from dlquiz.anki import export_anki
from question_bank.model import Bank, Bilingual
from tests.bank_fixture import small_bank


def read_notes(path, tmp_path):
    with zipfile.ZipFile(path) as z:
        z.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    notes = conn.execute("SELECT guid, flds, tags FROM notes").fetchall()
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    conn.close()
    return notes, {d["name"] for d in decks.values()}


def test_export_round_trip(tmp_path):
    bank = small_bank()
    q = bank.questions[0]
    math_q = type(q)(**{**q.__dict__, "id": "cnn.math", "prompt": Bilingual(r"求 \( x^2 \)", r"Find \( x^2 \)")})
    bank = Bank(bank.questions + [math_q], bank.notes)
    out = tmp_path / "deck.apkg"
    assert export_anki(bank, out) == 9
    notes, decks = read_notes(out, tmp_path)
    assert len(notes) == 9
    assert {"dlquiz::CNNs 卷积神经网络", "dlquiz::Math 数学基础", "dlquiz::Losses 损失函数"} <= decks
    guids = {g for g, _, _ in notes}
    assert genanki.guid_for("cnn.q1") in guids and genanki.guid_for("cnn.math") in guids
    fields = {g: f.split("\x1f") for g, f, _ in notes}
    math_fields = fields[genanki.guid_for("cnn.math")]
    assert r"Find \( x^2 \)" in math_fields and r"求 \( x^2 \)" in math_fields
    tags = {g: t for g, _, t in notes}
    assert "errata" in tags[genanki.guid_for("cnn.q4")]


def test_reexport_keeps_guids(tmp_path):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_anki(small_bank(), a)
    export_anki(small_bank(), b)
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    notes_a, _ = read_notes(a, tmp_path / "x")
    notes_b, _ = read_notes(b, tmp_path / "y")
    assert sorted(g for g, _, _ in notes_a) == sorted(g for g, _, _ in notes_b)
