"""Secrets (API tokens, keys) in the OS keyring, never in SQLite, logs or exceptions.

Lookup order: the environment variable (the README's configuration table), then the keyring. When the machine has
no usable keyring backend, saving a secret fails with a clear message unless the user opted in
to the file fallback (``VODSTUDIO_ALLOW_FILE_SECRETS=1``), which keeps them in a file
readable only by the user inside the data directory.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from core.domain.errors import DomainError

SERVICE = "vodstudio"
SECRET_ENV = {
    "api_token": "VODSTUDIO_API_TOKEN",
    "stream_api_token": "VODSTUDIO_STREAM_API_TOKEN",
    "openai_api_key": "OPENAI_API_KEY",
}
FILE_FALLBACK_ENV = "VODSTUDIO_ALLOW_FILE_SECRETS"


class SecretStoreError(DomainError):
    pass


class SecretStore:
    def __init__(self, data_dir: Path, environ: dict[str, str] | None = None) -> None:
        self._file = data_dir / "secrets.json"
        self._environ = os.environ if environ is None else environ

    def get(self, name: str) -> str | None:
        env = SECRET_ENV.get(name)
        if env and self._environ.get(env):
            return self._environ[env]
        if self._keyring_usable():
            import keyring

            try:
                value = keyring.get_password(SERVICE, name)
            except Exception:
                value = None
            if value:
                return value
        return self._read_file().get(name)

    def set(self, name: str, value: str) -> str:
        """Store ``value``; returns where it went ("keyring" or "file")."""
        if self._keyring_usable():
            import keyring

            try:
                keyring.set_password(SERVICE, name, value)
                return "keyring"
            except Exception as error:  # keyring backends raise their own types
                if not self._file_allowed():
                    raise SecretStoreError(
                        f"the OS keyring refused to store {name} ({type(error).__name__}); "
                        f"set {FILE_FALLBACK_ENV}=1 to keep secrets in a private file instead"
                    ) from None
        elif not self._file_allowed():
            raise SecretStoreError(
                "no OS keyring is available on this machine to store secrets; set "
                f"{FILE_FALLBACK_ENV}=1 to keep them in a file readable only by you, or "
                f"provide {SECRET_ENV.get(name, name)} in the environment"
            )
        data = self._read_file()
        data[name] = value
        self._file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        return "file"

    def delete(self, name: str) -> None:
        if self._keyring_usable():
            import keyring

            with contextlib.suppress(Exception):
                keyring.delete_password(SERVICE, name)
        data = self._read_file()
        if data.pop(name, None) is not None:
            self._file.write_text(json.dumps(data), encoding="utf-8")

    def backend_name(self) -> str:
        if self._keyring_usable():
            import keyring

            return type(keyring.get_keyring()).__name__
        return "file (opted in)" if self._file_allowed() else "none"

    def _file_allowed(self) -> bool:
        return self._environ.get(FILE_FALLBACK_ENV, "").strip().lower() in {"1", "true", "yes"}

    @staticmethod
    def _keyring_usable() -> bool:
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception:
            return False
        if isinstance(backend, fail.Keyring):
            return False
        priority = getattr(backend, "priority", 1)
        return bool(priority and priority > 0)

    def _read_file(self) -> dict[str, str]:
        try:
            return json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
