"""The library page's cards: every VOD with its chapter count, default thumbnail and sync
state, read with one query whatever the number of VODs."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.domain.sync_state import SyncState
from core.library import ChapterService, VodLibrary
from core.media.probe import MediaInfo
from core.store.db import Database
from core.store.models import SyncLink, ThumbnailRow, UploadSession


def _probe(path: str) -> MediaInfo:
    return MediaInfo(path, 60.0, 1000, "mov,mp4", None, True, True, 320, 180, 30.0, "h264", "aac")


@pytest.fixture
def database(tmp_path):
    db = Database.open(tmp_path / "data")
    yield db
    db.close()


def _statements(database: Database) -> list[str]:
    """The queries run from now on (not the BEGIN that opens each transaction)."""
    seen: list[str] = []

    def record(*args) -> None:
        if not args[2].startswith("BEGIN"):
            seen.append(args[2])

    event.listen(database.engine, "before_cursor_execute", record, named=False)
    return seen


def test_cards_show_counts_default_thumbnails_and_sync_states_from_one_query(database, tmp_path):
    library, chapters = VodLibrary(database, prober=_probe), ChapterService(database)
    plain = library.import_file(tmp_path / "plain.mp4")
    edited = library.import_file(tmp_path / "edited.mp4")
    uploading = library.import_file(tmp_path / "uploading.mp4")
    failed = library.import_file(tmp_path / "failed.mp4")
    clashing = library.import_file(tmp_path / "clashing.mp4")
    for start in (0, 10, 20):
        chapters.add(edited.id, title=f"At {start}", start_time=start, end_time=start + 5)
    with database.session() as s:
        s.add(ThumbnailRow(vod_id=edited.id, timestamp=1, requested_timestamp=1, resolution="large",
                           width=1280, height=720, jpeg_path="/t/default.jpg", size_bytes=1,
                           is_default=True, batch_index=0))  # fmt: skip
        s.add(UploadSession(vod_id=uploading.id, file_path="f", file_size=1, status="paused"))
        s.add(UploadSession(vod_id=failed.id, file_path="f", file_size=1, status="failed",
                            error="the platform said no"))  # fmt: skip
        s.add(SyncLink(entity="chapter", local_id="c1", vod_id=clashing.id, conflict={"x": 1}))
        s.add(SyncLink(entity="chapter", local_id="c2", vod_id=plain.id, conflict=None))
    statements = _statements(database)

    cards = {card.vod.id: card for card in library.cards()}

    assert len(statements) == 1
    assert cards[edited.id].chapter_count == 3 and cards[plain.id].chapter_count == 0
    assert cards[edited.id].default_thumbnail == "/t/default.jpg"
    assert cards[plain.id].default_thumbnail is None
    assert cards[plain.id].sync_state == SyncState.NOT_UPLOADED
    assert cards[uploading.id].sync_state == SyncState.UPLOADING
    assert cards[failed.id].sync_state == SyncState.ERROR
    assert cards[clashing.id].sync_state == SyncState.CONFLICT
    assert [c.vod.id for c in library.cards()] == [v.id for v in library.list()]  # newest first
    assert cards[edited.id].to_json()["chapter_count"] == 3
