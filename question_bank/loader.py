"""Load and validate the bank: notes/*.toml (sections) and data/<topic>/*.toml (questions).

Every problem names the file and line, the question id and the field. `load_bank()` caches the
parsed bank in memory and, keyed on the files' sizes and mtimes, in a JSON file under the user cache
dir so the TUI's first frame doesn't pay for TOML parsing. The cache is data only (never pickle):
a header line with format, version, fingerprint and the payload's sha256, then the payload. A cache
that is unreadable for any reason (truncated, bit-flipped, planted, wrong version) is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from question_bank.model import (
    EXTERNAL_SOURCE_KINDS,
    LANGS,
    QUESTION_TYPES,
    TOPICS,
    Bank,
    Bilingual,
    ExternalSource,
    Note,
    Question,
    Source,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
NOTES_DIR = PACKAGE_DIR / "notes"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LETTERS = "ABCDEFGH"
CACHE_FORMAT = "dlquiz-bank-cache"
CACHE_VERSION = 3  # bump when the payload layout or the validation rules change
CACHE_MAX_BYTES = 64 << 20  # the real cache is ~1 MB; anything much bigger is not ours


@dataclass(frozen=True)
class Problem:
    file: str
    question_id: str
    field: str
    message: str
    line: int | None = None  # 1-based line in `file`, when known
    column: int | None = None

    def __str__(self) -> str:
        file = self.file
        if self.line:
            file += f":{self.line}" + (f":{self.column}" if self.column else "")
        where = ": ".join(p for p in (file, self.question_id, self.field) if p)
        return f"{where}: {self.message}"


class BankError(Exception):
    """Raised by `load_bank(strict=True)`; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the question bank; first: {problems[0]}")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


# Patterns used only when a file has problems are strings (compiled on first use, via re's cache),
# so importing the loader for a cached bank stays as cheap as it was.
_TOML_AT = r" \(at line (\d+), column (\d+)\)$"
_TOML_AT_END = " (at end of document)"


def _kind(value: Any) -> str:
    """'a string', 'an integer', … for messages about a value of the wrong type."""
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", int: "an integer", float: "a float", dict: "a table", list: "an array"}.get(
        type(value), f"a {type(value).__name__}")


def _read_toml(path: Path, name: str, problems: list[Problem]) -> tuple[dict, str] | None:
    """(parsed table, text), or None after adding one problem with the line where reading failed."""
    import tomllib  # only when files are (re)read, not when the bank comes from the cache

    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, "", "", f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, "", "", f"not valid UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8",
                                line=data.count(b"\n", 0, exc.start) + 1))
        return None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        column: int | None = None
        at = re.search(_TOML_AT, message)
        if at:
            message, line, column = message[: at.start()], int(at.group(1)), int(at.group(2))
        elif message.endswith(_TOML_AT_END):
            message = message[: -len(_TOML_AT_END)] + " (at the end of the file)"
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        problems.append(Problem(name, "", "", f"not valid TOML: {message}", line=line, column=column))
        return None


_TABLE_HEADER = r"\s*\["
_QUESTION_HEADER = r"""\s*\[\[\s*(?:questions|"questions"|'questions')\s*\]\]"""


def _key(name: str) -> str:
    """A bare or quoted TOML key, as a regex."""
    name = re.escape(name)
    return rf"""(?:{name}|"{name}"|'{name}')"""


def _key_pattern(parts: list[str]) -> re.Pattern:
    """`a.b =` (or `a.b.c =`) at the start of a line."""
    return re.compile(r"\s*" + r"\s*\.\s*".join(_key(p) for p in parts) + r"\s*[=.]")


