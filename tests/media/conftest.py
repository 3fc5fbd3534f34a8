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
    subprocess.run([
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "color=black:size=320x180:rate=30:duration=3",
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=3",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "15",
        str(target)], check=True)
    return target


@pytest.fixture(scope="session")
def odd_clip(tmp_path_factory) -> Path:
    """317x179: odd in both directions (4:4:4 so that H.264 can hold it)."""
    target = tmp_path_factory.mktemp("odd") / "odd.mp4"
    return make_clip(target, seconds=2, size="317x179", extra=["-pix_fmt", "yuv444p"])


def ffprobe_json(path: Path, *args: str) -> dict:
    result = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def keyframe_times(path: Path) -> list[float]:
    """Presentation times of the keyframes of a playlist's whole video stream."""
    data = ffprobe_json(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
    return [round(float(p["pts_time"]), 3) for p in data["packets"] if "K" in p["flags"]]


def decodes_cleanly(path: Path) -> tuple[bool, str]:
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True)
    return result.returncode == 0 and not result.stderr.strip(), result.stderr
