"""One question at a time: typed answers with validation, flashcard reveal + 1–4, feedback with the
explanation and source, a timer for mock interviews, and a summary at the end."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from dlquiz.present import LABELS, question_text, source_text
from dlquiz.review.scheduler import RATING_KEYS, RATING_NAMES
from dlquiz.tui.i18n import t
from question_bank.answers import AnswerSyntaxError, parse_choice_letters, parse_truefalse
from question_bank.model import DIFFICULTY_NAMES, TOPIC_NAMES
from question_bank.render import to_terminal

if TYPE_CHECKING:
    from fsrs import Rating

    from dlquiz.review.session import SessionSummary


def answer_body(q, lang: str, with_key: bool = False) -> Text:
    """Answer, explanation and source: shown after grading, on reveal, and in the browser."""
    label = LABELS[lang]
    answer = to_terminal(q.answer.get(lang))
    if with_key and q.type == "choice":
        answer = f"{', '.join(q.correct)} — {answer}"
    body = Text()
    body.append(f"{label['answer']}: ", "bold")
    body.append(answer + "\n\n")
    body.append(f"{label['why']}: ", "bold")
    body.append(to_terminal(q.explanation.get(lang)) + "\n\n")
    body.append(source_text(q, lang), "dim")
    return body


class QuestionScreen(Screen):
    CSS_PATH = "question.tcss"
    BINDINGS = [Binding("escape", "end_session", "End session")]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self.state = "asking"  # asking → (revealed) → feedback
        self.last_feedback = None
        self._finished = False

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

    # -- rendering ------------------------------------------------------------------------------
    def refresh_language(self) -> None:
        if self.session.current is None:
            return
        self._render_header()
        q = self.session.current if self.state != "feedback" else self.last_feedback.question
        self.query_one("#prompt", Static).update(Text(question_text(q, self.app.lang)))
        if self.state == "feedback":
            self._render_feedback(self.last_feedback)
        elif self.state == "revealed":
            self._render_reveal(q)
        self._render_hint()

    def _render_header(self) -> None:
        s, lang = self.session, self.app.lang
        q = s.current if self.state != "feedback" else self.last_feedback.question
        number = s.position if self.state == "feedback" else s.position + 1  # position moves on at grading
        parts = [f"[{number}/{len(s.queue)}]", t(s.config.kind, lang), TOPIC_NAMES[q.topic][lang], q.type,
                 DIFFICULTY_NAMES[q.difficulty][lang]]
        left = s.time_left()
        if left is not None:
            parts.append(f"⏱ {left // 60:02d}:{left % 60:02d} {t('time_left', lang)}")
        self.query_one("#progress", Static).update(" · ".join(parts))

    def _render_hint(self) -> None:
        lang, hint = self.app.lang, ""
        q = self.session.current
        if self.state == "feedback":
            hint = t("next", lang)
        elif q is not None and q.type == "flashcard":
            hint = t("rate", lang) if self.state == "revealed" else t("reveal", lang)
        self.query_one("#hint", Static).update(hint)
        self.query_one("#answer", Input).placeholder = t("answer_placeholder", lang)

    def show_question(self) -> None:
        q = self.session.current
        if q is None:
            self.finish()
            return
        self.state = "asking"
        self._render_header()
        self.query_one("#prompt", Static).update(Text(question_text(q, self.app.lang)))
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
        self.query_one("#feedback", Static).update(answer_body(q, self.app.lang))

    def _render_feedback(self, feedback) -> None:
        lang, q = self.app.lang, feedback.question
        label = LABELS[lang]
        body = Text()
        if feedback.correct is not None:
            if feedback.correct:
                body.append(label["correct"] + "\n", "bold green")
            else:
                body.append(f"{label['wrong']}  ({feedback.verdict.given} ≠ {feedback.verdict.expected})\n", "bold red")
        else:
            name = RATING_NAMES[feedback.rating][0 if lang == "en" else 1]
            body.append(f"{name}\n", "bold cyan")
        body.append_text(answer_body(q, lang))
        self.query_one("#feedback", Static).update(body)

    # -- input --------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        """Single-answer choice and true/false submit on one key press (letters, digits, t/f)."""
        q = self.session.current
        if self.state != "asking" or q is None or not event.value:
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
            self.session.skip()
            self.show_question()
            return
        self.submit(event.value)

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
        self._render_feedback(feedback)
        self._render_header()
        self._render_hint()

    def on_key(self, event: events.Key) -> None:
        q = self.session.current
        if self.state == "feedback" and event.key in ("enter", "space"):
            event.stop()
            self.show_question()
        elif self.state == "asking" and q is not None and q.type == "flashcard" and event.key == "space":
            event.stop()
            self.state = "revealed"
            self._render_reveal(q)
            self._render_hint()
        elif self.state == "revealed" and event.key in RATING_KEYS:
            event.stop()
            self._grade_flashcard(RATING_KEYS[event.key])

    def tick(self) -> None:
        if self.session.current is None and self.state != "feedback":
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
        self.app.switch_screen(SummaryScreen(summary))


class SummaryScreen(ModalScreen):
    BINDINGS = [Binding("escape,enter,space", "dismiss", "Back")]

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        s = self.summary
        text = Text(f"{t('done', lang)} — {t(s['kind'], lang)}\n\n", style="bold")
        text.append(f"{t('score', lang)}: {s['score']}/{s['answered']}"
                    f"   ({s['total']} · {s['seconds']} s)\n\n")
        for topic, r in s["per_topic"].items():
            text.append(f"  {TOPIC_NAMES[topic][lang]:<16} {r['correct']}/{r['answered']}\n")
        text.append("\n" + t("back", lang), style="dim")
        with Vertical(id="summary-box"):
            yield Static(text, id="summary-text")
