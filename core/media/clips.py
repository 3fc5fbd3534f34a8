"""One clip out of a recording, three ways.

- ``lossless``: a stream copy from the keyframe at or before the start; the clip's real
  start is reported. It runs through the last picture that starts before the end, with the
  pictures after it that the decoder needs (a copy can only stop where decoding order
  allows), so its real end is reported too.
- ``smart``: frame-exact, re-encoding only from the start to the next keyframe and from the
  last keyframe to the end (``smart_cut``). A source that cannot be smart-cut is encoded
  in full, and the result says so and why.
- ``encode``: everything re-encoded (H.264 + AAC), optionally 9:16 for Shorts.

Each clip is written in a work folder beside its final place and renamed there only when
whole (``clip_files``). Times count from the file's start.
"""

from __future__ import annotations

from pathlib import Path

from core.domain.clips import ClipMode, check_range
from core.domain.timefmt import format_time

from . import clip_files
from .chunk_ffmpeg import CancelCheck, run_ffmpeg
from .clip_common import (
    LOOK_AHEAD_SECONDS,
    LOOK_BACK_SECONDS,
    TIME_EPSILON,
    ClipProgress,
    ClipRequest,
    ClipResult,
    Progress,
    frame_bounds,
    metadata_inputs,
    seek_point,
)
from .clip_encoding import audio_encode_args, full_encode_args, vertical_filter
from .clip_parts import Part, copy_part, decode_from, join_parts
from .clip_source import PacketWindow, SourceInfo, read_packets, read_source
from .errors import MediaError
from .smart_cut import COPY_WEIGHT, cost_steps, smart_cut


def export_clip(
    request: ClipRequest,
    progress: ClipProgress | None = None,
    should_cancel: CancelCheck | None = None,
) -> ClipResult:
    """Make the clip ``request`` asks for; ``progress(fraction, step)`` about twice a
    second, ``should_cancel()`` polled as often (``MediaCancelled``: nothing is left)."""
    source = read_source(request.source)
    start, end = check_range(request.start, request.end, source.duration)
    if source.video is None:
        raise MediaError(f"{Path(request.source).name} has no video stream to cut a clip from")
    tracks = audio_tracks(source, request.audio_tracks)
    window = _window(source, start, end)
    args = (request, source, window, tracks)
    with clip_files.work_folder(request.folder, request.work_name) as work:
        try:
            if request.mode == ClipMode.LOSSLESS:
                result = _lossless(*args, work, progress, should_cancel)
            elif request.mode == ClipMode.SMART:
                outcome = smart_cut(*args, work, progress, should_cancel)
                if isinstance(outcome, str):
                    note = (
                        f"smart cut is not possible here: {outcome}; the clip was encoded in full"
                    )
                    result = _encode(*args, work, progress, should_cancel, [note])
                else:
                    result = outcome
            else:
                result = _encode(*args, work, progress, should_cancel)
        except MediaError as error:
            raise clip_files.explain_failure(request.folder, error) from None
        result.output = clip_files.place(result.output, request.folder / result.output.name)
    return result


def audio_tracks(source: SourceInfo, wanted: tuple[int, ...] | None) -> list[int]:
    """Indexes (among the audio streams) of the tracks to keep; all when ``wanted`` is None."""
    if wanted is None:
        return list(range(len(source.audio)))
    count = len(source.audio)
    for track in wanted:
        if track >= count:
            has = f"{count} audio track{'s' if count != 1 else ''}" if count else "no audio"
            raise MediaError(f"audio track {track + 1} does not exist: the VOD has {has}")
    return sorted(set(wanted))


