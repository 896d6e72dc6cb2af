"""The TUI's access to the one UI catalog (dlquiz.i18n): `t`, and Footer key descriptions in the user's
language. Content language and UI language are the same setting (`app.lang`).

`LABELS` is the catalog itself (the same dict object); new keys go in dlquiz/i18n.py's CATALOG, where
tests/test_i18n.py checks them.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from dlquiz.i18n import CATALOG, t

__all__ = ["LABELS", "localize_bindings", "t"]

LABELS: dict[str, dict[str, str]] = CATALOG


def localize_bindings(node: Any, lang: str) -> None:
    """Give `node`'s key bindings the descriptions of `lang`: the catalog's `action_<action>` entry.

    Bindings are declared once per class with one description, and the Footer shows that; this
    rewrites the node's own copy of them (Textual copies the class's map into every instance), so a
    Footer in Chinese says 返回, not Back. Bindings whose action has no entry are left as they are.
    """
    bindings = getattr(node, "_bindings", None)
    key_to_bindings = getattr(bindings, "key_to_bindings", None)
    if not isinstance(key_to_bindings, dict):
        return
    for key, entries in key_to_bindings.items():
        key_to_bindings[key] = [
            replace(b, description=t(f"action_{b.action}", lang)) if f"action_{b.action}" in CATALOG else b
            for b in entries
        ]
