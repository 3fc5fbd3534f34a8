"""Checks of a joined HLS ladder, shared by the local and the farm tests.

Everything is read back from the files with ffprobe and the m3u8 parser: the playlists
decoded start to end, the frame count compared with the source's, every video frame's
timestamp one frame after the previous one, every audio packet right after the previous,
and keyframes on the GOP grid.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import m3u8

from core.domain.media_specs import GOP_SECONDS, SEGMENT_SECONDS


def ffprobe_json(*args: str) -> dict:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(completed.stdout)


def decoded_frame_count(path: Path) -> int:
    data = ffprobe_json(
        "-count_frames",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=nb_read_frames",
        str(path),
    )
    return int(data["streams"][0]["nb_read_frames"])


@dataclass
class VideoFrames:
    times: list[float]
    keyframes: list[float]


def video_frames(path: Path) -> VideoFrames:
    data = ffprobe_json(
        "-select_streams",
        "v:0",
        "-show_entries",
        "frame=best_effort_timestamp_time,key_frame",
        str(path),
    )
    frames = [f for f in data["frames"] if "best_effort_timestamp_time" in f]
    times = [float(f["best_effort_timestamp_time"]) for f in frames]
    keys = [float(f["best_effort_timestamp_time"]) for f in frames if f.get("key_frame") == 1]
    return VideoFrames(times, keys)


def audio_packets(path: Path | str) -> list[tuple[float, float]]:
    data = ffprobe_json(
        "-select_streams", "a:0", "-show_entries", "packet=pts_time,duration_time", str(path)
    )
    return [(float(p["pts_time"]), float(p["duration_time"])) for p in data["packets"]]


def audio_rendition_packets(playlist: Path) -> list[tuple[float, float]]:
    """Audio packets of an audio-only rendition, its segments read as one byte stream:
    through the playlist, ffprobe's HLS demuxer reports the first packet of an audio-only
    stream twice (once without a duration)."""
    segments = [str(playlist.parent / s.uri) for s in m3u8.load(str(playlist)).segments]
    return audio_packets("concat:" + "|".join(segments))


def assert_continuous_video(frames: VideoFrames, fps: float) -> None:
    step = 1 / fps
    gaps = [
        (a, b)
        for a, b in zip(frames.times, frames.times[1:], strict=False)
        if abs((b - a) - step) > step * 0.25
    ]
    assert not gaps, f"video timestamp discontinuities (prev, next): {gaps[:5]}"


def assert_keyframes_on_gop_grid(frames: VideoFrames) -> None:
    origin = frames.times[0]
    relative = [round(k - origin, 3) for k in frames.keyframes]
    expected = [round(i * GOP_SECONDS, 3) for i in range(len(relative))]
    assert relative == expected, f"keyframes not every {GOP_SECONDS:g} s: {relative[:12]}"


def assert_continuous_audio(packets: list[tuple[float, float]]) -> None:
    gaps = [
        (pts, nxt)
        for (pts, dur), (nxt, _) in itertools.pairwise(packets)
        if abs(pts + dur - nxt) > 0.002
    ]
    assert not gaps, f"audio timestamp discontinuities: {gaps[:5]}"


def assert_media_playlist(playlist: Path, duration: float, tolerance: float = 0.01) -> m3u8.M3U8:
    parsed = m3u8.load(str(playlist))
    assert parsed.is_endlist and parsed.playlist_type == "vod"
    assert parsed.target_duration == SEGMENT_SECONDS
    durations = [s.duration for s in parsed.segments]
    # Every segment but the last is exactly one segment long: the same cuts as a
    # single-process ladder with a keyframe every GOP.
    assert all(abs(d - SEGMENT_SECONDS) < tolerance for d in durations[:-1]), durations
    assert abs(sum(durations) - duration) < 0.2, (sum(durations), duration)
    for segment in parsed.segments:
        assert (playlist.parent / segment.uri).stat().st_size > 0
    return parsed


def assert_master(master: Path, qualities: list[str]) -> m3u8.M3U8:
    """Video-only variants sharing one audio rendition (``audio/``), as the ladder makes."""
    parsed = m3u8.load(str(master))
    assert parsed.is_variant and parsed.is_independent_segments
    uris = [p.uri for p in parsed.playlists]
    assert uris == [f"{q}/playlist.m3u8" for q in qualities]
    (audio,) = parsed.media
    assert (audio.type, audio.group_id, audio.uri) == ("AUDIO", "audio", "audio/playlist.m3u8")
    for variant in parsed.playlists:
        info = variant.stream_info
        assert info.bandwidth >= info.average_bandwidth > 0
        assert info.codecs.startswith("avc1.") and "mp4a.40.2" in info.codecs
        assert info.resolution and info.audio == "audio"
    return parsed


def assert_joined_rung(
    playlist: Path, source: Path, fps: float, duration: float, *, audio: bool = True
) -> None:
    """The whole check of one rung (video only) and, ``audio``, of the audio rendition
    beside it (``../audio``) against the source."""
    assert_media_playlist(playlist, duration)
    assert not audio_packets(playlist), "variants are video only"
    assert decoded_frame_count(playlist) == decoded_frame_count(source)
    frames = video_frames(playlist)
    assert_continuous_video(frames, fps)
    assert_keyframes_on_gop_grid(frames)
    if audio:
        audio_playlist = playlist.parent.parent / "audio" / "playlist.m3u8"
        # audio is cut on whole AAC frames (1024 samples, 21.3 ms at 48 kHz)
        assert_media_playlist(audio_playlist, duration, tolerance=0.025)
        packets = audio_rendition_packets(audio_playlist)
        assert packets, "the audio rendition has no audio"
        assert_continuous_audio(packets)
