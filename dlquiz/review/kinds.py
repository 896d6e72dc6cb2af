"""Session kinds: a module of its own so the home screen and the command line name them without
loading the session machinery."""
from __future__ import annotations

from enum import StrEnum


class SessionKind(StrEnum):
    """A str, so it compares, hashes, prints, JSON-encodes and is stored exactly like its value."""

    REVIEW = "review"  # due cards, then today's new ones
    PRACTICE = "practice"  # a filtered mix, generated numeric questions included
    CRAM = "cram"  # like practice, but grading leaves due dates alone
    MOCK = "mock"  # timed, topics interleaved, due dates left alone, the result saved
    ERRATA = "errata"  # questions where the study notes are wrong
