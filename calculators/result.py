"""A calculator answer together with the derivation that produced it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypedDict, TypeVar

V = TypeVar("V", covariant=True)


class Derivation(TypedDict):
    """The JSON keys every calculator adds next to its value."""

    formula: str
    steps: list[str]
    notes: list[str]


@dataclass(frozen=True)
class Result(Generic[V]):
    """`value` plus how we got there.

    formula: the general formula in plain Unicode, e.g. "out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1".
    steps:   the formula with numbers substituted, one line per step, ending in the answer.
    notes:   caveats worth telling the user (conventions, where common notes get it wrong).
    """

    value: V
    formula: str
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def derivation(self) -> Derivation:
        return {"formula": self.formula, "steps": list(self.steps), "notes": list(self.notes)}

    def explain(self) -> str:
        """Multi-line human-readable derivation."""
        lines = [self.formula, *("  " + s for s in self.steps)]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)
