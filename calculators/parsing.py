"""Reading numbers typed by users (shared by the box and norm calculators)."""
from __future__ import annotations

import math
import re

from calculators.limits import MAX_NUMBER_CHARS
from dlquiz.errors import InputError

# ASCII only: `\d` would also match '٣' (int() reads it as 3); '²' is not a digit for int() at all.
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)",
                         re.IGNORECASE)


def parse_number(piece: str, where: str = "value") -> int | float | None:
    """int for integer text (keeps arithmetic exact), float otherwise; None if not a finite number.

    Text longer than MAX_NUMBER_CHARS is an InputError naming `where` (checked before any conversion:
    int() refuses more than 4300 digits with a traceback-worthy ValueError).
    """
    piece = piece.strip()
    if len(piece) > MAX_NUMBER_CHARS:
        raise InputError(f"{where} has {len(piece)} characters; a number may have at most {MAX_NUMBER_CHARS} "
                         f"(and |x| ≤ 1e100)")
    if _INT_TEXT.fullmatch(piece):
        return int(piece)
    if not _FLOAT_TEXT.fullmatch(piece):  # float() would also take '١.٥', '1_0' and other spellings
        return None
    value = float(piece)
    return value if math.isfinite(value) else None
