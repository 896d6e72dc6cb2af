"""Bank statistics and per-section coverage of the source notes."""
from __future__ import annotations

from collections import Counter

from question_bank.model import Bank


def bank_stats(bank: Bank) -> dict:
    qs = bank.questions
    per_note = Counter(q.source.file for q in qs if q.source)
    return {
        "total": len(qs),
        "hand_written": sum(1 for q in qs if not q.is_generated),
        "by_type": dict(sorted(Counter(q.type for q in qs).items())),
        "by_topic": dict(sorted(Counter(q.topic for q in qs).items())),
        "by_difficulty": {str(k): v for k, v in sorted(Counter(q.difficulty for q in qs).items())},
        "by_note": {f: per_note.get(f, 0) for f in bank.notes},
        "errata": sum(1 for q in qs if "errata" in q.tags),
    }


def coverage(bank: Bank) -> list[dict]:
    """For every note and section: how many questions cite it (0 = uncovered)."""
    counts = Counter((q.source.file, q.source.section) for q in bank.questions if q.source)
    rows = []
    for note in bank.notes.values():
        sections = [{"section": s, "questions": counts.get((note.file, s), 0)} for s in note.sections]
        rows.append({
            "file": note.file,
            "title": note.title.to_dict(),
            "questions": sum(s["questions"] for s in sections),
            "uncovered": [s["section"] for s in sections if s["questions"] == 0],
            "sections": sections,
        })
    return rows
