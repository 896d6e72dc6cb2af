"""Calculator arguments from the text a user typed, with one-line InputErrors.

Shared by the CLI (argparse types and handlers in dlquiz.commands.calc) and the TUI's calculator
forms, so both accept the same text and say the same thing about bad text. Imports only the limits
at load time: `dlquiz --help` builds its parsers from here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calculators.limits import MAX_INT_TEXT, MAX_NUMBER_CHARS, check_length, int_text_problem, shorten
from calculators.preset_catalog import PRESET_DESCRIPTIONS
from dlquiz.errors import InputError

if TYPE_CHECKING:
    from calculators.layers import Layer, Pair

IntOrPair = int | tuple[int, int]

def parse_int_or_pair(text: str) -> IntOrPair:
    """"224" → 224, "224,160" → (224, 160). ASCII digits, |n| ≤ 10^18 (checked before int())."""
    parts = text.split(",", 2)
    problems = [int_text_problem(part) or "" for part in parts]
    if len(parts) in (1, 2) and any(p.startswith("too large") for p in problems):
        raise InputError(f"{shorten(text)!r} is too large (integers are limited to {MAX_INT_TEXT})")
    if len(parts) not in (1, 2) or any(problems):
        raise InputError(f"expected an integer or an H,W pair, got {shorten(text)!r}")
    numbers = [int(part) for part in parts]
    return numbers[0] if len(numbers) == 1 else (numbers[0], numbers[1])


def parse_input_size(text: str) -> Pair:
    """'224' or '224x160' (also 224×160): positive ASCII integers up to 10^18; '²' and 5000 digits refused."""
    parts = text.lower().replace("×", "x").split("x", 2)
    problems = [int_text_problem(part) or "" for part in parts]
    if len(parts) in (1, 2) and any(p.startswith("too large") for p in problems):
        raise InputError(f"bad --size '{shorten(text)}' (each side must be at most {MAX_INT_TEXT})")
    if len(parts) not in (1, 2) or any(problems) or min(int(p) for p in parts) < 1:
        raise InputError(f"bad --size '{shorten(text)}' (use a positive integer N or HxW, e.g. 224 or 224x160)")
    return (int(parts[0]), int(parts[-1]))


def parse_p(text: str) -> float:
    """The p of an Lp norm: a real number (P >= 1 is checked by the norm), or inf."""
    check_length(text.strip(), MAX_NUMBER_CHARS, f"--p '{shorten(text.strip())}'")
    try:
        if not text.isascii() or "_" in text:  # float() also reads '٣' and '1_0'
            raise ValueError(text)
        return float(text)
    except ValueError:
        raise InputError(f"--p '{shorten(text)}' is not a number; expected a real P >= 1, e.g. --p 3 or --p inf") \
            from None


def p_json(p: float) -> int | float | str:
    """p as --json shows it: 3 rather than 3.0, and "inf" / "-inf" (JSON has no Infinity)."""
    return int(p) if p.is_integer() else p if math.isfinite(p) else "inf" if p > 0 else "-inf"


@dataclass(frozen=True)
class Network:
    """What `calc rf` / `calc params` compute over: a preset or a parsed layer spec, and its input."""

    name: str  # the preset's name, or "custom" for a layer spec
    layers: tuple[Layer, ...]
    size: Pair
    in_channels: int
    rf_end: int | None  # presets: index of the last spatial layer; None: up to the first fc/flatten/global pool
    notes: tuple[str, ...]


def resolve_network(network: str | None, layers: str | None, size: str | None = None,
                    in_channels: int | None = None) -> Network:
    """A preset name or a layer spec (exactly one), with an optional input size text and channel count."""
    from calculators.architectures import get_preset
    from calculators.layers import parse_layers

    if network and layers:
        raise InputError("give either a network name or --layers SPEC, not both")
    if not network and not layers:
        raise InputError(f"give a network name ({', '.join(PRESET_DESCRIPTIONS)}) or --layers SPEC")
    if in_channels is not None and in_channels < 1:
        raise InputError(f"bad --in-channels {in_channels} (must be >= 1)")
    if network:
        preset = get_preset(network)
        hw = parse_input_size(size) if size else (preset.input_size, preset.input_size)
        return Network(preset.name, preset.layers, hw, in_channels or preset.in_channels, preset.rf_end,
                       preset.notes)
    assert layers is not None
    hw = parse_input_size(size) if size else (224, 224)
    return Network("custom", tuple(parse_layers(layers)), hw, in_channels or 3, None, ())


def conv_layer_size(size: IntOrPair, kernel: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0,
                    dilation: IntOrPair = 1, output_padding: IntOrPair | None = None, transposed: bool = False):
    """Output size of a conv (stride default 1) or, with `transposed`, a transposed conv; Result of calculators.conv."""
    from calculators import conv

    stride = 1 if stride is None else stride
    if transposed:
        return conv.conv_transpose_size(size, kernel, stride, padding, dilation,
                                        0 if output_padding is None else output_padding)
    if output_padding is not None:
        raise InputError("--output-padding applies to transposed convolution only; add --transposed")
    return conv.conv_size(size, kernel, stride, padding, dilation)
