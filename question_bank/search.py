"""Finding questions by what a person types: an index of short fields, built once per bank.

Why not a fuzzy matcher over every prompt: fuzzy matching is super-linear in the text length, and
over 467 full prompts one keystroke of "vanishing gradient" took minutes. Here each question is
reduced to its id, tags, topic and a one-line title in both languages; every query term must be a
plain substring of those (case-folded), so a keystroke costs one linear scan of short strings.
Hits on the id or a tag rank above hits in the title; results are capped. The browse screen also
matches the full prompt (`body=True`), ranked below every short-field hit: one `in` per question on
a precomputed case-folded string, still linear, so a 10x bank stays within a keystroke's budget.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from question_bank.model import TOPIC_NAMES, Bank, Question

TITLE_CHARS = 80  # a palette row shows about this much; longer text is not searched either
MAX_HITS = 20

# Points per query term, by where it was found (a term scores its best place only).
EXACT_TAG, ID, TAG, TOPIC, TITLE, BODY = 8, 6, 5, 3, 2, 1
SIMILAR_MAX = 9  # "this and similar": the chosen question and up to this many others


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
    body_key: str  # both languages' full prompts, case-folded (browse's lower-ranked match)


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
                body_key=f"{q.prompt.en}\n{q.prompt.zh}".casefold(),
            )
            for q in bank.questions
        ]

    def search(self, query: str, limit: int | None = MAX_HITS, *, body: bool = False,
               where: Callable[[Question], bool] | None = None) -> list[SearchHit]:
        """Questions with every term somewhere, best first (ties by id); `body` also looks in the full
        prompts, `where` keeps only the questions it accepts, `limit=None` returns them all."""
        terms = [term for term in query.casefold().split() if term]
        if not terms:
            return []
        hits: list[SearchHit] = []
        for entry in self.entries:
            if where is not None and not where(entry.question):
                continue
            score = 0
            for term in terms:
                best = _term_score(entry, term) or (BODY if body and term in entry.body_key else 0)
                if not best:
                    break
                score += best
            else:
                hits.append(SearchHit(entry.question, score))
        hits.sort(key=lambda h: (-h.score, h.question.id))
        return hits if limit is None else hits[:limit]


def similar_questions(bank: Bank, question: Question, limit: int = SIMILAR_MAX) -> list[Question]:
    """Up to `limit` other questions most like `question`: those sharing the most tags first, the same
    topic breaking ties (and enough alone), then bank order. Never the question itself."""
    tags = set(question.tags)
    scored = []
    for position, q in enumerate(bank.questions):
        if q.id == question.id:
            continue
        score = 2 * len(tags.intersection(q.tags)) + (q.topic == question.topic)
        if score:
            scored.append((-score, position, q))
    scored.sort(key=lambda item: item[:2])
    return [q for _, _, q in scored[:limit]]


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
