"""What each rung becomes for a given source (pure planning, no ffmpeg)."""

from __future__ import annotations

import pytest

from core.media.keyframes import on_grid
from core.media.ladder_plan import fit_rung, plan_ladder, rungs_above_source
from core.media.probe import MediaInfo

ALL = ["360p", "720p", "1080p"]


def source(width: int, height: int, **extra) -> MediaInfo:
    fields = {
        "path": "/x.mp4",
        "duration": 60.0,
        "size_bytes": 1,
        "container": "mov,mp4",
        "bit_rate": None,
        "has_video": True,
        "has_audio": True,
        "width": width,
        "height": height,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "pix_fmt": "yuv420p",
    }
    fields.update(extra)
    return MediaInfo(**fields)


@pytest.mark.parametrize(
    "size, quality, expected",
    [
        ((1920, 1080), "720p", (1280, 720)),
        ((1918, 1078), "1080p", (1918, 1078)),  # near-1080p source: its own size, not skipped
        ((2560, 1080), "720p", (1280, 540)),  # ultrawide keeps its shape inside the box
        ((1080, 1920), "1080p", (1080, 1920)),  # portrait: the box turns upright
        ((1080, 1920), "720p", (720, 1280)),
        ((1440, 1080), "720p", (960, 720)),  # 4:3
        ((1279, 719), "360p", (640, 358)),  # odd source: even output
        ((640, 360), "720p", None),  # would upscale: skipped
    ],
)
def test_fit_rung(size, quality, expected):
    assert fit_rung(*size, quality) == expected


def test_small_source_skips_higher_rungs_and_reports_why():
    plan = plan_ladder(source(640, 360), ALL)
    assert plan.qualities == ["360p"]
    assert [q for q, _ in plan.skipped] == ["720p", "1080p"]
    assert all("not upscaled" in reason for _, reason in plan.skipped)


def test_source_smaller_than_every_rung_makes_the_lowest_at_its_own_size():
    plan = plan_ladder(source(318, 178), ["720p", "1080p"])
    (rung,) = plan.rungs
    assert (rung.quality, rung.width, rung.height) == ("720p", 318, 178)
    assert rung.video_kbps < 2500  # fewer pixels, proportionally fewer bits
    assert [q for q, _ in plan.skipped] == ["1080p"]
    assert "smaller than every requested rung" in plan.notes[0]


def test_remux_only_when_everything_fits():
    fits = source(1280, 720, video_bit_rate=2_000_000)
    assert [r.method for r in plan_ladder(fits, ALL, keyframes_aligned=True).rungs] == [
        "encode",
        "copy",
    ]
    assert {r.method for r in plan_ladder(fits, ALL, keyframes_aligned=False).rungs} == {"encode"}
    too_fat = source(1280, 720, video_bit_rate=9_000_000)
    assert {r.method for r in plan_ladder(too_fat, ALL, keyframes_aligned=True).rungs} == {"encode"}
    hevc = source(1280, 720, video_bit_rate=2_000_000, video_codec="hevc")
    assert {r.method for r in plan_ladder(hevc, ALL, keyframes_aligned=True).rungs} == {"encode"}
    opus = source(1280, 720, video_bit_rate=2_000_000, audio_codec="opus")
    assert {r.method for r in plan_ladder(opus, ALL, keyframes_aligned=True).rungs} == {"encode"}


def test_keyframe_grid_check():
    assert on_grid([0.0, 2.0, 4.0, 6.0, 8.0], 2.0, 30.0, covered=8.0)
    assert not on_grid([0.0, 2.5, 5.0, 7.5], 2.0, 30.0, covered=8.0)
    assert not on_grid([0.0, 4.0, 8.0], 2.0, 30.0, covered=8.0)  # GOP too long
    assert not on_grid([], 2.0, 30.0, covered=8.0)


def test_the_rungs_above_the_source_are_named_with_its_size_before_a_transcode():
    assert rungs_above_source(1920, 1080) == {}
    assert rungs_above_source(1280, 720) == {"1080p": "1280x720"}
    # Below every rung: the lowest is still made, at the source's size.
    assert rungs_above_source(320, 180) == {"720p": "320x180", "1080p": "320x180"}
    assert rungs_above_source(None, None) == {}
    # The preview says what the plan does.
    plan = plan_ladder(source(1280, 720), ALL)
    assert {q for q, _ in plan.skipped} == set(rungs_above_source(1280, 720))
