"""Thumbnails made by real ffmpeg + Pillow from generated clips."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from sqlalchemy import select

from core.domain.errors import NotFoundError, StateError, ValidationError
from core.library.thumbnails import ThumbnailService
from core.media.errors import FFmpegMissingError, MediaError
from core.store.models import OutboxEntry

pytestmark = pytest.mark.media


def _mean(path: str) -> float:
    return ImageStat.Stat(Image.open(path).convert("L")).mean[0]


def test_default_set_is_five_moments_at_three_exact_sizes(context, clip, import_vod):
    vod_id = import_vod(clip)
    reported = []
    thumbs = context.thumbnails.generate(vod_id, progress=lambda f, m: reported.append(f))

    assert len(thumbs) == 15
    assert reported[-1] == 1.0 and reported == sorted(reported)
    moments = sorted({t.requested_timestamp for t in thumbs})
    assert moments == pytest.approx([0.8, 1.6, 2.4, 3.2, 4.0], abs=0.01)
    for thumb in thumbs:
        with Image.open(thumb.jpeg_path) as jpeg, Image.open(thumb.webp_path) as webp:
            assert jpeg.format == "JPEG" and webp.format == "WEBP"
            assert jpeg.size == webp.size == (thumb.width, thumb.height)
        assert thumb.size_bytes == Path(thumb.jpeg_path).stat().st_size
        assert thumb.resolution_label in {"320x180", "640x360", "1280x720"}
        assert not list(Path(thumb.jpeg_path).parent.glob(".*partial"))
    defaults = [t for t in thumbs if t.is_default]
    assert len(defaults) == 1
    assert defaults[0].batch_index == 2 and defaults[0].width == 1280


def test_hundred_percent_is_the_last_real_frame_not_black(context, clip, import_vod):
    vod_id = import_vod(clip)
    thumbs = context.thumbnails.generate(vod_id, timestamps=[4.0], resolutions="small", smart=False)
    (last,) = thumbs
    assert last.requested_timestamp == 4.0
    assert 3.8 <= last.timestamp < 4.0
    assert _mean(last.jpeg_path) > 40  # testsrc2, not a black frame past the end


def test_json_shape_matches_the_platform_list(context, clip, import_vod):
    vod_id = import_vod(clip)
    context.thumbnails.generate(vod_id, timestamps=[1.0], resolutions=["medium"])
    (item,) = [t.to_json() for t in context.thumbnails.list(vod_id)]
    assert set(item) == {
        "thumbnail_id",
        "url",
        "webp_url",
        "timestamp",
        "resolution",
        "size_bytes",
        "is_default",
    }
    assert item["resolution"] == "640x360"
    assert item["url"].startswith("file://") and item["url"].endswith(".jpg")
    assert item["webp_url"].endswith(".webp")
    assert item["is_default"] is True  # default index 2 with one moment: the last one


def test_portrait_source_is_letterboxed_not_stretched(context, clip_factory, import_vod):
    portrait = clip_factory("portrait.mp4", seconds=2, size="180x320")
    vod_id = import_vod(portrait)
    (thumb,) = context.thumbnails.generate(vod_id, timestamps=[1.0], resolutions="small")
    image = Image.open(thumb.jpeg_path).convert("L")
    assert image.size == (320, 180)
    # 180x320 fitted in 320x180 is ~101x180: black bars left and right, picture in the middle.
    left_bar = ImageStat.Stat(image.crop((0, 0, 100, 180))).mean[0]
    middle = ImageStat.Stat(image.crop((115, 0, 205, 180))).mean[0]
    assert left_bar < 20 < middle


def test_smart_pick_skips_a_black_frame_and_records_the_time_used(
    context, black_start_clip, import_vod
):
    vod_id = import_vod(black_start_clip)
    (exact,) = context.thumbnails.generate(
        vod_id, timestamps=[2.0], resolutions="small", smart=False
    )
    (smart,) = context.thumbnails.generate(vod_id, timestamps=[2.0], resolutions="small")
    assert exact.timestamp == 2.0 and _mean(exact.jpeg_path) < 20
    assert smart.requested_timestamp == 2.0
    assert 3.0 <= smart.timestamp <= 4.0
    assert _mean(smart.jpeg_path) > 40


def test_default_can_change_and_the_default_cannot_be_deleted(context, clip, import_vod):
    vod_id = import_vod(clip)
    thumbs = context.thumbnails.generate(
        vod_id, timestamps=[1.0, 2.0], resolutions="small", set_default=0
    )
    first, second = thumbs
    assert first.is_default and not second.is_default
    with pytest.raises(StateError, match="set another as default first"):
        context.thumbnails.delete(vod_id, first.thumbnail_id)

    chosen = context.thumbnails.set_default(vod_id, second.thumbnail_id[:8])
    assert chosen.is_default
    context.thumbnails.delete(vod_id, first.thumbnail_id)
    assert not Path(first.jpeg_path).exists() and not Path(first.webp_path).exists()
    remaining = context.thumbnails.list(vod_id)
    assert [t.thumbnail_id for t in remaining] == [second.thumbnail_id]
    assert remaining[0].is_default
    with pytest.raises(NotFoundError):
        context.thumbnails.delete(vod_id, "no-such-thumbnail")


def test_bad_requests_are_refused_clearly(context, clip, clip_factory, import_vod):
    vod_id = import_vod(clip)
    with pytest.raises(ValidationError, match="outside the video"):
        context.thumbnails.generate(vod_id, timestamps=[99.0])
    with pytest.raises(ValidationError, match="unknown resolution"):
        context.thumbnails.generate(vod_id, resolutions="huge")
    with pytest.raises(ValidationError, match="out of range"):
        context.thumbnails.generate(vod_id, timestamps=[1.0], set_default=3)
    audio_only = import_vod(clip_factory("audio.m4a", seconds=2, video=False))
    with pytest.raises(MediaError, match="no video stream"):
        context.thumbnails.generate(audio_only, timestamps=[1.0])
    context.vods.set_status(vod_id, "deleted")
    with pytest.raises(StateError, match="must be ready"):
        context.thumbnails.generate(vod_id)
    assert context.thumbnails.list(vod_id) == []


def test_unwritable_output_leaves_nothing_behind(context, clip, import_vod):
    vod_id = import_vod(clip)
    (context.data_dir / "thumbnails").write_text("a file where the folder should be")
    with pytest.raises(MediaError, match="cannot create"):
        context.thumbnails.generate(vod_id, timestamps=[1.0])
    assert context.thumbnails.list(vod_id) == []


def test_read_only_folder_is_reported(context, clip, import_vod, tmp_path, request):
    vod_id = import_vod(clip)
    folder = context.data_dir / "thumbnails" / vod_id
    folder.mkdir(parents=True)
    as_root = os.geteuid() == 0
    if as_root:  # root ignores permission bits: a read-only mount stops root too
        request.getfixturevalue("small_mounts").mount(folder, read_only=True)
    else:
        folder.chmod(0o500)
    try:
        with pytest.raises(MediaError, match="cannot write thumbnails"):
            context.thumbnails.generate(vod_id, timestamps=[1.0])
    finally:
        if not as_root:
            folder.chmod(0o700)
    assert context.thumbnails.list(vod_id) == []


def test_cancel_removes_what_was_written(context, clip, import_vod):
    class AlreadyCancelled:
        def is_set(self) -> bool:
            return True

    vod_id = import_vod(clip)
    from core.media.errors import MediaCancelled

    with pytest.raises(MediaCancelled):
        context.thumbnails.generate(vod_id, cancel=AlreadyCancelled())
    assert context.thumbnails.list(vod_id) == []
    assert not list((context.data_dir / "thumbnails" / vod_id).glob("*"))


def test_chapter_thumbnails_are_saved_through_the_chapter_service(
    context, black_start_clip, import_vod
):
    vod_id = import_vod(black_start_clip)
    context.chapters.add(vod_id, title="Dark intro", start_time=0.0, end_time=3.5)
    context.chapters.add(vod_id, title="Pattern", start_time=3.5, end_time=6.0)
    chapters = context.thumbnails.generate_for_chapters(vod_id).value
    assert [c.title for c in chapters] == ["Dark intro", "Pattern"]
    for chapter in context.chapters.list(vod_id).chapters:
        assert chapter.thumbnail_url and chapter.thumbnail_url.startswith("file://")
        path = Path(chapter.thumbnail_url.removeprefix("file://"))
        assert Image.open(path).size == (640, 360)
    # The dark chapter's picture was smart-picked from the lit part inside the chapter.
    first = Path(context.chapters.list(vod_id).chapters[0].thumbnail_url.removeprefix("file://"))
    assert _mean(str(first)) > 40
    with context.database.session() as session:
        updates = session.scalars(
            select(OutboxEntry).where(
                OutboxEntry.entity == "chapter", OutboxEntry.operation == "update"
            )
        ).all()
        assert len(updates) >= 2


def test_ffmpeg_missing_from_path(context, clip, import_vod, monkeypatch):
    vod_id = import_vod(clip)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FFmpegMissingError, match="not found on PATH"):
        ThumbnailService(context.database, context.data_dir).generate(vod_id, timestamps=[1.0])


def test_cli_generate_list_default_delete(run_cli, clip_factory, import_vod):
    odd_name = clip_factory("my 'odd' \"clip\" ümlaut é.mp4", seconds=3)
    vod_id = import_vod(odd_name)  # same data directory as run_cli

    made = run_cli(
        "thumbnails",
        "generate",
        vod_id,
        "--at",
        "0:01",
        "--at",
        "2",
        "--resolutions",
        "small,medium",
        "--default",
        "1",
        "--json",
    )
    assert made.code == 0, made.stderr
    answer = json.loads(made.stdout)  # the platform's generate answer, already complete
    assert set(answer) == {
        "video_id",
        "thumbnails",
        "task_id",
        "default_thumbnail_url",
        "processing_time_ms",
    }
    assert answer["video_id"] == vod_id and answer["task_id"]
    assert isinstance(answer["processing_time_ms"], int) and answer["processing_time_ms"] > 0
    items = answer["thumbnails"]
    assert answer["default_thumbnail_url"] == items[3]["url"]
    assert [i["resolution"] for i in items] == ["320x180", "640x360"] * 2
    assert [i["is_default"] for i in items] == [False, False, False, True]

    refused = run_cli("thumbnails", "delete", vod_id, items[3]["thumbnail_id"])
    assert refused.code == 1 and "set another as default first" in refused.stderr
    assert run_cli("thumbnails", "default", vod_id, items[0]["thumbnail_id"]).code == 0
    assert run_cli("thumbnails", "delete", vod_id, items[3]["thumbnail_id"]).code == 0
    after = json.loads(run_cli("thumbnails", "list", vod_id, "--json").stdout)
    assert len(after) == 3 and [i["is_default"] for i in after] == [True, False, False]

    missing = run_cli("thumbnails", "generate", vod_id, "--at", "1", env={"PATH": "/nonexistent"})
    assert missing.code == 1 and "was not found on PATH" in missing.stderr


def test_default_moments_use_nearby_keyframes_from_one_batch(context, clip_factory, import_vod):
    """With a keyframe on every frame, each default moment is the keyframe at or just
    before its time (grabbed in one ffmpeg run); each is a different picture."""
    all_intra = clip_factory("intra.mp4", seconds=5, extra=["-g", "1"])
    vod_id = import_vod(all_intra)
    thumbs = context.thumbnails.generate(vod_id, resolutions="small", smart=False)
    assert len(thumbs) == 5
    for thumb in thumbs[:4]:
        assert thumb.requested_timestamp - 0.05 <= thumb.timestamp <= thumb.requested_timestamp
    pictures = {Path(t.jpeg_path).read_bytes() for t in thumbs}
    assert len(pictures) == 5
