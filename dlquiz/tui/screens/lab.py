"""The lab: pick an experiment, tweak its knobs, Run/Stop, and watch the charts the experiment declares
(dlquiz/lab/catalog/) update live. Training runs in a thread worker that checks for cancellation.

The last few runs of each experiment are kept while the app is open (`LabMemory`, one per app), so
leaving and re-entering the screen keeps them, and a re-run with other knobs is drawn over the runs
before it."""
from __future__ import annotations

import math
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import getters, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from dlquiz.lab.catalog import EXPERIMENTS, explanation
from dlquiz.lab.charts import ChartData, chart_data
from dlquiz.lab.config import ACTIVATION_NAMES, INIT_NAMES, SUITED_INIT, ExperimentConfig, from_knobs
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from dlquiz.tui.messages import LabFinished, LabProgress

POST_EVERY_S = 0.25  # batch events so call-backs into the UI thread stay rare
PRESET = "preset"
AUTO_INIT = "auto"  # no init asked for: from_knobs picks the one that suits the activation
KEPT_RUNS = 3  # runs per experiment kept (and overlaid) while the app is open
NUMBER_FIELDS = ("depth", "lr", "dropout", "steps")
BAR_MARKERS = ("█", "▒")  # eval mode, train mode: told apart without colour


@dataclass
class LabRun:
    number: int  # counts the runs of one experiment since the app started
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)  # result["variants"]-shaped, filled live
    result: dict | None = None


