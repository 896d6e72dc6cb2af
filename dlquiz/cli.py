"""`dlquiz` command line. Argument parsing only; the work lives in calculators/, question_bank/,
dlquiz.review and dlquiz.lab, which the TUI calls too."""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from dlquiz.errors import InputError

# Command modules; each one's register() adds its own subcommands.
CALC_MODULES = ("calc.size", "calc.net", "calc.memory", "calc.boxes", "calc.norms", "calc.solve")  # `calc --help` order
TOP_MODULES = ("bank", "quiz", "stats", "export", "lab")

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `yes | head -1`


MAX_MESSAGE = 600  # characters of an error line; a 20000-character argument is not echoed whole
# Everything str.splitlines() breaks on, plus the other control characters a terminal would act on.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(message: str) -> str:
    """An error message as one printable line: line breaks and control characters from user input
    are shown escaped (\\n), and an enormous echoed value is cut in the middle."""
    message = _LINE_BREAKING.sub(lambda m: repr(m.group())[1:-1], message)
    if len(message) > MAX_MESSAGE:
        cut = len(message) - MAX_MESSAGE
        message = f"{message[:MAX_MESSAGE - 200]}...[{cut} characters cut]...{message[-200:]}"
    return message


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage + error; users asked for one clear line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)} (see `{self.prog} --help`)\n")


def _register_all(subparsers: argparse._SubParsersAction, names: Sequence[str]) -> None:
    for name in names:
        importlib.import_module(f"dlquiz.commands.{name}").register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="dlquiz",
        description="Deep-learning interview drills, calculators and a live lab. "
        "Run without arguments for the terminal UI.",
    )
    parser.add_argument("--version", action="version", version="dlquiz 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    calc = sub.add_parser("calc", help="calculators: conv/pool sizes, receptive field, params, IoU, norms",
                          description="Interview calculators. Every result shows its derivation.")
    calc_sub = calc.add_subparsers(dest="calc_command", metavar="CALC", required=True,
                                   parser_class=OneLineParser)
    _register_all(calc_sub, CALC_MODULES)
    _register_all(sub, TOP_MODULES)
    return parser


def _print(output, as_json: bool) -> None:
    if as_json:
        # allow_nan=False: NaN/Infinity are not JSON; a calculator must never hand them out
        print(json.dumps(output.data, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(output.text)


def _prepare_streams() -> None:
    """Make the standard streams safe for any command before it runs.

    A closed stream (`2>&-`, `1>&-`) is None in Python: writes go to the null device instead. Output
    the terminal's encoding cannot show (Chinese text under PYTHONIOENCODING=ascii or LANG=C on some
    systems) is written as backslash escapes rather than raising UnicodeEncodeError; stdin bytes that
    do not decode become U+FFFD, so a quiz re-asks instead of crashing. A closed stdin stays None:
    only `quiz` reads it and it says so in one line.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            # stays open for the life of the process: it *is* the stream now
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    for stream, errors in ((sys.stdout, "backslashreplace"), (sys.stderr, "backslashreplace"),
                           (sys.stdin, "replace")):
        reconfigure = getattr(stream, "reconfigure", None)  # real TextIOWrapper, not StringIO
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            try:
                reconfigure(errors=errors)
            except (ValueError, OSError):  # detached or closed: leave it as it is
                pass


def _reader_left() -> int:
    """stdout is a pipe whose reader has gone (`dlquiz ... | head -1`): stop quietly.

    Pointing stdout at the null device keeps the interpreter's final flush from printing an
    'Exception ignored ... BrokenPipeError' message on the way out."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # in-process callers with a StringIO stdout
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (replaces stdout until exit)
    else:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        from dlquiz.tui.app import run_app  # imported only when the TUI is wanted

        return run_app()
    _prepare_streams()
    try:
        try:
            return _run_cli(argv)
        finally:  # also after argparse's SystemExit (--help): a reader that left shows up here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:
        return _reader_left()


def _run_cli(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --help / usage errors exit here (SystemExit), as argparse does
    handler = getattr(args, "handler", None)
    if handler is None:  # `dlquiz --`: options but no command
        print(f"dlquiz: error: no command given; choose one of: calc, {', '.join(TOP_MODULES)} "
              "(see `dlquiz --help`)", file=sys.stderr)
        return EXIT_USAGE
    try:
        output = handler(args)
    except InputError as exc:
        print(f"dlquiz: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("dlquiz: interrupted", file=sys.stderr)
        return 130
    if isinstance(output, int):
        return output
    if output is not None:
        _print(output, getattr(args, "json", False))
    return 0
