"""Text of a calculator Result for the CLI: the answer with its derivation, tables with their notes,
and side-by-side metrics (IoU family, norms). One layout for every calc command."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dlquiz.text_layout import text_table

if TYPE_CHECKING:
    from calculators.result import Result


def answer_text(title: str, result: Result[Any], answer: str) -> str:
    """Title, formula, substituted steps, the answer, then notes (the answer must not hide under caveats)."""
    steps = list(result.steps)
    if steps and steps[-1].startswith("→ "):  # the answer line below says it
        steps.pop()
    lines = [title, f"formula: {result.formula}", *("  " + step for step in steps),
             f"answer: {answer}", *(f"note: {note}" for note in result.notes)]
    return "\n".join(lines)


def table_text(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], align: str,
               summary: Sequence[str], result: Result[Any], show_steps: bool) -> str:
    """Title line, framed table, summary lines, then (with show_steps) the derivation, the formula and notes."""
    lines = [title, *text_table(header, rows, align), *summary]
    if show_steps:
        lines += ["", "derivation:", *("  " + s for s in result.steps)]
    lines += ["", "formula: " + result.formula]
    if result.notes:
        lines += ["notes:", *("  - " + n for n in result.notes)]
    return "\n".join(lines)


def metrics_json(results: Mapping[str, Result[Any]], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{name: value, ..., **extra, "steps": {name: [formula, *steps]}, "notes": {name: [...]}}."""
    data: dict[str, Any] = {name: r.value for name, r in results.items()}
    data.update(extra or {})
    data["steps"] = {name: [r.formula, *r.steps] for name, r in results.items()}
    data["notes"] = {name: list(r.notes) for name, r in results.items()}
    return data


def metrics_text(title: str, labels: Mapping[str, str], results: Mapping[str, Result[Any]],
                 value_text: Callable[[Any], str]) -> str:
    """Each metric's value under the title, then each one's derivation."""
    width = max(len(labels[name]) for name in results)
    lines = [title]
    lines += [f"  {labels[name]:<{width}} = {value_text(r.value)}" for name, r in results.items()]
    for name, r in results.items():
        lines += ["", f"{labels[name]}:", *("  " + line for line in r.explain().splitlines())]
    return "\n".join(lines)


def human(n: int) -> str:
    """4089184256 -> '4.09G', 118013952 -> '118.01M'; from 10^15 on '1.23e+21' (no float division: a
    400-digit total used to raise OverflowError)."""
    if abs(n) >= 10 ** 15:
        exponent = len(str(abs(n))) - 1  # totals stay far below Python's 4300-digit str() limit (sizes ≤ 10^18)
        mantissa = (abs(n) + 5 * 10 ** (exponent - 3)) // 10 ** (exponent - 2)  # 3 significant digits, rounded
        if mantissa >= 1000:
            mantissa, exponent = mantissa // 10, exponent + 1
        return f"{'-' if n < 0 else ''}{mantissa // 100}.{mantissa % 100:02d}e+{exponent}"
    for factor, suffix in ((10 ** 9, "G"), (10 ** 6, "M"), (10 ** 3, "K")):
        if abs(n) >= factor:
            return f"{n / factor:.2f}{suffix}"
    return str(n)