@dataclass
class LabMemory:
    """What the lab keeps while the app is open: the runs of each experiment and the form."""

    runs: dict[str, list[LabRun]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    flip_scale: bool = False

    def new_run(self, name: str) -> LabRun:
        self.counts[name] = self.counts.get(name, 0) + 1
        run = LabRun(self.counts[name])
        kept = self.runs.setdefault(name, [])
        kept.append(run)
        del kept[:-KEPT_RUNS]
        return run


_MEMORY: weakref.WeakKeyDictionary[App, LabMemory] = weakref.WeakKeyDictionary()


def lab_memory(app: App) -> LabMemory:
    return _MEMORY.setdefault(app, LabMemory())


class LabScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "lab.tcss"
    BINDINGS = [Binding("escape", "leave", "Back"), Binding("ctrl+r", "run", "Run"), Binding("ctrl+s", "stop", "Stop"),
                Binding("ctrl+g", "toggle_scale", "log/linear")]

    def __init__(self) -> None:
        super().__init__()
        self.worker: Any = None
        self.current_run: LabRun | None = None  # the run in progress
        self.chart_keys: list[str] = []

    @property
    def memory(self) -> LabMemory:
        return lab_memory(self.app)

    @property
    def experiment(self) -> str:
        return str(self.query_one("#lab-experiment", Select).value)  # (this Select is never blank)

    def compose(self) -> ComposeResult:
        form = self.memory.form
        lang = self.app.lang
        name = form.get("experiment", "vanishing")
        custom = form.get("activation", PRESET) != PRESET
        yield Header()
        with Horizontal(id="lab"):
            with VerticalScroll(id="lab-controls"):
                yield Select(self._experiment_options(), value=name, allow_blank=False, id="lab-experiment")
                yield Label(id="lab-activation-label")
                yield Select(self._activation_options(), value=form.get("activation", PRESET), allow_blank=False,
                             id="lab-activation")
                yield Label(id="lab-init-label")
                yield Select(self._init_options(), value=form.get("init", AUTO_INIT), allow_blank=False,
                             id="lab-init", disabled=not custom)
                yield Label(id="lab-numbers-label")
                with Horizontal(classes="lab-row"):
                    yield Input(form.get("depth", ""), id="lab-depth", type="integer")
                    yield Input(form.get("lr", ""), id="lab-lr", type="number")
                with Horizontal(classes="lab-row"):
                    yield Input(form.get("dropout", ""), id="lab-dropout", type="number")
                    yield Input(form.get("steps", ""), id="lab-steps", type="integer")
                bn_default = bool(EXPERIMENTS[name].knob_defaults.get("batchnorm"))
                yield Checkbox("BatchNorm", form.get("batchnorm", bn_default), id="lab-bn", disabled=not custom)
                with Horizontal(classes="lab-row"):
                    yield Button(t("run", lang), id="lab-run", variant="success")
                    yield Button(t("stop", lang), id="lab-stop", variant="error", disabled=True)
                yield Static(id="lab-error", classes="error")
                yield Static(id="lab-status")
                yield Static(id="lab-explanation", classes="hint")
            yield Vertical(id="lab-plots")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_experiment()

    def _experiment_options(self) -> list[tuple[str, str]]:
        # the CLI name (`dlquiz lab vanishing`) beside the English title; Chinese shows the title alone
        lang = self.app.lang
        return [(v.title[lang] if lang == "zh" else f"{k} — {v.title[lang]}", k) for k, v in EXPERIMENTS.items()]

    def _activation_options(self) -> list[tuple[str, str]]:
        return [(t("lab_preset", self.app.lang), PRESET), *((a, a) for a in ACTIVATION_NAMES)]

    def _init_options(self) -> list[tuple[str, str]]:
        lang = self.app.lang
        return [(t("lab_auto_init", lang), AUTO_INIT), *((t(f"lab_init_{i}", lang), i) for i in INIT_NAMES)]

    # -- the experiment on show ---------------------------------------------------------------
    async def show_experiment(self) -> None:
        """Mount the charts the chosen experiment declares and show its kept runs."""
        exp = EXPERIMENTS[self.experiment]
        plots = self.query_one("#lab-plots", Vertical)
        await plots.remove_children()
        self.chart_keys = [c.key for c in exp.charts]
        await plots.mount_all([PlotextPlot(id=f"lab-chart-{c.key}") for c in exp.charts])
        self.relabel()
        self.redraw()

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
        self.redraw()

    def relabel(self) -> None:
        lang = self.app.lang
        for label_id, key in (("#lab-activation-label", "lab_activation"), ("#lab-numbers-label", "lab_numbers")):
            self.query_one(label_id, Label).update(t(key, lang))
        self.query_one("#lab-init-label", Label).update(self._init_hint(str(self.query_one("#lab-activation",
                                                                                          Select).value)))
        for key, value in self.defaults().items():
            self.query_one(f"#lab-{key}", Input).placeholder = t("lab_default", lang).format(
                name=t(f"lab_{key}", lang), value=value)
        self.query_one("#lab-run", Button).label = t("run", lang)
        self.query_one("#lab-stop", Button).label = t("stop", lang)
        latest = self.latest_result()
        if latest is not None:
            self.show_result(latest)
        else:
            self.query_one("#lab-status", Static).update("")
        self.show_explanation()

    def defaults(self) -> dict[str, Any]:
        """What an empty number field means: the experiment's custom-variant default (steps: its own)."""
        exp = EXPERIMENTS[self.experiment]
        k = exp.knob_defaults
        return {"depth": k.get("depth"), "lr": k.get("lr"), "dropout": k.get("dropout"), "steps": exp.default_steps}

    def latest_result(self) -> dict | None:
        runs = self.memory.runs.get(self.experiment, [])
        return next((r.result for r in reversed(runs) if r.result is not None), None)

    def show_explanation(self) -> None:
        exp = EXPERIMENTS[self.experiment]
        lang = self.app.lang
        latest = self.latest_result()
        text = explanation(latest, lang) if latest is not None else exp.explanation[lang]
        self.query_one("#lab-explanation", Static).update(f"{exp.title[lang]}\n\n{text}")

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "lab-experiment":
            # the BatchNorm box starts at the experiment's own default, as an unset CLI option does
            bn_default = EXPERIMENTS[self.experiment].knob_defaults.get("batchnorm")
            self.query_one("#lab-bn", Checkbox).value = bool(bn_default)
            await self.show_experiment()
        elif event.select.id == "lab-activation":  # init and BatchNorm belong to a custom variant only
            custom = event.value != PRESET
            self.query_one("#lab-init", Select).disabled = not custom
            self.query_one("#lab-bn", Checkbox).disabled = not custom
            self.query_one("#lab-init-label", Label).update(self._init_hint(str(event.value)))
        self.remember_form()

    def _init_hint(self, activation: str) -> str:
        label = t("lab_init", self.app.lang)
        return f"{label} ({SUITED_INIT[activation]})" if activation in SUITED_INIT else label

    def on_input_changed(self, event: Input.Changed) -> None:
        self.remember_form()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.remember_form()

    def remember_form(self) -> None:
        form = self.memory.form
        form["experiment"] = self.experiment
        form["activation"] = self.query_one("#lab-activation", Select).value
        form["init"] = self.query_one("#lab-init", Select).value
        form["batchnorm"] = self.query_one("#lab-bn", Checkbox).value
        for key in NUMBER_FIELDS:
            form[key] = self.query_one(f"#lab-{key}", Input).value

    # -- config from the form ----------------------------------------------------------------
    def read_config(self) -> ExperimentConfig:
        """The form as a checked config; the knobs go through `from_knobs`, as `dlquiz lab`'s options do."""
        activation = str(self.query_one("#lab-activation", Select).value)
        custom = activation != PRESET
        init = str(self.query_one("#lab-init", Select).value)
        knobs = from_knobs(
            activation=activation if custom else None,
            init=init if custom and init != AUTO_INIT else None,
            depth=self._number("depth", int), lr=self._number("lr", float), dropout=self._number("dropout", float),
            batchnorm=self.query_one("#lab-bn", Checkbox).value if custom else None)
        config = ExperimentConfig(self.experiment, seed=0, steps=self._number("steps", int), device="auto",
                                  knobs=knobs)
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
            raise InputError(t("lab_number_error", self.app.lang, name=t(f"lab_{key}", self.app.lang),
                                 text=repr(text[:40]))) from None

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
        self.query_one("#lab-run", Button).disabled = True
        self.query_one("#lab-stop", Button).disabled = False
        self.query_one("#lab-experiment", Select).disabled = True  # the run's charts stay on screen
        self.current_run = self.memory.new_run(config.name)
        self.query_one("#lab-status", Static).update(t("lab_starting", self.app.lang))
        self.worker = self.train(config)

    def action_stop(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self.query_one("#lab-status", Static).update(t("lab_stopping", self.app.lang))

    def action_leave(self) -> None:
        self.action_stop()
        self.app.pop_screen()

    def action_toggle_scale(self) -> None:
        self.memory.flip_scale = not self.memory.flip_scale
        self.redraw()

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
        if self.current_run is None:
            return
        for event in message.events:
            v = self.current_run.variants.setdefault(event.variant, {"history": []})
            if event.diverged:
                v.setdefault("diverged_at", event.step)
                continue
            v["history"].append(event.metrics)
            if event.grad_norms:
                v["grad_norms"] = event.grad_norms
            if "lr_points" in event.extra:  # the lr range test's curve, as it is swept
                v.setdefault("lr_curve", []).extend(event.extra["lr_points"])
            if "act_std" in event.extra:
                v.setdefault("activation_stats", []).append({"step": event.step, **event.extra})
        live = self.current_run.variants
        step = max((v["history"][-1]["step"] for v in live.values() if v["history"]), default=0)
        lang = self.app.lang
        extra = "".join("  · " + t("lab_diverged", lang).format(variant=name, step=v["diverged_at"])
                        for name, v in live.items() if "diverged_at" in v)
        self.query_one("#lab-status", Static).update(t("lab_step", lang).format(step=step) + extra)
        self.redraw()

    def on_lab_finished(self, message: LabFinished) -> None:
        self.query_one("#lab-run", Button).disabled = False
        self.query_one("#lab-stop", Button).disabled = True
        self.query_one("#lab-experiment", Select).disabled = False
        run, self.current_run = self.current_run, None
        if message.error:
            self.query_one("#lab-error", Static).update(Text(message.error, style="bold red"))
            return
        if run is not None and message.result is not None:
            run.result = message.result
            run.variants = message.result["variants"]
        self.relabel()
        self.redraw()

    def show_result(self, r: dict) -> None:
        """The run's own data-driven findings (one line per variant), in the current language."""
        lang = self.app.lang
        head = t("lab_done" if r["completed"] else "lab_stopped", lang).format(
            seconds=r["seconds"], device=r["device"], engine=r["engine"])
        lines = [head, *(f"· {line}" for line in r["findings"][lang])]
        runs = self.memory.runs.get(self.experiment, [])
        if len(runs) > 1:
            lines.append(t("lab_overlay", lang).format(runs=", ".join(f"#{x.number}" for x in runs),
                                                        latest=runs[-1].number))
        self.query_one("#lab-status", Static).update("\n".join(lines))

    # -- charts -------------------------------------------------------------------------------
    def shown_variants(self) -> dict[str, dict[str, Any]]:
        """The kept runs' variants, oldest first; with more than one run each name says its run."""
        runs = [r for r in self.memory.runs.get(self.experiment, []) if r.variants]
        if len(runs) == 1:
            return dict(runs[0].variants)
        return {f"#{r.number} {name}": v for r in runs for name, v in r.variants.items()}

    def charts(self) -> list[ChartData]:
        variants = self.shown_variants()
        exp = EXPERIMENTS[self.experiment]
        return [chart_data(c, variants, self.app.lang, self.memory.flip_scale) for c in exp.charts]

    def redraw(self) -> None:
        lang = self.app.lang
        for data in self.charts():
            widgets = self.query(f"#lab-chart-{data.chart.key}")
            if not widgets:
                continue  # the charts of another experiment are being mounted
            widget = widgets.first(PlotextPlot)
            plt = widget.plt
            plt.clear_data()
            plt.clear_figure()
            if data.chart.kind in ("bn_modes", "bars"):
                if data.bar_groups:
                    # (plotext takes `labels` and a marker per bar series; textual-plotext's stub says otherwise)
                    plt.multiple_bar(data.bar_groups, data.bar_values, labels=data.bar_labels,  # type: ignore[call-arg]
                                     marker=list(BAR_MARKERS[:len(data.bar_values)]))  # type: ignore[arg-type]
                    if data.y_range is not None:
                        plt.ylim(*data.y_range)
                empty = t("lab_no_bn" if data.chart.kind == "bn_modes" else "lab_no_bars", lang)
                plt.title(data.title if data.bar_groups else f"{data.title} · {empty}")
            else:
                # log axes as log10 of the values: plotext's own log scale fails on some data
                for s in data.series:
                    if s.x:
                        xs = [math.log10(x) for x in s.x] if data.chart.log_x else s.x
                        ys = [math.log10(y) for y in s.y] if data.log_y else s.y
                        plt.plot(xs, ys, label=s.label, marker=s.marker)
                axis = t("lab_log_axis" if data.log_y else "lab_linear_axis", lang)
                plt.title(f"{data.title} · {axis}")
                plt.xlabel(f"log10 {data.x_label}" if data.chart.log_x else data.x_label)
                if data.log_y:
                    plt.ylabel("log10")
            widget.refresh()
