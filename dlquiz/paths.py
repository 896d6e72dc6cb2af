"""Where dlquiz keeps user data. `DLQUIZ_HOME` overrides the platform's user data dir (tests use it)."""
from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    home = os.environ.get("DLQUIZ_HOME")
    if home:
        path = Path(home)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("dlquiz", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_db_path() -> Path:
    return data_home() / "progress.db"