class _Lines:
    """Finds the line of a key in a TOML file's text (tomllib gives no positions).

    Question blocks are found by their `[[questions]]` headers; a field's line is the line of its
    `key =` (or `key.sub =`, or `[questions.key]`) inside the block, else the block's header line."""

    def __init__(self, text: str):
        self.lines = text.split("\n")  # tomllib counts lines by "\n" too
        self.headers = [i for i, line in enumerate(self.lines) if re.match(_QUESTION_HEADER, line)]
        self.first_table = next((i for i, line in enumerate(self.lines) if re.match(_TABLE_HEADER, line)),
                                len(self.lines))

    def _find(self, pattern: re.Pattern, start: int, end: int) -> int | None:
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i
        return None

    def top_level(self, key: str) -> int | None:
        i = self._find(_key_pattern([key]), 0, self.first_table)
        return None if i is None else i + 1

    def block(self, index: int, count: int, qid: str) -> tuple[int, int] | None:
        """Line range of the index-th of `count` questions (matched by position, else by id)."""
        bounds = [*self.headers, len(self.lines)]
        if len(self.headers) == count:
            return bounds[index], bounds[index + 1]
        id_line = re.compile(r"""\s*id\s*=\s*["']""" + re.escape(qid) + r"""["']""")
        for k in range(len(self.headers)):
            if self._find(id_line, bounds[k], bounds[k + 1]) is not None:
                return bounds[k], bounds[k + 1]
        return None

    def field(self, block: tuple[int, int] | None, field: str) -> int | None:
        if block is None:
            return self.top_level("questions")
        start, end = block
        parts = [p for p in re.split(r"[.\[]", field) if p and not p.endswith("]")]
        if not parts:
            return start + 1
        sub = re.compile(r"\s*\[\s*" + _key("questions") + r"\s*\.\s*" + _key(parts[0]) + r"\s*\]")
        candidates = [(_key_pattern(parts), start, end)]
        sub_line = self._find(sub, start, end)
        if sub_line is not None and len(parts) > 1:
            sub_end = next((i for i in range(sub_line + 1, end) if re.match(_TABLE_HEADER, self.lines[i])), end)
            candidates.append((_key_pattern(parts[1:]), sub_line + 1, sub_end))
        candidates.append((_key_pattern(parts[:1]), start, end))
        for pattern, lo, hi in candidates:
            i = self._find(pattern, lo, hi)
            if i is not None:
                return i + 1
        return (sub_line if sub_line is not None else start) + 1


def load_notes(notes_dir: Path = NOTES_DIR) -> tuple[dict[str, Note], list[Problem]]:
    """Merge notes/<stem>.toml and notes/<stem>.<part>.toml into one Note per source file."""
    problems: list[Problem] = []
    titles: dict[str, Bilingual] = {}
    sections: dict[str, list[str]] = {}
    for path in sorted(notes_dir.glob("*.toml")):
        name = _rel(path, notes_dir)
        read = _read_toml(path, name, problems)
        if read is None:
            continue
        raw, text = read

        def add(key: str, message: str, name=name, text=text) -> None:
            problems.append(Problem(name, "", key, message, line=_Lines(text).top_level(key)))

        file = raw.get("file")
        if not isinstance(file, str) or not file:
            add("file", "missing the note's file name")
            continue
        title = raw.get("title")
        if isinstance(title, dict) and all(isinstance(title.get(lang), str) for lang in LANGS):
            titles.setdefault(file, Bilingual(title["zh"], title["en"]))
        secs = raw.get("sections")
        if not isinstance(secs, list) or not all(isinstance(s, str) and s.strip() for s in secs):
            add("sections", "must be a list of non-empty strings")
            continue
        bucket = sections.setdefault(file, [])
        for s in secs:
            if s in bucket:
                add("sections", f"section listed twice: {s!r}")
            else:
                bucket.append(s)
    notes = {
        f: Note(f, titles.get(f, Bilingual(f, f)), tuple(secs)) for f, secs in sorted(sections.items())
    }
    return notes, problems


def _bilingual(raw: dict, key: str, add) -> Bilingual | None:
    value = raw.get(key)
    if not isinstance(value, dict):
        add(key, "missing (needs zh and en)")
        return None
    texts = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            add(f"{key}.{lang}", "missing or empty")
            return None
        texts[lang] = text.strip()
    return Bilingual(texts["zh"], texts["en"])


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    """A real number that fits a float: no inf, no nan, no 400-digit integer (JSON and answer checks)."""
    try:
        return _is_number(value) and math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _external_source(raw: dict, add: Callable[[str, str], None]) -> ExternalSource | None:
    """`source = { kind = "paper", ref = "...", url = "https://..." }`: a question beyond the notes."""
    kind, ref, url = raw.get("kind"), raw.get("ref"), raw.get("url", "")
    problems_before = []
    for key in raw:
        if key not in ("kind", "ref", "url"):
            add(f"source.{key}", "unknown field (a source beyond the notes has kind, ref and url)")
            problems_before.append(key)
    if kind not in EXTERNAL_SOURCE_KINDS:
        add("source.kind", f"{kind!r} is not one of {', '.join(EXTERNAL_SOURCE_KINDS)} "
                           "(questions from the notes give file and section instead)")
    elif not isinstance(ref, str) or not ref.strip():
        add("source.ref", "missing: name the paper, book chapter or docs page")
    elif not isinstance(url, str) or (url and not url.startswith("https://")):
        add("source.url", "must be an https:// address (or left out)")
    elif not problems_before:
        return ExternalSource(kind, ref.strip(), url)
    return None


