"""The calculators screen as a person uses it, at 80x24 and 200x50: type into a tab's fields, read what the
screen shows (answers and totals above the fold, table columns that fit), switch tabs by key while typing,
copy a result, and solve an inverse problem. Expected values come from the calculator functions."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from textual import events
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from calculators import conv, solve
from calculators.architectures import get_preset
from calculators.params import count_params
from calculators.receptive_field import receptive_field_table
from dlquiz.tui.app import DlquizApp
from tests.bank_fixture import small_bank

SIZES = [(80, 24), (200, 50)]


def make_app(tmp_path):
    app = DlquizApp(db_path=tmp_path / "progress.db")
    app._bank = small_bank()
    app.set_reactive(DlquizApp.lang, "en")  # whatever the machine's locale; no watcher before the app runs
    return app


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def open_calculators(app, pilot) -> None:
    await pilot.press("c")
    await settle(app, pilot)


async def type_into(app, pilot, selector: str, text: str) -> None:
    """Focus the field, clear it with keys and type `text`, as a user would."""
    field = app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(field.value), *text)
    await settle(app, pilot)


def visible_without_scrolling(app, selector: str) -> bool:
    """The widget's first line is on screen above the key hint line, with its scroll container at the top."""
    widget = app.screen.query_one(selector)
    region = widget.region
    return region.height > 0 and 0 <= region.y < app.size.height - 1 and widget.parent.scroll_y == 0


async def toasts(app, pilot) -> str:
    """The text of the notifications the app is showing (as tests/test_faults_store.py reads them)."""
    await pilot.pause()
    return " ".join(str(note.message) for note in app._notifications)


def active_tab(app) -> str:
    return app.screen.query_one("#calc-tabs", TabbedContent).active


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_conv_answer_follows_typing_and_is_visible(tmp_path, size):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_calculators(app, pilot)
            await type_into(app, pilot, "#conv-size", "227")
            await type_into(app, pilot, "#conv-kernel", "11")
            await type_into(app, pilot, "#conv-stride", "4")
            await type_into(app, pilot, "#conv-padding", "0")
            expected = conv.conv_size(227, 11, 4, 0, 1).value
            assert f"answer: {expected}" in shown(app, "#conv-result")
            assert visible_without_scrolling(app, "#conv-result")
            await type_into(app, pilot, "#conv-size", "227,300")  # H,W
            h, w = conv.conv_size((227, 300), 11, 4, 0, 1).value
            assert f"answer: {h} × {w}" in shown(app, "#conv-result")
            await type_into(app, pilot, "#conv-size", "22x")  # an error clears the stale answer
            assert "--size" in shown(app, "#conv-error")
            assert shown(app, "#conv-result") == "" and shown(app, "#conv-steps") == ""
    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rf_table_columns_fit_and_match_the_calculator(tmp_path, size):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_calculators(app, pilot)
            await pilot.press("alt+3")
            await type_into(app, pilot, "#rf-network", "vgg16")
            preset = get_preset("vgg16")
            table = receptive_field_table(list(preset.layers), (preset.input_size,) * 2, end=preset.rf_end).value
            assert f"receptive field {table.receptive_field[0]}," in shown(app, "#rf-result")
            assert visible_without_scrolling(app, "#rf-result")
            grid = app.screen.query_one("#rf-table", DataTable)
            assert grid.row_count == len(table.rows)
            headers = [str(c.label) for c in grid.columns.values()]
            last = grid.get_row_at(grid.row_count - 1)
            assert last[0] == table.rows[-1].name
            assert last[headers.index("RF")] == str(table.rows[-1].receptive_field[0])
            # every column is on screen: no sideways scrolling needed
            assert grid.virtual_size.width <= grid.size.width, (grid.virtual_size.width, grid.size.width)
            if size[0] < 100:
                assert "k" in headers and "kernel" not in headers
            else:
                assert {"kernel", "stride", "padding", "dilation"} <= set(headers)
            await type_into(app, pilot, "#rf-size", "abc")  # an error clears the table too
            assert "--size" in shown(app, "#rf-error") and grid.row_count == 0 and shown(app, "#rf-result") == ""
    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_params_totals_have_thousands_separators_and_are_visible(tmp_path, size):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_calculators(app, pilot)
            await pilot.press("alt+4")
            await type_into(app, pilot, "#params-network", "resnet50")
            preset = get_preset("resnet50")
            totals = count_params(list(preset.layers), preset.input_size, preset.in_channels).value
            text = shown(app, "#params-result")
            first_line = text.splitlines()[0]
            assert f"{totals.total_params:,}" in first_line and "," in f"{totals.total_params:,}"
            assert f"{totals.total_macs:,}" in first_line and f"{totals.total_flops:,}" in first_line
            assert visible_without_scrolling(app, "#params-result")
            assert len(first_line) + 2 <= size[0], "the totals line wraps at this width"
            grid = app.screen.query_one("#params-table", DataTable)
            assert grid.get_row_at(0)[3] == f"{totals.rows[0].params:,}"
    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_hotkeys_switch_tabs_while_a_field_has_focus(tmp_path, size):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_calculators(app, pilot)
            field = app.screen.query_one("#conv-size", Input)
            field.focus()
            await pilot.pause()
            order = ["conv", "pool", "rf", "params", "iou", "norm", "solve"]
            for number in (2, 3, 4, 5, 6, 7, 1):
                await pilot.press(f"alt+{number}")
                await settle(app, pilot)
                assert active_tab(app) == f"tab-{order[number - 1]}"
            # a real terminal sends alt+3 with the character "3": the field must not type it
            field.focus()
            await pilot.pause()
            before = field.value
            app.post_message(events.Key("alt+3", "3"))
            await settle(app, pilot)
            assert active_tab(app) == "tab-rf" and field.value == before
            assert "alt+1…7" in shown(app, "#calc-keys")
    asyncio.run(run())


