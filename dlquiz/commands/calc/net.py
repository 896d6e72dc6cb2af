"""`dlquiz calc rf` and `dlquiz calc params`: receptive-field and parameter/MAC tables for a preset network
or a layer spec. Pure calculators only: no torch, sympy or textual is imported here."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TypedDict

from calculators.limits import INT_LIMIT_HELP, SPEC_LIMIT_HELP, help_block, parse_int
from calculators.preset_catalog import PRESET_DESCRIPTIONS
from dlquiz.commands import Output
from dlquiz.commands.calc.args import argparse_type
from dlquiz.commands.calc.format import human, table_text
from dlquiz.text_layout import text_table

if TYPE_CHECKING:
    from calculators.params import ParamsTable
    from calculators.receptive_field import RFTable

SPEC_HELP = ("layer spec, e.g. \"conv(k=11,s=4,p=2,c=64); relu; pool(k=3,s=2); conv(k=5,p=2,c=192); bn; fc(4096)\". "
             "Layers: conv dwconv deconv pool/maxpool avgpool adaptiveavgpool(o=) gap bn relu gelu sigmoid tanh ... "
             "fc(o) flatten dropout basic(c,s) bottleneck(c,s) bn(affine=false) layernorm groupnorm(g) instancenorm "
             "(affine=false by default) prelu(n) embedding(num,dim,t) rnn/lstm/gru(h,i,layers,bidir,bias,t) "
             "adaptivemaxpool(o)/amp(o) gmp upsample(s) pixelshuffle(r). "
             "Keys: k (kernel), s (stride, default 1; pooling: "
             "= k), p (padding, 0), d (dilation, 1), c (out channels; default: keep), g (groups), op (output "
             "padding), ceil, bias. Pairs as HxW (k=3x1); layer*N repeats. A spec starting with embedding or "
             "rnn/lstm/gru(h,i=,t=) reads token ids or a t×i sequence instead of an image")

RF_HEADER = ["layer", "type", "kernel", "stride", "padding", "dilation", "output", "jump", "RF", "start"]
PARAMS_HEADER = ["Layer (type)", "Output shape", "Params", "MACs"]


class PresetSummary(TypedDict):
    """One network of `--list --json`."""

    name: str
    description: str
    input_size: int
    in_channels: int
    rf_end: str


SEQUENCE_HELP = """sequence layers (calc params):
  embedding(num, dim, t=1)   first layer: t token ids -> t×dim; params num·dim, 0 MACs (a lookup)
  rnn|lstm|gru(h, i=, layers=1, bidir=false, bias=true, t=1)
                             reads a T×F sequence (i = F); as the first layer give i= and t=.
                             G gate sets: rnn 1, lstm 4 (i,f,g,o), gru 3 (r,z,n); D = 2 if bidir else 1.
                             params per layer and direction: G·h·(in + h) + 2·G·h (PyTorch's b_ih and b_hh);
                             in = i for layer 1, D·h after. MACs per step = Σ D·G·h·(in + h); a row counts
                             T steps. Gate nonlinearities and elementwise products are not counted.
  fc on a T×F sequence       applies to every step: T·in·out MACs
  e.g. calc params --layers "embedding(10000,300,t=35); lstm(256,layers=2,bidir=true); fc(10000)"
norms: bn(affine=false) 0 params; layernorm 2·F on vectors/sequences, 2·C·H·W on maps (nn.LayerNorm([C,H,W]));
  groupnorm(g) 2·C; instancenorm 0 (PyTorch's affine=False; affine=true: 2·C); prelu(n) n params (1 or C)"""


def _preset_epilog() -> str:
    width = max(map(len, PRESET_DESCRIPTIONS))
    lines = [f"  {name:<{width}}  {desc}" for name, desc in PRESET_DESCRIPTIONS.items()]
    return "networks:\n" + "\n".join(lines) + "\n\n" + help_block(SPEC_LIMIT_HELP,
                                                                 "--size and --in-channels: " + INT_LIMIT_HELP)


def register(subparsers: argparse._SubParsersAction) -> None:
    epilog = _preset_epilog()
    rf = subparsers.add_parser(
        "rf", help="receptive field, jump and start per layer (preset NET or --layers SPEC)",
        description="Receptive-field table: r_l = r_{l−1} + (k_eff − 1)·j_{l−1}, k_eff = d(k−1)+1, j_l = j_{l−1}·s. "
                    "For presets the table ends at the last spatial layer (pool5, conv5, last ResNet block).",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    params = subparsers.add_parser(
        "params", help="parameters, MACs and FLOPs per layer (preset NET or --layers SPEC)",
        description="Parameter / MAC / FLOP table (FLOPs = 2 × MACs; torchvision, fvcore, thop report MACs).",
        epilog=epilog + "\n\n" + SEQUENCE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    for parser, handler in ((rf, _rf), (params, _params)):
        parser.add_argument("network", nargs="?", metavar="NET", help="preset name (see the list below)")
        parser.add_argument("--layers", metavar="SPEC", help=SPEC_HELP)
        parser.add_argument("--size", metavar="N", help="input height = width N, or HxW (default: the preset's, "
                                                        "224 for --layers)")
        if parser is params:
            parser.add_argument("--in-channels", type=argparse_type(lambda text: parse_int(text, "--in-channels")),
                                metavar="C", help="input channels (default: the preset's, 3 for --layers)")
        parser.add_argument("--list", action="store_true", help="list the preset networks")
        parser.add_argument("--steps", action="store_true", help="also print the per-layer derivation")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.set_defaults(handler=handler)


def _list_presets() -> Output:
    from calculators.architectures import get_preset

    data: list[PresetSummary] = []
    for name in PRESET_DESCRIPTIONS:
        p = get_preset(name)
        data.append({"name": name, "description": p.description, "input_size": p.input_size,
                     "in_channels": p.in_channels, "rf_end": p.rf_end_name})
    rows = [[d["name"], f"{d['in_channels']}×{d['input_size']}×{d['input_size']}", d["rf_end"], d["description"]]
            for d in data]
    return Output(data, "\n".join(text_table(["network", "input", "rf ends at", "description"], rows, align="llll")))


def _rf_rows(table: RFTable) -> list[list[str]]:
    """The text cells of an RFTable, one list per layer, in RF_HEADER order."""
    from calculators.layers import fmt_pair
    from calculators.receptive_field import fmt_start

    return [[r.name, r.type, fmt_pair(r.kernel), fmt_pair(r.stride), fmt_pair(r.padding), fmt_pair(r.dilation),
             fmt_pair(r.output_size), fmt_pair(r.jump), fmt_pair(r.receptive_field), fmt_start(r.start)]
            for r in table.rows]


def _params_rows(table: ParamsTable) -> list[list[str]]:
    """The text cells of a ParamsTable, one list per layer, in PARAMS_HEADER order."""
    return [[f"{r.name} ({r.type})", str(list(r.output_shape)), f"{r.params:,}", human(r.macs) if r.macs else "--"]
            for r in table.rows]


def _rf(args: argparse.Namespace) -> Output:
    if args.list:
        return _list_presets()
    from calculators.inputs import resolve_network
    from calculators.layers import fmt_pair
    from calculators.receptive_field import receptive_field_table

    net = resolve_network(args.network, args.layers, args.size)
    result = receptive_field_table(list(net.layers), net.size, net.name, end=net.rf_end, notes=net.notes)
    table = result.value
    title = f"{net.name}: receptive field per layer, input {net.size[0]}×{net.size[1]} (ends at {table.rows[-1].name})"
    summary = (f"receptive field {fmt_pair(table.receptive_field)}, effective stride "
               f"{fmt_pair(table.effective_stride)}, effective padding {fmt_pair(table.effective_padding)}")
    text = table_text(title, RF_HEADER, _rf_rows(table), "llrrrrrrrr", [summary], result, args.steps)
    return Output({**table.as_dict(), **result.derivation()}, text)


def _params(args: argparse.Namespace) -> Output:
    if args.list:
        return _list_presets()
    from calculators.inputs import resolve_network
    from calculators.params import count_params, input_text

    net = resolve_network(args.network, args.layers, args.size, args.in_channels)
    result = count_params(list(net.layers), net.size, net.in_channels, net.name, notes=net.notes)
    table = result.value
    title = f"{net.name}: input {input_text(table)} (shapes per sample, no batch dimension)"
    summary = [f"Total params: {table.total_params:,}",
               f"Total MACs:   {human(table.total_macs)} ({table.total_macs:,} multiply-accumulates; what "
               f"torchvision, fvcore, ptflops and thop call FLOPs)",
               f"Total FLOPs:  {human(table.total_flops)} (= 2 × MACs = {table.total_flops:,})"]
    text = table_text(title, PARAMS_HEADER, _params_rows(table), "llrr", summary, result, args.steps)
    return Output({**table.as_dict(), **result.derivation()}, text)