def parse_question(raw: dict, topic: str, origin: str, notes: dict[str, Note],
                   problems: list[Problem], locate: Callable[[str], int | None] | None = None) -> Question | None:
    """Validate one [[questions]] table; append problems and return None if it is unusable.
    `locate(field)` gives the line of a field in the file, for the problem's file:line."""
    raw_id = raw.get("id")
    qid = raw_id if isinstance(raw_id, str) else "<no id>"
    before = len(problems)

    def add(field: str, message: str) -> None:
        problems.append(Problem(origin, qid, field, message, line=locate(field) if locate else None))

    if "id" in raw and qid == "<no id>":
        add("id", f"must be a string, got {_kind(raw['id'])}")
    elif qid == "<no id>":
        add("id", "missing")
    elif not ID_PATTERN.match(qid):
        add("id", "must look like '<topic>.<slug>' (lowercase letters, digits, dashes)")
    elif qid.split(".")[0] != topic:
        add("id", f"must start with the file's topic '{topic}.'")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        add("type", f"{qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
    difficulty = raw.get("difficulty")
    if type(difficulty) is not int or difficulty not in (1, 2, 3):
        add("difficulty", f"{difficulty!r} is not 1, 2 or 3")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and TAG_PATTERN.match(t) for t in tags):
        add("tags", "must be a list of lowercase-dash tags")
        tags = []
    prompt = _bilingual(raw, "prompt", add)
    answer = _bilingual(raw, "answer", add)
    explanation = _bilingual(raw, "explanation", add)
    for name, text in (("prompt", prompt), ("answer", answer), ("explanation", explanation)):
        if text and ("$" in text.zh or "$" in text.en):
            add(name, "write math as \\( … \\) or \\[ … \\], not $")

    source: Source | ExternalSource | None = None
    raw_source = raw.get("source")
    if not isinstance(raw_source, dict):
        add("source", "missing (needs file and section, or kind and ref for a source beyond the notes)")
    elif "kind" in raw_source:
        source = _external_source(raw_source, add)
    else:
        file, section = raw_source.get("file"), raw_source.get("section")
        if file not in notes:
            add("source.file", f"unknown source file {file!r}; known: {', '.join(notes) or 'none'}")
        elif section not in notes[file].sections:
            add("source.section", f"{section!r} is not a section listed for {file}")
        else:
            source = Source(file, section)

    choices: tuple[Bilingual, ...] = ()
    correct: tuple[str, ...] = ()
    value, tolerance, unit, truth = None, 0, "", None
    if qtype == "choice":
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, list) or not 2 <= len(raw_choices) <= len(LETTERS):
            add("choices", f"needs 2–{len(LETTERS)} choices")
        else:
            parsed = []
            for i, c in enumerate(raw_choices):
                item = _bilingual({"c": c}, "c", lambda f, m, i=i: add(f"choices[{i}]", m))
                if item:
                    parsed.append(item)
            choices = tuple(parsed)
        raw_correct = raw.get("correct")
        if isinstance(raw_correct, str):
            raw_correct = [raw_correct]
        allowed = LETTERS[: len(choices)]
        if not isinstance(raw_correct, list) or not raw_correct:
            add("correct", "missing: list the correct letters, e.g. [\"B\"]")
        else:
            bad = [c for c in raw_correct if not isinstance(c, str) or c.upper() not in allowed]
            if bad:
                add("correct", f"{bad} not among the choices {', '.join(allowed)}")
            else:
                correct = tuple(sorted({c.upper() for c in raw_correct}))
    elif qtype == "numeric":
        value = raw.get("value")
        if not _is_number(value):
            add("value", f"{value!r} is not a number")
        elif not _finite(value):
            add("value", f"{value!r} is not a finite number")
        tolerance = raw.get("tolerance", 0)
        if not _finite(tolerance) or tolerance < 0:
            add("tolerance", f"{tolerance!r} must be a {'finite ' if _is_number(tolerance) else ''}number ≥ 0")
            tolerance = 0
        unit = raw.get("unit", "")
        if not isinstance(unit, str):
            add("unit", "must be a string")
            unit = ""
    elif qtype == "truefalse":
        truth = raw.get("truth")
        if not isinstance(truth, bool):
            add("truth", "must be true or false")
    known = {"id", "type", "difficulty", "tags", "prompt", "answer", "explanation", "source",
             "choices", "correct", "value", "tolerance", "unit", "truth", "topic"}
    for key in raw:
        if key not in known:
            add(key, "unknown field")
    if raw.get("topic", topic) != topic:
        add("topic", f"{raw.get('topic')!r} differs from the file's topic {topic!r}")
    if len(problems) > before:
        return None
    # every check above that failed added a problem, so these are what the checks let through
    assert isinstance(qtype, str) and isinstance(difficulty, int) and prompt and answer and explanation
    return Question(
        id=qid, topic=topic, type=qtype, difficulty=difficulty, tags=tuple(tags),
        prompt=prompt, answer=answer, explanation=explanation, source=source,
        choices=choices, correct=correct, value=value, tolerance=tolerance, unit=unit,
        truth=truth, origin=origin,
    )


