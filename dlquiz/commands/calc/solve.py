"""`dlquiz calc solve ...`: inverse size problems (padding, stride, kernel, input size, "same").

SymPy is imported (via calculators.solve) only inside the handlers, so `dlquiz calc conv` stays light.

JSON:
  same                        {"target_size", "symmetric_padding": [...], "total_padding", "padding_left",
                               "padding_right", "formula", "steps", "notes"}
  padding|stride|kernel|input {"unknown", "solutions": [...], "every_value_from": int|null,
                               "formula", "steps", "notes"}; input adds "interval": [min, max] or null
"""
from __future__ import annotations

import argparse

from calculators.limits import INT_LIMIT_HELP, MAX_CANDIDATES, int_text_problem, shorten
from dlquiz.commands import Output
from dlquiz.commands.calc.args import accept_negative_values
from dlquiz.commands.calc.format import answer_text

SOLVE_EXAMPLES = """\
examples:
  dlquiz calc solve same --kernel 5
  dlquiz calc solve same --kernel 7 --stride 2 --size 224
  dlquiz calc solve padding --size 224 --kernel 7 --stride 2 --out 112
  dlquiz calc solve stride --size 224 --kernel 3 --padding 1 --out 112
  dlquiz calc solve kernel --size 13 --out 6 --stride 2 --pool
  dlquiz calc solve input --out 7 --kernel 3 --stride 2 --padding 1

One spatial dimension at a time. Layer type: conv (default), --transposed, or --pool (max;
--avg for average, --ceil for ceil_mode). Every answer is checked with PyTorch's rules.

limits:
  """ + INT_LIMIT_HELP + f"""; at most {MAX_CANDIDATES} candidate values are checked
"""

PROBLEMS = {
    "same": ("padding that keeps the size (stride 1) or gives ceil(n/s)",
             "  dlquiz calc solve same --kernel 5\n  dlquiz calc solve same --kernel 4 --dilation 1\n"
             "  dlquiz calc solve same --kernel 7 --stride 2 --size 224 --json"),
    "padding": ("every padding p that gives --out",
                "  dlquiz calc solve padding --size 224 --kernel 7 --stride 2 --out 112\n"
                "  dlquiz calc solve padding --size 112 --kernel 3 --stride 2 --out 56 --pool\n"
                "  dlquiz calc solve padding --size 7 --kernel 3 --stride 2 --out 14 --transposed "
                "--output-padding 1"),
    "stride": ("every stride s that gives --out",
               "  dlquiz calc solve stride --size 224 --kernel 3 --padding 1 --out 112\n"
               "  dlquiz calc solve stride --size 10 --kernel 3 --out 1"),
    "kernel": ("every kernel size k that gives --out",
               "  dlquiz calc solve kernel --size 32 --out 28\n"
               "  dlquiz calc solve kernel --size 13 --out 6 --stride 2 --pool"),
    "input": ("every input size n that gives --out (an interval: the floor is many-to-one)",
              "  dlquiz calc solve input --out 7 --kernel 3 --stride 2 --padding 1\n"
              "  dlquiz calc solve input --out 3 --kernel 2 --pool --ceil"),
}

# Which of the size options each problem takes; the unknown one is left out.
OPTIONS = {
    "padding": ("size", "kernel", "out", "stride", "dilation"),
    "stride": ("size", "kernel", "out", "padding", "dilation"),
    "kernel": ("size", "out", "stride", "padding", "dilation"),
    "input": ("out", "kernel", "stride", "padding", "dilation"),
}
REQUIRED = {"size", "kernel", "out"}
METAVAR = {"size": "N", "kernel": "K", "out": "OUT", "stride": "S", "padding": "P", "dilation": "D"}
OPTION_HELP = {
    "size": "input size n",
    "kernel": "kernel size k",
    "out": "wanted output size",
    "stride": "stride s (default 1; the kernel for --pool)",
    "padding": "padding p on each side (default 0)",
    "dilation": "dilation d (default 1)",
}


