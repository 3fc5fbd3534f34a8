"""I-frame playlists (Apple's HLS authoring spec 6.1): byte ranges of every keyframe inside
the variants' own TS segments, checked by cutting each range out and decoding it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import m3u8
import pytest

from core.jobs.executor import LocalLadderExecutor, TranscodeSpec
from core.media.hls_master import write_master
from core.media.iframe_playlists import IFRAME_PLAYLIST_NAME

from .conftest import ffprobe_json

pytestmark = pytest.mark.media


@pytest.fixture(scope="module")
def ladder(tmp_path_factory) -> tuple[Path, list]:
    from tests.conftest import make_clip

    folder = tmp_path_factory.mktemp("iframes")
    source = make_clip(folder / "src.mp4", seconds=9, size="640x360", rate=10)
    output = folder / "hls"
    outcome = LocalLadderExecutor().execute(
        TranscodeSpec(
            "job",
            str(source),
            str(output),
            ("360p",),
            encoder_preference="libx264",
            allow_copy=False,
            preset="ultrafast",
        ),
        lambda fraction, label: None,
        threading.Event(),
    )
    assert not outcome.failed, outcome.failed
    write_master(outcome.renditions, output)
    return output, outcome.renditions


def keyframe_pts(playlist: Path) -> list[float]:
    times = []
    for segment in m3u8.load(str(playlist)).segments:
        data = ffprobe_json(
            playlist.parent / segment.uri,
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
        )
        times += [round(float(p["pts_time"]), 3) for p in data["packets"] if "K" in p["flags"]]
    return times


def test_master_lists_an_iframe_playlist_per_variant(ladder):
    output, renditions = ladder
    master = m3u8.load(str(output / "master.m3u8"))
    (rendition,) = renditions
    (iframe,) = master.iframe_playlists
    assert iframe.uri == f"360p/{IFRAME_PLAYLIST_NAME}"
    info = iframe.iframe_stream_info
    assert info.codecs == rendition.codecs and "mp4a" not in info.codecs  # video only
    assert info.resolution == (rendition.width, rendition.height)
    assert info.bandwidth >= info.average_bandwidth > 0


def test_every_byte_range_is_one_decodable_keyframe(ladder, tmp_path):
    output, _ = ladder
    playlist = m3u8.load(str(output / "360p" / IFRAME_PLAYLIST_NAME))
    assert playlist.is_i_frames_only and playlist.is_endlist and playlist.playlist_type == "vod"
    assert playlist.version == 4
    times = keyframe_pts(output / "360p" / "playlist.m3u8")
    assert len(playlist.segments) == len(times) == 5  # 9 s, a keyframe every 2 s
    assert [s.duration for s in playlist.segments] == pytest.approx([2, 2, 2, 2, 1], abs=0.01)
    for index, entry in enumerate(playlist.segments):
        length, offset = (int(x) for x in str(entry.byterange).split("@"))
        assert offset % 188 == 0 and length % 188 == 0
        piece = tmp_path / f"iframe_{index}.ts"
        with open(output / "360p" / entry.uri, "rb") as segment:
            segment.seek(offset)
            piece.write_bytes(segment.read(length))
        frames = ffprobe_json(
            piece, "-select_streams", "v:0", "-show_entries", "frame=key_frame,pts_time"
        )["frames"]
        assert [f["key_frame"] for f in frames] == [1], f"range {index}: {frames}"
        assert round(float(frames[0]["pts_time"]), 3) == times[index]


def test_an_up_to_date_iframe_playlist_is_not_rewritten(ladder):
    output, renditions = ladder
    target = output / "360p" / IFRAME_PLAYLIST_NAME
    before = target.stat().st_mtime_ns
    write_master(renditions, output)
    assert target.stat().st_mtime_ns == before
    rendition_playlist = output / "360p" / "playlist.m3u8"
    later = before + 10**9
    os.utime(rendition_playlist, ns=(later, later))  # a new rendition replaced the old
    text = target.read_text()
    write_master(renditions, output)
    assert target.stat().st_mtime_ns > before and target.read_text() == text
