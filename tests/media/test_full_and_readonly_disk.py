"""A full or read-only output folder, for real: a tiny (or read-only) tmpfs is mounted over
the folder the command writes to, so the kernel answers ENOSPC / EROFS exactly as a full
disk or a read-only mount would. Each case runs the real CLI the way a user does and checks
the message, the job's end state, and that nothing half-written is left looking complete.

These tests need root and a permitted ``mount`` (true in CI and the dev container); they
skip elsewhere, where the chmod-based read-only tests apply instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from core.jobs.diskspace import MIN_FREE_BYTES
from tests.media.conftest import fill

pytestmark = pytest.mark.media

NO_SPACE = "No space left on device"
READ_ONLY = "Read-only file system"


@pytest.fixture(autouse=True)
def _tmpfs_first(small_mounts):
    """Ask for the mounts before any other fixture, so a machine that cannot mount skips
    at once instead of after importing clips."""


# --- helpers ------------------------------------------------------------------------------
def _ok(result) -> str:
    assert result.code == 0, f"exit {result.code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result.stdout


def _one_line_error(result) -> str:
    """The CLI's refusal: exit 1 and one ``vodstudio: error:`` line, never a traceback."""
    assert result.code == 1, f"exit {result.code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("vodstudio: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def vod(context, clip_factory):
    """A VOD made from a 3 s 320x180 clip, with one manual chapter. Setup and inspection go
    through the services in-process (each CLI start costs ~1 s); the actions under test run
    through the real CLI."""
    source = clip_factory("disk_tests.mp4", seconds=3)
    vod_id = context.vods.import_file(source).id
    context.chapters.add(vod_id, title="Opening", start_time=0.0, end_time=2.0)
    return vod_id, source


def _chapters(context, vod_id: str) -> list:
    return context.chapters.list(vod_id).chapters


# --- 1 and 2: HLS transcoding into a full or read-only output folder -----------------------
# Below MIN_FREE_BYTES the job does not start; a little above it, it starts and the ~80 KB
# 360p rendition of the 3 s clip fills the disk while ffmpeg writes it.
FULL_BEFORE, FILLS_UP = f"{MIN_FREE_BYTES // 2048}k", f"{MIN_FREE_BYTES // 1024 + 8}k"


@pytest.mark.parametrize(
    "size", [FULL_BEFORE, FILLS_UP], ids=["full-before-start", "fills-up-mid-run"]
)
def test_transcode_into_a_full_folder_fails_with_enospc_and_leaves_nothing(
    run_cli, context, data_dir, vod, small_mounts, size
):
    vod_id, source = vod
    source_hash, chapters = _sha256(source), _chapters(context, vod_id)
    hls = small_mounts.mount(data_dir / "hls", size=size)

    result = run_cli("transcode", "start", vod_id, "--qualities", "360p", "--wait")
    line = _one_line_error(result)
    assert NO_SPACE in line and str(hls) in line, line

    status = context.transcodes.status(vod_id)
    assert status.status == "failed"
    assert NO_SPACE in status.error and str(hls) in status.error
    assert status.master_playlist is None
    assert status.failed_qualities == ["360p"]
    assert [o.status for o in status.outputs] == ["failed"]
    # Nothing that looks like a finished rendition, and no throwaway folder left behind;
    # the segments finished before the disk filled wait in the hidden work folder, for
    # the retry to resume from.
    leftovers = [p.relative_to(hls) for p in hls.rglob("*")]
    assert not [p for p in leftovers if p.name.startswith(".partial-")], leftovers
    in_place = [p for p in leftovers if ".ladder" not in p.parts]
    assert not [p for p in in_place if p.suffix in (".m3u8", ".ts")], leftovers

    # Once there is room again, what the message suggests works: retrying the failed
    # quality, and the queue runs the next job.
    small_mounts.unmount(hls)
    if size == FILLS_UP:
        _ok(run_cli("transcode", "retry", vod_id, "360p", "--wait"))
        final = context.transcodes.status(vod_id, status.job_id).to_json()
    else:
        again = run_cli("transcode", "start", vod_id, "--qualities", "360p", "--wait", "--json")
        final = json.loads(_ok(again))
    assert final["status"] == "completed" and Path(final["master_playlist"]).is_file()
    assert _sha256(source) == source_hash
    assert _chapters(context, vod_id) == chapters


