"""Reading numbers typed by users (shared by the box and norm calculators)."""
from __future__ import annotations

import math
import re

_INT_TEXT = re.compile(r"[+-]?\d+")


def parse_number(piece: str) -> int | float | None:
    """int for integer text (keeps arithmetic exact), float otherwise; None if not a finite number."""
    piece = piece.strip()
    if _INT_TEXT.fullmatch(piece):
        return int(piece)
    try:
        value = float(piece)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
