"""I-frame playlists (Apple's HLS authoring spec 6.1): for every video variant, a playlist
of byte ranges, one per IDR frame inside the variant's own MPEG-TS segments, which players
use for fast-forward, rewind and scrubbing thumbnails. No media is written twice.

FFmpeg's HLS muxer cannot write them, so the segments are read here at the MPEG-TS level
(188-byte packets): a video packet that starts a PES with the random-access indicator set
(ffmpeg's MPEG-TS muxer sets it on every keyframe) begins a keyframe, which runs to the next
video PES start. The PAT/PMT (and SDT) packets the muxer writes right before each keyframe
are included, so every range can be decoded on its own.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import m3u8

from .errors import MediaError

IFRAME_PLAYLIST_NAME = "iframes.m3u8"
TS_PACKET = 188
_SYNC = 0x47
_PAT_PID, _SDT_PID = 0x0000, 0x0011
_VIDEO_STREAM_TYPES = {0x1B, 0x24}  # H.264, HEVC


@dataclass(frozen=True, slots=True)
class IFrame:
    uri: str
    offset: int
    length: int
    pts: float  # seconds


@dataclass(frozen=True, slots=True)
class IFramePlaylistInfo:
    playlist: str
    peak_bandwidth: int
    average_bandwidth: int
    count: int


def ensure_iframe_playlist(rendition_playlist: str | os.PathLike[str]) -> IFramePlaylistInfo:
    """The I-frame playlist beside ``rendition_playlist`` (``iframes.m3u8``), written when
    it is missing or older than the rendition's playlist, else read back."""
    source = Path(rendition_playlist)
    target = source.with_name(IFRAME_PLAYLIST_NAME)
    try:
        if target.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            return _read_info(target)
    except (OSError, ValueError):
        pass
    return write_iframe_playlist(source)


def write_iframe_playlist(rendition_playlist: Path) -> IFramePlaylistInfo:
    playlist = m3u8.load(str(rendition_playlist))
    if not playlist.segments:
        raise MediaError(f"{rendition_playlist} has no segments")
    frames: list[IFrame] = []
    for segment in playlist.segments:
        frames += keyframes_in_segment(rendition_playlist.parent / segment.uri, segment.uri)
    if not frames:
        raise MediaError(f"{rendition_playlist.parent.name}: no keyframe found in the segments")
    end = frames[0].pts + sum(float(s.duration) for s in playlist.segments)
    durations = [b.pts - a.pts for a, b in itertools.pairwise(frames)] + [end - frames[-1].pts]
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:4",
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(max(durations) - 0.001))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-I-FRAMES-ONLY",
    ]
    for frame, duration in zip(frames, durations, strict=False):
        lines += [
            f"#EXTINF:{max(duration, 0.001):.6f},",
            f"#EXT-X-BYTERANGE:{frame.length}@{frame.offset}",
            frame.uri,
        ]
    lines.append("#EXT-X-ENDLIST")
    target = rendition_playlist.with_name(IFRAME_PLAYLIST_NAME)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise MediaError(f"cannot write {target}: {error.strerror or error}") from None
    return _info(target, [f.length for f in frames], durations)


def keyframes_in_segment(segment: Path, uri: str) -> list[IFrame]:
    """Every keyframe of the segment's video stream, as a byte range that starts with the
    PAT/PMT right before it (when the muxer put them there) and ends where the next video
    frame's PES starts."""
    data = segment.read_bytes()
    video_pid = _video_pid(data)
    if video_pid is None:
        raise MediaError(f"{segment.name} has no H.264/HEVC video stream")
    starts = _pes_starts(data, video_pid)
    table_pids = {_PAT_PID, _SDT_PID, _pmt_pid(data)}
    frames = []
    for index, position in enumerate(starts):
        if not _random_access(data, position):
            continue
        begin = position
        while begin >= TS_PACKET and _pid(data, begin - TS_PACKET) in table_pids:
            begin -= TS_PACKET
        end = starts[index + 1] if index + 1 < len(starts) else len(data)
        pts = _pes_pts(data, position)
        if pts is not None:
            frames.append(IFrame(uri, begin, end - begin, pts))
    return frames


