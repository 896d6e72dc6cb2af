"""Command-palette search per keystroke (issue #11: <= 30 ms with the whole bank and with a 10x bank).

Each row is the time to answer every prefix of a query typed letter by letter, divided by the number
of keystrokes. Baseline, measured in the same run: Textual's fuzzy matcher over the same short titles
(what a plain provider over titles would cost). The old provider (fuzzy matcher over every full
prompt) is timed on a 3-letter prefix only: longer queries took seconds to minutes per keystroke.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import best_of  # noqa: E402
from textual.fuzzy import Matcher  # noqa: E402

from question_bank.loader import load_bank  # noqa: E402
from question_bank.model import Bank  # noqa: E402
from question_bank.search import QuestionIndex, title_of  # noqa: E402

QUERIES = ("vanishing gradient", "receptive field", "感受野", "batchnorm eval")


def per_keystroke(search, query: str) -> float:
    prefixes = [query[:i] for i in range(2, len(query) + 1)]
    return best_of(lambda: [search(p) for p in prefixes], repeat=3) / len(prefixes)


def fuzzy_titles(bank: Bank):
    titles = [f"{title_of(q.prompt.en)} {q.id}" for q in bank.questions]

    def search(query: str):
        matcher = Matcher(query)
        return [t for t in titles if matcher.match(t) > 0]
    return search


def main() -> None:
    bank = load_bank()
    big = Bank([q for _ in range(10) for q in bank.questions], bank.notes)
    print(f"bank: {len(bank.questions)} questions; 10x bank: {len(big.questions)}")
    for name, b in (("bank", bank), ("10x bank", big)):
        index = QuestionIndex(b)
        baseline = fuzzy_titles(b)
        for query in QUERIES:
            ours = per_keystroke(index.search, query)
            base = per_keystroke(baseline, query)
            print(f"  {name:9} {query!r:22} index {ours * 1000:7.2f} ms/key   fuzzy titles {base * 1000:8.2f} ms/key"
                  f"   {ours / base:5.2f}x baseline")
    full = [f"{q.id} {q.prompt.en}" for q in bank.questions]
    old = best_of(lambda: [t for t in full if Matcher("van").match(t) > 0], repeat=1)
    new = best_of(lambda: QuestionIndex(bank).search("van"), repeat=3)
    print(f"  old provider, one keystroke 'van' over full prompts: {old * 1000:.0f} ms "
          f"(index incl. building it: {new * 1000:.1f} ms, {new / old:.3f}x)")


if __name__ == "__main__":
    main()
