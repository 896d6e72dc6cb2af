"""Where dlquiz keeps user data. `DLQUIZ_HOME` overrides the platform's user data dir (tests use it);
`~` in it is expanded. A DLQUIZ_HOME that is a file, sits under a file or can't be created is one line
(`StoreError`, exit 2 on the CLI), never a traceback."""
from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    home = os.environ.get("DLQUIZ_HOME")
    if home:
        path = Path(home).expanduser()
        what = f"DLQUIZ_HOME={home}"
        fix = "point DLQUIZ_HOME at a folder you can write (it is created if missing)"
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("dlquiz", appauthor=False))
        what = f"the dlquiz data folder {path}"
        fix = "set DLQUIZ_HOME to a folder you can write"
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
