"""argparse glue shared by the calc commands."""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import TypeVar

from dlquiz.errors import InputError

T = TypeVar("T")

# argparse's own pattern only knows plain numbers like -3 or -.5, not "-3,4", "-1,2;3,4" or "-inf".
_VALUE_STARTING_WITH_MINUS = re.compile(r"^-(?:\.?\d|inf(?:inity)?$|nan$)", re.IGNORECASE)


def argparse_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse `type=` from a calculators.inputs parser: its InputError becomes argparse's one-line
    'argument --x: message' usage error."""
    def convert(text: str) -> T:
        try:
            return parse(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def accept_negative_values(parser: argparse.ArgumentParser) -> None:
    """Let values such as -3,4, -1,2 or -inf through as arguments, also right after an option (`--p -inf`,
    `--size -3,4`), so that the value's own parser says what is wrong with it. For parsers that define no
    options like -1 or -i; `--p=-inf` works on any Python regardless."""
    parser._negative_number_matcher = _VALUE_STARTING_WITH_MINUS  # argparse internal, present in 3.11–3.13
