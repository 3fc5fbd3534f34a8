"""Configuration: the environment variables (the README's table) over the preferences in SQLite.

Precedence for every setting: the environment, then the value saved from the GUI's settings
dialog (``settings`` table), then the default. Secrets are not here: see ``core.secrets``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import select

from core.store.db import Database
from core.store.models import Setting

APP_NAME = "vodstudio"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """``--data-dir``, else ``VODSTUDIO_DATA_DIR``, else the platform's user data dir."""
    chosen = cli_value or os.environ.get("VODSTUDIO_DATA_DIR")
    return Path(chosen).expanduser() if chosen else default_data_dir()


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    env: str | None
    default: Any
    label: str


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("api_url", "VODSTUDIO_API_URL", "", "Platform API URL"),
        SettingSpec("project_id", "VODSTUDIO_PROJECT_ID", "", "Platform project id"),
        SettingSpec(
            "stream_api_url",
            "VODSTUDIO_STREAM_API_URL",
            "https://api.cloudflare.com/client/v4",
            "Cloudflare Stream API URL",
        ),
        SettingSpec(
            "stream_account_id", "VODSTUDIO_STREAM_ACCOUNT_ID", "", "Cloudflare account id"
        ),
        SettingSpec("openai_base_url", "OPENAI_BASE_URL", "", "OpenAI-compatible server URL"),
        SettingSpec("openai_model", None, "gpt-4o", "AI model"),  # core.ai.llm.DEFAULT_MODEL
        SettingSpec("broker_url", "VODSTUDIO_BROKER_URL", "", "Transcode farm (Redis URL)"),
        SettingSpec("hardware_encoder", "VODSTUDIO_HW_ENCODER", "auto", "Video encoder"),
        SettingSpec("max_parallel_jobs", "VODSTUDIO_MAX_PARALLEL_JOBS", 1, "Transcodes at once"),
        SettingSpec(
            "sync_connections",
            "VODSTUDIO_SYNC_CONNECTIONS",
            16,
            "Sync requests at once",
        ),
    )
}


class SettingsStore:
    def __init__(self, database: Database, environ: dict[str, str] | None = None) -> None:
        self._database = database
        self._environ = os.environ if environ is None else environ

    def get(self, key: str) -> Any:
        spec = SETTINGS[key]
        if spec.env and self._environ.get(spec.env):
            return _coerce(self._environ[spec.env], spec.default)
        stored = self.stored(key)
        return spec.default if stored is None else stored

    def stored(self, key: str) -> Any:
        with self._database.read_session() as session:
            row = session.get(Setting, key)
            return None if row is None else row.value

    def overridden_by_environment(self, key: str) -> bool:
        spec = SETTINGS[key]
        return bool(spec.env and self._environ.get(spec.env))

    def set(self, key: str, value: Any) -> None:
        if key not in SETTINGS:
            raise KeyError(f"unknown setting {key}")
        with self._database.session() as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value

    def all(self) -> dict[str, Any]:
        with self._database.read_session() as session:
            stored = {row.key: row.value for row in session.scalars(select(Setting))}
        result = {}
        for key, spec in SETTINGS.items():
            if spec.env and self._environ.get(spec.env):
                result[key] = _coerce(self._environ[spec.env], spec.default)
            else:
                result[key] = stored.get(key, spec.default)
        return result


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            return default
    return raw