def _parse_all(data_dir: Path, notes_dir: Path) -> tuple[Bank, list[Problem]]:
    notes, problems = load_notes(notes_dir)
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for path in sorted(data_dir.glob("*/*.toml")):
        origin = _rel(path, data_dir)
        read = _read_toml(path, origin, problems)
        if read is not None:
            raw, text = read
            _parse_file(path, origin, raw, text, notes, problems, seen, questions)
    return Bank(questions, notes), problems


def _parse_file(path: Path, origin: str, raw: dict, text: str, notes: dict[str, Note], problems: list[Problem],
                seen: dict[str, str], questions: list[Question]) -> None:
    """One topic file's questions: the valid ones go to `questions` (ids recorded in `seen`, id → origin),
    and every problem to `problems`."""
    lines: list[_Lines] = []  # built on the first problem only: a clean file never pays for it

    def where() -> _Lines:
        if not lines:
            lines.append(_Lines(text))
        return lines[0]

    def add(field: str, message: str, qid: str = "", line: int | None = None) -> None:
        problems.append(Problem(origin, qid, field, message,
                                line=line if line is not None else where().top_level(field.split("[")[0])))

    topic = raw.get("topic")
    if topic != path.parent.name:
        add("topic", f"{topic!r} must equal the folder name {path.parent.name!r}")
        return
    if topic not in TOPICS:
        add("topic", f"{topic!r} is not one of {', '.join(TOPICS)}")
        return
    raw_questions = raw.get("questions", [])
    if not isinstance(raw_questions, list):
        add("questions", f"must be an array of tables ([[questions]]), got {_kind(raw_questions)}")
        return
    for index, raw_q in enumerate(raw_questions):
        if not isinstance(raw_q, dict):
            add(f"questions[{index}]", f"each entry must be a table, got {_kind(raw_q)}")
            continue
        qid = raw_q.get("id") if isinstance(raw_q.get("id"), str) else "<no id>"

        def locate(field: str, index=index, qid=qid) -> int | None:
            return where().field(where().block(index, len(raw_questions), qid), field)

        q = parse_question(raw_q, topic, origin, notes, problems, locate)
        if q is None:
            continue
        if q.id in seen:
            add("id", f"duplicate id (also in {seen[q.id]})", q.id, locate("id"))
            continue
        seen[q.id] = origin
        questions.append(q)


