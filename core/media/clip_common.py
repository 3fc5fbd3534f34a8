"""What the clip modes share: the request and result, the picture-exact bounds of a
clip, the container it goes in, its title and chapters, and one progress fraction over
the several ffmpeg runs a clip takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.clips import ClipMode, VerticalOptions, clip_chapters

from .clip_source import PacketWindow, SourceInfo

MP4_VIDEO = {"h264", "hevc", "av1", "mpeg4"}
MP4_AUDIO = {"aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"}
LOOK_BACK_SECONDS = (20.0, 120.0)  # how far before the start to look for its keyframe
LOOK_AHEAD_SECONDS = 2.0
SEEK_MARGIN_SECONDS = 3.0
TIME_EPSILON = 0.001  # below any frame interval, above timestamp rounding


@dataclass(frozen=True, slots=True)
class ClipRequest:
    source: str
    folder: Path
    stem: str  # the file name without extension (made safe by core.domain.clips)
    start: float
    end: float
    mode: ClipMode
    title: str
    chapters: tuple[tuple[float, float, str], ...] = ()  # on the VOD's clock
    audio_tracks: tuple[int, ...] | None = None  # indexes among the audio streams
    vertical: VerticalOptions | None = None
    preset: str | None = None
    work_name: str | None = None  # names the work folder (a job id), see clip_files


@dataclass(slots=True)
class ClipResult:
    output: Path
    mode: ClipMode  # how it was made (smart may have become encode)
    start: float  # where the clip really starts on the VOD's clock
    end: float
    requested_start: float
    requested_end: float
    reencoded_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.end - self.start


#: ``progress(fraction, step)``: how far the whole clip is, and what runs now.
ClipProgress = Callable[[float, str], None]


class Progress:
    """Turns each ffmpeg run's "seconds written" into one fraction over the whole clip.
    Steps are weighted by cost: a second re-encoded costs far more than a second copied."""

    def __init__(self, report: ClipProgress | None, steps: list[tuple[str, float, float]]) -> None:
        self._report = report
        self._steps = {name: (seconds, weight) for name, seconds, weight in steps}
        self._total = sum(seconds * weight for _, seconds, weight in steps) or 1.0
        self._done = 0.0

    def step(self, name: str) -> Callable[[float], None]:
        seconds, weight = self._steps[name]
        base = self._done
        self._done += seconds * weight

        def on_seconds(written: float) -> None:
            if self._report is not None:
                share = min(max(written, 0.0), seconds) * weight
                self._report(min(1.0, (base + share) / self._total), name)

        return on_seconds


def container_suffix(source: SourceInfo, mode: ClipMode, tracks: list[int]) -> str:
    """``.mp4`` when what goes in fits MP4 (always, when encoding), else ``.mkv``."""
    if mode == ClipMode.ENCODE:
        return ".mp4"
    video_ok = source.video is None or source.video.codec in MP4_VIDEO
    audio_ok = all(source.audio[t].codec in MP4_AUDIO for t in tracks)
    return ".mp4" if video_ok and audio_ok else ".mkv"


def muxer_for(suffix: str) -> str:
    return "mp4" if suffix == ".mp4" else "matroska"


def frame_bounds(
    window: PacketWindow, source: SourceInfo, start: float, end: float
) -> tuple[float, float]:
    """The first picture's time (the one on screen at ``start``) and the clip's end (the
    picture boundary nearest ``end``, at least one picture after the start)."""
    assert source.video is not None
    frame = source.video.frame_seconds
    first = window.frame_at(start, TIME_EPSILON)
    if first is None:
        first = window.first_frame_from(start, TIME_EPSILON) or start
    after = window.first_frame_from(end, frame / 2)
    last_end = after if after is not None else end
    return first, max(last_end, first + frame)


def seek_point(window: PacketWindow, seconds: float) -> float:
    """Where to start reading to decode the picture at ``seconds``: a margin before the
    keyframe at or before it. Input seeking in an MPEG-TS (no index) or a Matroska file lands
    near, not exactly on, the asked time; from a margin before the keyframe, the decoder
    always meets that keyframe before the pictures the clip keeps."""
    keys = [k.pts for k in window.keyframes() if k.pts <= seconds + TIME_EPSILON]
    anchor = keys[-1] if keys else seconds - LOOK_BACK_SECONDS[-1]
    return max(0.0, anchor - SEEK_MARGIN_SECONDS)


def metadata_inputs(
    request: ClipRequest, work: Path, start: float, end: float, index: int
) -> tuple[list[str], list[str]]:
    """Inputs and options that put the title and the chapters (on the clip's clock, from
    ``start`` to ``end`` of the VOD) inside the clip; the metadata file is input ``index``.
    (Written here rather than with core.formats, which sits above the media layer.)"""
    options = ["-metadata", f"title={request.title}"]
    chapters = clip_chapters(list(request.chapters), start, end)
    if not chapters:
        return [], [*options, "-map_chapters", "-1"]
    text = [";FFMETADATA1"]
    for chapter_start, chapter_end, title in chapters:
        text += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter_start * 1000)}",
            f"END={round(chapter_end * 1000)}",
            f"title={_escape(title)}",
        ]
    metadata = work / "chapters.ffmeta"
    metadata.write_text("\n".join(text) + "\n", encoding="utf-8")
    return ["-f", "ffmetadata", "-i", str(metadata)], [*options, "-map_chapters", str(index)]


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in "=;#\\\n" else ch for ch in text)
