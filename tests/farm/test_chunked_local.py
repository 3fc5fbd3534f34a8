"""Chunked parallel transcoding on local ffmpeg processes (no Redis needed)."""

from __future__ import annotations

import threading

import pytest

from core.domain.errors import ValidationError
from core.media.chunk_plan import auto_chunk_seconds, plan_chunks
from core.media.chunked import LocalChunkExecutor, plan_chunked, transcode_chunked
from core.media.errors import MediaError

from .hls_checks import (
    assert_joined_rung,
    assert_master,
    audio_rendition_packets,
    video_frames,
)


def test_chunks_are_cut_on_gop_and_segment_multiples():
    spans = plan_chunks(100.0, 24.0)
    assert [(s.start, s.end) for s in spans] == [
        (0.0, 24.0),
        (24.0, 48.0),
        (48.0, 72.0),
        (72.0, None),
    ]
    # a 4 s remainder (< one 6 s step) joins the previous chunk instead of being a sliver
    assert [(s.start, s.end) for s in plan_chunks(52.0, 24.0)] == [(0.0, 24.0), (24.0, None)]
    assert [(s.start, s.end) for s in plan_chunks(5.0, 24.0)] == [(0.0, None)]
    with pytest.raises(ValidationError, match="multiple of 6"):
        plan_chunks(100.0, 10.0)
    assert auto_chunk_seconds(12 * 3600, 4) == 300.0
    assert auto_chunk_seconds(180, 2) == 30.0
    assert auto_chunk_seconds(1000, 2) % 6 == 0


@pytest.mark.media
def test_local_chunked_ladder_joins_without_gaps_or_duplicates(clip_factory, tmp_path):
    source = clip_factory("chunk_src.mp4", seconds=42, size="640x360", rate=15)
    output = tmp_path / "hls"
    plan = plan_chunked(
        source, output, qualities="360p,720p", parallelism=2, chunk_seconds=12, preset="ultrafast"
    )
    assert [c.start for c in plan.chunks] == [0.0, 12.0, 24.0, 36.0]
    assert plan.skipped_qualities == ("720p",)  # never upscaled from a 360p source
    reports = []
    result = transcode_chunked(
        plan, LocalChunkExecutor(2), progress=lambda fraction, text: reports.append(fraction)
    )
    assert result.chunk_count == 4 and result.encode_seconds > 0 and result.join_seconds > 0
    assert reports[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in reports)
    assert_master(result.master_playlist, ["360p"])
    assert_joined_rung(output / "360p" / "playlist.m3u8", source, fps=15, duration=42)
    assert not list(output.glob(".chunks-*")), "chunk files are removed after the join"


@pytest.mark.media
def test_cancel_stops_ffmpeg_and_leaves_no_playlist(clip_factory, tmp_path):
    source = clip_factory("chunk_src.mp4", seconds=42, size="640x360", rate=15)
    output = tmp_path / "hls"
    plan = plan_chunked(
        source, output, qualities="360p", parallelism=2, chunk_seconds=12, preset="ultrafast"
    )
    seen = []

    def cancel_after_first_progress() -> bool:
        return bool(seen)

    with pytest.raises(MediaError, match="cancelled"):
        transcode_chunked(
            plan,
            LocalChunkExecutor(2),
            progress=lambda fraction, text: seen.append(fraction),
            should_cancel=cancel_after_first_progress,
        )
    assert not (output / "master.m3u8").exists()
    assert not (output / "360p").exists()
    assert not list(output.rglob("*.part"))


