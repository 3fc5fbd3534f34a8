import pytest

from core.domain.errors import ValidationError
from core.domain.media_specs import (
    LADDER,
    default_thumbnail_timestamps,
    parse_priority,
    parse_qualities,
    parse_resolutions,
    transcode_job_id,
)


def test_ladder_matches_the_seed():
    assert [(r.name, r.width, r.height, r.video_kbps) for r in LADDER.values()] == [
        ("360p", 640, 360, 800),
        ("720p", 1280, 720, 2500),
        ("1080p", 1920, 1080, 5000),
    ]


def test_qualities_are_returned_in_ladder_order_and_validated():
    assert parse_qualities(None) == ["360p", "720p", "1080p"]
    assert parse_qualities("1080p,360p") == ["360p", "1080p"]
    with pytest.raises(ValidationError, match="unknown quality '480p'"):
        parse_qualities("480p")
    with pytest.raises(ValidationError):
        parse_qualities(" , ")


def test_resolutions_and_priority():
    assert parse_resolutions(None) == ["small", "medium", "large"]
    assert parse_resolutions(["xlarge", "small"]) == ["small", "xlarge"]
    with pytest.raises(ValidationError, match="unknown resolution"):
        parse_resolutions("huge")
    assert parse_priority("HIGH") == "high"
    with pytest.raises(ValidationError):
        parse_priority("urgent")


def test_default_thumbnail_times_are_fractions_of_duration():
    assert default_thumbnail_timestamps(100) == [20, 40, 60, 80, 100]
    with pytest.raises(ValidationError):
        default_thumbnail_timestamps(0)


def test_job_id_shape():
    assert transcode_job_id("video-uuid", 1745568000) == "transcode_video-uuid_1745568000"
