"""Parametric questions with answers computed by `calculators/`: infinite variety, deterministic seeds.

    >>> from question_bank.generators import generate, resolve
    >>> q = generate("conv-output", 42)          # id "gen.conv-output-42", same question every time
    >>> resolve(q.id) == q
    True

A generated question's id is `gen.<generator>-<seed>`; `Question.topic` is its real topic, `generator` its
name, `source` None, and its tags include "generated" and the generator's family. Modules: sizes (conv /
transposed conv / pooling output sizes), receptive_field, params (params and MACs/FLOPs), boxes (IoU), norms,
losses (softmax, cross-entropy), and beyond the notes (issue #14): metrics (precision / recall / F1, average
precision), nms, robust_losses (focal, Huber / smooth-L1), attention (MultiheadAttention parameters, one entry of
softmax(QKᵀ/√d)V), backprop (∂L/∂w by hand).

A family (`Generator.family`, also a tag) is what a practice session can be limited to: `generator_names(choice)`
turns a family, or one generator's name, into the generators to draw from (`dlquiz quiz --generator`, the TUI's
practice dialog).

Importing this package imports neither torch nor sympy nor numpy (the numpy-backed calculators are
imported when a question of theirs is generated).
"""
from __future__ import annotations

import random
from functools import lru_cache

# Importing the family modules registers their generators, in this (display) order.
# isort: off
from question_bank.generators import sizes, receptive_field, params, boxes, norms, losses  # noqa: F401
from question_bank.generators import metrics, nms, robust_losses, attention, backprop  # noqa: F401
# isort: on
from dlquiz.errors import InputError
from question_bank.generators._base import REGISTRY, Draft, Generator, parse_id, question_id
from question_bank.model import Bilingual, Question

__all__ = ["GENERATORS", "FAMILIES", "FAMILY_TITLES", "Draft", "Generator", "generate", "resolve",
           "topic_of_generated", "sample", "generator_names", "question_id", "parse_id"]

GENERATORS: dict[str, Generator] = dict(REGISTRY)

# family → its generators, in registration (display) order
FAMILIES: dict[str, tuple[str, ...]] = {}
for _gen in GENERATORS.values():
    FAMILIES[_gen.family] = (*FAMILIES.get(_gen.family, ()), _gen.name)
del _gen

FAMILY_TITLES: dict[str, Bilingual] = {
    "output-size": Bilingual("卷积 / 池化输出尺寸", "Conv / pooling output sizes"),
    "receptive-field": Bilingual("感受野", "Receptive field"),
    "params": Bilingual("参数量", "Parameter counts"),
    "flops": Bilingual("MACs / FLOPs", "MACs / FLOPs"),
    "iou": Bilingual("IoU / GIoU", "IoU / GIoU"),
    "norms": Bilingual("向量与矩阵范数", "Vector and matrix norms"),
    "softmax": Bilingual("softmax 概率", "Softmax probabilities"),
    "cross-entropy": Bilingual("交叉熵", "Cross-entropy"),
    "precision-recall": Bilingual("精确率 / 召回率 / F1", "Precision / recall / F1"),
    "average-precision": Bilingual("平均精度 AP", "Average precision (AP)"),
    "nms": Bilingual("非极大值抑制 NMS", "Non-max suppression (NMS)"),
    "focal-loss": Bilingual("焦点损失(focal loss)", "Focal loss"),
    "huber-loss": Bilingual("Huber / smooth-L1 损失", "Huber / smooth-L1 loss"),
    "attention": Bilingual("注意力:参数量与手算", "Attention: params, by hand"),
    "backprop": Bilingual("手算反向传播", "Backprop by hand"),
}


def generator_names(choice: str) -> tuple[str, ...]:
    """The generators of family `choice`, or just `choice` when it names one generator; InputError otherwise."""
    if choice in FAMILIES:
        return FAMILIES[choice]
    if choice in GENERATORS:
        return (choice,)
    shown = choice if isinstance(choice, str) and len(choice) <= 40 else f"{str(choice)[:40]}..."
    raise InputError(f"unknown generator family {shown!r}; allowed: {', '.join(FAMILIES)} "
                     f"(or one generator's name; `dlquiz quiz --generator list` lists them)")

MAX_SEED = 10**6  # seeds drawn by `sample` (short ids); any non-negative int is accepted by `generate`


@lru_cache(maxsize=1024, typed=True)
def generate(name: str, seed: int) -> Question:
    """The question generator `name` makes from `seed` (KeyError for an unknown name, ValueError for a bad seed)."""
    try:
        gen = GENERATORS[name]
    except KeyError:
        raise KeyError(f"unknown generator {name!r}; known: {', '.join(GENERATORS)}") from None
    return gen.generate(seed)


def resolve(question_id: str) -> Question | None:
    """Re-create a generated question from its id; None for hand-written ids and unknown generators."""
    parsed = parse_id(question_id)
    if parsed is None or parsed[0] not in GENERATORS:
        return None
    return generate(*parsed)


def topic_of_generated(question_id: str) -> str | None:
    """The topic of a generated question's id without generating it; None if not a known generated id."""
    parsed = parse_id(question_id)
    if parsed is None or parsed[0] not in GENERATORS:
        return None
    return GENERATORS[parsed[0]].topic


def sample(rng: random.Random, n: int, topic: str | None = None,
           names: tuple[str, ...] | None = None) -> list[Question]:
    """`n` questions spread evenly over the generators of `topic` (all when None), seeds drawn from `rng`;
    `names` limits them further to those generators (see `generator_names`).

    Each round visits every matching generator once, in an order shuffled by `rng`; ids within one call are
    distinct. An unknown topic, or one without generators, gives [].
    """
    gens = [g for g in GENERATORS.values()
            if (topic is None or g.topic == topic) and (names is None or g.name in names)]
    if n <= 0 or not gens:
        return []
    out: list[Question] = []
    seen: set[str] = set()
    order: list[Generator] = []
    while len(out) < n:
        if not order:
            order = gens[:]
            rng.shuffle(order)
        gen = order.pop()
        seed = rng.randrange(MAX_SEED)
        while question_id(gen.name, seed) in seen:
            seed = rng.randrange(MAX_SEED)
        q = generate(gen.name, seed)
        seen.add(q.id)
        out.append(q)
    return out
