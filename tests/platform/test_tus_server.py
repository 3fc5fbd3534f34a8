"""The tus counterpart enforces Cloudflare's rules, so an uploader that breaks them fails."""

from __future__ import annotations

import base64

import httpx

MIB = 1024 * 1024
TUS = {"Tus-Resumable": "1.0.0"}


def create(tus, length: int) -> httpx.Response:
    return tus.http.post(
        "/accounts/acct-1/stream",
        headers={
            **TUS,
            "Authorization": "Bearer stream-token",
            "Upload-Length": str(length),
            "Upload-Metadata": f"name {base64.b64encode(b'clip.mp4').decode()},requiresignedurls",
        },
    )


def patch(url: str, offset: int, body: bytes, content_type="application/offset+octet-stream"):
    return httpx.patch(
        url,
        content=body,
        headers={**TUS, "Upload-Offset": str(offset), "Content-Type": content_type},
    )


def test_creation_chunks_offsets_and_resume(tus):
    assert (
        tus.http.post("/accounts/acct-1/stream", headers={**TUS, "Upload-Length": "10"}).status_code
        == 401
    )
    assert (
        tus.http.post(
            "/accounts/acct-1/stream",
            headers={"Authorization": "Bearer stream-token", "Upload-Length": "10"},
        ).status_code
        == 412
    )
    created = create(tus, 6 * MIB)
    assert created.status_code == 201
    url, media_id = created.headers["Location"], created.headers["stream-media-id"]
    assert url.endswith(media_id)
    assert tus.server.uploads[media_id].metadata == {"name": "clip.mp4", "requiresignedurls": ""}
    assert patch(url, 0, b"x" * MIB).status_code == 400  # under 5 MiB, not last
    assert patch(url, 0, b"x" * (5 * MIB + 1)).status_code == 400  # not a 256 KiB multiple
    assert patch(url, 0, b"x" * 5 * MIB, "text/plain").status_code == 415
    assert patch(url, 0, b"x" * 5 * MIB).headers["Upload-Offset"] == str(5 * MIB)
    stale = patch(url, 0, b"y" * MIB)
    assert stale.status_code == 409 and stale.headers["Upload-Offset"] == str(5 * MIB)
    head = httpx.head(url, headers=TUS)
    assert head.headers["Upload-Offset"] == str(5 * MIB)
    assert head.headers["Cache-Control"] == "no-store"
    assert patch(url, 5 * MIB, b"z" * MIB).status_code == 204  # the last chunk may be small
    assert tus.server.exists(media_id)
    tus.http.post(f"/_control/expire/{media_id}")
    assert httpx.head(url, headers=TUS).status_code == 410
    assert httpx.head(url.replace(media_id, "0" * 32), headers=TUS).status_code == 404
    assert tus.stats()["bytes_received"] == 6 * MIB  # refused chunks were never read
