"""The tus 1.0 calls of Cloudflare Stream: create, read the offset (HEAD), send a chunk (PATCH).

The creation POST is done here rather than with tuspy because the video id comes from the
``stream-media-id`` header, which tuspy drops. PATCH is sent once per call: the uploader
decides what to do after a failure (ask the server's offset, then continue from there).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from urllib.parse import urljoin

import httpx

from .config import PlatformConfig
from .errors import MalformedResponseError, PlatformError, PlatformNotFoundError
from .http import HttpRunner, RetryPolicy

TUS_VERSION = "1.0.0"
MIN_CHUNK = 5 * 1024 * 1024
CHUNK_MULTIPLE = 256 * 1024
MAX_CHUNK = 200 * 1024 * 1024
DEFAULT_CHUNK = 50 * 1024 * 1024


def encode_metadata(metadata: dict[str, str | None]) -> str:
    """``key base64(value)`` pairs joined by commas; a key without value stands alone."""
    parts = []
    for key, value in metadata.items():
        if value is None or value == "":
            parts.append(key)
        else:
            parts.append(f"{key} {base64.b64encode(str(value).encode()).decode()}")
    return ",".join(parts)


class TusClient:
    def __init__(
        self,
        config: PlatformConfig,
        *,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        config.require_stream()
        self.create_url = f"{config.stream_api_url}/accounts/{config.stream_account_id}/stream"
        token = config.stream_api_token
        self.http = HttpRunner(
            service="Cloudflare Stream",
            auth_header=lambda: f"Bearer {token}",
            timeout=timeout or httpx.Timeout(60.0, connect=10.0),
            retry=retry,
            transport=transport,
            sleep=sleep or time.sleep,
        )

    def close(self) -> None:
        self.http.close()

    def create(self, length: int, metadata: dict[str, str | None]) -> tuple[str, str]:
        """A new upload of ``length`` bytes: ``(upload URL, Stream video id)``."""
        response = self.http.request(
            "POST",
            self.create_url,
            idempotent=False,
            expected=(201,),
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Upload-Length": str(length),
                "Upload-Metadata": encode_metadata(metadata),
            },
        )
        location = response.headers.get("Location")
        media_id = response.headers.get("stream-media-id")
        if not location or not media_id:
            raise MalformedResponseError(
                "Cloudflare Stream created an upload without Location or stream-media-id"
            )
        return urljoin(self.create_url, location), media_id

    def offset(self, upload_url: str) -> tuple[int, int | None]:
        """The server's ``(Upload-Offset, Upload-Length)``; ``PlatformNotFoundError`` when the
        upload is gone (404/410/403), which means: start a new one."""
        try:
            response = self.http.request(
                "HEAD", upload_url, idempotent=True, headers={"Tus-Resumable": TUS_VERSION}
            )
        except PlatformError as error:
            if error.status == 403:
                raise PlatformNotFoundError(str(error), status=403) from None
            raise
        try:
            offset = int(response.headers["Upload-Offset"])
        except (KeyError, ValueError):
            raise MalformedResponseError(
                "Cloudflare Stream answered HEAD without Upload-Offset", ambiguous=False
            ) from None
        length = response.headers.get("Upload-Length")
        return offset, int(length) if length and length.isdigit() else None

    def patch(self, upload_url: str, offset: int, length: int, body: Iterator[bytes]) -> int:
        """Send ``length`` bytes at ``offset``; returns the server's new offset."""
        response = self.http.request(
            "PATCH",
            upload_url,
            idempotent=False,
            attempts=1,
            expected=(204, 200),
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(length),
            },
            content=body,
        )
        try:
            return int(response.headers["Upload-Offset"])
        except (KeyError, ValueError):
            raise MalformedResponseError(
                "Cloudflare Stream answered PATCH without Upload-Offset", ambiguous=True
            ) from None

    def terminate(self, upload_url: str) -> None:
        self.http.request(
            "DELETE",
            upload_url,
            idempotent=True,
            expected=(204, 200, 404, 410),
            headers={"Tus-Resumable": TUS_VERSION},
            attempts=2,
        )
