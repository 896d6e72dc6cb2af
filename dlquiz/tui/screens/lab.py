"""The lab: pick an experiment, tweak its knobs, Run/Stop, and watch loss curves and per-layer
gradient norms update live. Training runs in a thread worker that checks for cancellation."""
from __future__ import annotations

import math
import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.config import ACTIVATION_NAMES, INIT_NAMES, ExperimentConfig, from_knobs
from dlquiz.tui.i18n import t
from dlquiz.tui.messages import LabFinished, LabProgress

POST_EVERY_S = 0.25  # batch events so call-backs into the UI thread stay rare
PRESET = "preset"
AUTO_INIT = "auto"  # no init asked for: from_knobs picks the one that suits the activation
AUTO_INIT_LABEL = {"en": "auto (he for relu, xavier otherwise)", "zh": "自动(relu 用 he,其余用 xavier)"}


class LabScreen(Screen):
    CSS_PATH = "lab.tcss"
    BINDINGS = [Binding("escape", "leave", "Back"), Binding("ctrl+r", "run", "Run"), Binding("ctrl+s", "stop", "Stop")]

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[dict]] = {}
        self.grad_norms: dict[str, list[float]] = {}
        self.diverged: dict[str, int] = {}
        self.last_result: dict | None = None
        self.worker = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lab"):
            with VerticalScroll(id="lab-controls"):
                yield Select(self._experiment_options(), value="vanishing", allow_blank=False, id="lab-experiment")
                yield Label(id="lab-activation-label")
                yield Select(self._activation_options(), value=PRESET, allow_blank=False, id="lab-activation")
                yield Label(id="lab-init-label")
                yield Select(self._init_options(), value=AUTO_INIT, allow_blank=False, id="lab-init", disabled=True)
                yield Label(id="lab-numbers-label")
                with Horizontal(classes="lab-row"):
                    yield Input("", id="lab-depth", type="integer")
                    yield Input("", id="lab-lr", type="number")
                with Horizontal(classes="lab-row"):
                    yield Input("", id="lab-dropout", type="number")
                    yield Input("", id="lab-steps", type="integer")
                yield Checkbox("BatchNorm", id="lab-bn", disabled=True)
                with Horizontal(classes="lab-row"):
                    yield Button(t("run", self.app.lang), id="lab-run", variant="success")
                    yield Button(t("stop", self.app.lang), id="lab-stop", variant="error", disabled=True)
                yield Static(id="lab-error", classes="error")
                yield Static(id="lab-status")
                yield Static(id="lab-explanation", classes="hint")
            with Vertical(id="lab-plots"):
                yield PlotextPlot(id="lab-loss")
                yield PlotextPlot(id="lab-grads")
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()  # compose built the Selects in the current language already

    def _experiment_options(self) -> list[tuple[str, str]]:
        return [(f"{k} — {v.title[self.app.lang]}", k) for k, v in EXPERIMENTS.items()]

    def _activation_options(self) -> list[tuple[str, str]]:
        return [(t("lab_preset", self.app.lang), PRESET), *((a, a) for a in ACTIVATION_NAMES)]

    def _init_options(self) -> list[tuple[str, str]]:
        return [(AUTO_INIT_LABEL[self.app.lang], AUTO_INIT), *((i, i) for i in INIT_NAMES)]

    def refresh_language(self) -> None:
        """F2: rebuild the choices in the new language (keeping what is chosen), then relabel."""
        for select_id, options in (("#lab-experiment", self._experiment_options()),
                                   ("#lab-activation", self._activation_options()),
                                   ("#lab-init", self._init_options())):
            select = self.query_one(select_id, Select)
            value = select.value
            with select.prevent(Select.Changed):
                select.set_options(options)
                select.value = value
        self.relabel()

    def relabel(self) -> None:
        lang = self.app.lang
        for label_id, key in (("#lab-activation-label", "lab_activation"), ("#lab-init-label", "lab_init"),
                              ("#lab-numbers-label", "lab_numbers")):
            self.query_one(label_id, Label).update(t(key, lang))
        for key in ("depth", "lr", "dropout", "steps"):
            self.query_one(f"#lab-{key}", Input).placeholder = t(f"lab_{key}", lang)
        self.query_one("#lab-run", Button).label = t("run", lang)
        self.query_one("#lab-stop", Button).label = t("stop", lang)
        self.show_explanation()
        if self.last_result is not None:
            self.show_result(self.last_result)

    def show_explanation(self) -> None:
        info = EXPERIMENTS[self.query_one("#lab-experiment", Select).value]
        lang = self.app.lang
        self.query_one("#lab-explanation", Static).update(f"{info.title[lang]}\n\n{info.explanation[lang]}")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "lab-experiment":
            self.show_explanation()
        elif event.select.id == "lab-activation":  # init and BatchNorm belong to a custom variant only
            custom = event.value != PRESET
            self.query_one("#lab-init", Select).disabled = not custom
            self.query_one("#lab-bn", Checkbox).disabled = not custom

    # -- config from the form ----------------------------------------------------------------
    def read_config(self) -> ExperimentConfig:
        """The form as a checked config; the knobs go through `from_knobs`, as `dlquiz lab`'s options do."""
        name = str(self.query_one("#lab-experiment", Select).value)  # (these Selects are never blank)
        activation = str(self.query_one("#lab-activation", Select).value)
        custom = activation != PRESET
        init = str(self.query_one("#lab-init", Select).value)
        knobs = from_knobs(
            activation=activation if custom else None,
            init=init if custom and init != AUTO_INIT else None,
            depth=self._number("depth", int), lr=self._number("lr", float), dropout=self._number("dropout", float),
            batchnorm=self.query_one("#lab-bn", Checkbox).value if custom else None)
        config = ExperimentConfig(name, seed=0, steps=self._number("steps", int), device="auto", knobs=knobs)
        config.validate()
        return config

    def _number(self, key: str, cast: type[int] | type[float]):
        """A number field's value, None when empty."""
        from dlquiz.errors import InputError

        text = self.query_one(f"#lab-{key}", Input).value.strip()
        if not text:
            return None
        try:
            return cast(text)
        except ValueError:  # also a 5000-digit paste (int's digit limit)
            raise InputError(f"{key} must be a number, got {text[:40]!r}") from None

    # -- run / stop ---------------------------------------------------------------------------
    def action_run(self) -> None:
        from dlquiz.errors import InputError

        if self.worker is not None and self.worker.is_running:
            return
        try:
            config = self.read_config()
        except InputError as exc:
            self.query_one("#lab-error", Static).update(Text(str(exc), style="bold red"))
            return
        self.query_one("#lab-error", Static).update("")
        self.history.clear()
        self.grad_norms.clear()
        self.diverged.clear()
        self.query_one("#lab-run", Button).disabled = True
        self.query_one("#lab-stop", Button).disabled = False
        self.last_result = None
        self.query_one("#lab-status", Static).update(t("lab_starting", self.app.lang))
        self.worker = self.train(config)

    def action_stop(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self.query_one("#lab-status", Static).update(t("lab_stopping", self.app.lang))

    def action_leave(self) -> None:
        self.action_stop()
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "lab-run":
            self.action_run()
        elif event.button.id == "lab-stop":
            self.action_stop()

    @work(thread=True, exclusive=True, group="lab")
    def train(self, config) -> None:
        worker = get_current_worker()
        pending: list = []
        last_post = time.monotonic()

        def on_event(event) -> None:
            nonlocal last_post
            pending.append(event)
            if time.monotonic() - last_post >= POST_EVERY_S:
                self.post_message(LabProgress(pending.copy()))
                pending.clear()
                last_post = time.monotonic()

        try:
            from dlquiz.lab.experiments import run_experiment

            result = run_experiment(config, on_event=on_event, should_stop=lambda: worker.is_cancelled)
        except Exception as exc:  # shown in red; the app keeps running
            self.post_message(LabFinished(None, f"{type(exc).__name__}: {exc}"))
            return
        if pending:
            self.post_message(LabProgress(pending))
        self.post_message(LabFinished(result))

    # -- live updates ------------------------------------------------------------------------
    def on_lab_progress(self, message: LabProgress) -> None:
        for event in message.events:
            self.history.setdefault(event.variant, []).append(event.metrics)
            if event.grad_norms:
                self.grad_norms[event.variant] = event.grad_norms
            if event.diverged:
                self.diverged.setdefault(event.variant, event.step)
        step = max((h[-1]["step"] for h in self.history.values() if h), default=0)
        lang = self.app.lang
        extra = "".join("  · " + t("lab_diverged", lang).format(variant=v, step=s) for v, s in self.diverged.items())
        self.query_one("#lab-status", Static).update(t("lab_step", lang).format(step=step) + extra)
        self.redraw()

    def on_lab_finished(self, message: LabFinished) -> None:
        self.query_one("#lab-run", Button).disabled = False
        self.query_one("#lab-stop", Button).disabled = True
        if message.error:
            self.query_one("#lab-error", Static).update(Text(message.error, style="bold red"))
            return
        self.last_result = message.result
        self.show_result(message.result)
        self.redraw()

    def show_result(self, r: dict) -> None:
        """The run's own data-driven findings (one line per variant), in the current language."""
        lang = self.app.lang
        head = t("lab_done" if r["completed"] else "lab_stopped", lang).format(
            seconds=r["seconds"], device=r["device"], engine=r["engine"])
        lines = [head, *(f"· {line}" for line in r["findings"][lang])]
        self.query_one("#lab-status", Static).update("\n".join(lines))

    def redraw(self) -> None:
        loss_plot = self.query_one("#lab-loss", PlotextPlot)
        plt = loss_plot.plt
        plt.clear_data()
        plt.clear_figure()
        for name, rows in self.history.items():
            points = [(r["step"], r["train_loss"]) for r in rows if math.isfinite(r.get("train_loss", math.nan))]
            if points:
                plt.plot([p[0] for p in points], [p[1] for p in points], label=name[:24])
        plt.title("training loss")
        plt.xlabel("step")
        loss_plot.refresh()
        grad_plot = self.query_one("#lab-grads", PlotextPlot)
        plt = grad_plot.plt
        plt.clear_data()
        plt.clear_figure()
        for name, norms in self.grad_norms.items():
            values = [math.log10(max(n, 1e-30)) for n in norms]
            plt.plot(list(range(1, len(values) + 1)), values, label=name[:24], marker="dot")
        plt.title("log10 ‖∂L/∂W‖ per layer (first → last)")
        plt.xlabel("layer")
        grad_plot.refresh()
