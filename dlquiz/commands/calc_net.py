"""`dlquiz calc rf` and `dlquiz calc params`: receptive-field and parameter/MAC tables for a preset network
or a layer spec. Pure calculators only: no torch, sympy or textual is imported here."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dlquiz.errors import InputError
from calculators.limits import (INT_LIMIT_HELP, MAX_INT_TEXT, SPEC_LIMIT_HELP, help_block, int_text_problem, parse_int,
                               shorten)
from calculators.preset_catalog import PRESET_DESCRIPTIONS
from dlquiz.commands import Output

if TYPE_CHECKING:
    from calculators.layers import Layer, Pair

SPEC_HELP = ("layer spec, e.g. \"conv(k=11,s=4,p=2,c=64); relu; pool(k=3,s=2); conv(k=5,p=2,c=192); bn; fc(4096)\". "
             "Layers: conv dwconv deconv pool/maxpool avgpool adaptiveavgpool(o=) gap bn relu gelu sigmoid tanh ... "
             "fc(o) flatten dropout basic(c,s) bottleneck(c,s). Keys: k (kernel), s (stride, default 1; pooling: "
             "= k), p (padding, 0), d (dilation, 1), c (out channels; default: keep), g (groups), op (output "
             "padding), ceil, bias. Pairs as HxW (k=3x1); layer*N repeats")


def _preset_epilog() -> str:
    width = max(map(len, PRESET_DESCRIPTIONS))
    lines = [f"  {name:<{width}}  {desc}" for name, desc in PRESET_DESCRIPTIONS.items()]
    return "networks:\n" + "\n".join(lines) + "\n\n" + help_block(SPEC_LIMIT_HELP,
                                                                 "--size and --in-channels: " + INT_LIMIT_HELP)


def register(subparsers: argparse._SubParsersAction) -> None:
    common = dict(formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_preset_epilog())
    rf = subparsers.add_parser(
        "rf", help="receptive field, jump and start per layer (preset NET or --layers SPEC)",
        description="Receptive-field table: r_l = r_{l−1} + (k_eff − 1)·j_{l−1}, k_eff = d(k−1)+1, j_l = j_{l−1}·s. "
                    "For presets the table ends at the last spatial layer (pool5, conv5, last ResNet block).",
        **common)
    params = subparsers.add_parser(
        "params", help="parameters, MACs and FLOPs per layer (preset NET or --layers SPEC)",
        description="Parameter / MAC / FLOP table (FLOPs = 2 × MACs; torchvision, fvcore, thop report MACs).",
        **common)
    for parser, handler in ((rf, _rf), (params, _params)):
        parser.add_argument("network", nargs="?", metavar="NET", help="preset name (see the list below)")
        parser.add_argument("--layers", metavar="SPEC", help=SPEC_HELP)
        parser.add_argument("--size", metavar="N", help="input height = width N, or HxW (default: the preset's, "
                                                        "224 for --layers)")
        if parser is params:
            parser.add_argument("--in-channels", type=_in_channels, metavar="C",
                                help="input channels (default: the preset's, 3 for --layers)")
        parser.add_argument("--list", action="store_true", help="list the preset networks")
        parser.add_argument("--steps", action="store_true", help="also print the per-layer derivation")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.set_defaults(handler=handler)


# --------------------------------------------------------------------------- argument resolution

def _in_channels(text: str) -> int:
    """argparse type for --in-channels: a strict integer (ASCII, at most 10^18)."""
    try:
        return parse_int(text, "--in-channels")
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parse_size(text: str) -> Pair:
    """'224' or '224x160' (also 224×160): positive ASCII integers up to 10^18; '²' and 5000 digits refused."""
    parts = text.lower().replace("×", "x").split("x", 2)
    problems = [int_text_problem(part) for part in parts]
    if len(parts) in (1, 2) and any(p.startswith("too large") for p in problems):
        raise InputError(f"bad --size '{shorten(text)}' (each side must be at most {MAX_INT_TEXT})")
    if len(parts) not in (1, 2) or any(problems) or min(int(p) for p in parts) < 1:
        raise InputError(f"bad --size '{shorten(text)}' (use a positive integer N or HxW, e.g. 224 or 224x160)")
    return (int(parts[0]), int(parts[-1]))


def _resolve(args: argparse.Namespace):
    """(network name, layers, input size, input channels, rf end index or None, preset notes)."""
    from calculators.architectures import get_preset
    from calculators.layers import parse_layers

    if args.network and args.layers:
        raise InputError("give either a network name or --layers SPEC, not both")
    if not args.network and not args.layers:
        raise InputError(f"give a network name ({', '.join(PRESET_DESCRIPTIONS)}) or --layers SPEC")
    in_channels = getattr(args, "in_channels", None)
    if in_channels is not None and in_channels < 1:
        raise InputError(f"bad --in-channels {in_channels} (must be >= 1)")
    if args.network:
        preset = get_preset(args.network)
        size = _parse_size(args.size) if args.size else (preset.input_size, preset.input_size)
        return (preset.name, list(preset.layers), size, in_channels or preset.in_channels, preset.rf_end,
                preset.notes)
    layers: list[Layer] = parse_layers(args.layers)
    size = _parse_size(args.size) if args.size else (224, 224)
    return "custom", layers, size, in_channels or 3, None, ()


def _list_presets() -> Output:
    from calculators.architectures import get_preset

    data = []
    for name in PRESET_DESCRIPTIONS:
        p = get_preset(name)
        data.append({"name": name, "description": p.description, "input_size": p.input_size,
                     "in_channels": p.in_channels, "rf_end": p.rf_end_name})
    rows = [[d["name"], f"{d['in_channels']}×{d['input_size']}×{d['input_size']}", d["rf_end"], d["description"]]
            for d in data]
    return Output(data, _table(["network", "input", "rf ends at", "description"], rows, align="llll"))


# --------------------------------------------------------------------------- formatting

def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    """Aligned text table; align has one 'l' or 'r' per column."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align)]
        return "  ".join(parts).rstrip()

    lines = [line(header), *map(line, rows)]
    rule = "=" * max(map(len, lines))
    return "\n".join([lines[0], rule, *lines[1:], rule])


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


