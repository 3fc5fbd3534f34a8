"""The farm's broker URL as the user sets it, with its password kept out of SQLite.

``broker_url`` is stored in the settings table WITHOUT its password; the password goes to
the secret store (OS keyring) as ``farm_broker_password`` and is put back when the URL is
used. ``VODSTUDIO_BROKER_URL`` (which may carry a password) overrides both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from core.domain.cancel import CancelFlag
from core.jobs.executor import (
    ExecutionOutcome,
    ExecutionProgress,
    LocalLadderExecutor,
    TranscodeSpec,
)

from .status import check_broker_url

PASSWORD_SECRET = "farm_broker_password"


def _with_password(url: str, password: str | None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if password:
        netloc = f"{parts.username or ''}:{password}@{netloc}"
    elif parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def resolve_broker_url(settings: Any, secrets: Any | None) -> str:
    """The URL to connect with ("" when the farm is off)."""
    url = str(settings.get("broker_url") or "").strip()
    if not url or settings.overridden_by_environment("broker_url") or secrets is None:
        return url
    if urlsplit(url).password is None:
        password = secrets.get(PASSWORD_SECRET)
        if password:
            return _with_password(url, password)
    return url


def save_broker_url(settings: Any, secrets: Any, url: str) -> str:
    """Save ``url`` ("" turns the farm off); returns the URL as stored (no password)."""
    url = (url or "").strip()
    if not url:
        settings.set("broker_url", "")
        return ""
    check_broker_url(url)
    password = urlsplit(url).password
    stored = _with_password(url, None)
    if password:
        secrets.set(PASSWORD_SECRET, password)
    settings.set("broker_url", stored)
    return stored


class SettingsSwitchedExecutor:
    """The job queue's executor: the farm's chunked ladder when a broker URL is set at the
    moment a job starts, else the local single-process ladder. Changing the setting applies
    to the next job without restarting the app."""

    def __init__(self, settings: Any, secrets: Any | None = None) -> None:
        self._settings = settings
        self._secrets = secrets
        self._local = LocalLadderExecutor()

    def execute(
        self, spec: TranscodeSpec, progress: ExecutionProgress, cancel: CancelFlag
    ) -> ExecutionOutcome:
        url = resolve_broker_url(self._settings, self._secrets)
        if not url:
            return self._local.execute(spec, progress, cancel)
        from .ladder_executor import farm_executor

        return farm_executor(url).execute(spec, progress, cancel)
