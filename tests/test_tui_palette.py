"""The command palette as a person uses it: ctrl+p, look at what is listed, type, pick a hit.

It once froze the app for minutes ("vanishing gradient" fuzzy-matched against every full prompt on
the UI thread); the search now runs over a short index in a worker thread."""
import asyncio

from textual.command import CommandList, CommandPalette

from dlquiz.tui.app import DlquizApp
from dlquiz.tui.commands import ACTIONS
from dlquiz.tui.screens.browse import QuestionDetailScreen
from question_bank.loader import load_bank
from question_bank.model import Bank
from question_bank.search import MAX_HITS, QuestionIndex, title_of


def listed(app) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def wait_for_hits(pilot, app, rounds: int = 100) -> list[str]:
    for _ in range(rounds):  # the search runs in a thread: poll the list, no fixed sleep
        await pilot.pause(0.02)
        shown = listed(app)
        if shown and "No matches" not in shown[0]:
            return shown
    return listed(app)


def test_empty_palette_lists_the_apps_screens_first(tmp_path):
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            shown = await wait_for_hits(pilot, app)
            assert len(shown) > len(ACTIONS)  # the system commands (theme, quit…) follow
            assert all("dlquiz" in line for line in shown[: len(ACTIONS)]), shown[: len(ACTIONS) + 1]
            assert shown[0].startswith("Review")

    asyncio.run(run())


def test_typing_a_long_query_finds_questions_and_opens_one(tmp_path):
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.press(*"vanishing gradient")
            shown = await wait_for_hits(pilot, app)
            assert 1 <= len(shown) <= MAX_HITS + 1, shown
            assert any("vanishing" in line.lower() for line in shown), shown
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen)

    asyncio.run(run())


def test_a_screen_name_ranks_above_questions(tmp_path):
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p", *"stats")
            shown = await wait_for_hits(pilot, app)
            assert shown[0].startswith("Stats"), shown[:3]

    asyncio.run(run())


def test_index_ranks_id_and_tag_hits_above_title_hits_and_caps_results():
    bank = load_bank()
    index = QuestionIndex(bank)
    hits = index.search("errata")
    assert len(hits) == MAX_HITS
    assert all("errata" in h.question.tags for h in hits)  # exact tag hits come first
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert index.search("   ") == []
    assert all(h.question.topic == "cnn" for h in index.search("cnn.", limit=500))


def test_every_term_must_match_somewhere():
    index = QuestionIndex(load_bank())
    both = index.search("receptive 3x3", limit=500)
    assert both
    for hit in both:
        entry = next(e for e in index.entries if e.question is hit.question)
        haystack = " ".join((entry.id_key, *entry.tags, entry.topic_key, entry.title_key))
        assert "receptive" in haystack and "3x3" in haystack


def test_chinese_queries_and_titles():
    index = QuestionIndex(load_bank())
    assert index.search("感受野")  # substring search needs no word boundaries
    long = "一" * 300
    assert title_of(long).endswith("…") and len(title_of(long)) == 80
    assert title_of("first line\nsecond") == "first line"


def test_a_ten_times_larger_bank_is_searched_the_same_way():
    bank = load_bank()
    big = Bank([q for _ in range(10) for q in bank.questions], bank.notes)
    assert [h.question.id for h in QuestionIndex(big).search("dropout", limit=10)] == \
        [h.question.id for h in QuestionIndex(bank).search("dropout", limit=1)] * 10
