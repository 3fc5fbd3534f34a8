"""Per-machine GUI preferences that must be known before the database opens."""

from __future__ import annotations

from PySide6.QtCore import QSettings

DATA_DIR_KEY = "data_dir"


def _settings() -> QSettings:
    return QSettings("VOD Studio", "vodstudio")


def stored_data_dir() -> str | None:
    value = _settings().value(DATA_DIR_KEY)
    return str(value) if value else None


def store_data_dir(path: str | None) -> None:
    settings = _settings()
    if path:
        settings.setValue(DATA_DIR_KEY, path)
    else:
        settings.remove(DATA_DIR_KEY)
    settings.sync()


def last_folder(kind: str, fallback: str | None = None) -> str:
    """The folder the last file dialog of this ``kind`` ("recordings", "chapters",
    "transcripts") was left in, if it still exists; else ``fallback`` or the home folder."""
    from pathlib import Path

    value = _settings().value(f"folders/{kind}")
    if value and Path(str(value)).is_dir():
        return str(value)
    return fallback or str(Path.home())


def remember_folder(kind: str, path: str) -> None:
    """Remember the folder of ``path`` (a file, or a folder itself) for the next dialog."""
    from pathlib import Path

    if not path:
        return
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    settings = _settings()
    settings.setValue(f"folders/{kind}", str(folder))
    settings.sync()
