"""Per-layer receptive-field table: output size, jump, receptive field, start, effective stride/padding.

Recurrence per axis, starting from the input (r = 1, j = 1, start = 0.5):
    k_eff = d(k−1) + 1
    r_l = r_{l−1} + (k_eff − 1)·j_{l−1}          padding never changes r
    j_l = j_{l−1}·s                              jump = distance in input pixels between neighbouring units
    start_l = start_{l−1} + ((k_eff − 1)/2 − p)·j_{l−1}
start is the centre of the first output unit's window in input pixel coordinates, where pixel i covers
[i, i+1) and has its centre at i + 0.5. Effective padding P = Σ p_l·j_{l−1}: the first unit's window begins
at pixel −P, so start = r/2 − P. Effective stride = the last jump.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TypedDict

from calculators.layers import (
    GLOBAL_KINDS,
    SEQUENCE_KINDS,
    UPSAMPLING_KINDS,
    Conv,
    ConvTranspose,
    Layer,
    Pair,
    Pool,
    ResidualBlock,
    block_paths,
    fmt_pair,
    pair,
    spatial_output,
)
from calculators.limits import MAX_INT, MAX_INT_TEXT
from calculators.result import Result
from dlquiz.errors import InputError

FORMULA = ("r_l = r_{l−1} + (k_eff − 1)·j_{l−1},  k_eff = d(k−1) + 1,  j_l = j_{l−1}·s,  "
           "start_l = start_{l−1} + ((k_eff − 1)/2 − p)·j_{l−1}  (r_0 = 1, j_0 = 1, start_0 = 0.5)")


Scalar = int | list[int]  # JSON form of a per-axis pair: one number when both axes agree, else [h, w]
FloatScalar = float | list[float]


def _scalar(value: tuple):
    """JSON form of a per-axis pair: one number when both axes agree, else [h, w]."""
    return value[0] if value[0] == value[1] else list(value)


def fmt_start(value: tuple[Fraction, Fraction]) -> str:
    as_text = [f"{float(v):g}" for v in value]
    return as_text[0] if as_text[0] == as_text[1] else f"{as_text[0]}x{as_text[1]}"


class RFRowJSON(TypedDict):
    name: str
    type: str
    kernel: Scalar
    stride: Scalar
    padding: Scalar
    dilation: Scalar
    output_size: Scalar
    jump: Scalar
    receptive_field: Scalar
    start: FloatScalar


class RFTableJSON(TypedDict):
    network: str
    input_size: Scalar
    receptive_field: Scalar
    effective_stride: Scalar
    effective_padding: Scalar
    layers: list[RFRowJSON]


@dataclass(frozen=True)
class RFRow:
    name: str
    type: str
    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    output_size: Pair
    jump: Pair
    receptive_field: Pair
    start: tuple[Fraction, Fraction]

    def as_dict(self) -> RFRowJSON:
        return {"name": self.name, "type": self.type, "kernel": _scalar(self.kernel), "stride": _scalar(self.stride),
                "padding": _scalar(self.padding), "dilation": _scalar(self.dilation),
                "output_size": _scalar(self.output_size), "jump": _scalar(self.jump),
                "receptive_field": _scalar(self.receptive_field),
                "start": _scalar(tuple(float(s) for s in self.start))}


@dataclass(frozen=True)
class RFTable:
    network: str
    input_size: Pair
    rows: tuple[RFRow, ...]
    receptive_field: Pair
    effective_stride: Pair
    effective_padding: Pair
    start: tuple[Fraction, Fraction]

    def as_dict(self) -> RFTableJSON:
        return {"network": self.network, "input_size": _scalar(self.input_size),
                "receptive_field": _scalar(self.receptive_field),
                "effective_stride": _scalar(self.effective_stride),
                "effective_padding": _scalar(self.effective_padding),
                "layers": [row.as_dict() for row in self.rows]}


def _spatial_path(layers: list[Layer], end: int | None) -> tuple[list[Conv | Pool], list[str], bool, bool]:
    """The conv/pool layers the RF passes through, ResNet blocks expanded to their main branch.

    Returns (path, names of the layers after the spatial part that were left out, whether blocks were seen,
    whether a per-sample norm (layernorm/groupnorm/instancenorm) was seen).
    """
    path: list[Conv | Pool] = []
    stop = len(layers) if end is None else end + 1
    saw_block = saw_norm = False
    for i, layer in enumerate(layers[:stop]):
        if layer.kind in GLOBAL_KINDS:
            return path, [x.name for x in layers[i:]], saw_block, saw_norm
        saw_norm = saw_norm or layer.kind == "norm"
        if layer.kind in SEQUENCE_KINDS:
            raise InputError(f"layer {layer.name} ({layer.type_name}) works on token ids or sequences: calc rf "
                             f"covers conv/pool stacks on images (calc params covers {layer.type_name})")
        if layer.kind in UPSAMPLING_KINDS:
            raise InputError(f"layer {layer.name} ({layer.type_name}) upsamples: it divides the jump, so output "
                             f"units no longer sit a whole number of input pixels apart; calc rf does not support "
                             f"it (calc params does)")
        if isinstance(layer, ConvTranspose):
            raise InputError(f"layer {layer.name} is a transposed conv: its receptive field changes from unit to "
                             f"unit, so calc rf does not support it (calc params does)")
        if isinstance(layer, ResidualBlock):
            saw_block = True
            path.extend(x for x in block_paths(layer, 0)[0] if isinstance(x, Conv))
        elif isinstance(layer, (Conv, Pool)):
            path.append(layer)
    return path, [x.name for x in layers[stop:]], saw_block, saw_norm


def receptive_field_table(layers: list[Layer], input_size: int | Pair, network: str = "custom",
                          end: int | None = None, notes: tuple[str, ...] = ()) -> Result[RFTable]:
    """RF table over `layers` (up to index `end` inclusive, else up to the first flatten/fc/adaptive pool).

    Result.value is an RFTable; steps derive every row; notes state conventions and what was left out.
    """
    size = pair(input_size)
    if min(size) < 1:
        raise InputError(f"input size must be >= 1, got {fmt_pair(size)}")
    path, left_out, saw_block, saw_norm = _spatial_path(list(layers), end)
    if not path:
        raise InputError("no conv or pool layer to compute a receptive field for (the spec needs conv/pool layers "
                         "before any fc/flatten/global pool)")
    r, j, start, eff_pad = [1, 1], [1, 1], [Fraction(1, 2)] * 2, [0, 0]
    rows: list[RFRow] = []
    steps: list[str] = []
    for layer in path:
        out = spatial_output(layer, size)
        stride = layer.stride if isinstance(layer, Conv) else layer.effective_stride
        axis_steps = []
        for a in (0, 1):
            k, s, p, d = layer.kernel[a], stride[a], layer.padding[a], layer.dilation[a]
            k_eff = d * (k - 1) + 1
            new_r = r[a] + (k_eff - 1) * j[a]
            new_start = start[a] + (Fraction(k_eff - 1, 2) - p) * j[a]
            axis_steps.append(
                f"k_eff = {d}·({k}−1)+1 = {k_eff}; r = {r[a]} + ({k_eff}−1)·{j[a]} = {new_r}; "
                f"j = {j[a]}·{s} = {j[a] * s}; start = {float(start[a]):g} + (({k_eff}−1)/2 − {p})·{j[a]} = "
                f"{float(new_start):g}; out = {out[a]}")
            if max(new_r, j[a] * s) > MAX_INT:  # strides multiply: conv(k=1,s=10^6)*1000 would reach 10^6000
                raise InputError(f"layer {layer.name}: the {'jump' if j[a] * s > MAX_INT else 'receptive field'} "
                                 f"would exceed {MAX_INT_TEXT} (jump = product of the strides so far, "
                                 f"RF grows by (k_eff − 1)·jump)")
            eff_pad[a] += p * j[a]
            r[a], start[a], j[a] = new_r, new_start, j[a] * s
        if axis_steps[0] == axis_steps[1]:
            steps.append(f"{layer.name}: {axis_steps[0]}")
        else:
            steps += [f"{layer.name} [h]: {axis_steps[0]}", f"{layer.name} [w]: {axis_steps[1]}"]
        rows.append(RFRow(layer.name, layer.type_name, layer.kernel, stride, layer.padding, layer.dilation, out,
                          (j[0], j[1]), (r[0], r[1]), (start[0], start[1])))
        size = out
    table = RFTable(network, pair(input_size), tuple(rows), (r[0], r[1]), (j[0], j[1]), (eff_pad[0], eff_pad[1]),
                    (start[0], start[1]))
    steps.append(f"receptive field {fmt_pair(table.receptive_field)}, effective stride "
                 f"{fmt_pair(table.effective_stride)}, effective padding {fmt_pair(table.effective_padding)} "
                 f"(start = r/2 − P = {fmt_start(table.start)})")
    all_notes = [
        "start = centre of the first output unit's window in input pixels (pixel i covers [i, i+1), centre "
        "i + 0.5); unit u is centred at start + u·jump",
        "effective padding P = Σ p_l·j_{l−1}: the first unit's window begins at pixel −P; padding moves windows "
        "but never changes r",
    ]
    if saw_norm:
        all_notes.append("layernorm/groupnorm/instancenorm take their mean and variance over the whole map, so "
                         "strictly every later unit depends on every pixel; the table, as usual, counts only the "
                         "conv/pool windows")
    if saw_block:
        all_notes.append("ResNet blocks: the table follows the deepest path (the main branch through every conv); "
                         "the shortcut sees a sub-window, so the block's output sees the main branch's window")
    if left_out:
        all_notes.append(f"the table ends at {rows[-1].name}: after it, flatten / fc / global pooling connect "
                         f"every unit to the whole input (left out: {', '.join(left_out[:4])}"
                         f"{', ...' if len(left_out) > 4 else ''})")
    if max(r) > max(size_in := pair(input_size)):
        all_notes.append(f"the receptive field {fmt_pair(table.receptive_field)} is larger than the "
                         f"{fmt_pair(size_in)} input: every window extends into the padding")
    all_notes.extend(notes)
    return Result(table, FORMULA, tuple(steps), tuple(all_notes))
