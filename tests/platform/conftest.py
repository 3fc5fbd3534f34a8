"""Fixtures: the platform emulator and the tus server on free 127.0.0.1 ports, a context
configured for them, and a VOD whose file is a few MiB of random bytes."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.counterparts.platform_emulator import ServerThread, create_app
from tests.counterparts.tus_server import TusServer

MIB = 1024 * 1024


class Emulator:
    def __init__(self, server: ServerThread, app) -> None:
        self.url, self.app, self.store = server.url, app, app.state.store
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def fault(self, **rule) -> None:
        self.http.post("/_control/faults", json=rule).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/_control/faults")

    def requests(self, method: str | None = None, contains: str = "") -> list[dict]:
        return [
            r
            for r in self.http.get("/_control/requests").json()
            if (method is None or r["method"] == method) and contains in r["path"]
        ]

    def set_video(self, video_id: str, **spec) -> None:
        self.http.post(f"/_control/videos/{video_id}", json=spec).raise_for_status()

    def chapters(self, video_id: str) -> list[dict]:
        """The video's chapters in the page's own shape, whatever dialect is being spoken."""
        return self.http.get(f"/_control/videos/{video_id}/chapters").json()

    def vod(self, video_id: str) -> dict:
        return next(v for v in self.http.get("/_control/videos").json() if v["id"] == video_id)

    def thumbnails(self, video_id: str) -> list[dict]:
        return self.http.get(f"/_control/videos/{video_id}/thumbnails").json()

    def speak(self, profile: str = "page", **switches) -> None:
        """Answer as another server written from the same page would (see dialects.py)."""
        self.http.post(
            "/_control/dialect", json={"profile": profile, **switches}
        ).raise_for_status()

    def bodies(self) -> list[str]:
        """Everything the app sent: query strings and request bodies, one per request."""
        return [f"{r['path']}?{r['query']} {r['body']}" for r in self.requests()]

    def as_user(self, token: str = "token-alice") -> httpx.Client:
        return httpx.Client(
            base_url=self.url, timeout=10, headers={"Authorization": f"Bearer {token}"}
        )


class Tus:
    def __init__(self, server: ServerThread, tus: TusServer) -> None:
        self.url, self.server = server.url, tus
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def fault(self, **rule) -> None:
        self.http.post("/_control/faults", json=rule).raise_for_status()

    def stats(self) -> dict:
        return self.http.get("/_control/stats").json()


@pytest.fixture(scope="session")
def _tus_server(tmp_path_factory):
    server_app = TusServer(storage=tmp_path_factory.mktemp("tus-store"))
    with ServerThread(server_app) as server:
        server_app.base_url = server.url
        yield Tus(server, server_app)


@pytest.fixture(scope="session")
def _emulator_server(_tus_server):
    app = create_app(cloudflare_lookup=lambda media_id: _tus_server.server.exists(media_id))
    with ServerThread(app) as server:
        yield Emulator(server, app)


@pytest.fixture
def tus(_tus_server):
    """The shared tus server, emptied for this test."""
    _tus_server.http.post("/_control/reset").raise_for_status()
    vars(_tus_server.server).pop("exists", None)  # undo a test's override
    return _tus_server


@pytest.fixture
def dialect(request) -> str:
    """Which server the emulator plays (a name in ``dialects.PROFILES``): the page's own
    shapes unless a test is parametrized with ``indirect=["dialect"]``."""
    return getattr(request, "param", "page")


@pytest.fixture
def emulator(_emulator_server, tus, dialect):
    """The shared platform emulator, back to its seeded tenants and tokens for this test,
    speaking ``dialect``."""
    _emulator_server.http.post("/_control/reset").raise_for_status()
    _emulator_server.speak(dialect)
    return _emulator_server


@pytest.fixture
def platform_env(emulator, tus, monkeypatch) -> dict[str, str]:
    env = {
        "VODSTUDIO_API_URL": emulator.url,
        "VODSTUDIO_API_TOKEN": "token-alice",
        "VODSTUDIO_PROJECT_ID": "project-a",
        "VODSTUDIO_STREAM_API_URL": tus.url,
        "VODSTUDIO_STREAM_ACCOUNT_ID": "acct-1",
        "VODSTUDIO_STREAM_API_TOKEN": "stream-token",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture(scope="session")
def random_file(tmp_path_factory) -> Path:
    """12 MiB of random bytes (incompressible, like video)."""
    path = tmp_path_factory.mktemp("payload") / "recording.mp4"
    path.write_bytes(os.urandom(12 * MIB))
    return path


@pytest.fixture
def local_vod(context, clip, random_file) -> str:
    """A VOD imported from a real clip whose file is then the 12 MiB payload to upload."""
    from core.store.models import Vod

    vod = context.vods.import_file(clip, title="My coding session")
    with context.database.session() as s:
        row = s.get(Vod, vod.id)
        row.file_path, row.duration = str(random_file), 600.0
    return vod.id


@pytest.fixture
def uploaded_vod(context, platform_env, clip, emulator) -> tuple[str, str]:
    """(local id, platform id) of a small VOD uploaded and linked, 600 s long on both sides."""
    from core.platform import UploadOptions
    from core.store.models import Vod

    vod_id = context.vods.import_file(clip, title="Chaptered stream").id
    with context.database.session() as s:
        s.get(Vod, vod_id).duration = 600.0
    result = context.uploads.upload(vod_id, UploadOptions(chunk_size=5 * MIB))
    emulator.set_video(result.remote_vod_id, duration=600.0, status="ready")
    return vod_id, result.remote_vod_id
