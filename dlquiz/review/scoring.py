"""What "correct", "retention" and "mastered" mean: one definition each, used by the session summary
(TUI and `dlquiz quiz`), `dlquiz stats` and the home and stats screens, so the same session gives the same
numbers everywhere.

- **correct**: an answer whose final rating is Hard, Good or Easy, i.e. not Again. An auto-graded answer
  is rated Again when the checker says it is wrong and Hard/Good/Easy when it is right (the answer time
  picks which, see `scheduler.rating_for`), so without an override "correct" is exactly the checker's
  verdict; a flashcard is correct when you rated it Hard or better. If you override a rating (keys 1-4
  after an auto-graded answer), the override counts. This is FSRS's own success criterion (its
  optimiser treats every rating above Again as "recalled") and Anki's: Anki's "Correct" in the answer
  buttons graph and its "true retention" both count Hard as a pass.
- **retention**: of the answers to questions you had already answered on an earlier day, the share that
  were correct. First answers and same-day repeats (learning steps, a second pass in cram) test
  short-term memory, not retention, so they are left out, as Anki's true retention leaves out learning
  cards. This is the quantity FSRS schedules for (90 % by default). None until there is such an answer.
- **mastered**: a card in FSRS's Review state (graduated from the learning steps) with a stability of at
  least `MASTERED_MIN_STABILITY_DAYS` = 21 days: FSRS expects you to still recall it with 90 %
  probability three weeks after the last review. 21 days is Anki's line for a "mature" card (interval
  ≥ 21 days), and with FSRS's default 90 % target the interval is about the stability.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Rating, State

from dlquiz.i18n import t

MASTERED_MIN_STABILITY_DAYS = 21.0

# One line each, for screens and `dlquiz stats`/`dlquiz quiz` output; the text is the UI catalog's
# "def_<key>" (dlquiz.i18n), in both languages.
DEFINITIONS: tuple[str, ...] = ("correct", "retention", "mastered")


def definition(key: str, lang: str) -> str:
    if key not in DEFINITIONS:
        raise KeyError(key)
    return t(f"def_{key}", lang, days=f"{MASTERED_MIN_STABILITY_DAYS:g}")


def is_correct(rating: Rating | int) -> bool:
    """Correct = the final rating is above Again (see the module docstring)."""
    return int(rating) > int(Rating.Again)


def is_mastered(card: dict[str, Any]) -> bool:
    """`card` is fsrs' Card.to_dict()/to_json() shape: state Review and stability ≥ 21 days."""
    stability = card.get("stability")
    return card.get("state") == State.Review and stability is not None and stability >= MASTERED_MIN_STABILITY_DAYS


def counts_for_retention(previous_review: datetime | None, this_review: datetime) -> bool:
    """An answer measures retention when the same question was answered before, on an earlier local day."""
    return previous_review is not None and previous_review.astimezone().date() < this_review.astimezone().date()


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 3 places; None when there is nothing to divide (shown as "-")."""
    return round(part / whole, 3) if whole else None