def test_transcode_into_a_read_only_folder_fails_clearly(
    run_cli, context, data_dir, vod, small_mounts
):
    vod_id, source = vod
    source_hash = _sha256(source)
    hls = small_mounts.mount(data_dir / "hls", read_only=True)

    line = _one_line_error(run_cli("transcode", "start", vod_id, "--wait"))
    assert READ_ONLY in line and str(hls) in line, line
    status = context.transcodes.status(vod_id)
    assert status.status == "failed" and READ_ONLY in status.error
    assert status.master_playlist is None
    assert not list(hls.iterdir())
    assert _sha256(source) == source_hash


def test_queued_jobs_all_end_when_the_folder_is_full(run_cli, context, data_dir, vod, small_mounts):
    """``transcode run`` with two queued jobs on a full disk: both fail with the reason, none
    is left queued or processing, and the command itself ends with exit 1 (no traceback)."""
    vod_id, _ = vod
    small_mounts.mount(data_dir / "hls", size=f"{MIN_FREE_BYTES // 2048}k")
    job_ids = [
        context.transcodes.start(vod_id, qualities=quality).job_id for quality in ("360p", "720p")
    ]
    result = run_cli("transcode", "run")
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    for job_id in job_ids:
        job = context.transcodes.status(vod_id, job_id)
        assert job.status == "failed" and NO_SPACE in job.error, job


# --- 3: thumbnails ----------------------------------------------------------------------------
@pytest.mark.parametrize("read_only", [False, True], ids=["full", "read-only"])
def test_thumbnails_into_a_full_or_read_only_folder(
    run_cli, context, data_dir, vod, small_mounts, read_only
):
    vod_id, _ = vod
    context.thumbnails.generate(vod_id, timestamps=[1.0], resolutions="small", set_default=0)
    before = context.thumbnails.list(vod_id)
    assert [t.is_default for t in before] == [True]
    folder = data_dir / "thumbnails"
    # Room for about two of the five small JPEG+WebP pairs (~20 KB each on 4 KB pages): some
    # are written before the disk is full, so their removal is exercised too.
    small_mounts.mount(folder, size="1m", leave_free=48 * 1024, read_only=read_only)
    previous_files = set(_files(folder))

    line = _one_line_error(run_cli("thumbnails", "generate", vod_id, "--resolutions", "small"))
    assert (READ_ONLY if read_only else NO_SPACE) in line and str(folder) in line, line
    assert context.thumbnails.list(vod_id) == before  # no rows, and the default is unchanged
    assert set(_files(folder)) == previous_files  # no new or partial images

    # Chapter thumbnails (one medium image, which would fit in what is left): the chapter's
    # thumbnail_url stays as it was.
    if not read_only:
        fill(folder / "more-filler", 0)
        previous_files = set(_files(folder))
    chapters = _chapters(context, vod_id)
    line = _one_line_error(run_cli("thumbnails", "chapters", vod_id))
    assert (READ_ONLY if read_only else NO_SPACE) in line, line
    assert _chapters(context, vod_id) == chapters
    assert set(_files(folder)) == previous_files


# --- 4: files the user names: chapter exports and chapter-embedded copies --------------------
@pytest.fixture
def small_target(tmp_path, small_mounts):
    return lambda **options: small_mounts.mount(tmp_path / "target", size="256k", **options)


