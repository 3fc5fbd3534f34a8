"""A local tus 1.0 endpoint that behaves like Cloudflare Stream's (tests and benches only).

- ``POST /accounts/{account}/stream`` with ``Tus-Resumable: 1.0.0``, ``Upload-Length`` and
  ``Upload-Metadata`` → 201, ``Location`` (absolute upload URL) and ``stream-media-id``;
  a Bearer token is required; ``Upload-Length`` over ``max_size`` → 413.
- ``PATCH`` with ``application/offset+octet-stream`` (else 415): ``Upload-Offset`` must equal
  the server's (else 409); a chunk is at least 5 MiB and a multiple of 256 KiB unless it is
  the last one (else 400); a chunk whose body does not arrive whole is discarded.
- ``HEAD`` → ``Upload-Offset``/``Upload-Length`` with ``Cache-Control: no-store``; unknown
  → 404, expired → 410. ``DELETE`` terminates an upload.
- ``PUT /raw/{name}``: one plain request with the whole body (the bench's baseline).
- Control: ``/_control/faults`` (see ``platform_emulator.faults``), ``/_control/stats``
  (every PATCH with its offset, bytes received and whether it was accepted),
  ``/_control/expire/{id}``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.counterparts.platform_emulator.faults import FaultBoard, FaultMiddleware

MIN_CHUNK = 5 * 1024 * 1024
CHUNK_MULTIPLE = 256 * 1024
UPLOAD_PATH = re.compile(r"^/accounts/([^/]+)/stream/([0-9a-f]+)$")


@dataclass
class Upload:
    id: str
    length: int
    path: Path
    metadata: dict[str, str]
    offset: int = 0
    expired: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


class TusServer:
    def __init__(
        self,
        *,
        token: str = "stream-token",
        account: str = "acct-1",
        storage: Path | None = None,
        max_size: int = 30 * 1024**3,
    ) -> None:
        self.token, self.account, self.max_size = token, account, max_size
        self.storage = Path(storage or tempfile.mkdtemp(prefix="tus-"))
        self.uploads: dict[str, Upload] = {}
        self.patches: list[dict] = []
        self.bytes_received = 0
        self.base_url = ""  # set by the fixture once the port is known
        self.faults = FaultBoard()
        self.app = FaultMiddleware(self._app, self.faults)

    def reset(self) -> None:
        self.uploads.clear()
        self.patches.clear()
        self.bytes_received = 0
        self.faults.clear()
        self.faults.requests.clear()
        for leftover in self.storage.glob("*"):
            leftover.unlink()

    def exists(self, media_id: str) -> bool:
        upload = self.uploads.get(media_id)
        return upload is not None and upload.offset == upload.length

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)

    # --- ASGI ----------------------------------------------------------------------------
    async def _app(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if path.startswith("/_control"):
            await self._control(method, path, receive, send)
            return
        if method == "PUT" and path.startswith("/raw/"):
            await self._raw_put(path, receive, send)
            return
        if method != "OPTIONS" and headers.get("tus-resumable") != "1.0.0":
            await _answer(send, 412, {"tus-version": "1.0.0"}, b"Tus-Resumable 1.0.0 required")
            return
        if method == "POST" and path == f"/accounts/{self.account}/stream":
            await self._create(headers, send)
            return
        match = UPLOAD_PATH.match(path)
        upload = self.uploads.get(match.group(2)) if match else None
        if upload is None:
            await _answer(send, 404, body=b"upload not found")
            return
        if upload.expired:
            await _answer(send, 410, body=b"upload expired")
            return
        if method == "HEAD":
            await _answer(
                send,
                200,
                {
                    "upload-offset": str(upload.offset),
                    "upload-length": str(upload.length),
                    "cache-control": "no-store",
                },
            )
        elif method == "PATCH":
            await self._patch(upload, headers, receive, send)
        elif method == "DELETE":
            upload.expired = True
            await _answer(send, 204)
        else:
            await _answer(send, 405)

    async def _create(self, headers: dict[str, str], send) -> None:
        if headers.get("authorization") != f"Bearer {self.token}":
            await _answer(send, 401, body=b'{"errors":[{"message":"Authentication error"}]}')
            return
        try:
            length = int(headers.get("upload-length", ""))
        except ValueError:
            await _answer(send, 400, body=b"Upload-Length is required")
            return
        if length < 0 or length > self.max_size:
            await _answer(send, 413, body=b"upload too large")
            return
        metadata = {}
        for pair in filter(None, headers.get("upload-metadata", "").split(",")):
            key, _, value = pair.strip().partition(" ")
            metadata[key] = base64.b64decode(value).decode() if value else ""
        media_id = uuid.uuid4().hex
        path = self.storage / media_id
        path.write_bytes(b"")
        self.uploads[media_id] = Upload(media_id, length, path, metadata)
        location = f"{self.base_url}/accounts/{self.account}/stream/{media_id}"
        await _answer(send, 201, {"location": location, "stream-media-id": media_id})

    async def _patch(self, upload: Upload, headers: dict[str, str], receive, send) -> None:
        if headers.get("content-type") != "application/offset+octet-stream":
            await _answer(send, 415, body=b"Content-Type must be application/offset+octet-stream")
            return
        try:
            offset = int(headers["upload-offset"])
            size = int(headers["content-length"])
        except (KeyError, ValueError):
            await _answer(send, 400, body=b"Upload-Offset and Content-Length are required")
            return
        record = {"upload": upload.id, "offset": offset, "received": 0, "accepted": None}
        self.patches.append(record)
        async with upload.lock:
            if offset != upload.offset:
                record["accepted"] = False
                await _answer(
                    send,
                    409,
                    {"upload-offset": str(upload.offset)},
                    b"Upload-Offset does not match the server's offset",
                )
                return
            final = offset + size == upload.length
            if offset + size > upload.length or (
                not final and (size < MIN_CHUNK or size % CHUNK_MULTIPLE)
            ):
                record["accepted"] = False
                await _answer(
                    send,
                    400,
                    body=b"chunks must be at least 5 MiB and a multiple of "
                    b"256 KiB, except the last one",
                )
                return
            complete = await self._receive_into(upload, offset, size, receive, record)
            record["accepted"] = complete
            if not complete:
                return  # the client went away: the partial chunk is dropped
            upload.offset = offset + size
        await _answer(send, 204, {"upload-offset": str(upload.offset)})

    async def _receive_into(
        self, upload: Upload, offset: int, size: int, receive, record: dict
    ) -> bool:
        received = 0
        with upload.path.open("r+b") as handle:
            handle.seek(offset)
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    handle.truncate(offset)
                    return False
                body = message.get("body", b"")
                handle.write(body)
                received += len(body)
                record["received"] = received
                self.bytes_received += len(body)
                if not message.get("more_body"):
                    break
        if received != size:
            with upload.path.open("r+b") as handle:
                handle.truncate(offset)
            return False
        return True

    async def _raw_put(self, path: str, receive, send) -> None:
        target = self.storage / ("raw-" + path.rsplit("/", 1)[-1])
        received = 0
        with target.open("wb") as handle:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                handle.write(message.get("body", b""))
                received += len(message.get("body", b""))
                if not message.get("more_body"):
                    break
        self.bytes_received += received
        await _answer(send, 201, body=str(received).encode())

    async def _control(self, method: str, path: str, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if path == "/_control/faults" and method == "POST":
            self.faults.add(**json.loads(body))
        elif path == "/_control/faults" and method == "DELETE":
            self.faults.clear()
        elif path == "/_control/stats":
            stats = {
                "bytes_received": self.bytes_received,
                "patches": self.patches,
                "requests": self.faults.requests,
                "uploads": {
                    u.id: {"offset": u.offset, "length": u.length, "metadata": u.metadata}
                    for u in self.uploads.values()
                },
            }
            await _answer(
                send, 200, {"content-type": "application/json"}, json.dumps(stats).encode()
            )
            return
        elif path == "/_control/reset":
            self.reset()
        elif path.startswith("/_control/expire/"):
            upload = self.uploads.get(path.rsplit("/", 1)[-1])
            if upload:
                upload.expired = True
        await _answer(send, 200, body=b"{}")


async def _answer(
    send, status: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> None:
    all_headers = {"tus-resumable": "1.0.0", **(headers or {})}
    if body:
        all_headers.setdefault("content-length", str(len(body)))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in all_headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    """``python -m tests.counterparts.tus_server --port N [--storage DIR]``: serve in its own
    process (the bench does this so the server does not share the client's GIL)."""
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage")
    args = parser.parse_args()
    server = TusServer(storage=Path(args.storage) if args.storage else None)
    server.base_url = f"http://127.0.0.1:{args.port}"
    uvicorn.run(server, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
