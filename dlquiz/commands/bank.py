"""`dlquiz bank list|stats|check|coverage`."""
from __future__ import annotations

import argparse

from dlquiz.commands import Output

EXAMPLES = """examples:
  dlquiz bank list --topic cnn --type numeric
  dlquiz bank list --tag errata --lang zh
  dlquiz bank stats --json
  dlquiz bank check
  dlquiz bank coverage"""


def register(subparsers: argparse._SubParsersAction) -> None:
    bank = subparsers.add_parser("bank", help="list, count, validate the question bank",
                                 description="Inspect the question bank.", epilog=EXAMPLES,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True,
                              parser_class=bank.__class__)
    p = sub.add_parser("list", help="list questions (filter by topic, type, tag, text)")
    p.add_argument("--topic", help="only this topic")
    p.add_argument("--type", choices=("flashcard", "choice", "numeric", "truefalse"))
    p.add_argument("--tag", help="only questions with this tag (e.g. errata)")
    p.add_argument("--search", metavar="TEXT", help="only questions whose text contains TEXT")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the text table")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle_list)
    for name, handler, help_text in (
        ("stats", handle_stats, "counts by type, topic, difficulty and note; from vs beyond the notes"),
        ("check", handle_check, "validate every file; exit 1 on any problem"),
        ("coverage", handle_coverage, "questions per note section (flags uncovered ones), then beyond the notes"),
    ):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)


def _bank():
    from question_bank.loader import load_bank

    return load_bank()


def handle_list(args) -> Output:
    from dlquiz.i18n import t
    from dlquiz.present import qtype_name
    from dlquiz.review.filters import QuestionFilter
    from dlquiz.text_layout import fit, pad
    from question_bank.render import to_terminal

    # an empty --topic/--tag/--search ("") filters nothing, as it always has
    wanted = QuestionFilter(topic=args.topic or None, qtype=args.type, tag=args.tag or None,
                            search=args.search or None)
    questions = wanted.apply(_bank().questions)

    lang = args.lang
    # ids stay as they are (they are what --topic/--tag and `dlquiz quiz` take); the words follow --lang,
    # padded by display width (a Chinese character takes two columns)
    lines = [f"{'id':40} {pad(t('bank_col_type', lang), 10)} {'d':1}  {t('bank_col_prompt', lang)}"]
    for q in questions:
        prompt = to_terminal(q.prompt.get(lang)).replace("\n", " ")
        qtype = q.type if lang == "en" else qtype_name(q.type, lang)  # English: the --type value itself
        lines.append(f"{q.id:40} {pad(qtype, 10)} {q.difficulty}  {fit(prompt, 90)}")
    lines.append(t("bank_count", lang, n=len(questions)))
    return Output([q.to_dict() for q in questions], "\n".join(lines))


def handle_stats(args) -> Output:
    from question_bank.report import bank_stats

    stats = bank_stats(_bank())
    kinds = ", ".join(f"{kind} {n}" for kind, n in stats["beyond_by_kind"].items())
    lines = [f"questions: {stats['total']} ({stats['hand_written']} hand-written), errata: {stats['errata']}",
             f"from the notes: {stats['from_notes']}",
             f"beyond the notes: {stats['beyond_notes']}" + (f" ({kinds})" if kinds else "")]
    for key, title in (("by_type", "type"), ("by_topic", "topic"), ("by_difficulty", "difficulty"),
                       ("by_note", "note")):
        lines.append(f"by {title}:")
        lines += [f"  {k:32} {v:5}" for k, v in stats[key].items()]
    return Output(stats, "\n".join(lines))


def handle_check(args) -> int | Output:
    from question_bank.loader import load_bank_with_problems

    bank, problems = load_bank_with_problems(use_disk_cache=False)
    data = {"ok": not problems, "questions": len(bank.questions), "problems": [str(p) for p in problems]}
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            print(p)
        print(f"{len(bank.questions)} valid question(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def handle_coverage(args) -> Output:
    from question_bank.model import EXTERNAL_SOURCE_KINDS
    from question_bank.report import coverage_report

    report = coverage_report(_bank())
    lines = [f"From the notes: {report['from_notes']} question(s)"]
    for note in report["notes"]:
        lines.append(f"{note['file']}  {note['title']['en']}: {note['questions']} question(s)")
        for s in note["sections"]:
            flag = "  <-- uncovered" if s["questions"] == 0 else ""
            lines.append(f"  {s['questions']:4}  {s['section'][:70]}{flag}")
    lines.append(f"uncovered sections: {report['uncovered_sections']}")
    lines += ["", f"Beyond the notes: {report['beyond_notes']} question(s)",
              f"  {'topic':16} {'total':>5}" + "".join(f" {kind:>5}" for kind in EXTERNAL_SOURCE_KINDS)]
    for row in report["beyond"]:
        lines.append(f"  {row['topic']:16} {row['questions']:5}"
                     + "".join(f" {row['by_kind'].get(kind, 0):5}" for kind in EXTERNAL_SOURCE_KINDS))
    return Output(report, "\n".join(lines))