def _window(source: SourceInfo, start: float, end: float) -> PacketWindow:
    """The video packets from a keyframe at or before ``start`` to a little past ``end``."""
    for back in (*LOOK_BACK_SECONDS, start):
        window = read_packets(source, max(0.0, start - back), end + LOOK_AHEAD_SECONDS)
        keys = window.keyframes()
        if (keys and keys[0].pts <= start + TIME_EPSILON) or start - back <= 0:
            break
    if not window.packets:
        raise MediaError(
            f"{Path(source.path).name} has no video pictures around {format_time(start)}"
        )
    return window


def _lossless(request, source, window, tracks, work, progress, cancel) -> ClipResult:
    first, _ = frame_bounds(window, source, request.start, request.end)
    keys = [k for k in window.keyframes() if k.pts <= first + TIME_EPSILON]
    if not keys:
        raise MediaError(f"no keyframe at or before {format_time(request.start)} to copy from")
    keyframe = keys[-1]
    # A decoding-order run from the keyframe through the last picture that starts before
    # the end: every picture it refers to is in it, so the copy decodes without errors.
    order = window.packets
    begin = order.index(keyframe)
    last = max(
        (i for i in range(begin, len(order)) if order[i].pts < request.end - TIME_EPSILON),
        default=begin,
    )
    end = max(p.pts for p in order[begin : last + 1]) + source.video.frame_seconds
    seek = seek_point(window, keyframe.pts)
    part = Part(False, keyframe.pts, end, last + 1 - begin, "part0", keyframe.dts, seek)
    steps = Progress(progress, cost_steps([part], end - keyframe.pts, bool(tracks)))
    copy_part(source, part, work / "part0.nut", steps.step("part0"), cancel)
    partial = join_parts(
        request, source, ClipMode.LOSSLESS, [part], tracks, (keyframe.pts, end), work, steps, cancel
    )
    result = ClipResult(partial, ClipMode.LOSSLESS, keyframe.pts, end, request.start, request.end)
    if keyframe.pts < request.start - TIME_EPSILON:
        result.notes.append(
            f"starts at {format_time(keyframe.pts, decimals=3)}, the keyframe at or before "
            f"{format_time(request.start, decimals=3)} "
            f"({request.start - keyframe.pts:.2f} s earlier)"
        )
    return result


def _encode(request, source, window, tracks, work, progress, cancel, notes=()) -> ClipResult:
    first, end = frame_bounds(window, source, request.start, request.end)
    video = source.video
    partial = work / f"{request.stem}.mp4"
    extra_inputs, metadata = metadata_inputs(request, work, first, end, 1)
    # picked on the file's own timestamps (see clip_parts.decode_from)
    keep = (first + source.start_time - video.frame_seconds / 2, end + source.start_time)
    trim = (
        f"trim=start={keep[0]:.6f}:end={keep[1] - video.frame_seconds / 2:.6f},setpts=PTS-STARTPTS"
    )
    picture = trim
    if request.vertical is not None:
        picture += "," + vertical_filter(request.vertical, video.width, video.height)
    audio_trim = (
        f"atrim=start={first + source.start_time:.6f}:end={keep[1]:.6f},asetpts=PTS-STARTPTS"
    )
    arguments = [
        *decode_from(seek_point(window, first)),
        "-i",
        source.path,
        *extra_inputs,
        "-filter_complex",
        f"[0:{video.index}]{picture}[v]",
        "-map",
        "[v]",
        *(["-af", audio_trim] if tracks else []),
        *[item for t in tracks for item in ("-map", f"0:{source.audio[t].index}")],
        *full_encode_args(request.preset),
        *audio_encode_args(len(tracks)),
        *metadata,
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(partial),
    ]
    steps = Progress(progress, [("encoding", end - first, 1.0)])
    run_ffmpeg(
        arguments, label="encoding the clip", progress=steps.step("encoding"), should_cancel=cancel
    )
    return ClipResult(
        partial, ClipMode.ENCODE, first, end, request.start, request.end, end - first, list(notes)
    )


__all__ = ["COPY_WEIGHT", "ClipRequest", "ClipResult", "audio_tracks", "export_clip"]
