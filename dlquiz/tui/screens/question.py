"""One question at a time: typed answers with validation, flashcard reveal + 1–4 with FSRS's next interval
on each choice, feedback with the rating (automatic, from correctness and time, or changed with 1–4), the
next due date, the explanation and source; undo (u), suspend (s) and bury (b); a timer for mock
interviews, and a summary at the end (summary.py)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from dlquiz.present import (
    answer_with_key,
    chosen_letters,
    intervals_line,
    mismatch_text,
    qtype_name,
    question_text,
    rating_text,
    schedule_text,
    source_text,
)
from dlquiz.review.scheduler import RATING_KEYS
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from dlquiz.tui.screens.summary import SummaryScreen
from question_bank.answers import AnswerSyntaxError, parse_choice_letters, parse_truefalse
from question_bank.model import DIFFICULTY_NAMES, TOPIC_NAMES, Lang, Note
from question_bank.render import to_terminal

if TYPE_CHECKING:
    from fsrs import Rating

__all__ = ["QuestionScreen", "SummaryScreen", "answer_body"]

REVEAL_KEYS = ("enter", "space")  # the same Enter as `dlquiz quiz`; space kept as an alias


def answer_body(q, lang: Lang, with_key: bool = False, notes: Mapping[str, Note] | None = None) -> Text:
    """Answer, explanation and source (by its note's title, from `notes`): shown after grading, on reveal,
    and in the browser."""
    answer = answer_with_key(q, lang) if with_key else to_terminal(q.answer.get(lang))
    body = Text()
    body.append(f"{t('q_answer', lang)}: ", "bold")
    body.append(answer + "\n\n")
    body.append(f"{t('q_why', lang)}: ", "bold")
    body.append(to_terminal(q.explanation.get(lang)) + "\n\n")
    body.append(source_text(q, lang, notes), "dim")
    return body


class QuestionScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "question.tcss"
    BINDINGS = [Binding("escape", "end_session", "End session")]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self.state = "asking"  # asking → (revealed) → feedback, or asking → skipped
        self.last_feedback = None
        self._finished = False
        self._intervals = None  # FSRS's interval per rating for the revealed flashcard

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="question-pane"):
            yield Static(id="progress")
            with VerticalScroll(id="question-scroll"):
                yield Static(id="prompt")
                yield Static(id="feedback")
            yield Static(id="error", classes="error")
            yield Input(id="answer")
            yield Static(id="hint", classes="hint")
        # No Footer here: it rebuilds its keys on every focus change (answer box ↔ feedback), which cost
        # ~50 ms per question; the hint line carries the keys instead.

    def on_mount(self) -> None:
        self.show_question()
        if self.session.time_limit is not None:
            self.set_interval(1, self.tick)

    # -- what is on screen --------------------------------------------------------------------
    @property
    def shown(self):
        """The question on screen: the current one, or, on the feedback/skipped view, the one just left."""
        if self.state in ("feedback", "skipped") and self.session.steps:
            return self.session.steps[-1].question
        return self.session.current

    def refresh_language(self) -> None:
        q = self.shown
        if q is None:
            return
        self._render_header()
        self._render_prompt()
        if self.state == "feedback":
            self._render_feedback(self.last_feedback)
        elif self.state == "skipped":
            self._render_skipped(q)
        elif self.state == "revealed":
            self._render_reveal(q)
        self._render_hint()

    def _render_header(self) -> None:
        s, lang = self.session, self.app.lang
        q = self.shown
        if q is None:
            return
        number = s.position if self.state in ("feedback", "skipped") else s.position + 1  # moved on at grading
        parts = [f"[{number}/{len(s.queue)}]", t(s.title or s.config.kind, lang), TOPIC_NAMES[q.topic][lang],
                 qtype_name(q.type, lang),
                 DIFFICULTY_NAMES[q.difficulty][lang]]
        left = s.time_left()
        if left is not None:
            parts.append(f"⏱ {left // 60:02d}:{left % 60:02d} {t('time_left', lang)}")
        self.query_one("#progress", Static).update(" · ".join(parts))

    def _render_prompt(self) -> None:
        q = self.shown
        chosen = chosen_letters(self.last_feedback) if self.state == "feedback" else None
        self.query_one("#prompt", Static).update(Text(question_text(q, self.app.lang, chosen)))

    def _render_hint(self) -> None:
        lang, hint = self.app.lang, ""
        q = self.session.current
        if self.state == "feedback" and self.last_feedback is not None:
            hint = t("next", lang, intervals=intervals_line(self.last_feedback.intervals, lang))
        elif self.state == "skipped":
            hint = t("next_skipped", lang)
        elif q is not None and q.type == "flashcard":
            hint = t("rate", lang, intervals=intervals_line(self._intervals, lang)) \
                if self.state == "revealed" else t("reveal", lang)
        self.query_one("#hint", Static).update(hint)
        self.query_one("#answer", Input).placeholder = t("answer_placeholder", lang)

    def show_question(self) -> None:
        q = self.session.current
        if q is None:
            self.finish()
            return
        self.state = "asking"
        self.last_feedback = None
        self._intervals = None
        self._render_header()
        self._render_prompt()
        self.query_one("#feedback", Static).update("")
        self.query_one("#error", Static).update("")
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.display = q.type != "flashcard"
        answer.disabled = q.type == "flashcard"
        if q.type != "flashcard":
            answer.focus()
        else:
            self.set_focus(None)
        self._render_hint()
        self.query_one("#question-scroll", VerticalScroll).scroll_home(animate=False)

    def _render_reveal(self, q) -> None:
        self.query_one("#feedback", Static).update(answer_body(q, self.app.lang, notes=self.app.bank.notes))

    def _render_skipped(self, q) -> None:
        body = Text(t("skipped", self.app.lang) + "\n", "bold yellow")
        body.append_text(answer_body(q, self.app.lang, with_key=True, notes=self.app.bank.notes))
        self.query_one("#feedback", Static).update(body)

    def _render_feedback(self, feedback) -> None:
        lang, q = self.app.lang, feedback.question
        body = Text()
        if feedback.correct is not None:
            if feedback.correct:
                body.append(t("q_correct", lang) + "\n", "bold green")
            else:  # a choice question has no "(yours ≠ expected)": the options above are marked instead
                mismatch = mismatch_text(feedback, lang)
                body.append(t("q_wrong", lang) + (f"  {mismatch}" if mismatch else "") + "\n", "bold red")
        body.append(rating_text(feedback, lang) + "\n", "bold cyan")
        body.append(schedule_text(feedback, lang) + "\n\n", "cyan")
        body.append_text(answer_body(q, lang, notes=self.app.bank.notes))
        self.query_one("#feedback", Static).update(body)

    # -- input --------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """Single-answer choice and true/false submit on one key press (letters, digits, t/f); a lone `u`
        (never an answer: choices stop at H) is undo."""
        q = self.session.current
        if self.state != "asking" or q is None or not event.value:
            return
        if event.value == "u":
            event.input.value = ""
            self.action_undo()
            return
        try:
            if q.type == "choice" and not q.is_multi_answer and len(event.value.strip()) == 1:
                parse_choice_letters(event.value, len(q.choices))
            elif q.type == "truefalse" and event.value.strip().lower() in ("t", "f", "对", "错", "y", "n"):
                parse_truefalse(event.value)
            else:
                return
        except AnswerSyntaxError:
            return
        self.submit(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.state != "asking":
            return
        if not event.value.strip():
            self._skip()
            return
        self.submit(event.value)

    def _skip(self) -> None:
        """Skip shows the answer before moving on (Enter then goes to the next question)."""
        q = self.session.skip()
        self.state = "skipped"
        self.query_one("#answer", Input).disabled = True
        self.set_focus(None)
        self.query_one("#error", Static).update("")
        self._render_header()
        self._render_skipped(q)
        self._render_hint()

    def submit(self, text: str) -> None:
        from dlquiz.errors import StoreError

        try:
            feedback = self.session.answer(text)
        except AnswerSyntaxError as exc:
            self.query_one("#error", Static).update(Text(exc.message(self.app.lang), style="bold red"))
            return
        except StoreError as exc:
            self._store_failed(exc)
            return
        self._after_grading(feedback)

    def _grade_flashcard(self, rating: Rating) -> None:
        from dlquiz.errors import StoreError

        try:
            feedback = self.session.grade_flashcard(rating)
        except StoreError as exc:
            self._store_failed(exc)
            return
        self._after_grading(feedback)

    def _override(self, rating: Rating) -> None:
        """1–4 on the feedback view: this answer gets that rating instead (saved at once)."""
        from dlquiz.errors import InputError, StoreError

        try:
            feedback = self.session.override(rating)
        except (InputError, StoreError) as exc:
            self._store_failed(exc)
            return
        self.last_feedback = feedback
        self._render_feedback(feedback)
        self._render_hint()

    def _store_failed(self, exc) -> None:
        """The answer could not be saved (locked, disk full…): say so, stay on the question so it can be
        answered again; everything saved before is untouched."""
        self.query_one("#error", Static).update(Text(str(exc), style="bold red"))
        self.app.notify(str(exc), title=getattr(self.app, "not_saved_title", ""), severity="error", timeout=15)

    def _after_grading(self, feedback) -> None:
        self.last_feedback = feedback
        self.state = "feedback"
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        self.set_focus(None)
        self.query_one("#error", Static).update("")
        self._render_prompt()
        self._render_feedback(feedback)
        self._render_header()
        self._render_hint()

    def _reveal(self, q) -> None:
        self.state = "revealed"
        self._intervals = self.session.preview(q)
        self._render_reveal(q)
        self._render_hint()

    def on_key(self, event: events.Key) -> None:
        q = self.session.current
        answer_box_has_focus = self.focused is self.query_one("#answer", Input)
        if self.state in ("feedback", "skipped") and event.key in ("enter", "space"):
            event.stop()
            self.show_question()
        elif self.state == "asking" and q is not None and q.type == "flashcard" and event.key in REVEAL_KEYS:
            event.stop()
            self._reveal(q)
        elif self.state == "revealed" and event.key in RATING_KEYS:
            event.stop()
            self._grade_flashcard(RATING_KEYS[event.key])
        elif self.state == "feedback" and event.key in RATING_KEYS:
            event.stop()
            self._override(RATING_KEYS[event.key])
        elif answer_box_has_focus:
            return  # letters typed into the answer box are the answer
        elif event.key == "u":
            event.stop()
            self.action_undo()
        elif event.key in ("s", "b"):
            event.stop()
            self.hide_card(event.key)

    # -- undo, suspend, bury ------------------------------------------------------------------
    def action_undo(self) -> None:
        """Back to the last question, its grade (review row and card state) or skip taken back."""
        from dlquiz.errors import InputError, StoreError

        try:
            self.session.undo()
        except InputError:
            self.app.notify(t("nothing_to_undo", self.app.lang), severity="warning")
            return
        except StoreError as exc:
            self._store_failed(exc)
            return
        self.show_question()
        self.app.notify(t("undone", self.app.lang))

    def hide_card(self, key: str) -> None:
        """s: suspend (or unsuspend, on the question just answered); b: bury until tomorrow. On an unanswered
        question it also moves on; on the feedback view the answer keeps its grade."""
        from dlquiz.errors import InputError, StoreError

        q, lang = self.shown, self.app.lang
        if q is None:
            return
        moving_on = self.state in ("asking", "revealed")
        try:
            if key == "b":
                self.session.bury(q)
                message = t("buried", lang)
            elif not moving_on and self.session.store.flags(q.id).suspended:
                self.session.suspend(q, suspended=False)
                message = t("unsuspended", lang)
            else:
                self.session.suspend(q)
                message = t("suspended", lang)
        except (InputError, StoreError) as exc:
            self.app.notify(str(exc), severity="error")
            return
        self.app.notify(message)
        if moving_on:
            self.show_question()

    def tick(self) -> None:
        if self.session.current is None and self.state not in ("feedback", "skipped"):
            return
        if self.session.time_left() == 0:
            self.finish()
        elif self.session.current is not None:
            self._render_header()

    # -- end ------------------------------------------------------------------------------------
    def action_end_session(self) -> None:
        self.finish()

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        from dlquiz.errors import StoreError

        try:
            summary = self.session.finish()
        except StoreError as exc:  # e.g. the mock result could not be saved; the answers already were
            self.app.notify(str(exc), title=getattr(self.app, "not_saved_title", ""), severity="error", timeout=15)
            summary = self.session.summary()
        self.app.switch_screen(SummaryScreen(summary, self.session))
