"""`dlquiz quiz`: drill in a plain terminal (scripts, screen readers, SSH). One answer per stdin line;
every graded answer is saved the moment it is given."""
from __future__ import annotations

import argparse
import sys

from dlquiz.commands import Output
from dlquiz.review.kinds import SessionKind

EXAMPLES = """examples:
  dlquiz quiz                                  today's review (due cards, then new ones)
  dlquiz quiz --mode practice --topic cnn --type numeric --count 5
  dlquiz quiz --mode errata --lang zh          where the study notes are wrong
  dlquiz quiz --mode mock --count 10           timed mock interview
  dlquiz quiz --generator backprop --count 5   generated questions of one family only (practice)
  dlquiz quiz --generator list                 the generator families
  printf '\\n3\\n' | dlquiz quiz --type flashcard --count 1

answers: choice → letters or numbers (B, or A,C for several); numeric → a number or arithmetic
(3*3*64+64, 2^5); true/false → t/f (对/错); flashcard → Enter reveals, then 1 Again, 2 Hard,
3 Good, 4 Easy. An empty line at a typed question skips it; Ctrl-D ends the session."""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("quiz", help="drill in the plain terminal (no TUI)",
                              description="Drill questions in the plain terminal, reading answers from stdin.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=[k.value for k in SessionKind],
                   help="session kind (default: review; practice with --generator)")
    p.add_argument("--topic", help="only this topic (see `dlquiz bank stats`)")
    # (question_bank.model's QUESTION_TYPES, spelled out: importing it here costs every command ~7 ms)
    p.add_argument("--type", dest="qtype", choices=("flashcard", "choice", "numeric", "truefalse"))
    p.add_argument("--tag", help="only questions with this tag")
    p.add_argument("--difficulty", type=int, choices=(1, 2, 3))
    p.add_argument("--count", type=count_arg, help="number of questions, 1 to 1000 (default depends on --mode)")
    p.add_argument("--lang", choices=("zh", "en"), help="language (default: your saved choice, else $LANG)")
    p.add_argument("--seed", type=int, help="seed for the question order")
    p.add_argument("--generator", metavar="FAMILY",
                   help="practice only generated questions of this family (or of one generator); "
                        "`--generator list` lists the families")
    p.add_argument("--json", action="store_true", help="print the session summary as JSON at the end")
    p.set_defaults(handler=handle_quiz)


def count_arg(text: str) -> int:
    """argparse type for --count: a whole number (the range is checked first thing in handle_quiz).
    Unlike type=int, a 5000-digit value gives a short message, not the value echoed back."""
    try:
        return int(text)
    except ValueError:
        shown = text if len(text) <= 40 else f"{text[:20]}... ({len(text)} characters)"
        raise argparse.ArgumentTypeError(f"must be a positive integer from 1 to 1000, got {shown!r}") from None


def handle_quiz(args) -> Output:
    from dlquiz.errors import InputError
    from dlquiz.i18n import t
    from dlquiz.lang import preferred_lang
    from dlquiz.paths import progress_db_path
    from dlquiz.review.plain import run_plain_session, summary_text
    from dlquiz.review.session import Session, SessionConfig, check_count
    from dlquiz.review.store import ProgressStore
    from question_bank.loader import load_bank

    check_count(args.count, "--count")  # before the store, the bank or any question is touched
    if args.generator == "list":
        return family_listing(args.lang or preferred_lang())
    mode = args.mode or (SessionKind.PRACTICE if args.generator is not None else SessionKind.REVIEW)
    if sys.stdin is None:  # `dlquiz quiz 0<&-`: no stdin at all (an empty one is just EOF)
        raise InputError("quiz reads answers from standard input, which is closed; "
                         "pipe answers in (printf '3\\n' | dlquiz quiz) or run it in a terminal")
    store = ProgressStore(progress_db_path())
    if store.recovery_message:
        print(f"warning: {store.recovery_message}", file=sys.stderr)
    lang = args.lang or preferred_lang(store.get_setting("lang"))
    config = SessionConfig(kind=SessionKind(mode), topic=args.topic, tag=args.tag, difficulty=args.difficulty,
                           qtype=args.qtype, count=args.count, seed=args.seed, generator=args.generator)
    try:
        bank = load_bank()
        session = Session.start(bank, store, config)
        if not session.queue and config.kind == SessionKind.REVIEW:
            print(t("quiz_practising_instead", lang))
            config.kind = SessionKind.PRACTICE
            session = Session.start(bank, store, config)
        if not session.queue:
            raise InputError("no questions match these filters")
        try:
            run_plain_session(session, lang, sys.stdin, sys.stdout)
        except (BrokenPipeError, KeyboardInterrupt):
            session.finish()  # every answer is already saved; this keeps a mock interview's record too
            raise
        summary = session.finish()
    finally:
        store.close()
    text = summary_text(session, summary, lang)
    return Output(summary, text)


def family_listing(lang: str) -> Output:
    """`--generator list`: each family, its title and its generators (JSON: the same as a list of objects)."""
    from question_bank.generators import FAMILIES, FAMILY_TITLES

    data = [{"family": family, "title": FAMILY_TITLES[family].to_dict(), "generators": list(names)}
            for family, names in FAMILIES.items()]
    width = max(map(len, FAMILIES))
    lines = [f"{family:<{width}}  {FAMILY_TITLES[family].get('zh' if lang == 'zh' else 'en')}: {', '.join(names)}"
             for family, names in FAMILIES.items()]
    return Output(data, "\n".join(lines))
