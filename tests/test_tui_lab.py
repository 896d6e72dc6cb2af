"""The lab through Pilot: run the vanishing experiment, watch data arrive, stop it, switch to ReLU, run again."""
import asyncio
import time

from textual.widgets import Input, Select

from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.lab import LabScreen
from tests.bank_fixture import small_bank


async def wait_for(pilot, condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def test_lab_run_stop_and_rerun_with_relu(tmp_path):
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        app._bank = small_bank()
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LabScreen)
            screen.query_one("#lab-steps", Input).value = "2000"
            screen.action_run()
            await wait_for(pilot, lambda: sum(len(h) for h in screen.history.values()) >= 10)
            screen.action_stop()
            idle = lambda: not screen.worker.is_running and not screen.query_one("#lab-run").disabled  # noqa: E731
            await wait_for(pilot, idle)
            # (how fast Stop takes effect is measured in benchmarks/bench_tui.py, not asserted here)
            assert "stopped" in str(screen.query_one("#lab-status").render())
            assert len(screen.history) == 5 and screen.grad_norms
            sigmoid_norms = screen.grad_norms["sigmoid, naive init"]
            assert sigmoid_norms[0] < 1e-3 * sigmoid_norms[-1]
            # the plot widget received data
            assert "sigmoid, naive init" in screen.query_one("#lab-loss").plt.build()  # the legend is drawn
            # change the activation to ReLU and run again: one custom variant with healthy gradients
            screen.query_one("#lab-activation", Select).value = "relu"
            screen.query_one("#lab-steps", Input).value = "20"
            await pilot.pause()
            screen.action_run()
            await wait_for(pilot, lambda: idle() and screen.history)
            [(name, norms)] = screen.grad_norms.items()
            assert "relu/he" in name
            assert norms[0] > 1e-2 * norms[-1]
            # F2: the whole screen, the finished run's findings included, switches to Chinese
            await pilot.press("f2")
            await pilot.pause()
            status = str(screen.query_one("#lab-status").render())
            assert status.startswith("完成") and "验证准确率" in status
            assert str(screen.query_one("#lab-run").label) == "运行"
            assert screen.query_one("#lab-steps", Input).placeholder == "步数"
            assert screen.query_one("#lab-activation", Select).value == "relu"  # kept across the relabel
            assert screen.query_one("#lab-experiment", Select).value == "vanishing"
    asyncio.run(run())
