"""Bank statistics, per-section coverage of the source notes, and what lies beyond them."""
from __future__ import annotations

from collections import Counter

from question_bank.model import Bank, ExternalSource, Source


def bank_stats(bank: Bank) -> dict:
    qs = bank.questions
    per_note = Counter(q.source.file for q in qs if isinstance(q.source, Source))
    beyond_kinds = Counter(q.source.kind for q in qs if isinstance(q.source, ExternalSource))
    return {
        "total": len(qs),
        "hand_written": sum(1 for q in qs if not q.is_generated),
        "by_type": dict(sorted(Counter(q.type for q in qs).items())),
        "by_topic": dict(sorted(Counter(q.topic for q in qs).items())),
        "by_difficulty": {str(k): v for k, v in sorted(Counter(q.difficulty for q in qs).items())},
        "by_note": {f: per_note.get(f, 0) for f in bank.notes},
        "from_notes": sum(1 for q in qs if isinstance(q.source, Source)),
        "beyond_notes": sum(beyond_kinds.values()),
        "beyond_by_kind": dict(sorted(beyond_kinds.items())),
        "errata": sum(1 for q in qs if "errata" in q.tags),
    }


def coverage(bank: Bank) -> list[dict]:
    """For every note and section: how many questions cite it (0 = uncovered)."""
    counts = Counter((q.source.file, q.source.section) for q in bank.questions if isinstance(q.source, Source))
    rows = []
    for note in bank.notes.values():
        cited = [(s, counts.get((note.file, s), 0)) for s in note.sections]
        rows.append({
            "file": note.file,
            "title": note.title.to_dict(),
            "questions": sum(n for _, n in cited),
            "uncovered": [s for s, n in cited if n == 0],
            "sections": [{"section": s, "questions": n} for s, n in cited],
        })
    return rows


def beyond_coverage(bank: Bank) -> list[dict]:
    """Questions beyond the notes, per topic and source kind (the notes' coverage is `coverage`)."""
    counts = Counter((q.topic, q.source.kind) for q in bank.questions if isinstance(q.source, ExternalSource))
    topics = sorted({topic for topic, _ in counts})
    return [{"topic": topic, "questions": sum(n for (t, _), n in counts.items() if t == topic),
             "by_kind": {kind: n for (t, kind), n in sorted(counts.items()) if t == topic}} for topic in topics]


def coverage_report(bank: Bank) -> dict:
    """Both halves of `dlquiz bank coverage`: the notes per section, and the questions beyond them."""
    notes = coverage(bank)
    beyond = beyond_coverage(bank)
    return {
        "notes": notes,
        "beyond": beyond,
        "from_notes": sum(n["questions"] for n in notes),
        "beyond_notes": sum(t["questions"] for t in beyond),
        "uncovered_sections": sum(len(n["uncovered"]) for n in notes),
    }
