"""Anki export via genanki: one deck per topic under "dlquiz", both languages on every card.

GUIDs come from question ids (genanki.guid_for), so re-exporting updates notes instead of duplicating
them. Math stays as \\( … \\) / \\[ … \\], which Anki renders with MathJax.

The package is written to a temp file next to the target and moved over it with os.replace, so a
failed or killed export leaves the previous deck intact; Anki's collection database is built in
memory (genanki's own `write_to_file` leaves a temp database behind in the temp dir on every call).
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from dlquiz.present import source_text
from question_bank.model import TOPIC_NAMES, Bank, Lang, Question

FIELDS = ["Id", "Topic", "PromptZh", "PromptEn", "Choices", "AnswerZh", "AnswerEn",
          "ExplanationZh", "ExplanationEn", "Source"]
FRONT = """<div class="topic">{{Topic}}</div>
<div class="zh">{{PromptZh}}</div><div class="en">{{PromptEn}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}"""
BACK = """{{FrontSide}}<hr id="answer">
<div class="zh"><b>答案</b> {{AnswerZh}}</div><div class="en"><b>Answer</b> {{AnswerEn}}</div>
<div class="zh expl">{{ExplanationZh}}</div><div class="en expl">{{ExplanationEn}}</div>
<div class="source">{{Source}}</div>"""
CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.en { color: #555; margin-top: .3em; } .topic, .source { font-size: 12px; color: #888; }
.expl { font-size: 15px; margin-top: .6em; } .choices { margin-top: .6em; }"""


def _stable_id(name: str) -> int:
    """Model/deck ids must be stable across exports (Anki matches on them)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") | (1 << 30)


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _choices_html(q: Question) -> str:
    if q.type != "choice":
        return ""
    items = "".join(f"<li>{letter}. {_html(c.zh)} / {_html(c.en)}</li>" for letter, c in zip("ABCDEFGH", q.choices))
    return f"<ol type='A' style='list-style:none;padding-left:0'>{items}</ol>"


def _answer(q: Question, lang: Lang) -> str:
    text = q.answer.get(lang)
    if q.type == "choice":
        text = f"{', '.join(q.correct)} — {text}"
    elif q.type == "truefalse":
        true_word, false_word = ("对", "错") if lang == "zh" else ("True", "False")
        text = f"{true_word if q.truth else false_word}. {text}"
    elif q.type == "numeric":
        text = f"{q.value}{(' ' + q.unit) if q.unit else ''} — {text}"
    return _html(text)


def build_package(bank: Bank):
    import genanki  # lazy: only `dlquiz export anki` pays for it

    model = genanki.Model(_stable_id("dlquiz-model-v1"), "dlquiz bilingual", fields=[{"name": f} for f in FIELDS],
                          templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}], css=CSS)
    decks: dict[str, genanki.Deck] = {}
    for q in bank.questions:
        if q.is_generated:
            continue
        name = f"dlquiz::{TOPIC_NAMES[q.topic]['en']} {TOPIC_NAMES[q.topic]['zh']}"
        deck = decks.setdefault(q.topic, genanki.Deck(_stable_id(f"dlquiz-deck-{q.topic}"), name))
        source = source_text(q, "en", bank.notes).split(": ", 1)[1]  # the note's title, not its hashed file name
        fields = [q.id, _html(TOPIC_NAMES[q.topic]["en"]), _html(q.prompt.zh), _html(q.prompt.en), _choices_html(q),
                  _answer(q, "zh"), _answer(q, "en"), _html(q.explanation.zh), _html(q.explanation.en), _html(source)]
        tags = [*q.tags, f"topic::{q.topic}", f"type::{q.type}", f"difficulty::{q.difficulty}"]
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=genanki.guid_for(q.id)))
    return genanki.Package(list(decks.values())), sum(len(d.notes) for d in decks.values())


def _collection_bytes(package) -> bytes:
    """Anki's collection.anki2 as bytes: what genanki's Package.write_to_file writes into its temp db."""
    import itertools

    timestamp = time.time()
    conn = sqlite3.connect(":memory:")
    try:
        package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        conn.commit()
        if hasattr(conn, "serialize"):  # Python 3.11+ with a SQLite that has sqlite3_serialize
            return conn.serialize()
        with tempfile.TemporaryDirectory(prefix="dlquiz-anki-") as tmp:  # pragma: no cover
            path = os.path.join(tmp, "collection.anki2")
            disk = sqlite3.connect(path)
            try:
                conn.backup(disk)
            finally:
                disk.close()
            with open(path, "rb") as fh:
                return fh.read()
    finally:
        conn.close()


def _new_file_mode(existing: Path) -> int:
    try:
        return existing.stat().st_mode & 0o7777  # re-exporting keeps the deck's permissions
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def export_anki(bank: Bank, out: Path) -> int:
    """Write the deck to `out` atomically; its directory must exist. Returns the number of notes."""
    import errno

    out = Path(out)
    if not out.parent.is_dir():  # never created silently: a typo'd path should not grow directories
        if out.parent.exists():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(out.parent))
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(out.parent))
    package, count = build_package(bank)  # no media files: the package is the collection + an empty map
    collection = _collection_bytes(package)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w") as z:
                z.writestr("collection.anki2", collection)
                z.writestr("media", json.dumps({}))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(out))
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return count
