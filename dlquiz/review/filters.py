"""Which questions to show or ask: one filter for `dlquiz bank list`, drill sessions and the TUI's
browse screen (and the browse box's `topic:cnn type:numeric tag:errata text` syntax)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dlquiz.errors import InputError
from question_bank.model import QUESTION_TYPES, TOPICS, Question

DIFFICULTIES = (1, 2, 3)
# browse-box keys → field names ("type" is a builtin, so the field is qtype)
_TEXT_KEYS = {"topic": "topic", "type": "qtype", "tag": "tag"}


@dataclass(frozen=True)
class QuestionFilter:
    """None means "any". `search` is case-insensitive text in the id, prompt or answer (either language);
    `ids` keeps just those questions (drilling the ones picked in the browser)."""

    topic: str | None = None
    qtype: str | None = None
    tag: str | None = None
    difficulty: int | None = None
    search: str | None = None
    ids: frozenset[str] | None = None

    @classmethod
    def parse(cls, text: str) -> QuestionFilter:
        """'topic:cnn type:numeric tag:errata pool' → those filters, the other words as search text."""
        fields: dict[str, str | None] = dict.fromkeys(_TEXT_KEYS.values())
        words = []
        for token in text.split():
            key, sep, value = token.partition(":")
            if sep and key in _TEXT_KEYS:
                fields[_TEXT_KEYS[key]] = value or None  # a bare "topic:" (still being typed) filters nothing yet
            else:
                words.append(token)
        return cls(topic=fields["topic"], qtype=fields["qtype"], tag=fields["tag"], search=" ".join(words) or None)

    def validate(self) -> None:
        if self.topic is not None and self.topic not in TOPICS:
            raise InputError(f"unknown topic {self.topic!r}; allowed: {', '.join(TOPICS)}")
        if self.qtype is not None and self.qtype not in QUESTION_TYPES:
            raise InputError(f"unknown type {self.qtype!r}; allowed: {', '.join(QUESTION_TYPES)}")
        if self.difficulty is not None and self.difficulty not in DIFFICULTIES:
            raise InputError(f"difficulty must be 1, 2 or 3, got {self.difficulty}")

    def matches(self, q: Question) -> bool:
        if self.ids is not None and q.id not in self.ids:
            return False
        if self.topic is not None and q.topic != self.topic:
            return False
        if self.qtype is not None and q.type != self.qtype:
            return False
        if self.tag is not None and self.tag not in q.tags:
            return False
        if self.difficulty is not None and q.difficulty != self.difficulty:
            return False
        if self.search:
            needle = self.search.lower()
            return any(needle in t.lower() for t in (q.id, q.prompt.zh, q.prompt.en, q.answer.zh, q.answer.en))
        return True

    def apply(self, questions: Iterable[Question]) -> list[Question]:
        """The matching questions, in order; InputError for an unknown topic, type or difficulty."""
        self.validate()
        return [q for q in questions if self.matches(q)]
