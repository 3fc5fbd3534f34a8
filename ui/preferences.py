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
