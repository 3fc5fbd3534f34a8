"""Fixtures of the media tests: VODs imported from generated clips, and helpers to look
inside HLS output with ffprobe."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_clip


@pytest.fixture
def import_vod(context):
    """``import_vod(path)`` → the id of a ready VOD made from ``path``."""

    def run(path: Path) -> str:
        return context.vods.import_file(path).id

    return run


@pytest.fixture(scope="session")
def black_start_clip(tmp_path_factory) -> Path:
    """3 s of black, then 3 s of test pattern (for the smart pick)."""
    target = tmp_path_factory.mktemp("smart") / "black_start.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=black:size=320x180:rate=30:duration=3",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=30:duration=3",
            "-filter_complex",
            "[0:v][1:v]concat=n=2:v=1:a=0[v]",
            "-map",
            "[v]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "15",
            str(target),
        ],
        check=True,
    )
    return target


@pytest.fixture(scope="session")
def odd_clip(tmp_path_factory) -> Path:
    """317x179: odd in both directions (4:4:4 so that H.264 can hold it)."""
    target = tmp_path_factory.mktemp("odd") / "odd.mp4"
    return make_clip(target, seconds=2, size="317x179", extra=["-pix_fmt", "yuv444p"])


def ffprobe_json(path: Path, *args: str) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def keyframe_times(path: Path) -> list[float]:
    """Presentation times of the keyframes of a playlist's whole video stream."""
    data = ffprobe_json(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
    return [round(float(p["pts_time"]), 3) for p in data["packets"] if "K" in p["flags"]]


def decodes_cleanly(path: Path) -> tuple[bool, str]:
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and not result.stderr.strip(), result.stderr


# --- small file systems: a full or read-only folder, for real -------------------------------
# Root ignores permission bits, so a chmod'ed folder proves nothing in CI (which runs as
# root); a tiny or read-only tmpfs mounted over the folder makes the kernel itself answer
# ENOSPC or EROFS. Elsewhere (no root, or mounting refused) the tests that need it skip.
_MOUNT_SUPPORT: list[str | None] = []


def tmpfs_unavailable_reason(scratch: Path) -> str | None:
    """Why a tmpfs cannot be mounted here (``None`` when it can); checked once."""
    import os
    import shutil as _shutil

    if not _MOUNT_SUPPORT:
        reason = None
        if os.name != "posix" or os.geteuid() != 0:
            reason = "mounting a tmpfs needs root (the chmod-based read-only tests cover non-root)"
        elif not (_shutil.which("mount") and _shutil.which("umount")):
            reason = "mount/umount are not installed"
        else:
            point = scratch / "tmpfs-probe"
            point.mkdir(parents=True, exist_ok=True)
            tried = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)],
                capture_output=True,
                text=True,
            )
            if tried.returncode != 0:
                reason = f"mounting a tmpfs is not permitted here: {tried.stderr.strip()}"
            else:
                subprocess.run(["umount", str(point)], check=True)
        _MOUNT_SUPPORT.append(reason)
    return _MOUNT_SUPPORT[0]


def _is_mount_point(path: Path) -> bool:
    target = str(path.resolve())
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return any(line.split()[1].replace("\\040", " ") == target for line in mounts)


class SmallMounts:
    """Mount tiny tmpfs file systems over folders; every one is unmounted at teardown."""

    def __init__(self) -> None:
        self.points: list[Path] = []

    def mount(
        self,
        folder: Path,
        *,
        size: str = "64k",
        read_only: bool = False,
        keep_contents: bool = True,
        leave_free: int | None = None,
    ) -> Path:
        """Mount over ``folder`` (created if missing). ``keep_contents`` copies what the folder
        held into the new file system (so earlier files stay visible); ``leave_free`` fills it
        with a ``filler`` file until only about that many bytes are free; ``read_only``
        remounts it read-only once filled."""
        import shutil as _shutil

        folder.mkdir(parents=True, exist_ok=True)
        saved = None
        if keep_contents and any(folder.iterdir()):
            saved = folder.parent / f".saved-{folder.name}"
            _shutil.copytree(folder, saved)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
            check=True,
        )
        self.points.append(folder)
        if saved is not None:
            _shutil.copytree(saved, folder, dirs_exist_ok=True)
            _shutil.rmtree(saved)
        if leave_free is not None:
            fill(folder / "filler", leave_free)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return folder

    def unmount(self, folder: Path) -> None:
        if folder in self.points:
            self.points.remove(folder)
        if not _is_mount_point(folder):
            return
        for _ in range(20):
            if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
                return
            import time

            time.sleep(0.1)  # a process that just ended may still hold a file open
        subprocess.run(["umount", "-l", str(folder)], check=True)

    def unmount_all(self) -> None:
        for folder in reversed(list(self.points)):
            self.unmount(folder)


def fill(path: Path, leave_free: int) -> None:
    """Grow ``path`` until its file system is full, then shrink it so ``leave_free`` bytes
    (rounded to the file system's blocks) are free again."""
    import os

    chunk = b"\0" * 4096
    with open(path, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError:
            pass
    size = path.stat().st_size
    os.truncate(path, max(0, size - leave_free))


@pytest.fixture
def small_mounts(tmp_path):
    """``small_mounts.mount(folder, size=..., read_only=..., leave_free=...)``; skips the test
    when a tmpfs cannot be mounted (not root, or not permitted)."""
    reason = tmpfs_unavailable_reason(tmp_path / ".mount-check")
    if reason:
        pytest.skip(reason)
    mounts = SmallMounts()
    try:
        yield mounts
    finally:
        mounts.unmount_all()
