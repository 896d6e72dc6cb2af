"""Finding questions by what a person types: an index of short fields, built once per bank.

Why not a fuzzy matcher over every prompt: fuzzy matching is super-linear in the text length, and
over 467 full prompts one keystroke of "vanishing gradient" took minutes. Here each question is
reduced to its id, tags, topic and a one-line title in both languages; every query term must be a
plain substring of those (case-folded), so a keystroke costs one linear scan of short strings.
Hits on the id or a tag rank above hits in the title; results are capped.
"""
from __future__ import annotations

from dataclasses import dataclass

from question_bank.model import TOPIC_NAMES, Bank, Question

TITLE_CHARS = 80  # a palette row shows about this much; longer text is not searched either
MAX_HITS = 20

# Points per query term, by where it was found (a term scores its best place only).
EXACT_TAG, ID, TAG, TOPIC, TITLE = 8, 6, 5, 3, 2


def title_of(text: str, limit: int = TITLE_CHARS) -> str:
    """The prompt's first line, cut to `limit` characters with an ellipsis (LaTeX left as typed)."""
    line = " ".join(text.split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class IndexEntry:
    question: Question
    id_key: str
    tags: tuple[str, ...]
    topic_key: str
    title_key: str  # both languages' titles, case-folded


@dataclass(frozen=True)
class SearchHit:
    question: Question
    score: int

    def title(self, lang: str) -> str:
        return title_of(self.question.prompt.get(lang))  # type: ignore[arg-type]


class QuestionIndex:
    """Built once per bank (microseconds per question); `search` is a linear scan of short keys."""

    def __init__(self, bank: Bank):
        self.entries = [
            IndexEntry(
                question=q,
                id_key=q.id.casefold(),
                tags=tuple(tag.casefold() for tag in q.tags),
                topic_key=" ".join((q.topic, *TOPIC_NAMES[q.topic].values())).casefold(),
                title_key=f"{title_of(q.prompt.en)} {title_of(q.prompt.zh)}".casefold(),
            )
            for q in bank.questions
        ]

    def search(self, query: str, limit: int = MAX_HITS) -> list[SearchHit]:
        terms = [term for term in query.casefold().split() if term]
        if not terms:
            return []
        hits: list[SearchHit] = []
        for entry in self.entries:
            score = 0
            for term in terms:
                best = _term_score(entry, term)
                if not best:
                    break
                score += best
            else:
                hits.append(SearchHit(entry.question, score))
        hits.sort(key=lambda h: (-h.score, h.question.id))
        return hits[:limit]


def _term_score(entry: IndexEntry, term: str) -> int:
    if term in entry.tags:
        return EXACT_TAG
    if term in entry.id_key:
        return ID
    if any(term in tag for tag in entry.tags):
        return TAG
    if term in entry.topic_key:
        return TOPIC
    if term in entry.title_key:
        return TITLE
    return 0
