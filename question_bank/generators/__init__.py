"""Parametric questions with answers computed by `calculators/`: infinite variety, deterministic seeds.

    >>> from question_bank.generators import generate, resolve
    >>> q = generate("conv-output", 42)          # id "gen.conv-output-42", same question every time
    >>> resolve(q.id) == q
    True

A generated question's id is `gen.<generator>-<seed>`; `Question.topic` is its real topic, `generator` its
name, `source` None, and its tags include "generated" and the generator's family. Families live in one
module each: sizes (conv / transposed conv / pooling output sizes), receptive_field, params (params and
MACs/FLOPs), boxes (IoU), norms, losses (softmax, cross-entropy).

Importing this package imports neither torch nor sympy nor numpy (the numpy-backed calculators are
imported when a question of theirs is generated).
"""
from __future__ import annotations

import random
from functools import lru_cache

# Importing the family modules registers their generators, in this (display) order.
# isort: off
from question_bank.generators import sizes, receptive_field, params, boxes, norms, losses  # noqa: F401
# isort: on
from question_bank.generators._base import REGISTRY, Draft, Generator, parse_id, question_id
from question_bank.model import Question

__all__ = ["GENERATORS", "Draft", "Generator", "generate", "resolve", "topic_of_generated", "sample",
           "question_id", "parse_id"]

GENERATORS: dict[str, Generator] = dict(REGISTRY)

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


def sample(rng: random.Random, n: int, topic: str | None = None) -> list[Question]:
    """`n` questions spread evenly over the generators of `topic` (all when None), seeds drawn from `rng`.

    Each round visits every matching generator once, in an order shuffled by `rng`; ids within one call are
    distinct. An unknown topic, or one without generators, gives [].
    """
    gens = [g for g in GENERATORS.values() if topic is None or g.topic == topic]
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
