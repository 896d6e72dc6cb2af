"""`dlquiz calc conv` and `dlquiz calc pool`: output sizes with the derivation.

JSON: {"output_size": int, "formula": str, "steps": [str, ...], "notes": [str, ...]} for one dimension;
when any argument is an H,W pair, "output_size" is [H, W] and "output_height" / "output_width" are added.
Negative values (`--padding -1`, `--size -3,4`) reach the value parsers, which say what is allowed.
"""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from calculators.inputs import parse_int_or_pair
from calculators.limits import INT_LIMIT_HELP
from dlquiz.commands import Output
from dlquiz.commands.calc.args import accept_negative_values, argparse_type
from dlquiz.commands.calc.format import answer_text

if TYPE_CHECKING:
    from calculators.result import Result

CONV_EXAMPLES = """\
examples:
  dlquiz calc conv --size 224 --kernel 7 --stride 2 --padding 3
  dlquiz calc conv --size 224,160 --kernel 3 --padding 1 --dilation 1,2
  dlquiz calc conv --size 7 --kernel 3 --stride 2 --padding 1 --transposed --output-padding 1
  dlquiz calc conv --size 32 --kernel 5 --json

Any of --size/--kernel/--stride/--padding/--dilation/--output-padding may be H,W.
--json: {"output_size": N, "formula", "steps", "notes"}; with any H,W argument "output_size" is [H, W]
and "output_height", "output_width" are added.

limits:
  {INT_LIMIT}
"""

POOL_EXAMPLES = """\
examples:
  dlquiz calc pool --size 112 --kernel 3 --stride 2 --padding 1
  dlquiz calc pool --size 5 --kernel 2 --stride 2 --padding 1 --ceil
  dlquiz calc pool --size 13 --kernel 3 --stride 2 --avg --json

The stride defaults to the kernel, as in PyTorch. PyTorch requires padding <= kernel/2.
Any of --size/--kernel/--stride/--padding/--dilation may be H,W.
--json: {"output_size": N, "formula", "steps", "notes"}; with any H,W argument "output_size" is [H, W]
and "output_height", "output_width" are added.

limits:
  {INT_LIMIT}
"""

CONV_EXAMPLES = CONV_EXAMPLES.replace("{INT_LIMIT}", INT_LIMIT_HELP)
POOL_EXAMPLES = POOL_EXAMPLES.replace("{INT_LIMIT}", INT_LIMIT_HELP)


int_or_pair = argparse_type(parse_int_or_pair)  # "224" → 224, "224,160" → (224, 160)


def _add_shared(parser: argparse.ArgumentParser, stride_help: str) -> None:
    parser.add_argument("--size", type=int_or_pair, required=True, metavar="N",
                        help="input size n, or H,W")
    parser.add_argument("--kernel", type=int_or_pair, required=True, metavar="K", help="kernel size k, or H,W")
    parser.add_argument("--stride", type=int_or_pair, metavar="S", help=stride_help)
    parser.add_argument("--padding", type=int_or_pair, default=0, metavar="P",
                        help="padding p on each side (default 0)")
    parser.add_argument("--dilation", type=int_or_pair, default=1, metavar="D", help="dilation d (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    accept_negative_values(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    conv = subparsers.add_parser(
        "conv", help="conv / transposed conv output size",
        description="Output size of Conv1d/Conv2d or ConvTranspose (PyTorch rules), with the derivation.",
        epilog=CONV_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_shared(conv, "stride s (default 1)")
    conv.add_argument("--transposed", action="store_true", help="transposed convolution (ConvTranspose)")
    conv.add_argument("--output-padding", type=int_or_pair, metavar="O",
                      help="extra rows at the bottom/right of a transposed conv; must be < max(stride, dilation)")
    conv.set_defaults(handler=run_conv)

    pool = subparsers.add_parser(
        "pool", help="max / average pooling output size",
        description="Output size of MaxPool/AvgPool (PyTorch rules, floor unless --ceil), with the derivation.",
        epilog=POOL_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_shared(pool, "stride s (default: the kernel)")
    pool.add_argument("--ceil", action="store_true", help="ceil_mode=True: round up, keep a partial last window")
    pool.add_argument("--avg", action="store_true", help="average pooling (no dilation in PyTorch)")
    pool.set_defaults(handler=run_pool)


def run_conv(args: argparse.Namespace) -> Output:
    from calculators.inputs import conv_layer_size  # keeps `dlquiz --help` free of calculators.conv

    result = conv_layer_size(args.size, args.kernel, args.stride, args.padding, args.dilation, args.output_padding,
                             args.transposed)
    return _output(result, "ConvTranspose output size" if args.transposed else "Conv output size")


def run_pool(args: argparse.Namespace) -> Output:
    from calculators import conv

    result = conv.pool_size(args.size, args.kernel, args.stride, args.padding, args.dilation,
                            ceil_mode=args.ceil, avg=args.avg)
    title = ("AvgPool" if args.avg else "MaxPool") + " output size" + (", ceil_mode" if args.ceil else "")
    return _output(result, title)


def _output(result: Result[Any], title: str) -> Output:
    value = result.value
    two_d = isinstance(value, tuple)
    data: dict[str, Any] = {"output_size": list(value) if two_d else value}
    if two_d:  # a list, never H alone: a script reading output_size cannot mistake H for the whole answer
        data["output_height"], data["output_width"] = value
        title += " (H × W)"
    data.update(result.derivation())
    answer = " × ".join(map(str, value)) if two_d else str(value)
    return Output(data=data, text=answer_text(title, result, answer))
