"""Command-palette provider: jump to screens, start sessions, find questions by text."""
from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from dlquiz.tui.i18n import t

ACTIONS = [("review", "review"), ("practice", "practice"), ("mock", "mock"), ("errata", "errata"),
           ("cram", "cram"), ("calc", "calc"), ("browse", "browse"), ("stats", "stats"), ("lab", "lab")]


class DlquizCommands(Provider):
    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        for key, target in ACTIONS:
            label = f"{t(key, 'en')} / {t(key, 'zh')}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(app.go, target), help="dlquiz")
        if len(query) < 2:
            return
        lang = app.lang
        for q in app.bank.questions:
            text = f"{q.id} {q.prompt.get(lang)}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text[:100]), partial(_show_question, app, q.id),
                          help=q.topic)


def _show_question(app, question_id: str) -> None:
    from dlquiz.tui.screens.browse import QuestionDetailScreen

    app.push_screen(QuestionDetailScreen(question_id))
