"""The one UI catalog (dlquiz.i18n): every key in both languages with the same placeholders, every key the
code asks for exists, and the pure modules that use it stay free of Textual."""
import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

import dlquiz.tui.i18n  # noqa: F401  (keys appended there join the catalog)
from dlquiz.i18n import CATALOG, placeholders, problems, t

ROOT = Path(__file__).resolve().parent.parent
I18N_MODULES = ("dlquiz.i18n", "dlquiz.tui.i18n")


def test_every_key_has_chinese_and_english_with_the_same_placeholders():
    assert problems() == []


def test_the_checker_catches_a_missing_language_and_different_placeholders():
    broken = {"a": {"en": "x {n}", "zh": "x"}, "b": {"en": "y", "zh": " "}, "c": {"en": "{a} {b}", "zh": "{b}{a}"}}
    found = problems(broken)
    assert len(found) == 2
    assert found[0].startswith("a:") and found[1].startswith("b:")


def test_t_picks_the_language_and_fills_placeholders():
    assert t("lab_step", "zh", step=3) == "第 3 步"
    assert t("lab_step", "en", step=3) == "step 3"
    assert placeholders("{n} of {total}") == {"n", "total"}
    assert t("no such key", "zh") == "no such key"  # shown as is instead of crashing a screen


def _literal_keys(node: ast.expr) -> list[str]:
    """The keys a first argument can be: a string literal, either branch of `a if c else b`, `a or b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [key for value in node.values for key in _literal_keys(value)]
    return []  # f-strings and names: checked by family below


def _keys_used_in_code() -> list[tuple[str, str]]:
    """(file, key) for every literal key passed to the catalog's `t`, in every dlquiz module that imports it."""
    used = []
    for path in sorted((ROOT / "dlquiz").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_t = any(isinstance(node, ast.ImportFrom) and node.module in I18N_MODULES
                        and any(alias.name == "t" for alias in node.names) for node in ast.walk(tree))
        if not imports_t:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args:
                used += [(str(path.relative_to(ROOT)), key) for key in _literal_keys(node.args[0])]
    return used


def test_every_key_the_code_asks_for_exists():
    used = _keys_used_in_code()
    assert len(used) > 100  # the scan really found the calls
    missing = sorted({f"{path}: {key}" for path, key in used if key not in CATALOG})
    assert missing == []


def test_keys_built_at_run_time_exist():
    from dlquiz.lab.config import INIT_NAMES
    from dlquiz.review.kinds import SessionKind
    from dlquiz.review.scoring import DEFINITIONS
    from dlquiz.tui.screens.home import MENU
    from question_bank.model import QUESTION_TYPES

    wanted = [f"qtype_{q}" for q in QUESTION_TYPES] + [f"lab_init_{i}" for i in INIT_NAMES]
    wanted += [str(kind) for kind in SessionKind] + ["redrill", "tf_true", "tf_false"]
    wanted += [name for name, _ in MENU] + [f"{name}_desc" for name, _ in MENU]
    wanted += [f"def_{key}" for key in DEFINITIONS]
    wanted += [f"lab_{field}" for field in ("depth", "lr", "dropout", "steps")]
    from question_bank.model import EXTERNAL_SOURCE_KINDS

    wanted += [f"source_kind_{kind}" for kind in EXTERNAL_SOURCE_KINDS]
    assert [key for key in wanted if key not in CATALOG] == []


def test_every_key_shown_in_a_footer_has_a_translation():
    """The Footer shows each visible binding's description: each needs its action's catalog entry."""
    import importlib

    from textual.binding import Binding

    from dlquiz.tui.app import DlquizApp

    classes: list = [DlquizApp]
    for name in ("home", "question", "summary", "stats", "setup", "lab", "calc", "browse", "help"):
        module = importlib.import_module(f"dlquiz.tui.screens.{name}")
        classes += [c for c in vars(module).values() if isinstance(c, type) and c.__module__ == module.__name__]
    shown = {b.action for c in classes for b in getattr(c, "BINDINGS", []) if isinstance(b, Binding) and b.show}
    assert "quit" in shown and "unsuspend_all" in shown
    assert sorted(a for a in shown if f"action_{a}" not in CATALOG) == []


def test_the_catalog_and_the_text_modules_do_not_import_textual():
    code = ("import sys, dlquiz.i18n, dlquiz.present, dlquiz.review.scoring, dlquiz.review.plain; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_plain_terminal_session_speaks_one_language(lang):
    """`dlquiz quiz --lang zh`: a wrong true/false answer says 对/错, the score line is Chinese."""
    from dlquiz.review.kinds import SessionKind
    from dlquiz.review.plain import run_plain_session, summary_text
    from dlquiz.review.session import Session, SessionConfig
    from dlquiz.review.store import ProgressStore
    from tests.bank_fixture import small_bank

    store = ProgressStore.in_memory()
    session = Session.start(small_bank(), store, SessionConfig(kind=SessionKind.PRACTICE, qtype="truefalse", count=1))
    q = session.current
    assert q is not None
    wrong = "f" if q.truth else "t"
    out = io.StringIO()
    run_plain_session(session, lang, io.StringIO(wrong + "\n"), out)
    text = out.getvalue() + summary_text(session, session.finish(), lang)
    shown, expected = ("对", "错") if wrong == "t" else ("错", "对")
    if lang == "zh":
        assert f"({shown} ≠ {expected})" in text
        assert "得分: 0/1 正确" in text and "作答:" in text
        assert "true" not in text and "score" not in text
    else:
        assert f"({'true' if wrong == 't' else 'false'} ≠ {'false' if wrong == 't' else 'true'})" in text
        assert "score: 0/1 correct" in text
