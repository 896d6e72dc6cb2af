"""Load and validate the bank: notes/*.toml (sections) and data/<topic>/*.toml (questions).

Every problem names the file, the question id and the field. `load_bank()` caches the parsed bank
in memory and, keyed on the files' sizes and mtimes, in a pickle under the user cache dir so the
TUI's first frame doesn't pay for TOML parsing.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from question_bank.model import (
    LANGS, QUESTION_TYPES, TOPICS, Bank, Bilingual, Note, Question, Source,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
NOTES_DIR = PACKAGE_DIR / "notes"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LETTERS = "ABCDEFGH"
CACHE_VERSION = 1


@dataclass(frozen=True)
class Problem:
    file: str
    question_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.question_id, self.field) if p)
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


def _read_toml(path: Path, name: str, problems: list[Problem]) -> dict | None:
    import tomllib  # only when files are (re)read, not when the bank comes from the cache

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", "", f"not valid TOML: {exc}"))
        return None


def load_notes(notes_dir: Path = NOTES_DIR) -> tuple[dict[str, Note], list[Problem]]:
    """Merge notes/<stem>.toml and notes/<stem>.<part>.toml into one Note per source file."""
    problems: list[Problem] = []
    titles: dict[str, Bilingual] = {}
    sections: dict[str, list[str]] = {}
    for path in sorted(notes_dir.glob("*.toml")):
        name = _rel(path, notes_dir)
        raw = _read_toml(path, name, problems)
        if raw is None:
            continue
        file = raw.get("file")
        if not isinstance(file, str) or not file:
            problems.append(Problem(name, "", "file", "missing the note's file name"))
            continue
        title = raw.get("title")
        if isinstance(title, dict) and all(isinstance(title.get(l), str) for l in LANGS):
            titles.setdefault(file, Bilingual(title["zh"], title["en"]))
        secs = raw.get("sections")
        if not isinstance(secs, list) or not all(isinstance(s, str) and s.strip() for s in secs):
            problems.append(Problem(name, "", "sections", "must be a list of non-empty strings"))
            continue
        bucket = sections.setdefault(file, [])
        for s in secs:
            if s in bucket:
                problems.append(Problem(name, "", "sections", f"section listed twice: {s!r}"))
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


def _number_ok(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def parse_question(raw: dict, topic: str, origin: str, notes: dict[str, Note],
                   problems: list[Problem]) -> Question | None:
    """Validate one [[questions]] table; append problems and return None if it is unusable."""
    qid = raw.get("id") if isinstance(raw.get("id"), str) else "<no id>"
    before = len(problems)

    def add(field: str, message: str) -> None:
        problems.append(Problem(origin, qid, field, message))

    if qid == "<no id>":
        add("id", "missing")
    elif not ID_PATTERN.match(qid):
        add("id", "must look like '<topic>.<slug>' (lowercase letters, digits, dashes)")
    elif qid.split(".")[0] != topic:
        add("id", f"must start with the file's topic '{topic}.'")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        add("type", f"{qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
    difficulty = raw.get("difficulty")
    if difficulty not in (1, 2, 3):
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

    source = None
    raw_source = raw.get("source")
    if not isinstance(raw_source, dict):
        add("source", "missing (needs file and section)")
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
        if not _number_ok(value):
            add("value", f"{value!r} is not a number")
        tolerance = raw.get("tolerance", 0)
        if not _number_ok(tolerance) or tolerance < 0:
            add("tolerance", f"{tolerance!r} must be a number ≥ 0")
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
        raw = _read_toml(path, origin, problems)
        if raw is None:
            continue
        topic = raw.get("topic")
        if topic != path.parent.name:
            problems.append(Problem(origin, "", "topic",
                                    f"{topic!r} must equal the folder name {path.parent.name!r}"))
            continue
        if topic not in TOPICS:
            problems.append(Problem(origin, "", "topic", f"{topic!r} is not one of {', '.join(TOPICS)}"))
            continue
        for raw_q in raw.get("questions", []):
            if not isinstance(raw_q, dict):
                problems.append(Problem(origin, "", "questions", "each entry must be a table"))
                continue
            q = parse_question(raw_q, topic, origin, notes, problems)
            if q is None:
                continue
            if q.id in seen:
                problems.append(Problem(origin, q.id, "id", f"duplicate id (also in {seen[q.id]})"))
                continue
            seen[q.id] = origin
            questions.append(q)
    return Bank(questions, notes), problems


def _fingerprint(*dirs: Path) -> str:
    digest = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    for d in dirs:
        for path in sorted(d.rglob("*.toml")):
            st = path.stat()
            digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _cache_dir() -> Path | None:
    home = os.environ.get("DLQUIZ_HOME")
    if home:
        return Path(home) / "cache"
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover
        return None
    return Path(user_cache_dir("dlquiz"))


_MEMO: dict[tuple[str, str], tuple[Bank, list[Problem]]] = {}


def load_bank_with_problems(data_dir: Path = DATA_DIR, notes_dir: Path = NOTES_DIR,
                            use_disk_cache: bool = True) -> tuple[Bank, list[Problem]]:
    """The bank (valid questions only) and every problem found."""
    key = (str(data_dir), str(notes_dir))
    fingerprint = _fingerprint(data_dir, notes_dir)
    memo = _MEMO.get(key)
    if memo is not None and getattr(memo[0], "_fingerprint", None) == fingerprint:
        return memo
    cache_file = None
    cache_dir = _cache_dir() if use_disk_cache else None
    if cache_dir is not None:
        cache_file = cache_dir / f"bank-{fingerprint}.pickle"
        try:
            with cache_file.open("rb") as fh:
                result = pickle.load(fh)
            result[0]._fingerprint = fingerprint
            _MEMO[key] = result
            return result
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    result = _parse_all(data_dir, notes_dir)
    result[0]._fingerprint = fingerprint
    _MEMO[key] = result
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            for old in cache_file.parent.glob("bank-*.pickle"):
                old.unlink(missing_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except OSError:
            pass  # a read-only cache dir only costs speed
    return result


def load_bank(data_dir: Path = DATA_DIR, notes_dir: Path = NOTES_DIR, strict: bool = False) -> Bank:
    bank, problems = load_bank_with_problems(data_dir, notes_dir)
    if strict and problems:
        raise BankError(problems)
    return bank
