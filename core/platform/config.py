"""Where the platform and Cloudflare Stream are, and their tokens (from the keyring/env)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PlatformNotConfiguredError


@dataclass(frozen=True, slots=True)
class PlatformConfig:
    api_url: str
    project_id: str = ""
    stream_api_url: str = "https://api.cloudflare.com/client/v4"
    stream_account_id: str = ""
    # repr=False: a config printed in a log or traceback never shows a token.
    api_token: str | None = field(default=None, repr=False)
    stream_api_token: str | None = field(default=None, repr=False)
    # Requests in flight at once: HTTP/2 streams, or HTTP/1.1 connections.
    max_connections: int = 16

    @classmethod
    def from_context(cls, settings, secrets) -> PlatformConfig:
        return cls(
            api_url=str(settings.get("api_url") or "").rstrip("/"),
            project_id=str(settings.get("project_id") or ""),
            stream_api_url=str(settings.get("stream_api_url") or "").rstrip("/"),
            stream_account_id=str(settings.get("stream_account_id") or ""),
            api_token=secrets.get("api_token"),
            stream_api_token=secrets.get("stream_api_token"),
            max_connections=max(1, min(64, int(settings.get("sync_connections") or 16))),
        )

    def require_api(self) -> None:
        if not self.api_url:
            raise PlatformNotConfiguredError(
                "the platform API URL is not set: set VODSTUDIO_API_URL or run "
                "'vodstudio platform config --api-url URL'"
            )
        if not self.api_token:
            raise PlatformNotConfiguredError(
                "no platform API token: set VODSTUDIO_API_TOKEN or run "
                "'vodstudio platform set-token api'"
            )

    def require_project(self) -> None:
        if not self.project_id:
            raise PlatformNotConfiguredError(
                "the platform project id is not set: set VODSTUDIO_PROJECT_ID or run "
                "'vodstudio platform config --project-id ID'"
            )

    def require_stream(self) -> None:
        if not self.stream_api_url or not self.stream_account_id:
            raise PlatformNotConfiguredError(
                "Cloudflare Stream is not configured: set VODSTUDIO_STREAM_ACCOUNT_ID (and "
                "VODSTUDIO_STREAM_API_URL) or run 'vodstudio platform config --stream-account-id ID'"
            )
        if not self.stream_api_token:
            raise PlatformNotConfiguredError(
                "no Cloudflare Stream token: set VODSTUDIO_STREAM_API_TOKEN or run "
                "'vodstudio platform set-token stream'"
            )
