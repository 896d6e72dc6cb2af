"""The generator machinery: a `Generator` turns a seed into a `Question` through a `Draft`.

A generator's `build(rng)` draws a configuration from `rng` (a `random.Random` seeded from the
generator's name and the seed, so the same seed gives the same question in every process), asks
`calculators/` for the answer and its derivation, and returns a `Draft`: the bilingual texts, the
answer fields and `params`, the drawn configuration (what tests rebuild in PyTorch).

Nothing here imports numpy, torch or sympy; calculator modules that need numpy are imported inside
the build functions.
"""
from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from question_bank.generators.zh_steps import to_zh
from question_bank.model import Bilingual, Question

ID_PREFIX = "gen."
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$")  # no all-digit last part
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Draft:
    """Everything a build function decides; `Generator.generate` adds id, topic, type and tags."""

    difficulty: int
    prompt: Bilingual
    answer: Bilingual
    explanation: Bilingual
    params: dict
    tags: tuple[str, ...] = ()
    value: int | float | None = None  # numeric
    tolerance: float = 0
    unit: str = ""
    choices: tuple[Bilingual, ...] = ()  # choice
    correct: tuple[str, ...] = ()


@dataclass(frozen=True)
class Generator:
    name: str
    topic: str
    type: str  # "numeric" or "choice"
    family: str  # tag shared by related generators, e.g. "output-size"
    build: Callable[[random.Random], Draft] = field(repr=False)
    summary: Bilingual = Bilingual("", "")

    def rng(self, seed: int) -> random.Random:
        # str seeds go through SHA-512 (random's seed version 2): stable across processes and platforms
        return random.Random(f"dlquiz:{self.name}:{seed}")

    def draw(self, seed: int) -> Draft:
        check_seed(seed)
        return self.build(self.rng(seed))

    def generate(self, seed: int) -> Question:
        draft = self.draw(seed)
        tags = tuple(dict.fromkeys(("generated", self.family, *draft.tags)))
        return Question(
            id=question_id(self.name, seed), topic=self.topic, type=self.type, difficulty=draft.difficulty,
            tags=tags, prompt=draft.prompt, answer=draft.answer, explanation=draft.explanation, source=None,
            choices=draft.choices, correct=draft.correct, value=draft.value, tolerance=draft.tolerance,
            unit=draft.unit, generator=self.name,
        )


REGISTRY: dict[str, Generator] = {}


