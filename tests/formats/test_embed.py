"""Chapters embedded in MP4 and MKV copies with real ffmpeg, read back with ffprobe."""

import hashlib
import subprocess

import pytest

from core.domain.chapters import Chapter
from core.domain.errors import ValidationError
from core.formats.embed import embed_chapters
from core.media.chapter_embed import EmbeddedChapter, embed_arguments, read_chapters
from core.media.errors import MediaCancelled
from core.media.probe import probe

pytestmark = pytest.mark.media

CHAPTERS = [
    Chapter("a", "Intro = start; #1 \\ ü", 0.0, 1.5),
    Chapter("b", "Middle", 1.5, 3.25),
    Chapter("c", "End", 3.25, 5.125),
]
EXPECTED = [
    EmbeddedChapter(0, 1500, "Intro = start; #1 \\ ü"),
    EmbeddedChapter(1500, 3250, "Middle"),
    EmbeddedChapter(3250, 5125, "End"),
]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stream_summary(path):
    info = probe(path)
    return info.video_codec, info.audio_codec, info.width, info.height


@pytest.mark.parametrize(
    "source_name, output_name",
    [
        ("clip.mp4", "copy.mp4"),
        ("clip.mp4", "copy.mkv"),
        ("clip.mkv", "copy.mkv"),
        ("clip.mp4", "copy.mov"),
    ],
)
def test_chapters_read_back_exactly_and_streams_are_copied(
    clip_factory, tmp_path, source_name, output_name
):
    source = clip_factory(source_name, seconds=6)
    before = digest(source)
    result = embed_chapters(source, CHAPTERS, tmp_path / output_name)
    assert result.output == tmp_path / output_name and result.notes == []
    assert read_chapters(result.output) == EXPECTED  # ffprobe -show_chapters, in milliseconds
    assert stream_summary(result.output) == stream_summary(source)
    assert probe(result.output).duration == pytest.approx(probe(source).duration, abs=0.1)
    assert digest(source) == before  # the original is never touched
    assert [p.name for p in tmp_path.iterdir()] == [output_name]  # no temporary files left


def test_streams_are_copied_not_re_encoded(clip_factory, tmp_path):
    source = clip_factory("clip.mp4", seconds=6)
    output = embed_chapters(source, CHAPTERS, tmp_path / "copy.mkv").output

    def packet_sizes(path):
        result = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=size",
                "-of",
                "csv=p=0",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.split()

    assert packet_sizes(output) == packet_sizes(source)


def test_mp4_cannot_keep_gaps_so_the_expected_chapters_say_so(clip_factory, tmp_path):
    gapped = [Chapter("a", "A", 0.5, 1.0), Chapter("b", "B", 2.0, 3.0), Chapter("c", "C", 3.0, 4.0)]
    mp4 = embed_chapters(clip_factory("clip.mp4", seconds=6), gapped, tmp_path / "gaps.mp4")
    assert (
        read_chapters(mp4.output)
        == mp4.chapters
        == [
            EmbeddedChapter(0, 2000, "A"),
            EmbeddedChapter(2000, 3000, "B"),
            EmbeddedChapter(3000, 4000, "C"),
        ]
    )
    assert len(mp4.notes) == 2 and "start at 0:00" in mp4.notes[0] and "gaps" in mp4.notes[1]
    mkv = embed_chapters(clip_factory("clip.mp4", seconds=6), gapped, tmp_path / "gaps.mkv")
    assert read_chapters(mkv.output) == [
        EmbeddedChapter(500, 1000, "A"),
        EmbeddedChapter(2000, 3000, "B"),
        EmbeddedChapter(3000, 4000, "C"),
    ]
    assert mkv.notes == []


def test_embedding_refuses_what_would_lose_work(clip_factory, tmp_path):
    source = clip_factory("clip.mp4", seconds=6)
    with pytest.raises(ValidationError, match="cannot replace the original"):
        embed_chapters(source, CHAPTERS, source)
    existing = tmp_path / "taken.mkv"
    existing.write_bytes(b"mine")
    with pytest.raises(ValidationError, match="already exists"):
        embed_chapters(source, CHAPTERS, existing)
    assert existing.read_bytes() == b"mine"
    replaced = embed_chapters(source, CHAPTERS, existing, overwrite=True)
    assert read_chapters(replaced.output) == EXPECTED
    with pytest.raises(ValidationError, match=r"\.avi"):
        embed_chapters(source, CHAPTERS, tmp_path / "copy.avi")
    with pytest.raises(ValidationError, match="no chapters"):
        embed_chapters(source, [], tmp_path / "none.mkv")


def test_the_command_is_an_argument_list_with_stream_copy(tmp_path):
    arguments = embed_arguments(
        tmp_path / "in put.mp4", tmp_path / "c.ffmeta", tmp_path / "o.mkv", "matroska"
    )
    assert str(tmp_path / "in put.mp4") in arguments
    assert arguments[arguments.index("-c") + 1] == "copy"
    assert arguments[arguments.index("-map_chapters") + 1] == "1"
    assert arguments[arguments.index("-map_metadata") + 1] == "0"


def test_progress_is_reported_and_cancel_leaves_nothing_behind(clip_factory, tmp_path):
    source = clip_factory("clip.mp4", seconds=6)
    reports = []
    embed_chapters(source, CHAPTERS, tmp_path / "copy.mkv", progress=reports.append)
    assert reports and all(0 <= seconds <= 6.5 for seconds in reports)
    with pytest.raises(MediaCancelled, match="embedding chapters was cancelled"):
        embed_chapters(source, CHAPTERS, tmp_path / "cancelled.mkv", should_cancel=lambda: True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.mkv"]
