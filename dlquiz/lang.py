"""The default content/UI language: the saved choice, else $LANG (zh* → Chinese), else English."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from question_bank.model import Lang


def env_lang() -> Lang:
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


def preferred_lang(saved: object = None) -> Lang:
    if saved == "zh":
        return "zh"
    if saved == "en":
        return "en"
    return env_lang()
