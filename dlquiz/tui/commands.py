"""Command palette: the app's screens and actions, Textual's own system commands, and questions.

One provider for all three so the order is ours: opened empty, the palette lists dlquiz's screens
first, then the system commands (theme, keys, quit…). Questions are found through
`question_bank.search.QuestionIndex` (short fields, substring match, capped hits), built once per
bank and searched in a worker thread, so typing never blocks the UI.
"""
from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from dlquiz.tui.i18n import t

if TYPE_CHECKING:  # dlquiz.tui.app imports this module
    from dlquiz.tui.app import DlquizApp

ACTIONS = ("review", "practice", "mock", "errata", "cram", "calc", "browse", "stats", "lab")
ACTION_SCORE = 1.0  # above any question hit: a screen whose name matches is what was meant
MATCH_STYLE = "reverse"


def _label(key: str, lang: str) -> str:
    other = "zh" if lang == "en" else "en"
    return f"{t(key, lang)} / {t(key, other)}"


def highlighted(text: str, query: str) -> Text:
    """`text` with every case-insensitive occurrence of each query term marked (plain Text: titles
    may contain [brackets], which markup would swallow)."""
    shown = Text(text)
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed the length (ß → ss): offsets would not line up
        return shown
    for term in query.casefold().split():
        start = folded.find(term)
        while start >= 0:
            shown.stylize(MATCH_STYLE, start, start + len(term))
            start = folded.find(term, start + len(term))
    return shown


class DlquizCommands(Provider):
    @property
    def app(self) -> DlquizApp:
        """Textual types a provider's app as a plain App; the palette only ever runs in dlquiz's."""
        return cast("DlquizApp", super().app)

    def _system_commands(self):
        return list(self.app.get_system_commands(self.screen))

    async def discover(self) -> Hits:
        lang = self.app.lang
        for key in ACTIONS:
            yield DiscoveryHit(_label(key, lang), partial(self.app.go, key), help="dlquiz")
        for command in self._system_commands():
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        app = self.app
        lang = app.lang
        matcher = self.matcher(query)
        for key in ACTIONS:  # nine short labels: Textual's fuzzy matcher is cheap here
            label = _label(key, lang)
            if matcher.match(label) > 0:
                yield Hit(ACTION_SCORE, matcher.highlight(label), partial(app.go, key), text=label, help="dlquiz")
        for command in self._system_commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, text=command.title,
                          help=command.help)
        if len(query.strip()) < 2:
            return
        index = app.question_index
        hits = await asyncio.to_thread(index.search, query)
        best = max((h.score for h in hits), default=1)
        for hit in hits:
            title = hit.title(lang)
            # Textual keeps scores in (0, 1]; below the actions, in our ranking's order
            yield Hit(0.9 * hit.score / best, highlighted(title, query),
                      partial(_show_question, app, hit.question.id), text=title,
                      help=f"{hit.question.id} · {hit.question.topic}")


def _show_question(app: DlquizApp, question_id: str) -> None:
    from dlquiz.tui.screens.browse import QuestionDetailScreen

    app.push_screen(QuestionDetailScreen(question_id))