def test_copy_puts_the_result_on_the_clipboard_and_says_so(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_calculators(app, pilot)
            await type_into(app, pilot, "#conv-size", "32")  # focus stays in the field: ctrl+y still copies
            await pilot.press("ctrl+y")
            await pilot.pause()
            expected = conv.conv_size(32, 3, 1, 1, 1).value
            assert f"answer: {expected}" in app.clipboard
            assert "formula:" in app.clipboard  # the derivation comes along
            assert "Copied" in await toasts(app, pilot)
            field = app.screen.query_one("#conv-size", Input)
            await pilot.press("c")  # inside a field, c is just a letter
            assert field.value.endswith("c")
            await pilot.press("alt+3")
            app.screen.query_one("#rf-table", DataTable).focus()
            await pilot.pause()
            await pilot.press("c")  # outside a field, c copies: the whole table comes along
            await pilot.pause()
            table = receptive_field_table(list(get_preset("alexnet").layers), (224, 224),
                                          end=get_preset("alexnet").rf_end).value
            assert app.clipboard.startswith(f"receptive field {table.receptive_field[0]}")
            assert all(row.name in app.clipboard for row in table.rows)
            assert "dilation" in app.clipboard  # full headers on the clipboard, whatever the width
    asyncio.run(run())


def test_copy_with_an_error_on_screen_copies_nothing(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_calculators(app, pilot)
            await type_into(app, pilot, "#conv-kernel", "0")
            await pilot.press("ctrl+y")
            await pilot.pause()
            assert app.clipboard == ""
            assert "Nothing to copy" in await toasts(app, pilot)
    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_solve_tab_answers_inverse_problems(tmp_path, size):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_calculators(app, pilot)
            await pilot.press("alt+7")
            await settle(app, pilot)
            # the defaults: which padding gives 224 → 112 with k=7, s=2 (ResNet's stem)
            padding = solve.solve_padding(224, 7, 112, 2).value.values
            assert f"p ∈ {{{', '.join(map(str, padding))}}}" in shown(app, "#solve-result")
            assert visible_without_scrolling(app, "#solve-result")
            # which strides give 224 → 112 with k=3, p=1
            app.screen.query_one("#solve-problem", Select).value = "stride"
            await settle(app, pilot)
            assert app.screen.query_one("#solve-stride", Input).disabled  # the unknown is not typed
            await type_into(app, pilot, "#solve-kernel", "3")
            await type_into(app, pilot, "#solve-padding", "1")
            strides = solve.solve_stride(224, 3, 112, 1).value.values
            assert f"s ∈ {{{', '.join(map(str, strides))}}}" in shown(app, "#solve-result")
            # input sizes of a max pool with ceil_mode that give 3
            app.screen.query_one("#solve-problem", Select).value = "input"
            app.screen.query_one("#solve-layer", Select).value = "max"
            await settle(app, pilot)
            await type_into(app, pilot, "#solve-out", "3")
            await type_into(app, pilot, "#solve-kernel", "2")
            await type_into(app, pilot, "#solve-stride", "")
            await type_into(app, pilot, "#solve-padding", "")
            app.screen.query_one("#solve-ceil").value = True
            await settle(app, pilot)
            pooled = solve.solve_input(3, 2, None, 0, op="pool", ceil_mode=True)  # the CLI's answer line too
            assert shown(app, "#solve-result") == "answer: " + pooled.steps[-1].removeprefix("→ ")
            assert all(str(n) in shown(app, "#solve-result") for n in pooled.value.values)
            # 'same' padding for an even kernel: no symmetric answer, the left/right split
            app.screen.query_one("#solve-problem", Select).value = "same"
            await settle(app, pilot)
            await type_into(app, pilot, "#solve-kernel", "4")
            same = solve.same_padding(4, 1, 1).value
            assert not same.symmetric and f"pad {same.left} on the left" in shown(app, "#solve-result")
            # a bad value: a red line, and the stale answer is gone
            await type_into(app, pilot, "#solve-kernel", "x")
            assert "--kernel" in shown(app, "#solve-error") and shown(app, "#solve-result") == ""
    asyncio.run(run())


def test_f2_puts_the_calculators_in_chinese(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_calculators(app, pilot)
            await pilot.press("f2")
            await settle(app, pilot)
            assert "答案" in shown(app, "#conv-result") and "复制" in shown(app, "#calc-keys")
            tabs = app.screen.query_one("#calc-tabs", TabbedContent)
            assert str(tabs.get_tab("tab-conv").label) == "卷积"
            await pilot.press("alt+3")
            await settle(app, pilot)
            headers = [str(c.label) for c in app.screen.query_one("#rf-table", DataTable).columns.values()]
            assert "层" in headers and "layer" not in headers
    asyncio.run(run())


def test_sympy_is_imported_only_when_the_solve_tab_computes(tmp_path):
    code = f"""
import asyncio, json, sys
from dlquiz.tui.app import DlquizApp
async def main():
    app = DlquizApp(db_path=r"{tmp_path / 'p.db'}")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        before = "sympy" in sys.modules
        await pilot.press("alt+7")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(json.dumps([before, "sympy" in sys.modules]))
asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert (before, after) == (False, True)
