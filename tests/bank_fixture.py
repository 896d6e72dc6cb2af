"""A small in-memory bank for engine and UI tests (independent of the real content)."""
from question_bank.model import Bank, Bilingual, Note, Question, Source

NOTE = Note("n.txt", Bilingual("笔记", "Note"), ("S",))


def _q(i: int, qtype: str, topic: str = "cnn", tags=(), **kw) -> Question:
    t = lambda s: Bilingual(f"{s}{i}", f"{s}{i}")  # noqa: E731
    return Question(f"{topic}.q{i}", topic, qtype, 1 + i % 3, tuple(tags), t("问"), t("答"), t("因"),
                    Source("n.txt", "S"), **kw)


def small_bank() -> Bank:
    two = (Bilingual("甲", "a"), Bilingual("乙", "b"), Bilingual("丙", "c"))
    qs = [
        _q(1, "flashcard"),
        _q(2, "choice", choices=two, correct=("B",)),
        _q(3, "numeric", value=640, tolerance=0),
        _q(4, "truefalse", truth=False, tags=("errata",)),
        _q(5, "flashcard", topic="math"),
        _q(6, "choice", topic="math", choices=two, correct=("A", "C")),
        _q(7, "numeric", topic="losses", value=0.72, tolerance=0.01),
        _q(8, "truefalse", topic="losses", truth=True, tags=("errata",)),
    ]
    return Bank(qs, {"n.txt": NOTE})
