"""`dlquiz calc conv` and `dlquiz calc pool`: output sizes with the derivation.

JSON: {"output_size": int, "formula": str, "steps": [str, ...], "notes": [str, ...]}
plus "output_shape": [h, w] when any argument is an H,W pair (output_size is then the height).
"""
from __future__ import annotations

import argparse

from calculators.limits import INT_LIMIT_HELP, MAX_INT_TEXT, int_text_problem, shorten
from dlquiz.commands import Output

CONV_EXAMPLES = """\
examples:
  dlquiz calc conv --size 224 --kernel 7 --stride 2 --padding 3
  dlquiz calc conv --size 224,160 --kernel 3 --padding 1 --dilation 1,2
  dlquiz calc conv --size 7 --kernel 3 --stride 2 --padding 1 --transposed --output-padding 1
  dlquiz calc conv --size 32 --kernel 5 --json

Any of --size/--kernel/--stride/--padding/--dilation/--output-padding may be H,W.

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

limits:
  {INT_LIMIT}
"""

CONV_EXAMPLES = CONV_EXAMPLES.replace("{INT_LIMIT}", INT_LIMIT_HELP)
POOL_EXAMPLES = POOL_EXAMPLES.replace("{INT_LIMIT}", INT_LIMIT_HELP)


def int_or_pair(text: str) -> int | tuple[int, int]:
    """argparse type: "224" → 224, "224,160" → (224, 160). ASCII digits, |n| ≤ 10^18 (checked before int())."""
    parts = text.split(",", 2)
    problems = [int_text_problem(part) for part in parts]
    if len(parts) in (1, 2) and any(p.startswith("too large") for p in problems):
        raise argparse.ArgumentTypeError(f"{shorten(text)!r} is too large (integers are limited to {MAX_INT_TEXT})")
    if len(parts) not in (1, 2) or any(problems):
        raise argparse.ArgumentTypeError(f"expected an integer or an H,W pair, got {shorten(text)!r}")
    numbers = [int(part) for part in parts]
    return numbers[0] if len(numbers) == 1 else (numbers[0], numbers[1])


def _add_shared(parser: argparse.ArgumentParser, stride_help: str) -> None:
    parser.add_argument("--size", type=int_or_pair, required=True, metavar="N",
                        help="input size n, or H,W")
    parser.add_argument("--kernel", type=int_or_pair, required=True, metavar="K", help="kernel size k, or H,W")
    parser.add_argument("--stride", type=int_or_pair, metavar="S", help=stride_help)
    parser.add_argument("--padding", type=int_or_pair, default=0, metavar="P",
                        help="padding p on each side (default 0)")
    parser.add_argument("--dilation", type=int_or_pair, default=1, metavar="D", help="dilation d (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


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
    from calculators import conv  # pure Python, but keep `dlquiz --help` free of it
    from dlquiz.errors import InputError

    stride = 1 if args.stride is None else args.stride
    if args.transposed:
        result = conv.conv_transpose_size(args.size, args.kernel, stride, args.padding, args.dilation,
                                          0 if args.output_padding is None else args.output_padding)
        title = "ConvTranspose output size"
    else:
        if args.output_padding is not None:
            raise InputError("--output-padding applies to transposed convolution only; add --transposed")
        result = conv.conv_size(args.size, args.kernel, stride, args.padding, args.dilation)
        title = "Conv output size"
    return _output(result, title)


def run_pool(args: argparse.Namespace) -> Output:
    from calculators import conv

    result = conv.pool_size(args.size, args.kernel, args.stride, args.padding, args.dilation,
                            ceil_mode=args.ceil, avg=args.avg)
    title = ("AvgPool" if args.avg else "MaxPool") + " output size" + (", ceil_mode" if args.ceil else "")
    return _output(result, title)


def _output(result, title: str) -> Output:
    value = result.value
    two_d = isinstance(value, tuple)
    data = {"output_size": value[0] if two_d else value, "formula": result.formula,
            "steps": list(result.steps), "notes": list(result.notes)}
    if two_d:
        data["output_shape"] = list(value)
        title += " (H × W)"
    answer = " × ".join(map(str, value)) if two_d else str(value)
    return Output(data=data, text=render_text(title, result, answer))


def render_text(title: str, result, answer: str) -> str:
    """Title, formula, substituted steps, the answer, then notes (the answer must not hide under caveats)."""
    steps = list(result.steps)
    if steps and steps[-1].startswith("→ "):  # the answer line below says it
        steps.pop()
    lines = [title, f"formula: {result.formula}", *("  " + step for step in steps),
             f"answer: {answer}", *(f"note: {note}" for note in result.notes)]
    return "\n".join(lines)
