"""Question dataclasses. Validation lives in `question_bank.loader` (`parse_question`, `load_bank`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
QUESTION_TYPES = ("flashcard", "choice", "numeric", "truefalse")
TOPICS = (
    "foundations", "activations", "losses", "optimization", "backprop", "normalization",
    "regularization", "cnn", "sequence", "practice", "math", "representation",
    "metrics", "detection", "attention",  # beyond the notes (issue #14)
)
TOPIC_NAMES: dict[str, dict[str, str]] = {
    "foundations": {"zh": "基础概念", "en": "Foundations"},
    "activations": {"zh": "激活函数", "en": "Activations"},
    "losses": {"zh": "损失函数", "en": "Losses"},
    "optimization": {"zh": "优化算法", "en": "Optimization"},
    "backprop": {"zh": "反向传播与梯度", "en": "Backprop & gradients"},
    "normalization": {"zh": "归一化", "en": "Normalization"},
    "regularization": {"zh": "正则化与过拟合", "en": "Regularization"},
    "cnn": {"zh": "卷积神经网络", "en": "CNNs"},
    "sequence": {"zh": "序列模型", "en": "Sequence models"},
    "practice": {"zh": "工程实践", "en": "Practice"},
    "math": {"zh": "数学基础", "en": "Math"},
    "representation": {"zh": "表示学习", "en": "Representation learning"},
    "metrics": {"zh": "评估指标", "en": "Evaluation metrics"},
    "detection": {"zh": "目标检测基础", "en": "Detection basics"},
    "attention": {"zh": "注意力与 Transformer", "en": "Attention & Transformers"},
}
DIFFICULTY_NAMES = {1: {"zh": "易", "en": "easy"}, 2: {"zh": "中", "en": "medium"}, 3: {"zh": "难", "en": "hard"}}


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Source:
    """Where a question comes from in the five study notes: the note's file and a section heading."""

    file: str
    section: str
    kind = "note"


# Questions beyond the notes cite one of these (see FORMAT.md).
EXTERNAL_SOURCE_KINDS = ("paper", "book", "docs")


@dataclass(frozen=True)
class ExternalSource:
    """A question beyond the notes: a paper, a book chapter or an official docs page, never a note."""

    kind: str  # one of EXTERNAL_SOURCE_KINDS
    ref: str  # e.g. "Lin et al. 2017, Focal Loss for Dense Object Detection, §3"
    url: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: str
    difficulty: int
    tags: tuple[str, ...]
    prompt: Bilingual
    answer: Bilingual
    explanation: Bilingual
    source: Source | ExternalSource | None  # None only for generated questions
    choices: tuple[Bilingual, ...] = ()
    correct: tuple[str, ...] = ()  # choice letters, e.g. ("A", "C")
    value: float | int | None = None  # numeric
    tolerance: float = 0
    unit: str = ""
    truth: bool | None = None  # truefalse
    generator: str | None = None  # set for generated questions
    origin: str = ""  # "data/cnn/note003a.toml" for hand-written ones

    @property
    def is_generated(self) -> bool:
        return self.generator is not None

    @property
    def is_multi_answer(self) -> bool:
        return len(self.correct) > 1

    @property
    def from_notes(self) -> bool:
        return isinstance(self.source, Source)

    def source_dict(self) -> dict | None:
        if isinstance(self.source, Source):
            return {"kind": "note", "file": self.source.file, "section": self.source.section}
        if isinstance(self.source, ExternalSource):
            return {"kind": self.source.kind, "ref": self.source.ref, "url": self.source.url}
        return None

    def to_dict(self) -> dict:
        """The `bank list --json` shape."""
        out: dict = {
            "id": self.id,
            "topic": self.topic,
            "type": self.type,
            "difficulty": self.difficulty,
            "prompt": self.prompt.to_dict(),
            "answer": self.answer.to_dict(),
            "explanation": self.explanation.to_dict(),
            "source": self.source_dict(),
            "tags": list(self.tags),
        }
        if self.type == "choice":
            out["choices"] = [c.to_dict() for c in self.choices]
            out["correct"] = list(self.correct)
        elif self.type == "numeric":
            out.update(value=self.value, tolerance=self.tolerance, unit=self.unit)
        elif self.type == "truefalse":
            out["truth"] = self.truth
        if self.generator:
            out["generator"] = self.generator
        return out


@dataclass(frozen=True)
class Note:
    """One source note and its section headings (from notes/<stem>*.toml)."""

    file: str
    title: Bilingual
    sections: tuple[str, ...]


@dataclass
class Bank:
    questions: list[Question]
    notes: dict[str, Note]
    by_id: dict[str, Question] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {q.id: q for q in self.questions}

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)