def register(name: str, topic: str, qtype: str, family: str, en: str, zh: str):
    """Decorator: register `build(rng) -> Draft` as generator `name`."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"generator name {name!r} must be lowercase-dash words, not ending in digits only")

    def wrap(build: Callable[[random.Random], Draft]) -> Callable[[random.Random], Draft]:
        if name in REGISTRY:
            raise ValueError(f"generator {name!r} registered twice")
        REGISTRY[name] = Generator(name, topic, qtype, family, build, Bilingual(zh, en))
        return build

    return wrap


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return seed


def question_id(name: str, seed: int) -> str:
    return f"{ID_PREFIX}{name}-{check_seed(seed)}"


_ID = re.compile(r"^gen\.([a-z0-9-]+)-(0|[1-9][0-9]{0,29})$")  # bounded: int() of huge text raises


def parse_id(question_id: str) -> tuple[str, int] | None:
    """'gen.conv-output-42' → ('conv-output', 42); None if not a generated id (known name or not)."""
    if not isinstance(question_id, str):
        return None
    m = _ID.match(question_id)
    if not m:
        return None
    return m.group(1), int(m.group(2))


# ---------------------------------------------------------------- text helpers shared by the families

def bi(zh: str, en: str) -> Bilingual:
    return Bilingual(zh, en)


def derivation(zh_intro: str, en_intro: str, formula: str, steps: Sequence[str],
               zh_tail: Sequence[str] = (), en_tail: Sequence[str] = ()) -> Bilingual:
    """The explanation: an intro sentence, the calculator's formula and its substituted steps, then tips.

    The formula and steps are the calculator's own lines, in English: the en side shows them verbatim, the zh
    side with their English phrases put into Chinese by `zh_steps.to_zh` (the math itself is shared)."""
    zh = [zh_intro, f"公式:{to_zh(formula)}", *map(to_zh, steps), *zh_tail]
    en = [en_intro, f"Formula: {formula}", *steps, *en_tail]
    return Bilingual("\n".join(x for x in zh if x), "\n".join(x for x in en if x))


def explain(*lines: tuple[str, str]) -> Bilingual:
    """An explanation written in both languages line by line: (zh, en) pairs, empty sides left out.

    For generators whose steps are their own (not a calculator's English lines, which `derivation` translates)."""
    return Bilingual("\n".join(zh for zh, _ in lines if zh), "\n".join(en for _, en in lines if en))


def fmt_num(x: float | int, decimals: int = 3) -> str:
    """Ints as they are; floats to `decimals` places without trailing zeros."""
    if isinstance(x, int):
        return str(x)
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


SIGNIFICANT = 3  # digits asked for where an answer can be small (probabilities, losses, gradients)
SIG_HINT = bi("保留 3 位有效数字", "give 3 significant digits")


def significant_tolerance(value: float, digits: int = SIGNIFICANT) -> float:
    """One unit in the `digits`-th significant digit of `value` (as it reads once rounded to that many).

    A fixed "3 decimals, ±0.002" accepted ±40% of a probability of 0.0048; this keeps about `digits`
    significant digits required at every magnitude, and leaves one unit of slack for rounded intermediate
    steps. `check_answer` compares absolutely, so the magnitude goes into the tolerance itself."""
    if not math.isfinite(value) or value == 0:
        raise ValueError(f"no significant digits in {value!r}")
    exponent = int(f"{abs(value):.{digits - 1}e}".split("e")[1])  # after rounding: 0.09996 reads 0.100
    return 10.0 ** (exponent - digits + 1)


def fmt_sig(x: float, digits: int = SIGNIFICANT) -> str:
    """`x` to `digits` significant digits in positional notation (0.00482, 12.3, 0.100): no exponent."""
    if x == 0:
        return "0"
    return format(Decimal(f"{x:.{digits - 1}e}"), "f")


def grouped(n: int) -> str:
    """12,845,056 — easier to read in prompts and answers (typed answers may use commas too)."""
    return f"{n:,}"


def arrange_choices(rng: random.Random, options: Sequence[tuple[Bilingual, bool]],
                    shuffle: bool = True) -> tuple[tuple[Bilingual, ...], tuple[str, ...]]:
    """Shuffle (or keep) the options; the correct letters are whatever options are marked true."""
    items = list(options)
    if not 2 <= len(items) <= len(LETTERS):
        raise ValueError(f"{len(items)} choices; need 2–{len(LETTERS)}")
    if shuffle:
        rng.shuffle(items)
    choices = tuple(text for text, _ in items)
    correct = tuple(LETTERS[i] for i, (_, ok) in enumerate(items) if ok)
    if not correct:
        raise ValueError("no correct choice")
    return choices, correct


def spread_distractors(rng: random.Random, correct: int, first: Sequence[int], rest: Sequence[int],
                       count: int = 3, minimum: int = 1, step: int = 1) -> list[int]:
    """`count` distinct wrong values for a numeric choice question whose options are shown sorted.

    Every value of `first` (the key traps) is used; the others come from `rest` (other common mistakes), then
    from correct ± step·j. How many of them lie below the correct value is drawn uniformly from what is
    possible, so the correct option's position in the sorted list gives nothing away."""
    def usable(v: int) -> bool:
        return v != correct and v >= minimum

    must = [v for v in dict.fromkeys(first) if usable(v)][:count]
    pool = [v for v in dict.fromkeys(rest) if usable(v) and v not in must]
    rng.shuffle(pool)
    lower = [v for v in pool if v < correct]
    higher = [v for v in pool if v > correct]
    j = 1
    while correct - j * step >= minimum and len(lower) < count:
        v = correct - j * step
        if v not in must and v not in lower:
            lower.append(v)
        j += 1
    j = 1
    while len(higher) < count:
        v = correct + j * step
        if v not in must and v not in higher:
            higher.append(v)
        j += 1
    must_low = sum(v < correct for v in must)
    must_high = len(must) - must_low
    # below = how many options end up under the correct one
    lo, hi = must_low, min(count - must_high, must_low + len(lower))
    below = rng.randint(lo, hi)
    return must + lower[: below - must_low] + higher[: count - len(must) - (below - must_low)]
