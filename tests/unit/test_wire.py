"""Reading the platform's records whatever shape a server chose (core/platform/wire.py and
the models): ids, times, flags and lists in every plausible spelling, records wrapped or
flat, and a record that cannot be read reported on its own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.platform.models import RemoteChapter, RemoteThumbnail, RemoteVod, TranscodeJob
from core.platform.wire import read_records, unwrap_list, unwrap_record


def chapter(**fields) -> dict:
    return {
        "id": "c1",
        "video_id": "v1",
        "title": "Intro",
        "start_time": 0,
        "end_time": 60,
    } | fields


@pytest.mark.parametrize(
    "given,expected",
    [(12, "12"), (12.0, "12"), ("  abc ", "abc"), ("uuid-1", "uuid-1")],
)
def test_ids_are_read_from_numbers_and_strings(given, expected):
    assert RemoteChapter.model_validate(chapter(id=given)).id == expected


@pytest.mark.parametrize("bad", [True, "", None, 1.5, {"id": 1}])
def test_an_unusable_id_is_refused(bad):
    with pytest.raises(ValidationError):
        RemoteChapter.model_validate(chapter(id=bad))


@pytest.mark.parametrize(
    "given,expected",
    [(540, 540.0), ("540", 540.0), ("540.25", 540.25), ("9:00", 540.0), ("0:09:00.5", 540.5)],
)
def test_times_are_read_from_numbers_and_strings(given, expected):
    assert RemoteChapter.model_validate(chapter(start_time=given)).start_time == expected


@pytest.mark.parametrize("bad", ["soon", None, True, "nan", float("inf")])
def test_a_time_that_is_not_one_is_refused(bad):
    with pytest.raises(ValidationError):
        RemoteChapter.model_validate(chapter(start_time=bad))


def test_null_and_missing_optional_fields_take_their_defaults():
    nulls = chapter(description=None, order=None, source=None, confidence_score=None)
    for record in (nulls, chapter()):
        read = RemoteChapter.model_validate(record)
        assert (read.description, read.order, read.source, read.confidence_score) == (
            "",
            0,
            "manual",
            None,
        )
    scored = RemoteChapter.model_validate(chapter(confidence_score="0.92", order="3"))
    assert scored.confidence_score == 0.92 and scored.order == 3


def test_moments_flags_and_quality_lists():
    vod = RemoteVod.model_validate({"id": 7, "status": "ready", "created_at": 1777114800})
    assert vod.id == "7" and vod.created_at == "2026-04-25T11:00:00Z"
    in_ms = RemoteVod.model_validate({"id": 7, "status": "ready", "created_at": 1777114800000})
    assert in_ms.created_at == vod.created_at
    thumb = RemoteThumbnail.model_validate(
        {"id": 3, "url": "https://x/a.jpg", "timestamp": "120", "is_default": "true"}
    )
    assert (thumb.thumbnail_id, thumb.timestamp, thumb.is_default) == ("3", 120.0, True)
    job = TranscodeJob.model_validate(
        {
            "id": "j",
            "status": "processing",
            "progress": "62",
            "current_quality": ["720p"],
            "completed_qualities": "360p",
            "failed_qualities": None,
        }
    )
    assert (job.job_id, job.progress, job.current_quality) == ("j", 62.0, "720p")
    assert job.completed_qualities == ["360p"] and job.failed_qualities == []


def test_records_are_found_flat_named_or_in_an_envelope():
    flat = {"id": "v", "status": "ready", "post": {"id": "p"}}
    assert unwrap_record(flat, ("vod",)) is flat
    page = unwrap_record({"vod": {"id": "v", "status": "ready"}, "post": {"id": "p"}}, ("vod",))
    assert page == {"id": "v", "status": "ready", "post": {"id": "p"}}
    nested = unwrap_record({"data": {"result": {"chapter": chapter()}}}, ("chapter",))
    assert nested["id"] == "c1"
    # A flat record that happens to hold a "data" field is not mistaken for an envelope.
    assert unwrap_record({"id": "x", "data": {"id": "y"}}, ())["id"] == "x"


def test_lists_are_found_bare_named_or_in_an_envelope():
    items = [chapter()]
    for answer in (
        items,
        {"chapters": items, "count": 1},
        {"data": items, "total": 1},
        {"data": {"chapters": items}},
        {"results": items, "next": None},
    ):
        assert unwrap_list(answer, ("chapters",)) == items
    assert unwrap_list({"message": "ok"}, ("chapters",)) is None


def test_one_unreadable_record_is_reported_and_the_others_kept():
    listing = read_records(
        [chapter(id="a"), {"chapter": chapter(id="b", start_time="whenever")}, "junk", {}],
        RemoteChapter,
        kind="chapter",
        names=("chapter",),
    )
    assert [c.id for c in listing] == ["a"]
    assert [p.remote_id for p in listing.problems] == ["b", None, None]
    assert "start_time" in listing.problems[0].message
    assert "chapter b from the platform could not be read" in str(listing.problems[0])
