"""End of a session: the score by the one definition of correct (dlquiz.review.scoring), per topic and
per rating, the missed questions with their answers, and `r` to re-drill just those."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dlquiz.present import missed_text, rating_name
from dlquiz.review.scoring import definition
from dlquiz.text_layout import pad
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from question_bank.model import TOPIC_NAMES, Lang

if TYPE_CHECKING:
    from dlquiz.review.session import Session, SessionSummary


def summary_body(session: Session, summary: SessionSummary, lang: str) -> Text:
    from fsrs import Rating

    s = summary
    lang_: Lang = "zh" if lang == "zh" else "en"
    title = t(session.title or s["kind"], lang)
    text = Text(f"{t('done', lang)} — {title}\n\n", style="bold")
    percent = f" ({s['correct'] / s['answered']:.0%})" if s["answered"] else ""
    text.append(f"{t('score', lang)}: {s['correct']}/{s['answered']} {t('correct', lang).lower()}{percent}",
                style="bold")
    extra = [t("summary_extra", lang, total=s["total"], seconds=s["seconds"])]
    if s["skipped"]:
        extra.append(t("skipped_count", lang, n=s["skipped"]))
    text.append(f"   ({', '.join(extra)})\n")
    text.append(definition("correct", lang_) + "\n\n", style="dim")
    for topic, r in s["per_topic"].items():
        text.append(f"  {pad(TOPIC_NAMES[topic][lang_], 16)} {r['correct']}/{r['answered']}\n")  # CJK: 2 columns
    if s["ratings"]:
        counts = " · ".join(f"{rating_name(rating, lang_)} {s['ratings'].get(int(rating), 0)}" for rating in Rating)
        text.append(f"\n{t('ratings', lang)}: {counts}\n")
    text.append("\n" + missed_text(session.missed(), lang_) + "\n")
    return text


class SummaryScreen(ModalScreen):
    app = getters.app(DlquizApp)
    BINDINGS = [Binding("escape,enter,space", "dismiss", "Back"), Binding("r", "redrill", "Re-drill missed")]

    def __init__(self, summary: SessionSummary, session: Session | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-box"):
            yield Static(self._body(), id="summary-text")
            yield Static(self._keys(), id="summary-keys", classes="hint")

    def _body(self) -> Text | str:
        lang = self.app.lang
        if self.session is not None:
            return summary_body(self.session, self.summary, lang)
        return f"{t('score', lang)}: {self.summary['correct']}/{self.summary['answered']}"

    def _keys(self) -> str:
        missed = self.session.missed() if self.session is not None else []
        return t("redrill_key", self.app.lang, n=len(missed)) if missed else t("back", self.app.lang)

    def refresh_language(self) -> None:
        self.query_one("#summary-text", Static).update(self._body())
        self.query_one("#summary-keys", Static).update(self._keys())

    def action_redrill(self) -> None:
        """A session of just the missed questions, in place of this summary."""
        from dlquiz.review.session import Session
        from dlquiz.tui.screens.question import QuestionScreen

        if self.session is None or not self.session.missed():
            return
        drill = Session.redrill(self.session.bank, self.session.store, self.session.missed())
        if not drill.queue:  # all of them suspended or buried meanwhile
            self.app.notify(t("empty", self.app.lang), severity="warning")
            return
        self.app.switch_screen(QuestionScreen(drill))