def test_chapter_export_to_a_full_disk_keeps_no_truncated_file(run_cli, vod, small_target):
    vod_id, _ = vod
    target = small_target()
    existing = target / "old.vtt"
    # A previous export that --overwrite would replace; written before the disk got full.
    existing.write_text("WEBVTT\n\nkeep me\n", encoding="utf-8")
    fill(target / "filler", 0)

    line = _one_line_error(
        run_cli("chapters", "export", vod_id, "--format", "webvtt", "-o", target / "chapters.vtt")
    )
    assert NO_SPACE in line and str(target / "chapters.vtt") in line, line
    assert not (target / "chapters.vtt").exists()

    line = _one_line_error(
        run_cli("chapters", "export", vod_id, "--format", "webvtt", "-o", existing, "--overwrite")
    )
    assert NO_SPACE in line, line
    assert existing.read_text(encoding="utf-8") == "WEBVTT\n\nkeep me\n"
    assert sorted(p.name for p in target.iterdir()) == ["filler", "old.vtt"]


def test_chapter_export_to_a_read_only_folder(run_cli, vod, small_target):
    vod_id, _ = vod
    target = small_target(read_only=True)
    line = _one_line_error(
        run_cli("chapters", "export", vod_id, "--format", "json", "-o", target / "chapters.json")
    )
    assert READ_ONLY in line and str(target / "chapters.json") in line, line
    assert not list(target.iterdir())


# full: not even the chapter metadata file fits; 64 KB free: it does, the ~300 KB copy not.
@pytest.mark.parametrize(
    "leave_free, read_only",
    [(0, False), (64 * 1024, False), (None, True)],
    ids=["full", "fills-up-while-copying", "read-only"],
)
def test_embedding_chapters_into_a_full_or_read_only_folder(
    run_cli, vod, small_target, leave_free, read_only
):
    vod_id, source = vod
    source_hash = _sha256(source)
    target = small_target(leave_free=leave_free, read_only=read_only)
    before = set(target.iterdir())
    line = _one_line_error(run_cli("chapters", "embed", vod_id, target / "copy.mp4"))
    assert (READ_ONLY if read_only else NO_SPACE) in line, line
    assert str(target) in line, line
    assert set(target.iterdir()) == before  # no copy, no temporary folder
    assert _sha256(source) == source_hash


# --- 5: the data directory itself is full or read-only ---------------------------------------
@pytest.mark.parametrize("read_only", [False, True], ids=["full", "read-only"])
def test_a_full_or_read_only_data_dir_gets_a_message_not_a_traceback(
    run_cli, data_dir, clip_factory, small_mounts, read_only
):
    source = clip_factory("disk_tests.mp4", seconds=3)
    small_mounts.mount(
        data_dir, size="64k", leave_free=0 if not read_only else None, read_only=read_only
    )
    line = _one_line_error(run_cli("import", source))
    assert ("not writable" if read_only else "is full") in line, line
    assert str(data_dir) in line, line


@pytest.mark.parametrize("read_only", [False, True], ids=["full", "read-only"])
def test_farm_transcode_into_a_full_or_read_only_output_folder(
    run_cli, vod, small_target, read_only
):
    """``farm transcode --local 1 --output DIR``: the chunked path, into a folder the user
    names. A clear error, and no chunk folder left holding the space."""
    vod_id, _ = vod
    target = small_target(leave_free=None if read_only else 24 * 1024, read_only=read_only)
    before = set(target.iterdir())
    line = _one_line_error(
        run_cli(
            "farm",
            "transcode",
            vod_id,
            "--local",
            "1",
            "--qualities",
            "360p",
            "--output",
            target / "ladder",
        )
    )
    assert (READ_ONLY if read_only else NO_SPACE) in line, line
    if read_only:
        assert str(target / "ladder") in line, line
    leftovers = set(target.rglob("*")) - before
    assert not [p for p in leftovers if p.is_file()], leftovers


def test_the_app_started_on_a_full_data_dir_says_so_in_one_sentence(
    qapp, data_dir, small_mounts, monkeypatch
):
    """The GUI's start shows the same sentence as the CLI, not SQLAlchemy's error text."""
    from PySide6.QtWidgets import QMessageBox

    from app.context import AppContext
    from ui import application

    small_mounts.mount(data_dir, size="64k", leave_free=0)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    context = AppContext(data_dir)
    try:
        assert application.run(context) == 1
    finally:
        context.close()
    (message,) = shown
    assert message.startswith(f"the data directory {data_dir} is full"), message
    assert "\n" not in message and "sqlalchemy" not in message.lower()