def _fingerprint(*dirs: Path) -> str:
    """Changes when a bank file, or this loader (its validation rules), changes."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    code = [Path(__file__), PACKAGE_DIR / "model.py"]
    for path in [*(p for d in dirs for p in sorted(d.rglob("*.toml"))), *code]:
        try:
            st = path.stat()
            digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:  # a dangling link: the parse reports it; here it only must not crash
            digest.update(f"{path}|unreadable\n".encode())
    return digest.hexdigest()[:16]


def _cache_dir() -> Path | None:
    """dlquiz.paths owns DLQUIZ_HOME (a stdlib-only module, so the loader stays light)."""
    from dlquiz.paths import cache_dir

    return cache_dir()


# --- the disk cache: JSON data, verified field by field on the way back in -------------------------


class _BadCache(ValueError):
    """The cache file is not one we wrote for these bank files; it is rebuilt."""


def _check(ok: bool) -> None:
    if not ok:
        raise _BadCache


def _reject_constant(name: str):
    raise _BadCache(f"{name} in the cache")  # NaN / Infinity: we never write them


def _bilingual_row(b: Bilingual) -> list[str]:
    return [b.zh, b.en]


def _source_row(source: Source | ExternalSource | None) -> list[str] | None:
    """A note source is [file, section]; a source beyond the notes is [kind, ref, url]."""
    if isinstance(source, Source):
        return [source.file, source.section]
    if isinstance(source, ExternalSource):
        return [source.kind, source.ref, source.url]
    return None


def _encode(bank: Bank, problems: list[Problem]) -> bytes:
    """Questions as flat lists (field order of `Question`): compact and quick to read back."""
    payload = {
        "notes": [[n.file, _bilingual_row(n.title), list(n.sections)] for n in bank.notes.values()],
        "questions": [
            [q.id, q.topic, q.type, q.difficulty, list(q.tags), _bilingual_row(q.prompt),
             _bilingual_row(q.answer), _bilingual_row(q.explanation),
             _source_row(q.source),
             [_bilingual_row(c) for c in q.choices], list(q.correct), q.value, q.tolerance, q.unit, q.truth,
             q.generator, q.origin]
            for q in bank.questions
        ],
        "problems": [[p.file, p.question_id, p.field, p.message, p.line, p.column] for p in problems],
    }
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _str(value: Any) -> str:
    _check(type(value) is str)
    return value


def _strs(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise _BadCache
    for v in value:
        if type(v) is not str:
            raise _BadCache
    return tuple(value)


# Cached objects are built the way pickle built them: object.__new__ and the instance __dict__,
# skipping the frozen dataclasses' __init__ (one object.__setattr__ per field). These classes have
# no __post_init__; every value is type-checked first. It keeps the TUI's first frame as fast as
# the pickle cache did (~500 questions, ~2,000 Bilingual texts).
_new = object.__new__
_QUESTION_FIELDS = tuple(Question.__dataclass_fields__)


def _bi(value: Any) -> Bilingual:
    if type(value) is not list or len(value) != 2:
        raise _BadCache
    zh, en = value
    if type(zh) is not str or type(en) is not str:
        raise _BadCache
    b = _new(Bilingual)
    d = b.__dict__
    d["zh"] = zh
    d["en"] = en
    return b


def _opt_int(value: Any) -> int | None:
    _check(value is None or type(value) is int)
    return value


def _number(value: Any) -> float | int:
    _check(type(value) in (int, float) and _finite(value))
    return value


_TYPES = frozenset(QUESTION_TYPES)
_TOPICS = frozenset(TOPICS)


def _decode_question(row: Any, sections: dict[str, frozenset[str]]) -> Question:
    """One cached question, checked as strictly as `parse_question` shapes it (the TUI trusts it)."""
    _check(type(row) is list and len(row) == len(_QUESTION_FIELDS))
    (qid, topic, qtype, difficulty, tags, prompt, answer, explanation, source, choices, correct,
     value, tolerance, unit, truth, generator, origin) = row
    _check(type(qid) is str and type(topic) is str and topic in _TOPICS and qid.startswith(topic + ".")
           and ID_PATTERN.match(qid) is not None and type(qtype) is str and qtype in _TYPES
           and type(difficulty) is int and 1 <= difficulty <= 3 and type(unit) is str and type(origin) is str
           and (generator is None or type(generator) is str) and type(choices) is list)
    if source is not None:
        _check(type(source) is list and len(source) in (2, 3) and all(type(part) is str for part in source))
        if len(source) == 2:
            _check(source[1] in sections.get(source[0], ()))
            source = Source(source[0], source[1])
        else:
            _check(source[0] in EXTERNAL_SOURCE_KINDS and bool(source[1])
                   and (not source[2] or source[2].startswith("https://")))
            source = ExternalSource(source[0], source[1], source[2])
    choices = tuple(map(_bi, choices))
    correct = _strs(correct)
    if qtype == "choice":
        _check(2 <= len(choices) <= len(LETTERS) and len(correct) > 0
               and list(correct) == sorted(set(correct)) and all(c in LETTERS[: len(choices)] for c in correct))
    else:
        _check(not choices and not correct)
    if qtype == "numeric":
        _number(value)
    else:
        _check(value is None)
    _check(_number(tolerance) >= 0 and (type(truth) is bool if qtype == "truefalse" else truth is None))
    q = _new(Question)
    q.__dict__.update(zip(_QUESTION_FIELDS, (
        qid, topic, qtype, difficulty, _strs(tags), _bi(prompt), _bi(answer), _bi(explanation), source, choices,
        correct, value, tolerance, unit, truth, generator, origin)))
    return q


def _decode(blob: bytes, fingerprint: str) -> tuple[Bank, list[Problem]]:
    """Raises on anything but a complete, intact cache written for `fingerprint`."""
    head, newline, body = blob.partition(b"\n")
    _check(newline == b"\n")
    header = json.loads(head.decode("utf-8"), parse_constant=_reject_constant)
    _check(type(header) is dict and header == {
        "format": CACHE_FORMAT, "version": CACHE_VERSION, "fingerprint": fingerprint,
        "sha256": header.get("sha256")} and type(header["version"]) is int)
    _check(hashlib.sha256(body).hexdigest() == header["sha256"])
    payload = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    _check(type(payload) is dict and payload.keys() == {"notes", "questions", "problems"})
    _check(type(payload["notes"]) is list and type(payload["questions"]) is list
           and type(payload["problems"]) is list)
    notes: dict[str, Note] = {}
    for row in payload["notes"]:
        _check(type(row) is list and len(row) == 3 and type(row[0]) is str and row[0] not in notes)
        notes[row[0]] = Note(row[0], _bi(row[1]), _strs(row[2]))
    sections = {file: frozenset(note.sections) for file, note in notes.items()}
    questions = [_decode_question(row, sections) for row in payload["questions"]]
    problems = []
    for row in payload["problems"]:
        _check(type(row) is list and len(row) == 6)
        problems.append(Problem(_str(row[0]), _str(row[1]), _str(row[2]), _str(row[3]),
                                _opt_int(row[4]), _opt_int(row[5])))
    bank = Bank(questions, notes)
    _check(len(bank.by_id) == len(questions))
    return bank, problems


def _read_cache(path: Path, fingerprint: str) -> tuple[Bank, list[Problem]] | None:
    try:
        with path.open("rb") as fh:
            blob = fh.read(CACHE_MAX_BYTES + 1)
    except OSError:
        return None
    if len(blob) > CACHE_MAX_BYTES:
        return None
    try:
        return _decode(blob, fingerprint)
    except Exception:  # noqa: BLE001 - whatever is wrong with a disposable cache, it is rebuilt
        return None


def _write_cache(path: Path, fingerprint: str, result: tuple[Bank, list[Problem]]) -> None:
    """Atomically (temp file + os.replace); then drop older caches. Failure only costs speed."""
    cache_dir = path.parent
    try:
        body = _encode(*result)
    except ValueError:  # pragma: no cover - a non-finite number slipped past validation
        return
    header = {"format": CACHE_FORMAT, "version": CACHE_VERSION, "fingerprint": fingerprint,
              "sha256": hashlib.sha256(body).hexdigest()}
    import tempfile  # only when the cache is (re)written

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="bank-", suffix=".tmp", dir=cache_dir)
    except OSError:
        return  # read-only, or not a directory
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(header, sort_keys=True).encode() + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    try:
        stale = [p for p in cache_dir.glob("bank-*")
                 if p.name != path.name and p.suffix in (".json", ".pickle", ".tmp")]
    except OSError:  # pragma: no cover
        return
    for old in stale:
        try:
            old.unlink()
        except OSError:
            pass


# (data dir, notes dir) → (fingerprint of their files, what was loaded from them)
_MEMO: dict[tuple[str, str], tuple[str, tuple[Bank, list[Problem]]]] = {}


def load_bank_with_problems(data_dir: Path = DATA_DIR, notes_dir: Path = NOTES_DIR,
                            use_disk_cache: bool = True) -> tuple[Bank, list[Problem]]:
    """The bank (valid questions only) and every problem found."""
    key = (str(data_dir), str(notes_dir))
    fingerprint = _fingerprint(data_dir, notes_dir)
    memo = _MEMO.get(key)
    if memo is not None and memo[0] == fingerprint:
        return memo[1]
    cache_dir = _cache_dir() if use_disk_cache else None
    cache_file = cache_dir / f"bank-{fingerprint}.json" if cache_dir is not None else None
    result = _read_cache(cache_file, fingerprint) if cache_file is not None else None
    if result is None:
        result = _parse_all(data_dir, notes_dir)
        if cache_file is not None:
            _write_cache(cache_file, fingerprint, result)
    _MEMO[key] = (fingerprint, result)
    return result


def load_bank(data_dir: Path = DATA_DIR, notes_dir: Path = NOTES_DIR, strict: bool = False) -> Bank:
    bank, problems = load_bank_with_problems(data_dir, notes_dir)
    if strict and problems:
        raise BankError(problems)
    return bank