@pytest.mark.media
def test_chunked_output_has_the_single_process_ladders_structure(clip_factory, tmp_path):
    """Two rungs, chunked vs the media engine's one-process ladder on the same source:
    the same segment cuts, frame times, keyframes, sizes, codecs and master entries."""
    import m3u8

    from core.jobs.executor import LocalLadderExecutor, TranscodeSpec

    source = clip_factory("chunk_src_720.mp4", seconds=14, size="1280x720", rate=10)
    single_dir, chunked_dir = tmp_path / "single", tmp_path / "chunked"
    single = LocalLadderExecutor().execute(
        TranscodeSpec(
            "job",
            str(source),
            str(single_dir),
            ("360p", "720p"),
            encoder_preference="libx264",
            allow_copy=False,
            preset="ultrafast",
        ),
        lambda fraction, text: None,
        threading.Event(),
    )
    plan = plan_chunked(
        source, chunked_dir, qualities="360p,720p", chunk_seconds=6, preset="ultrafast"
    )
    chunked = transcode_chunked(plan, LocalChunkExecutor(2))
    assert list(chunked.variants) == ["360p", "720p"]
    assert_master(chunked.master_playlist, ["360p", "720p"])
    single_by_quality = {r.quality: r for r in single.renditions}
    for quality, rendition in chunked.variants.items():
        assert_joined_rung(chunked_dir / quality / "playlist.m3u8", source, fps=10, duration=14)
        reference = single_by_quality[quality]
        assert rendition.segment_durations == reference.segment_durations
        assert (rendition.width, rendition.height, rendition.frame_rate, rendition.codecs) == (
            reference.width,
            reference.height,
            reference.frame_rate,
            reference.codecs,
        )
        chunked_frames = video_frames(chunked_dir / quality / "playlist.m3u8")
        single_frames = video_frames(single_dir / quality / "playlist.m3u8")
        assert chunked_frames.times == single_frames.times
        assert chunked_frames.keyframes == single_frames.keyframes
    from core.media.hls_master import write_master

    write_master(single.renditions, single_dir)
    ours, theirs = (m3u8.load(str(d / "master.m3u8")) for d in (chunked_dir, single_dir))
    assert [p.uri for p in ours.playlists] == [p.uri for p in theirs.playlists]
    assert ours.is_independent_segments == theirs.is_independent_segments
    # The same one audio rendition: same group, cuts and packet times (A/V sync included).
    assert [(m.type, m.group_id, m.language, m.channels, m.uri) for m in ours.media] == [
        (m.type, m.group_id, m.language, m.channels, m.uri) for m in theirs.media
    ]
    assert [p.stream_info.audio for p in ours.playlists] == ["audio", "audio"]
    assert [p.stream_info.codecs for p in ours.playlists] == [
        p.stream_info.codecs for p in theirs.playlists
    ]
    # The same I-frame playlists (trick play): one per variant, a keyframe every GOP.
    assert (
        [p.uri for p in ours.iframe_playlists]
        == [p.uri for p in theirs.iframe_playlists]
        == ["360p/iframes.m3u8", "720p/iframes.m3u8"]
    )
    for entry in ours.iframe_playlists:
        chunked_iframes, single_iframes = (
            m3u8.load(str(d / entry.uri)) for d in (chunked_dir, single_dir)
        )
        assert [s.duration for s in chunked_iframes.segments] == [
            s.duration for s in single_iframes.segments
        ]
    chunked_audio, single_audio = (
        m3u8.load(str(d / "audio" / "playlist.m3u8")) for d in (chunked_dir, single_dir)
    )
    assert [s.duration for s in chunked_audio.segments] == [
        s.duration for s in single_audio.segments
    ]
    assert audio_rendition_packets(chunked_dir / "audio" / "playlist.m3u8") == (
        audio_rendition_packets(single_dir / "audio" / "playlist.m3u8")
    )


@pytest.mark.media
def test_chunked_audio_is_reused_by_a_rerun_and_absent_without_audio(clip_factory, tmp_path):
    source = clip_factory("chunk_reuse.mp4", seconds=12, size="320x180", rate=10)
    output = tmp_path / "hls"
    first = plan_chunked(source, output, qualities="360p", chunk_seconds=6, preset="ultrafast")
    assert first.has_audio and not first.audio_ready
    transcode_chunked(first, LocalChunkExecutor(2))
    audio_segment = output / "audio" / "seg_00000.ts"
    made = audio_segment.stat()
    again = plan_chunked(source, output, qualities="360p", chunk_seconds=6, preset="ultrafast")
    assert again.audio_ready and not again.has_audio  # nothing to encode or join
    result = transcode_chunked(again, LocalChunkExecutor(2))
    assert (audio_segment.stat().st_ino, audio_segment.stat().st_mtime_ns) == (
        made.st_ino,
        made.st_mtime_ns,
    )
    assert_master(result.master_playlist, ["360p"])

    silent = clip_factory("chunk_silent.mp4", seconds=12, size="320x180", rate=10, audio=False)
    plan = plan_chunked(silent, output, qualities="360p", chunk_seconds=6, preset="ultrafast")
    result = transcode_chunked(plan, LocalChunkExecutor(2))
    text = result.master_playlist.read_text()
    assert "EXT-X-MEDIA" not in text and "AUDIO=" not in text
    assert not (output / "audio").exists()
    assert_joined_rung(output / "360p" / "playlist.m3u8", silent, fps=10, duration=12, audio=False)


@pytest.mark.media
def test_cli_farm_transcode_on_local_processes(run_cli, clip_factory, tmp_path):
    import json

    source = clip_factory("cli_chunk_src.mp4", seconds=12, size="640x360", rate=10)
    output = tmp_path / "cli-hls"
    result = run_cli(
        "farm",
        "transcode",
        str(source),
        "--output",
        str(output),
        "--local",
        "2",
        "--qualities",
        "360p",
        "--chunk-seconds",
        "6",
        "--preset",
        "ultrafast",
        "--json",
    )
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["master_playlist"] == str((output / "master.m3u8").resolve())
    assert data["outputs"] == [
        {
            "quality": "360p",
            "resolution": "640x360",
            "segment_count": 2,
            "size_bytes": data["outputs"][0]["size_bytes"],
        }
    ]
    assert data["outputs"][0]["size_bytes"] > 0
    assert any(n.startswith("chunked: 2 chunks of 6 s") for n in data["notes"])
    bad = run_cli("farm", "transcode", str(source), "--local", "0")
    assert bad.code == 1 and "--local must be 1 or more" in bad.stderr
