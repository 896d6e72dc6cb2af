"""Plain-text layout measured in terminal columns: aligned tables and CJK-aware wrapping.

Pure (no Textual): the calculator tables, the lab summary and anything else printed as text share it.
A wide or full-width character (CJK, `unicodedata.east_asian_width` W or F) takes two columns, so
`str.ljust`, which counts characters, would misalign any table holding Chinese text.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

RuleStyle = Literal["frame", "columns"]


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: 2 for wide/full-width characters, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, align: str = "l") -> str:
    """`text` padded with spaces to `width` columns, on the right ('l') or on the left ('r')."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "l" else fill + text


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` columns (a wide character that would straddle the edge is dropped)."""
    out, cols = [], 0
    for ch in text:
        w = display_width(ch)
        if cols + w > width:
            break
        out.append(ch)
        cols += w
    return "".join(out)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str,
               rule: RuleStyle = "frame") -> list[str]:
    """Lines of an aligned table; `align` has one 'l' or 'r' per column, columns are two spaces apart.

    rule="frame": a line of '=' as wide as the widest line under the header and after the last row
    (the calc rf / params tables); rule="columns": a dash rule under each header cell (the lab summary).
    """
    widths = [max(display_width(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(str(c), w, a) for c, w, a in zip(cells, widths, align)).rstrip()

    head, body = line(header), [line(row) for row in rows]
    if rule == "columns":
        return [head, "  ".join("-" * w for w in widths), *body]
    frame = "=" * max(display_width(text) for text in (head, *body))
    return [head, frame, *body, frame]


def wrap_cjk(text: str, width: int = 100) -> str:
    """Wrap mixed Chinese/ASCII text to `width` terminal columns without splitting ASCII words or
    numbers, and without starting a line with closing punctuation."""
    tokens = re.findall(r"[A-Za-z0-9_.'’+\-×≤≈=/%()]+|\s+|.", text)
    lines, line, cols = [], "", 0
    for tok in tokens:
        w = display_width(tok)
        if cols + w > width and line and tok not in "，。、；：）,.;:)" and not tok.isspace():
            lines.append(line.rstrip())
            line, cols = "", 0
        if not line and tok.isspace():
            continue
        line += tok
        cols += w
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)
