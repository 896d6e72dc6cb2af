"""Typed messages between the lab worker thread and the UI."""
from __future__ import annotations

from textual.message import Message


class LabProgress(Message):
    """A batch of metric events from the training thread (posted every few steps, not every step)."""

    def __init__(self, events: list) -> None:
        super().__init__()
        self.events = events


class LabFinished(Message):
    def __init__(self, result: dict | None, error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error
