"""CLI subcommands. Each module exposes `register(subparsers)`; handlers return `Output`.

Modules here import only what their parser needs; heavy work is imported inside handlers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Output:
    """What a command prints: `data` for --json, `text` for humans."""

    data: Any
    text: str
