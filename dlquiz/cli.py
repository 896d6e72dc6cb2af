"""`dlquiz` command line. Argument parsing only; the work lives in calculators/, question_bank/,
dlquiz.review and dlquiz.lab, which the TUI calls too."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Sequence

from calculators.errors import InputError

# Command modules; each one's register() adds its own subcommands.
CALC_MODULES = ("calc_size", "calc_net", "calc_boxes_norms", "calc_solve")
TOP_MODULES = ("bank", "quiz", "stats", "export", "lab")

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage + error; users asked for one clear line and exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _register_all(subparsers: argparse._SubParsersAction, names: Sequence[str]) -> None:
    for name in names:
        importlib.import_module(f"dlquiz.commands.{name}").register(subparsers)


class RaisingParser(OneLineParser):
    """For in-process callers (the TUI): a usage error becomes InputError instead of exiting."""

    def error(self, message: str):  # type: ignore[override]
        raise InputError(message)


def build_parser(parser_class: type[argparse.ArgumentParser] = OneLineParser) -> argparse.ArgumentParser:
    parser = parser_class(
        prog="dlquiz",
        description="Deep-learning interview drills, calculators and a live lab. "
        "Run without arguments for the terminal UI.",
    )
    parser.add_argument("--version", action="version", version="dlquiz 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    calc = sub.add_parser("calc", help="calculators: conv/pool sizes, receptive field, params, IoU, norms",
                          description="Interview calculators. Every result shows its derivation.")
    calc_sub = calc.add_subparsers(dest="calc_command", metavar="CALC", required=True,
                                   parser_class=parser_class)
    _register_all(calc_sub, CALC_MODULES)
    _register_all(sub, TOP_MODULES)
    return parser


def _print(output, as_json: bool) -> None:
    if as_json:
        print(json.dumps(output.data, ensure_ascii=False, indent=2))
    else:
        print(output.text)


def run_command(argv: Sequence[str]):
    """Parse and run one command in-process; returns its Output. Raises InputError on bad input.
    The TUI's calculators screen uses this, so screen and CLI share parsing and derivations."""
    args = build_parser(RaisingParser).parse_args(list(argv))
    return args.handler(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        from dlquiz.tui.app import run_app  # imported only when the TUI is wanted

        return run_app()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        output = handler(args)
    except InputError as exc:
        print(f"dlquiz: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("dlquiz: interrupted", file=sys.stderr)
        return 130
    if isinstance(output, int):
        return output
    if output is not None:
        try:
            _print(output, getattr(args, "json", False))
        except BrokenPipeError:  # `dlquiz ... | head`: the reader left; not an error
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
