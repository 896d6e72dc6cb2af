"""Where dlquiz keeps user data and its cache. `DLQUIZ_HOME` overrides the platform's user data dir
(tests use it); `~` in it is expanded. A DLQUIZ_HOME that is a file, sits under a file or can't be
created is one line (`StoreError`, exit 2 on the CLI), never a traceback.

This module is the only reader of DLQUIZ_HOME (`_home_setting`); it imports nothing heavy, so the pure
question_bank loader asks it for the cache folder too.
"""
from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "DLQUIZ_HOME"


def _home_setting() -> str | None:
    """The raw DLQUIZ_HOME value, None when unset or empty."""
    return os.environ.get(HOME_ENV) or None


def home_override() -> Path | None:
    """DLQUIZ_HOME with `~` expanded, None when it is not set."""
    raw = _home_setting()
    return Path(raw).expanduser() if raw else None


def data_home() -> Path:
    """The data folder, created if missing."""
    raw = _home_setting()
    if raw:
        path = Path(raw).expanduser()
        what = f"{HOME_ENV}={raw}"
        fix = f"point {HOME_ENV} at a folder you can write (it is created if missing)"
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("dlquiz", appauthor=False))
        what = f"the dlquiz data folder {path}"
        fix = f"set {HOME_ENV} to a folder you can write"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from dlquiz.errors import StoreError

        if path.exists() and not path.is_dir():
            raise StoreError(f"{what} is a file, not a folder; {fix}", "home") from None
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise StoreError(f"cannot create {what}: {blocker} is a file, not a folder; {fix}", "home") from None
        raise StoreError(f"cannot create {what}: {exc.strerror or exc}; {fix}", "home") from None
    return path


def progress_db_path() -> Path:
    return data_home() / "progress.db"


def cache_dir() -> Path | None:
    """The parsed-bank cache folder: DLQUIZ_HOME/cache, else the platform's user cache dir (None without
    platformdirs). Neither created nor checked here: the cache is optional, so a folder that can't be
    written only means the bank is parsed again (the loader handles that), never an error."""
    home = home_override()
    if home is not None:
        return home / "cache"
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover
        return None
    return Path(user_cache_dir("dlquiz"))