def integer(text: str) -> int:
    """argparse type with a one-line message naming the bad value; ASCII digits, |n| ≤ 10^18."""
    problem = int_text_problem(text) or ""
    if problem.startswith("too large"):
        raise argparse.ArgumentTypeError(f"{shorten(text)!r} is {problem}")
    if problem:
        raise argparse.ArgumentTypeError(f"expected an integer, got {shorten(text)!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:
    solve = subparsers.add_parser(
        "solve", help="inverse problems: padding / stride / kernel / input size for a wanted output",
        description="Inverse conv / pool size problems, solved with SymPy and checked against PyTorch's rules.",
        epilog=SOLVE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    problems = solve.add_subparsers(dest="solve_command", metavar="PROBLEM", required=True,
                                    parser_class=type(solve))
    for name, (summary, examples) in PROBLEMS.items():
        parser = problems.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                                     epilog="examples:\n" + examples + "\n\nlimits:\n  " + INT_LIMIT_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
        if name == "same":
            _add_same_options(parser)
        else:
            _add_problem_options(parser, OPTIONS[name])
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        accept_negative_values(parser)  # `--padding -1` gets "expected a non-negative ...", not argparse's puzzle
        parser.set_defaults(handler=run_same if name == "same" else run_inverse)


def _add_same_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernel", type=integer, required=True, metavar="K", help="kernel size k")
    parser.add_argument("--stride", type=integer, default=1, metavar="S", help="stride s (default 1)")
    parser.add_argument("--dilation", type=integer, default=1, metavar="D", help="dilation d (default 1)")
    parser.add_argument("--size", type=integer, metavar="N", help="input size n (needed when stride > 1)")


def _add_problem_options(parser: argparse.ArgumentParser, options: tuple[str, ...]) -> None:
    for option in options:
        parser.add_argument(f"--{option}", type=integer, required=option in REQUIRED,
                            metavar=METAVAR[option], help=OPTION_HELP[option])
    layer = parser.add_argument_group("layer type (default: convolution)")
    layer.add_argument("--transposed", action="store_true", help="transposed convolution")
    layer.add_argument("--output-padding", type=integer, metavar="O",
                       help="transposed conv only: extra rows at the bottom/right, < max(stride, dilation)")
    layer.add_argument("--pool", action="store_true", help="max pooling (stride defaults to the kernel)")
    layer.add_argument("--avg", action="store_true", help="average pooling (implies --pool)")
    layer.add_argument("--ceil", action="store_true", help="pooling with ceil_mode=True (implies --pool)")


def _layer_type(args: argparse.Namespace) -> str:
    from dlquiz.errors import InputError

    pooling = args.pool or args.avg or args.ceil
    if args.transposed and pooling:
        raise InputError("choose one layer type: --transposed or pooling (--pool/--avg/--ceil), not both")
    if args.output_padding is not None and not args.transposed:
        raise InputError("--output-padding applies to transposed convolution only; add --transposed")
    return "transposed" if args.transposed else "pool" if pooling else "conv"


def run_inverse(args: argparse.Namespace) -> Output:
    from calculators import solve  # imports SymPy

    op = _layer_type(args)
    layer = {"op": op, "ceil_mode": args.ceil, "avg": args.avg,
             "output_padding": args.output_padding or 0,
             "dilation": args.dilation if args.dilation is not None else 1}
    padding = args.padding if getattr(args, "padding", None) is not None else 0
    problem = args.solve_command
    if problem == "padding":
        result = solve.solve_padding(args.size, args.kernel, args.out, args.stride, **layer)
    elif problem == "stride":
        result = solve.solve_stride(args.size, args.kernel, args.out, padding, **layer)
    elif problem == "kernel":
        result = solve.solve_kernel(args.size, args.out, args.stride, padding, **layer)
    else:
        result = solve.solve_input(args.out, args.kernel, args.stride, padding, **layer)
    solutions = result.value
    data = {**solutions.to_dict(), **result.derivation()}
    if problem == "input":
        data["interval"] = [solutions.values[0], solutions.values[-1]] if solutions.values else None
    title = f"Solve for {problem.replace('input', 'input size')} ({_describe(op, args)})"
    return Output(data=data, text=answer_text(title, result, result.steps[-1].removeprefix("→ ")))


def run_same(args: argparse.Namespace) -> Output:
    from calculators import solve  # imports SymPy

    result = solve.same_padding(args.kernel, args.stride, args.dilation, args.size)
    data = {**result.value.to_dict(), **result.derivation()}
    return Output(data=data, text=answer_text("'Same' padding (conv)", result,
                                              result.steps[-1].removeprefix("→ ")))


def _describe(op: str, args: argparse.Namespace) -> str:
    if op == "pool":
        return ("average" if args.avg else "max") + " pooling" + (", ceil_mode" if args.ceil else "")
    return "transposed conv" if op == "transposed" else "conv"
