"""A recording with known structure, built by ffmpeg, and VODs made from it.

The "stream" is 200 s of 160x90 video at 10 fps with keyframes every 2.3 s (so no edge
falls on a keyframe) and a 440 Hz tone (amplitude 1/8, ffmpeg's ``sine``):

- 0:00–0:30 moving test pattern, 0:30–1:10 a static card (SMPTE bars), then moving again;
- 1:30–1:40 black;
- 2:00–2:20 silence;
- 3:00 a cut from the test pattern to another moving pattern (a Mandelbrot zoom).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

STATIC = (30.0, 70.0)
BLACK = (90.0, 100.0)
SILENCE = (120.0, 140.0)
CUT = 180.0
DURATION = 200.0
TONE_PEAK = 32768 // 8  # the sine source's amplitude as a 16-bit sample


def build_stream(
    target: Path, *, size: str = "160x90", rate: int = 10, gop: int = 23, preset: str = "ultrafast"
) -> Path:
    """``preset="ultrafast"`` has no B-frames (every frame is decoded when refining); OBS's
    default ``veryfast`` puts up to 3 B-frames between P-frames."""
    segments = [
        f"testsrc2=size={size}:rate={rate}:duration={STATIC[0]}",
        f"smptebars=size={size}:rate={rate}:duration={STATIC[1] - STATIC[0]}",
        f"testsrc2=size={size}:rate={rate}:duration={BLACK[0] - STATIC[1]}",
        f"color=black:size={size}:rate={rate}:duration={BLACK[1] - BLACK[0]}",
        f"testsrc2=size={size}:rate={rate}:duration={CUT - BLACK[1]}",
        f"mandelbrot=size={size}:rate={rate}",
    ]
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    for source in segments:
        command += ["-f", "lavfi", "-i", source]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={DURATION}"]
    audio = len(segments)
    graph = (
        f"[{len(segments) - 1}:v]trim=duration={DURATION - CUT},setpts=PTS-STARTPTS[last];"
        + "".join(f"[{i}:v]" for i in range(len(segments) - 1))
        + f"[last]concat=n={len(segments)}:v=1:a=0,format=yuv420p[v];"
        f"[{audio}:a]volume=0:enable='between(t,{SILENCE[0]},{SILENCE[1]})'[a]"
    )
    command += [
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-g",
        str(gop),
        "-sc_threshold",
        "0",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        str(target),
    ]
    subprocess.run(command, check=True)
    return target


@pytest.fixture(scope="session")
def stream_clip(tmp_path_factory) -> Path:
    return build_stream(tmp_path_factory.mktemp("signals") / "stream.mp4")


@pytest.fixture(scope="session")
def bframes_clip(tmp_path_factory) -> Path:
    return build_stream(
        tmp_path_factory.mktemp("signals-b") / "stream-b.mp4", rate=30, gop=67, preset="veryfast"
    )


@pytest.fixture(scope="session")
def analysed(tmp_path_factory, stream_clip):
    """One data directory where the stream was imported and analysed once (most tests only
    read the result): ``(context, vod_id)``."""
    from app.context import AppContext

    context = AppContext(tmp_path_factory.mktemp("signals-data"))
    vod = context.vods.import_file(stream_clip, title="Known structure")
    context.signals.analyze(vod.id)
    yield context, vod.id
    context.close()


@pytest.fixture
def fresh_vod(context, stream_clip, tmp_path):
    """A VOD of its own copy of the stream (tests that change the file or race on it)."""
    copy = tmp_path / "stream-copy.mp4"
    copy.write_bytes(stream_clip.read_bytes())
    return context.vods.import_file(copy, title="Copy").id