def _info(target: Path, lengths: list[int], durations: list[float]) -> IFramePlaylistInfo:
    rates = [n * 8 / d for n, d in zip(lengths, durations, strict=False) if d > 0.5]
    average = round(sum(lengths) * 8 / (sum(durations) or 1e-9))
    return IFramePlaylistInfo(
        str(target), max(round(max(rates, default=0)), average), average, len(lengths)
    )


def _read_info(target: Path) -> IFramePlaylistInfo:
    parsed = m3u8.load(str(target))
    if not parsed.is_i_frames_only or not parsed.is_endlist or not parsed.segments:
        raise ValueError("not a finished I-frame playlist")
    lengths = [int(str(s.byterange).split("@")[0]) for s in parsed.segments]
    return _info(target, lengths, [float(s.duration) for s in parsed.segments])


# --- MPEG-TS ---------------------------------------------------------------------------------
def _pid(data: bytes, position: int) -> int:
    return ((data[position + 1] & 0x1F) << 8) | data[position + 2]


def _payload_offset(data: bytes, position: int) -> int:
    control = (data[position + 3] >> 4) & 0x3
    return position + 4 + (1 + data[position + 4] if control in (2, 3) else 0)


def _random_access(data: bytes, position: int) -> bool:
    control = (data[position + 3] >> 4) & 0x3
    return control in (2, 3) and data[position + 4] > 0 and bool(data[position + 5] & 0x40)


def _pes_starts(data: bytes, pid: int) -> list[int]:
    """Positions of the packets of ``pid`` that start a PES (payload unit start)."""
    header = re.escape(bytes([_SYNC, 0x40 | (pid >> 8), pid & 0xFF]))
    return [m.start() for m in re.finditer(header, data) if m.start() % TS_PACKET == 0]


def _section(data: bytes, pid: int) -> bytes | None:
    """The first PSI section carried by ``pid`` (PAT or PMT), from its first packet."""
    for match in re.finditer(re.escape(bytes([_SYNC, 0x40 | (pid >> 8), pid & 0xFF])), data):
        position = match.start()
        if position % TS_PACKET:
            continue
        start = _payload_offset(data, position)
        start += 1 + data[start]  # pointer field
        length = ((data[start + 1] & 0x0F) << 8) | data[start + 2]
        return data[start : start + 3 + length]
    return None


def _pmt_pid(data: bytes) -> int:
    pat = _section(data, _PAT_PID)
    if pat is None:
        return -1
    for entry in range(8, len(pat) - 4, 4):  # after the 8-byte header, before the CRC
        program = (pat[entry] << 8) | pat[entry + 1]
        if program != 0:
            return ((pat[entry + 2] & 0x1F) << 8) | pat[entry + 3]
    return -1


def _video_pid(data: bytes) -> int | None:
    pmt_pid = _pmt_pid(data)
    pmt = _section(data, pmt_pid) if pmt_pid >= 0 else None
    if pmt is None:
        return None
    entry = 12 + (((pmt[10] & 0x0F) << 8) | pmt[11])  # after program_info
    while entry + 5 <= len(pmt) - 4:
        stream_type = pmt[entry]
        pid = ((pmt[entry + 1] & 0x1F) << 8) | pmt[entry + 2]
        if stream_type in _VIDEO_STREAM_TYPES:
            return pid
        entry += 5 + (((pmt[entry + 3] & 0x0F) << 8) | pmt[entry + 4])
    return None


def _pes_pts(data: bytes, position: int) -> float | None:
    start = _payload_offset(data, position)
    pes = data[start : position + TS_PACKET]
    if len(pes) < 14 or pes[:3] != b"\x00\x00\x01" or not pes[7] & 0x80:
        return None
    p = pes[9:14]
    ticks = ((p[0] >> 1) & 0x07) << 30 | p[1] << 22 | (p[2] >> 1) << 15 | p[3] << 7 | p[4] >> 1
    return ticks / 90000
