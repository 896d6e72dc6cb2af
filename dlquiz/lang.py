"""The default content/UI language: the saved choice, else $LANG (zh* → Chinese), else English."""
from __future__ import annotations

import os


def env_lang() -> str:
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


def preferred_lang(saved: object = None) -> str:
    return saved if saved in ("zh", "en") else env_lang()
