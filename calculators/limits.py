"""Input limits shared by every calculator, and the strict number readers that enforce them.

Every limit is checked before any work, so that hostile input (a 20,000-space layer spec, `relu*1000000000`,
a 5000-digit number, `²`) costs microseconds and gives one InputError line. The numbers:

- integers typed into conv/pool/solve/rf/params (sizes, kernels, strides, paddings, channels, fc widths,
  `--in-channels`): ASCII digits 0-9 only, magnitude at most 10^18 (PyTorch sizes are 64-bit integers);
- sizes, jumps and receptive fields computed by `calc rf` / `calc params` stay at most 10^18 as well;
- a layer spec: at most MAX_SPEC_CHARS characters, at most MAX_LAYERS layers once `*N` repeats are
  expanded, and N at most MAX_REPEAT;
- numbers in boxes and norms: at most MAX_NUMBER_CHARS characters each (ASCII), |x| ≤ 1e100 (checked by
  the calculators); a vector or matrix has at most MAX_ENTRIES entries and MAX_TEXT_CHARS characters;
- `calc solve` checks at most MAX_CANDIDATES candidate values.

Pure Python, no imports beyond the standard library: `dlquiz calc` start-up stays light.
"""
from __future__ import annotations

import re

from dlquiz.errors import InputError

MAX_INT = 10 ** 18
MAX_INT_TEXT = "10^18"
MAX_SPEC_CHARS = 10_000
MAX_LAYERS = 1000
MAX_REPEAT = 1000
MAX_NUMBER_CHARS = 120
MAX_ENTRIES = 10_000
MAX_TEXT_CHARS = 200_000
MAX_CANDIDATES = 100_000  # `calc solve` checks at most this many candidate values (stops `--stride 10**9` hangs)

SHOWN_CHARS = 40  # echo at most this much of a bad value in a message

# For the commands' --help epilogs (and the README).
INT_LIMIT_HELP = f"integers: ASCII digits 0-9, at most {MAX_INT_TEXT} in size (PyTorch sizes are 64-bit)"
SPEC_LIMIT_HELP = (f"a layer spec has at most {MAX_SPEC_CHARS} characters and {MAX_LAYERS} layers after "
                   f"repeats; *N takes N from 1 to {MAX_REPEAT}; every integer and every computed size, jump and "
                   f"receptive field is at most {MAX_INT_TEXT}")
NUMBER_LIMIT_HELP = (f"numbers: ASCII, at most {MAX_NUMBER_CHARS} characters each, |x| <= 1e100; "
                     f"at most {MAX_ENTRIES} entries and {MAX_TEXT_CHARS} characters per vector or matrix")

_ASCII_INT = re.compile(r"[+-]?[0-9]+")


def help_block(*lines: str) -> str:
    """'limits:' and the given lines wrapped and indented, for a RawDescriptionHelpFormatter epilog."""
    import textwrap

    return "limits:\n" + "\n".join(textwrap.fill(line, 100, initial_indent="  ", subsequent_indent="    ")
                                    for line in lines)


def shorten(text: str, width: int = SHOWN_CHARS) -> str:
    """The text itself if short, else its start, an ellipsis and its length: keeps messages one short line."""
    text = text.replace("\n", " ")
    if len(text) <= width:
        return text
    return f"{text[:width]}… ({len(text)} characters)"


def check_length(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise InputError(f"{what} has {len(text)} characters; at most {limit} are allowed")


def int_text_problem(text: str) -> str | None:
    """Why `text` is not an integer within the limit ('' if it is); no int() on unchecked text."""
    t = text.strip()
    if not _ASCII_INT.fullmatch(t):
        return "not an integer (ASCII digits 0-9, e.g. 224)"
    digits = t.lstrip("+-").lstrip("0")
    if len(digits) > len(str(MAX_INT)) or int(digits or "0") > MAX_INT:
        return f"too large (integers are limited to {MAX_INT_TEXT})"
    return ""


def parse_int(text: str, what: str) -> int:
    """Strict integer: optional sign, ASCII digits, |value| ≤ 10^18; InputError naming `what` otherwise."""
    problem = int_text_problem(text)
    if problem:
        raise InputError(f"{what} '{shorten(text.strip())}' is {problem}")
    return int(text.strip())
