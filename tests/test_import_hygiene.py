"""Pure logic never imports Textual; start-up never pays for torch or sympy. Checked in subprocesses."""
import json
import subprocess
import sys

import pytest

PURE = ["calculators", "calculators.conv", "calculators.receptive_field", "calculators.params",
        "calculators.boxes", "calculators.norms", "calculators.layers", "calculators.architectures",
        "question_bank", "question_bank.loader", "question_bank.answers", "question_bank.render",
        "question_bank.generators", "dlquiz.review.session", "dlquiz.review.stats", "dlquiz.lab",
        "dlquiz.lab.catalog", "dlquiz.cli", "dlquiz.errors"]


def loaded_after(code: str) -> set[str]:
    script = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    return {m.split(".")[0] for m in json.loads(out.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_not_import_textual_torch_or_sympy(module):
    loaded = loaded_after(f"import {module}")
    assert not loaded & {"textual", "torch", "sympy"}, module


def test_lab_experiments_need_torch_but_not_textual():
    loaded = loaded_after("import dlquiz.lab.experiments")
    assert "torch" in loaded and "textual" not in loaded


def test_tui_first_frame_imports_neither_torch_nor_sympy(tmp_path):
    code = f"""
import asyncio
from dlquiz.tui.app import DlquizApp
async def main():
    app = DlquizApp(db_path=r"{tmp_path / 'p.db'}")
    async with app.run_test() as pilot:
        await pilot.pause()
asyncio.run(main())
"""
    loaded = loaded_after(code)
    assert "textual" in loaded
    assert not loaded & {"torch", "sympy", "textual_plotext", "genanki"}
