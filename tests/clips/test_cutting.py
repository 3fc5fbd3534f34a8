"""The three clip modes on real files: frame exactness of the smart cut, the lossless
mode's reported start, the fall-backs, and what ends up inside the clip."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.domain.clips import ClipMode, VerticalFill, VerticalOptions
from core.domain.errors import ValidationError
from core.media.clips import ClipRequest, export_clip
from core.media.errors import MediaCancelled, MediaError

from .conftest import (
    FPS,
    decode_errors,
    frame_hashes,
    frame_times,
    index_at,
    keyframe_times,
    probe_stream,
    psnr_first_frame,
    video_duration,
)

pytestmark = pytest.mark.media

START, END = 4.5, 13.2  # between keyframes (0, 3, 6, 9, 12 s) at both ends


def request(source: Path, folder: Path, mode: ClipMode, **options) -> ClipRequest:
    values = {"start": START, "end": END, "title": "Boss fight", "stem": f"clip-{mode}"}
    values.update(options)
    return ClipRequest(source=str(source), folder=folder, mode=mode, **values)


@pytest.fixture(scope="module")
def smart_clip(bframe_source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("smart")
    return export_clip(request(bframe_source, folder, ClipMode.SMART))


def test_smart_cut_first_picture_is_the_source_picture_at_the_start(smart_clip, bframe_source):
    wanted = round(START * FPS)
    scores = {
        n: psnr_first_frame(smart_clip.output, bframe_source, n)
        for n in (wanted - 1, wanted, wanted + 1)
    }
    assert scores[wanted] > scores[wanted - 1] and scores[wanted] > scores[wanted + 1], scores
    assert scores[wanted] > 35, scores


def test_smart_cut_copies_the_pictures_between_keyframes_unchanged(smart_clip, bframe_source):
    clip, source = frame_hashes(smart_clip.output), frame_hashes(bframe_source)
    first = round(START * FPS)
    copied = range(round(6 * FPS), round(12 * FPS))  # keyframe 6 s up to keyframe 12 s
    assert [clip[n - first] for n in copied] == [source[n] for n in copied]
    # the re-encoded edges are not copies (they went through the encoder)
    assert clip[0] != source[first]


def test_smart_cut_has_the_requested_duration_and_decodes_cleanly(smart_clip):
    assert abs(video_duration(smart_clip.output) - (END - START)) <= 1 / FPS
    assert len(frame_hashes(smart_clip.output)) == round((END - START) * FPS)
    assert decode_errors(smart_clip.output) == ""
    assert smart_clip.mode == ClipMode.SMART
    assert smart_clip.start == pytest.approx(START) and smart_clip.end == pytest.approx(END)
    assert 0 < smart_clip.reencoded_seconds < 3.5  # 1.5 s before 6 s, 1.2 s after 12 s


def test_smart_cut_without_b_frames_in_matroska_keeps_chosen_audio(no_bframe_mkv, tmp_path):
    result = export_clip(
        request(no_bframe_mkv, tmp_path, ClipMode.SMART, start=2.5, end=7.0, audio_tracks=(1,))
    )
    assert result.mode == ClipMode.SMART
    assert decode_errors(result.output) == ""
    assert abs(video_duration(result.output) - 4.5) <= 1 / FPS
    # Matroska's pictures sit 21 ms late here (the AAC priming): count on the file's clock
    times = frame_times(no_bframe_mkv)
    inside = [k for k in keyframe_times(no_bframe_mkv) if 2.5 < k < 7.0]  # 2 s GOP: two
    first, copy_from, copy_to = (index_at(times, t) for t in (2.5, inside[0], inside[-1]))
    clip, source = frame_hashes(result.output), frame_hashes(no_bframe_mkv)
    assert clip[copy_from - first : copy_to - first] == source[copy_from:copy_to]
    scores = [
        psnr_first_frame(result.output, no_bframe_mkv, n) for n in (first - 1, first, first + 1)
    ]
    assert scores[1] > max(scores[0], scores[2]), scores
    # one audio track kept, the second one
    assert len(probe_stream(result.output, "a", "index")) == 1


def test_lossless_starts_on_the_keyframe_at_or_before_the_start(bframe_source, tmp_path):
    result = export_clip(request(bframe_source, tmp_path, ClipMode.LOSSLESS))
    at_or_before = max(k for k in keyframe_times(bframe_source) if k <= START)
    assert result.start == pytest.approx(at_or_before)
    assert result.notes and "keyframe" in result.notes[0]
    assert result.end >= END
    clip, source = frame_hashes(result.output), frame_hashes(bframe_source)
    first = round(at_or_before * FPS)
    assert clip == source[first : first + len(clip)]
    assert len(clip) >= round((END - at_or_before) * FPS)
    assert decode_errors(result.output) == ""


def test_open_gop_source_falls_back_to_a_full_encode_and_says_why(open_gop_source, tmp_path):
    result = export_clip(request(open_gop_source, tmp_path, ClipMode.SMART))
    assert result.mode == ClipMode.ENCODE
    assert any("open GOP" in note and "encoded in full" in note for note in result.notes)
    assert decode_errors(result.output) == ""
    assert abs(video_duration(result.output) - (END - START)) <= 1 / FPS


def test_hevc_source_falls_back_to_a_full_encode(hevc_source, tmp_path):
    result = export_clip(request(hevc_source, tmp_path, ClipMode.SMART, start=1.0, end=5.0))
    assert result.mode == ClipMode.ENCODE
    assert any("hevc" in note for note in result.notes)
    assert probe_stream(result.output, "v:0", "codec_name") == ["h264"]


def test_clip_carries_title_and_its_chapters(bframe_source, tmp_path):
    chapters = ((0.0, 5.0, "Intro"), (5.0, 12.5, "Boss fight"), (12.5, 20.0, "Outro"))
    result = export_clip(request(bframe_source, tmp_path, ClipMode.SMART, chapters=chapters))
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_chapters",
            "-show_entries",
            "format_tags=title",
            "-of",
            "json",
            str(result.output),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    data = json.loads(probe.stdout)
    assert data["format"]["tags"]["title"] == "Boss fight"
    found = [(round(float(c["start_time"]), 2), c["tags"]["title"]) for c in data["chapters"]]
    assert found == [(0.0, "Intro"), (0.5, "Boss fight"), (8.0, "Outro")]


@pytest.mark.parametrize("position", [0.0, 1.0])
def test_vertical_crop_is_1080x1920_at_the_chosen_position(bframe_source, tmp_path, position):
    vertical = VerticalOptions(VerticalFill.CROP, position)
    result = export_clip(
        request(bframe_source, tmp_path, ClipMode.ENCODE, start=1, end=2, vertical=vertical)
    )
    assert probe_stream(result.output, "v:0", "width,height") == ["1080,1920"]
    # the crop window of a 320x180 picture is 100 px wide: compare against the source cut
    # at the same place, scaled the same way
    x = round((320 - 100) * position)
    reference = tmp_path / f"reference-{position}.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-ss",
            "1",
            "-i",
            str(bframe_source),
            "-frames:v",
            "1",
            "-vf",
            f"crop=100:180:{x}:0,scale=1080:1920",
            str(reference),
        ],
        check=True,
    )
    other = tmp_path / f"other-{position}.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-ss",
            "1",
            "-i",
            str(bframe_source),
            "-frames:v",
            "1",
            "-vf",
            f"crop=100:180:{220 - x}:0,scale=1080:1920",
            str(other),
        ],
        check=True,
    )
    assert (
        psnr_first_frame(result.output, reference, 0)
        > psnr_first_frame(result.output, other, 0) + 3
    )


def test_vertical_blur_fill_is_1080x1920(bframe_source, tmp_path):
    vertical = VerticalOptions(VerticalFill.BLUR)
    result = export_clip(
        request(bframe_source, tmp_path, ClipMode.ENCODE, start=1, end=2, vertical=vertical)
    )
    assert probe_stream(result.output, "v:0", "width,height") == ["1080,1920"]
    assert decode_errors(result.output) == ""


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [(5, 25, "after the end of the VOD"), (8, 8, "empty"), (9, 3, "empty"), (-1, 3, "before")],
)
def test_bad_ranges_are_one_sentence(bframe_source, tmp_path, start, end, words):
    with pytest.raises(ValidationError) as caught:
        export_clip(request(bframe_source, tmp_path, ClipMode.SMART, start=start, end=end))
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_nothing(bframe_source, tmp_path):
    with pytest.raises(MediaCancelled):
        export_clip(request(bframe_source, tmp_path, ClipMode.ENCODE), should_cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_missing_audio_track_is_named(bframe_source, tmp_path):
    with pytest.raises(MediaError, match="audio track 3 does not exist: the VOD has 1 audio track"):
        export_clip(request(bframe_source, tmp_path, ClipMode.SMART, audio_tracks=(2,)))


def test_unreadable_source_is_one_sentence(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\0not a video" * 1000)
    out = tmp_path / "out"
    with pytest.raises(MediaError) as caught:
        export_clip(request(broken, out, ClipMode.LOSSLESS))
    assert "broken.mp4" in str(caught.value) and "\n" not in str(caught.value)


def test_an_existing_file_is_never_replaced(bframe_source, tmp_path):
    (tmp_path / "clip-lossless.mp4").write_bytes(b"mine")
    result = export_clip(request(bframe_source, tmp_path, ClipMode.LOSSLESS))
    assert result.output.name == "clip-lossless (2).mp4"
    assert (tmp_path / "clip-lossless.mp4").read_bytes() == b"mine"


def test_smart_cut_of_an_mpeg_ts_counts_from_the_file_start(transport_stream, tmp_path):
    result = export_clip(request(transport_stream, tmp_path, ClipMode.SMART, start=1.5, end=7.5))
    assert result.mode == ClipMode.SMART
    assert decode_errors(result.output) == ""
    times = frame_times(transport_stream)
    first = index_at(times, 1.5)
    scores = [
        psnr_first_frame(result.output, transport_stream, n) for n in (first - 1, first, first + 1)
    ]
    assert scores[1] > max(scores[0], scores[2]), scores
    inside = [k for k in keyframe_times(transport_stream) if 1.5 < k < 7.5]  # 3 s GOP: two
    copy_from, copy_to = (index_at(times, k) for k in (inside[0], inside[-1]))
    clip, source = frame_hashes(result.output), frame_hashes(transport_stream)
    assert clip[copy_from - first : copy_to - first] == source[copy_from:copy_to]
    assert abs(video_duration(result.output) - 6.0) <= 1 / FPS


def test_lossless_copy_of_hevc_decodes_cleanly(hevc_source, tmp_path):
    result = export_clip(request(hevc_source, tmp_path, ClipMode.LOSSLESS, start=2.0, end=6.0))
    assert result.mode == ClipMode.LOSSLESS and result.start <= 2.0
    assert probe_stream(result.output, "v:0", "codec_name") == ["hevc"]
    assert decode_errors(result.output) == ""
