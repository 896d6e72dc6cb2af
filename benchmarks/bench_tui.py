"""TUI speed: first frame as a ratio to a minimal Textual app (same run), and answer-to-next-question
latency with the real bank (300+ questions) and 10,000 review rows in the progress database."""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import command_time  # noqa: E402

MINIMAL = """
import asyncio
from textual.app import App
from textual.widgets import Footer, Header, Static
class Minimal(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
async def main():
    async with Minimal().run_test() as pilot:
        await pilot.pause()
asyncio.run(main())
"""

DLQUIZ = """
import asyncio
from dlquiz.tui.app import DlquizApp
async def main():
    async with DlquizApp().run_test() as pilot:
        await pilot.pause()
asyncio.run(main())
"""


def first_frame() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DLQUIZ_HOME": home}
        command_time(["-c", DLQUIZ], repeat=1, env=env)  # warm the bank cache, as every later start is
        base = command_time(["-c", MINIMAL], repeat=5, env=env)
        ours = command_time(["-c", DLQUIZ], repeat=5, env=env)
    print("TUI first frame (median of 5, subprocess incl. interpreter start):")
    print(f"  minimal Textual app  {base * 1000:8.1f} ms   1.00x")
    print(f"  dlquiz home screen   {ours * 1000:8.1f} ms   {ours / base:.2f}x   (target ≤ 1.3x)")


def fill_reviews(store, bank, n: int) -> None:
    from dlquiz.review.scheduler import Reviewer

    reviewer = Reviewer(store)
    ids = [q.id for q in bank.questions]
    for i in range(n):
        reviewer.grade(ids[i % len(ids)], 1 + i % 4, correct=None, answer_ms=1000, session="practice")


def answer_latency() -> None:
    from dlquiz.review.session import Session, SessionConfig
    from dlquiz.review.store import ProgressStore
    from dlquiz.present import question_text
    from question_bank.loader import load_bank

    bank = load_bank()
    with tempfile.TemporaryDirectory() as home:
        store = ProgressStore(Path(home) / "progress.db")
        start = time.perf_counter()
        fill_reviews(store, bank, 10_000)
        print(f"\nfilled 10,000 review rows in {time.perf_counter() - start:.1f} s "
              f"(bank: {len(bank.questions)} questions)")
        session = Session.start(bank, store, SessionConfig(kind="cram", qtype="truefalse", count=100,
                                                           include_generated=False))
        times = []
        while session.current is not None:
            q = session.current
            t0 = time.perf_counter()
            session.answer("t" if q.truth else "f")
            if session.current is not None:
                question_text(session.current, "en")
            times.append(time.perf_counter() - t0)
        engine_ms = statistics.median(times) * 1000

        async def through_ui() -> tuple[list[float], list[float]]:
            """Grade, show the next question and let Textual lay out and render it. CPU time is the
            honest number: Pilot's pause() also sleeps waiting for idle, which wall time includes."""
            from dlquiz.tui.app import DlquizApp

            app = DlquizApp(db_path=Path(home) / "progress.db")
            cpu, wall = [], []
            async with app.run_test(size=(120, 40)) as pilot:
                app.start_session("practice", qtype="truefalse", count=40, include_generated=False)
                await pilot.pause()
                for _ in range(40):
                    screen = app.screen
                    if not hasattr(screen, "session") or screen.session.current is None:
                        break
                    q = screen.session.current
                    c0, w0 = time.process_time(), time.perf_counter()
                    screen.submit("t" if q.truth else "f")
                    screen.show_question()
                    await pilot.pause()
                    cpu.append(time.process_time() - c0)
                    wall.append(time.perf_counter() - w0)
            return cpu, wall

        cpu, wall = asyncio.run(through_ui())
        store.close()
    print("answer → next question (median):")
    print(f"  engine only (grade + persist + text)          {engine_ms:6.2f} ms")
    print(f"  TUI: grade + next question + render, CPU      {statistics.median(cpu) * 1000:6.2f} ms   (target < 50 ms)")
    print(f"  TUI: same, wall incl. Pilot's idle waits      {statistics.median(wall) * 1000:6.2f} ms")


if __name__ == "__main__":
    first_frame()
    answer_latency()
