"""`dlquiz export anki OUT.apkg`."""
from __future__ import annotations

import argparse
from pathlib import Path

from dlquiz.commands import Output
from dlquiz.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export the bank (Anki .apkg)",
                              description="Export the question bank. Re-exporting updates existing Anki notes.")
    sub = p.add_subparsers(dest="export_format", metavar="FORMAT", required=True, parser_class=p.__class__)
    anki = sub.add_parser("anki", help="an Anki package: one sub-deck per topic, both languages",
                          description="Write an Anki .apkg with one sub-deck per topic.")
    anki.add_argument("out", metavar="OUT.apkg", help="file to write")
    anki.add_argument("--json", action="store_true", help="print JSON")
    anki.set_defaults(handler=handle_anki)


def handle_anki(args) -> Output:
    from dlquiz.anki import export_anki
    from question_bank.loader import load_bank

    out = Path(args.out)
    if out.suffix != ".apkg":
        raise InputError(f"output file must end in .apkg, got {out.name!r}")
    try:  # is_dir/exists raise OSError themselves for a name too long for the file system
        if out.is_dir():
            raise InputError(f"{out} is a directory; give a file name ending in .apkg")
        parent = out.parent
        if not parent.exists():
            raise InputError(f"directory {parent} does not exist; create it first or pick another OUT.apkg")
        if not parent.is_dir():
            raise InputError(f"{parent} is not a directory; OUT.apkg must be inside an existing directory")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        count = export_anki(load_bank(), out)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    return Output({"file": str(out), "notes": count}, f"wrote {count} notes to {out}")