def _with_notes(text: list[str], result, show_steps: bool) -> str:
    if show_steps:
        text += ["", "derivation:", *("  " + s for s in result.steps)]
    text += ["", "formula: " + result.formula]
    if result.notes:
        text += ["notes:", *("  - " + n for n in result.notes)]
    return "\n".join(text)


# --------------------------------------------------------------------------- handlers

def _rf(args: argparse.Namespace) -> Output:
    if args.list:
        return _list_presets()
    from calculators.layers import fmt_pair
    from calculators.receptive_field import fmt_start, receptive_field_table

    name, layers, size, _, end, notes = _resolve(args)
    result = receptive_field_table(layers, size, name, end=end, notes=notes)
    table = result.value
    rows = [[r.name, r.type, fmt_pair(r.kernel), fmt_pair(r.stride), fmt_pair(r.padding), fmt_pair(r.dilation),
             fmt_pair(r.output_size), fmt_pair(r.jump), fmt_pair(r.receptive_field), fmt_start(r.start)]
            for r in table.rows]
    text = [f"{name}: receptive field per layer, input {size[0]}×{size[1]} (ends at {table.rows[-1].name})",
            _table(["layer", "type", "kernel", "stride", "padding", "dilation", "output", "jump", "RF", "start"],
                   rows, align="llrrrrrrrr"),
            f"receptive field {fmt_pair(table.receptive_field)}, effective stride "
            f"{fmt_pair(table.effective_stride)}, effective padding {fmt_pair(table.effective_padding)}"]
    data = table.as_dict()
    data.update(formula=result.formula, steps=list(result.steps), notes=list(result.notes))
    return Output(data, _with_notes(text, result, args.steps))


def _params(args: argparse.Namespace) -> Output:
    if args.list:
        return _list_presets()
    from calculators.params import count_params

    name, layers, size, in_channels, _, notes = _resolve(args)
    result = count_params(layers, size, in_channels, name, notes=notes)
    table = result.value
    rows = [[f"{r.name} ({r.type})", str(list(r.output_shape)), f"{r.params:,}", human(r.macs) if r.macs else "--"]
            for r in table.rows]
    text = [f"{name}: input {in_channels}×{size[0]}×{size[1]} (shapes per sample, no batch dimension)",
            _table(["Layer (type)", "Output shape", "Params", "MACs"], rows, align="llrr"),
            f"Total params: {table.total_params:,}",
            f"Total MACs:   {human(table.total_macs)} ({table.total_macs:,} multiply-accumulates; what torchvision, "
            f"fvcore, ptflops and thop call FLOPs)",
            f"Total FLOPs:  {human(table.total_flops)} (= 2 × MACs = {table.total_flops:,})"]
    data = table.as_dict()
    data.update(formula=result.formula, steps=list(result.steps), notes=list(result.notes))
    return Output(data, _with_notes(text, result, args.steps))
