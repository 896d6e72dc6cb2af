"""The lab through Pilot: run the vanishing experiment, watch data arrive, stop it, switch to ReLU, run again;
every experiment's declared charts on screen in both languages; runs kept across leaving the screen."""
import asyncio
import time

import pytest
from textual.widgets import Input, Select
from textual_plotext import PlotextPlot

from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.lab import LabScreen, lab_memory
from tests.bank_fixture import small_bank


async def wait_for(pilot, condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def make_app(tmp_path):
    app = DlquizApp(db_path=tmp_path / "p.db")
    app._bank = small_bank()
    return app


def idle(screen):
    return not (screen.worker and screen.worker.is_running) and not screen.query_one("#lab-run").disabled


def test_lab_run_stop_and_rerun_with_relu(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LabScreen)
            # empty number fields show what they stand for: the experiment's defaults
            assert screen.query_one("#lab-depth", Input).placeholder == "depth: 15"
            assert screen.query_one("#lab-steps", Input).placeholder == "steps: 150"
            screen.query_one("#lab-steps", Input).value = "2000"
            screen.action_run()
            await wait_for(pilot, lambda: screen.current_run is not None and
                           sum(len(v["history"]) for v in screen.current_run.variants.values()) >= 10)
            screen.action_stop()
            await wait_for(pilot, lambda: idle(screen))
            # (how fast Stop takes effect is measured in benchmarks/bench_tui.py, not asserted here)
            assert "stopped" in str(screen.query_one("#lab-status").render())
            [first] = lab_memory(app).runs["vanishing"]
            assert len(first.variants) == 5
            sigmoid_norms = first.variants["sigmoid, naive init"]["grad_norms"]
            assert sigmoid_norms[0] < 1e-3 * sigmoid_norms[-1]
            assert "sigmoid, naive init" in screen.query_one("#lab-chart-grads", PlotextPlot).plt.build()  # legend
            # change the activation to ReLU and run again: one custom variant with healthy gradients,
            # drawn over the first run
            screen.query_one("#lab-activation", Select).value = "relu"
            screen.query_one("#lab-steps", Input).value = "20"
            await pilot.pause()
            screen.action_run()
            await wait_for(pilot, lambda: idle(screen) and len(lab_memory(app).runs["vanishing"]) == 2
                           and lab_memory(app).runs["vanishing"][-1].result is not None)
            [(name, v)] = lab_memory(app).runs["vanishing"][-1].variants.items()
            assert "relu/he" in name
            assert v["grad_norms"][0] > 1e-2 * v["grad_norms"][-1]
            legend = screen.query_one("#lab-chart-grads", PlotextPlot).plt.build()
            assert "#1 sigmoid, naive init" in legend and "#2 custom: relu/he" in legend
            # the explanation follows the run's knobs, not the preset set-up
            explanation = str(screen.query_one("#lab-explanation").render())
            assert "15-layer relu MLP (he init" in explanation and "A 15-layer MLP" not in explanation
            # F2: the whole screen, the finished run's findings included, switches to Chinese
            await pilot.press("f2")
            await pilot.pause()
            status = str(screen.query_one("#lab-status").render())
            assert status.startswith("完成") and "验证准确率" in status
            assert str(screen.query_one("#lab-run").label) == "运行"
            assert screen.query_one("#lab-steps", Input).placeholder == "步数:150"
            assert screen.query_one("#lab-activation", Select).value == "relu"  # kept across the relabel
            assert screen.query_one("#lab-experiment", Select).value == "vanishing"
            assert "各层 ‖∂L/∂W‖" in screen.query_one("#lab-chart-grads", PlotextPlot).plt.build()
            # leave and come back: the runs and the form are still there
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()
            again = app.screen
            assert isinstance(again, LabScreen) and again is not screen
            assert again.query_one("#lab-activation", Select).value == "relu"
            assert again.query_one("#lab-steps", Input).value == "20"
            legend = again.query_one("#lab-chart-grads", PlotextPlot).plt.build()
            assert "#1 sigmoid, naive init" in legend and "#2 custom: relu/he" in legend
    asyncio.run(run())


def test_only_the_last_three_runs_are_kept(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            screen.query_one("#lab-experiment", Select).value = "optimizers"
            screen.query_one("#lab-activation", Select).value = "relu"
            screen.query_one("#lab-steps", Input).value = "3"
            await pilot.pause()
            for n in range(4):
                screen.action_run()
                await wait_for(pilot, lambda n=n: idle(screen) and lab_memory(app).counts.get("optimizers") == n + 1
                               and lab_memory(app).runs["optimizers"][-1].result is not None)
            assert [r.number for r in lab_memory(app).runs["optimizers"]] == [2, 3, 4]
            legend = screen.query_one("#lab-chart-loss", PlotextPlot).plt.build()
            assert "#4 custom" in legend and "#2 custom" in legend and "#1 custom" not in legend
    asyncio.run(run())


# What each experiment's finished screen must show: the declared charts' titles and some series names
EXPECTED_SERIES = {
    "vanishing": {"grads": ["sigmoid, naive init", "ReLU + He"]},
    "exploding": {"loss": ["✕", "He init (cure)"]},  # the diverged run is marked
    "overfitting": {"acc": ["baseline train", "baseline val"], "gap": ["dropout 0.6"]},
    "batchnorm": {"act": ["BN lr 0.3"], "modes": ["eval mode"]},
    "optimizers": {"loss": ["Adam", "momentum"]},
    "init": {"act": ["small init", "xavier init"]},
    "lr_finder": {"lr": ["lr range test", "suggested lr"], "check": ["too low: lr 1e-05", "suggested: lr"]},
    "eval_mode": {"acc": ["eval mode", "BN + dropout 0.5"], "spread": ["train mode", "dropout 0.5"]},
}
VAL_WORD = {"en": " val", "zh": " 验证"}
EVAL_WORD = {"en": "eval mode", "zh": "评估模式"}
# series labels written by the lab itself (not variant names), in Chinese
ZH_LABELS = {"suggested lr": "建议学习率", "train mode": "训练模式"}


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_each_experiment_shows_its_declared_charts_in_both_languages(tmp_path, name):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            screen.query_one("#lab-experiment", Select).value = name
            screen.query_one("#lab-steps", Input).value = "12"
            await pilot.pause()
            screen.action_run()
            await wait_for(pilot, lambda: idle(screen) and lab_memory(app).runs.get(name)
                           and lab_memory(app).runs[name][-1].result is not None)
            charts = EXPERIMENTS[name].charts
            assert [w.id for w in screen.query(PlotextPlot)] == [f"lab-chart-{c.key}" for c in charts]
            for lang in ("en", "zh"):
                if app.lang != lang:
                    await pilot.press("f2")
                    await pilot.pause()
                for chart in charts:
                    drawn = screen.query_one(f"#lab-chart-{chart.key}", PlotextPlot).plt.build()
                    assert chart.title[lang] in drawn, (name, chart.key, lang)
                    for series in EXPECTED_SERIES[name].get(chart.key, []):
                        series = series.replace(" val", VAL_WORD[lang]).replace(" train", " 训练" if lang == "zh"
                                                                                else " train")
                        series = series.replace("eval mode", EVAL_WORD[lang])
                        if lang == "zh":
                            series = ZH_LABELS.get(series, series)
                        assert series in drawn, (name, chart.key, lang, series)
    asyncio.run(run())
