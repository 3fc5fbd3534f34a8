"""The frames behind thumbnails: the exact last frame, and exact letterboxed sizes down the
chain of resolutions (real ffmpeg on generated clips)."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from core.domain.media_specs import THUMBNAIL_SIZES
from core.media.frame_stream import stream_keyframes
from core.media.frames import grab_keyframe, grab_last_frame
from core.media.probe import probe
from core.media.stills import letterboxed

from .conftest import ffprobe_json, keyframe_times

pytestmark = pytest.mark.media


@pytest.fixture(scope="session")
def short_video_clip(tmp_path_factory) -> Path:
    """2 s of video with 3 s of audio: the file lasts longer than its pictures."""
    target = tmp_path_factory.mktemp("short_video") / "short_video.mp4"
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
            "testsrc2=size=320x180:rate=30:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "60",
            "-c:a",
            "aac",
            str(target),
        ],
        check=True,
    )
    return target


def _decoded_last_frame(path: Path) -> tuple[float, Image.Image]:
    """The last frame by brute force: ffmpeg decodes every frame, overwriting one file."""
    target = path.with_name(path.stem + "_last.ppm")
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-vf",
            "scale=trunc(iw*sar/2)*2:ih,setsar=1",
            "-update",
            "1",
            "-c:v",
            "ppm",
            str(target),
        ],
        check=True,
    )
    times = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=best_effort_timestamp_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    start = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=start_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()  # MPEG-TS: twice
    last = max(float(t.strip(",")) for t in times if t.strip(","))
    with Image.open(target) as image:  # times count from the start of the pictures
        return last - float(start[0].strip(",") if start else 0), image.convert("RGB")


@pytest.mark.parametrize(
    "kind", ["plain", "b_frames", "video_shorter_than_audio", "mpegts_starting_at_1_4_s"]
)
def test_last_frame_is_the_last_decoded_picture_at_its_own_time(
    kind, clip_factory, short_video_clip
):
    path = {
        "plain": lambda: clip_factory(seconds=4),
        "b_frames": lambda: clip_factory("bframes.mp4", seconds=3, extra=["-bf", "2"]),
        "video_shorter_than_audio": lambda: short_video_clip,
        # MPEG-TS starts its clock at 1.4 s and cannot seek this close to its end.
        "mpegts_starting_at_1_4_s": lambda: clip_factory("clip.ts", seconds=3),
    }[kind]()
    info = probe(path)
    when, image = grab_last_frame(str(path), info.duration, info.fps)
    expected_time, expected = _decoded_last_frame(path)
    assert when == pytest.approx(expected_time, abs=0.002)
    assert image.size == expected.size
    assert image.tobytes() == expected.tobytes()  # the very same picture, not a neighbour


def test_hundred_percent_thumbnail_records_the_last_frame_time(
    context, short_video_clip, import_vod
):
    vod_id = context.vods.import_file(short_video_clip).id
    thumbs = context.thumbnails.generate(vod_id, resolutions="small", smart=False)
    last = thumbs[-1]
    expected_time, _ = _decoded_last_frame(short_video_clip)
    assert last.requested_timestamp == pytest.approx(probe(short_video_clip).duration, abs=0.01)
    assert last.timestamp == pytest.approx(expected_time, abs=0.002)


@pytest.mark.parametrize(
    "source_size, bars", [((1080, 1920), "sides"), ((2560, 810), "top"), ((1918, 1078), "none")]
)
def test_every_size_down_the_chain_is_exact_and_letterboxed(source_size, bars):
    """The sizes are made largest first, each from the one before (as generate does):
    every one is exactly its size, with the picture centred and never stretched."""
    source = Image.new("RGB", source_size, (200, 180, 160))
    image = source
    for name in sorted(THUMBNAIL_SIZES, key=lambda n: -THUMBNAIL_SIZES[n].width):
        size = THUMBNAIL_SIZES[name]
        image = letterboxed(image, size.width, size.height)
        assert image.size == (size.width, size.height)
        lit = [x for x in range(size.width) if image.getpixel((x, size.height // 2))[0] > 100]
        lit_rows = [y for y in range(size.height) if image.getpixel((size.width // 2, y))[0] > 100]
        picture_w, picture_h = len(lit), len(lit_rows)
        # The picture keeps the source's aspect ratio to within a pixel or two of rounding.
        assert picture_w / picture_h == pytest.approx(source_size[0] / source_size[1], rel=0.03)
        corner = ImageStat.Stat(image.crop((0, 0, 4, 4))).mean[0]
        if bars == "none":
            assert picture_w >= size.width - 2 and picture_h >= size.height - 2
        else:
            assert corner < 10  # black bars, not stretched picture
            if bars == "sides":
                assert picture_h == size.height and lit[0] > 0
            else:
                assert picture_w == size.width and lit_rows[0] > 0


def test_one_stream_gives_each_keyframe_and_the_last_frame_as_it_goes(clip_factory):
    """Every frame a keyframe: each slot is the frame at or just before its time, the last
    slot is the very last frame, and a time past the end only loses its own slot."""
    all_intra = clip_factory("intra.mp4", seconds=5, extra=["-g", "1"])
    info = probe(all_intra)
    got = sorted(
        stream_keyframes(str(all_intra), [1.0, 2.5, 3.75], last_from=(info.duration, info.fps)),
        key=lambda g: g[0],
    )
    assert [slot for slot, _, _ in got] == [0, 1, 2, 3]
    for (_slot, when, image), wanted in zip(got, [1.0, 2.5, 3.75], strict=False):
        assert wanted - 1 / 30 - 0.002 <= when <= wanted + 0.002
        assert image.size == (320, 180)
    expected_time, expected = _decoded_last_frame(all_intra)
    assert got[3][1] == pytest.approx(expected_time, abs=0.002)
    assert got[3][2].tobytes() == expected.tobytes()

    # No frame after a window that starts past the end: that slot is missing, not wrong.
    past = list(stream_keyframes(str(all_intra), [1.0], last_from=(info.duration + 5, 30.0)))
    assert [slot for slot, _, _ in past] == [0]


@pytest.mark.parametrize(
    "name, offset",
    [("gop2.mp4", []), ("gop2.ts", []), ("late_clock.ts", ["-output_ts_offset", "10"])],
)
def test_keyframe_grab_is_the_keyframe_at_or_before_in_the_files_own_time(
    clip_factory, name, offset
):
    """The filmstrip's grab: the latest keyframe not after the wanted time, its time counted
    from the start of the file, also where the container's clock starts late (MPEG-TS
    at 1.4 s, or 11.4 s) and seeks land after the wanted time or past the last keyframe."""
    path = clip_factory(name, seconds=12, extra=["-bf", "2", *offset])
    start = file_clock_start(path)
    keyframes = [round(t - start, 3) for t in keyframe_times(path)]
    assert [round(b - a, 3) for a, b in itertools.pairwise(keyframes)] == [2.0] * 5
    for wanted in (3.0, 5.0, 9.0, 11.9, 30.0):
        when, image = grab_keyframe(str(path), wanted)
        expected = max(k for k in keyframes if k <= wanted + 0.001)
        assert when == pytest.approx(expected, abs=0.002), wanted
        assert image.size == (320, 180)
    # At 0 (the pictures may start a little after the file's clock) the first picture.
    when, image = grab_keyframe(str(path), 0.0)
    assert 0.0 <= when <= keyframes[0] + 0.002


def file_clock_start(path: Path) -> float:
    """Where the file's clock starts: ffmpeg's seeks (``-ss``), the probed duration and so
    every time in the app count from there (MPEG-TS: the audio's start, 21 ms before the
    first picture here, as AAC starts with priming samples)."""
    return float(ffprobe_json(path, "-show_entries", "format=start_time")["format"]["start_time"])
