"""Smart cut: a frame-exact clip that re-encodes only the pictures it must.

The clip ``[first, end)`` is split on the source's keyframes inside it: the pictures from
the start to the first keyframe ``K1`` and from the last keyframe to the end are
re-encoded to fit the source (``clip_encoding.matching_encoder_args``); the GOPs between
are copied packet for packet (``clip_parts``). That is sound when the copied run is
self-contained in decoding order: ``K1`` is an IDR picture (H.264 NAL type 5: nothing
after it refers to anything before it), and neither ``K1`` nor the keyframe the copy stops
at has *leading* pictures (decoded after the keyframe but shown before it, as in open
GOPs). The copy is then exactly the packets between the two keyframes in decoding order.

A source that fails any of this is not smart-cut: ``smart_cut`` returns the reason, and
the caller encodes the clip in full and says so.
"""

from __future__ import annotations

from pathlib import Path

from core.domain.clips import ClipMode

from .chunk_ffmpeg import CancelCheck
from .clip_common import (
    ClipProgress,
    ClipRequest,
    ClipResult,
    Progress,
    frame_bounds,
    seek_point,
)
from .clip_encoding import smart_cut_obstacle
from .clip_parts import Part, copy_part, encode_part, join_parts, reorder_depth
from .clip_source import Packet, PacketWindow, SourceInfo, h264_keyframe_is_idr

# Relative cost of one second of each step, for the progress fraction.
ENCODE_WEIGHT, COPY_WEIGHT, AUDIO_WEIGHT, JOIN_WEIGHT = 1.0, 0.01, 0.005, 0.02


def smart_cut(
    request: ClipRequest,
    source: SourceInfo,
    window: PacketWindow,
    tracks: list[int],
    work: Path,
    progress: ClipProgress | None,
    cancel: CancelCheck | None,
) -> ClipResult | str:
    """The clip, or a sentence saying why this source cannot be smart-cut."""
    video = source.video
    obstacle = smart_cut_obstacle(video)
    if obstacle or video is None:
        return obstacle or "the source has no video stream"
    first, end = frame_bounds(window, source, request.start, request.end)
    tolerance = video.frame_seconds / 4
    plan = plan_parts(window, first, end, tolerance)
    if isinstance(plan, str):
        return plan
    copied = [p for p in plan if not p.encoded]
    if copied and not h264_keyframe_is_idr(source, copied[0].start_dts, copied[0].seek):
        return "its keyframes are not IDR pictures (open GOPs)"
    steps = Progress(progress, cost_steps(plan, end - first, bool(tracks)))
    for part in plan:
        target = work / f"{part.name}.nut"
        if part.encoded:
            encode_part(source, part, target, steps.step(part.name), cancel)
            depth = reorder_depth(target)
            if depth != video.reorder_depth:
                return (
                    f"the re-encoded pictures hold back {depth} frames for B-frames where "
                    f"the source holds back {video.reorder_depth}"
                )
        else:
            copy_part(source, part, target, steps.step(part.name), cancel)
    partial = join_parts(
        request, source, ClipMode.SMART, plan, tracks, (first, end), work, steps, cancel
    )
    encoded = sum(p.seconds for p in plan if p.encoded)
    result = ClipResult(partial, ClipMode.SMART, first, end, request.start, request.end, encoded)
    result.notes.append(summary(plan))
    return result


def cost_steps(plan: list[Part], seconds: float, audio: bool) -> list[tuple[str, float, float]]:
    return [
        *((p.name, p.seconds, ENCODE_WEIGHT if p.encoded else COPY_WEIGHT) for p in plan),
        *([("audio", seconds, AUDIO_WEIGHT)] if audio else []),
        ("joining", seconds, JOIN_WEIGHT),
    ]


def plan_parts(
    window: PacketWindow, first: float, end: float, tolerance: float
) -> list[Part] | str:
    keys = [k for k in window.keyframes() if first - tolerance <= k.pts <= end + tolerance]
    inside = [k for k in keys if k.pts < end - tolerance]
    if not inside:  # no keyframe in the clip: it is shorter than a GOP, re-encode it all
        frames = window.frames_between(first, end, tolerance)
        return [Part(True, first, end, frames, "part0", seek=seek_point(window, first))]
    copy_from = inside[0]
    at_end = [k for k in keys if abs(k.pts - end) <= tolerance]
    copy_to = at_end[0] if at_end else inside[-1]
    for keyframe in (copy_from, copy_to):
        if window.has_leading_frames(keyframe, tolerance):
            return "it uses open GOPs (pictures after a keyframe are shown before it)"
    parts: list[Part] = []
    if copy_from.pts > first + tolerance:
        frames = window.frames_between(first, copy_from.pts, tolerance)
        seek = seek_point(window, first)
        parts.append(Part(True, first, copy_from.pts, frames, f"part{len(parts)}", seek=seek))
    if copy_to.pts > copy_from.pts + tolerance:
        count = _decoding_run(window.packets, copy_from, copy_to)
        seek = seek_point(window, copy_from.pts)
        name = f"part{len(parts)}"
        parts.append(Part(False, copy_from.pts, copy_to.pts, count, name, copy_from.dts, seek))
    if end > copy_to.pts + tolerance:
        frames = window.frames_between(copy_to.pts, end, tolerance)
        seek = seek_point(window, copy_to.pts)
        parts.append(Part(True, copy_to.pts, end, frames, f"part{len(parts)}", seek=seek))
    return parts


def _decoding_run(packets: list[Packet], start: Packet, stop: Packet) -> int:
    """How many packets lie from ``start`` up to (not including) ``stop`` in decoding order."""
    return packets.index(stop) - packets.index(start)


def summary(plan: list[Part]) -> str:
    encoded = [p for p in plan if p.encoded]
    copied = sum(p.seconds for p in plan if not p.encoded)
    if not copied:
        return (
            f"re-encoded all {sum(p.seconds for p in encoded):.2f} s "
            "(no keyframe inside the clip to copy from)"
        )
    edges = " and ".join(f"{p.seconds:.2f} s" for p in encoded) or "nothing"
    return f"re-encoded {edges} at the edges, copied {copied:.2f} s"
