"""The one pass over a recording that reads every stream once.

One ffmpeg process decodes the audio fully and the video at keyframes only
(``-skip_frame nokey``: one picture per GOP, a few percent of a full decode):

- audio → ``silencedetect`` and ``ebur128`` (momentary loudness every 100 ms), and the
  samples themselves as 16-bit PCM on stdout for the waveform peaks;
- keyframes, scaled to 160 px → ``blackdetect``, ``freezedetect`` and ``scdet`` with
  threshold 0, so that every keyframe logs its time and scene score.

Everything the filters find is read from ffmpeg's log. Edges found on keyframes are only
as precise as the GOP; ``signal_refine`` decodes a short window at full rate to place
them on the exact frame.
"""

from __future__ import annotations

import bisect
import json
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.domain.cancel import CancelFlag
from core.domain.waveform import PeakAccumulator

from .errors import MediaCancelled, MediaError
from .processes import spawn, stop
from .signal_log import LogReader, PassResult
from .tools import run_capture, stderr_tail

#: silencedetect: quieter than this for at least MIN_SILENCE_SECONDS (the reference's values)
SILENCE_NOISE_DB = -50
MIN_SILENCE_SECONDS = 2.0
#: what the filters report (shorter than kept): a stretch cut in two where the file is read
#: in two parts must still be seen on both sides, to be joined again
FILTER_MIN_SECONDS = 0.5
#: freezedetect: mean absolute difference per pixel (0..1) still counted as "the same picture"
FREEZE_NOISE = 0.003
MIN_STATIC_SECONDS = 5.0
#: blackdetect: pixel and picture thresholds are ffmpeg's defaults
BLACK_PIXEL_THRESHOLD = 0.10
BLACK_PICTURE_RATIO = 0.98
MIN_BLACK_SECONDS = 1.0
ANALYSIS_WIDTH = 160
PCM_CHUNK = 1 << 20
LOUDNESS_RATE = 10.0  # ebur128 logs one momentary value per 100 ms
LOUDNESS_WARMUP = 0.4  # ebur128's momentary window: what it needs before its first value

Progress = Callable[[float], None]  # seconds of the recording read so far


@dataclass(frozen=True, slots=True)
class StreamLayout:
    duration: float
    has_video: bool
    has_audio: bool
    sample_rate: int = 0
    channels: int = 0
    fps: float | None = None


def stream_layout(path: str) -> StreamLayout:
    """Duration, and the first video and audio stream's facts the pass needs."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_type,sample_rate,channels,avg_frame_rate,duration",
            "-of",
            "json",
            path,
        ],
        timeout=60,
    )
    if result.returncode != 0:
        raise MediaError(f"cannot read {path}: {stderr_tail(result.stderr, 1) or 'ffprobe failed'}")
    data = json.loads(result.stdout or b"{}")
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = _number((data.get("format") or {}).get("duration"))
    if duration is None:
        duration = max((_number(s.get("duration")) or 0.0 for s in streams), default=0.0)
    return StreamLayout(
        duration=duration or 0.0,
        has_video=video is not None,
        has_audio=audio is not None,
        sample_rate=int(_number(audio.get("sample_rate")) or 0) if audio else 0,
        channels=int(audio.get("channels") or 0) if audio else 0,
        fps=_rate(video.get("avg_frame_rate")) if video else None,
    )


def pass_command(
    path: str, layout: StreamLayout, start: float = 0.0, length: float | None = None
) -> list[str]:
    """The pass over ``[start, start + length)`` (the whole file by default). Times the
    filters log count from ``start``."""
    graphs, maps = [], []
    if layout.has_video:
        graphs.append(
            f"[0:v:0]scale={ANALYSIS_WIDTH}:-2:flags=area,"
            f"blackdetect=d={FILTER_MIN_SECONDS}:pix_th={BLACK_PIXEL_THRESHOLD}:"
            f"pic_th={BLACK_PICTURE_RATIO},"
            f"freezedetect=n={FREEZE_NOISE}:d={FILTER_MIN_SECONDS},"
            # scdet scores every keyframe; metadata prints each one with its time (scdet's
            # own log leaves out scores of 0, i.e. the keyframes of a still picture)
            "scdet=t=100,metadata=mode=print:key=lavfi.scd.score,nullsink"
        )
    if layout.has_audio:
        graphs.append(
            "[0:a:0]asplit=2[detect][pcm];"
            f"[detect]silencedetect=n={SILENCE_NOISE_DB}dB:d={FILTER_MIN_SECONDS},"
            "ebur128=peak=none:framelog=info,anullsink;"
            "[pcm]aformat=sample_fmts=s16[peaks]"
        )
        maps = ["-map", "[peaks]", "-f", "s16le", "pipe:1"]
    else:
        maps = ["-f", "null", "-"]
    span = [] if not start else ["-ss", f"{start:.6f}"]
    if length is not None:
        span += ["-t", f"{length:.6f}"]
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostats",
        "-nostdin",
        "-loglevel",
        "info",
        # one decoder thread: two parts of the file are read side by side instead, which
        # uses the cores as well and costs less than frame threads on sparse keyframes
        "-threads:v",
        "1",
        "-skip_frame:v",
        "nokey",
        *span,
        "-i",
        path,
        "-filter_complex",
        ";".join(graphs),
        *maps,
    ]


def run_pass(
    path: str,
    layout: StreamLayout,
    *,
    peaks: PeakAccumulator | None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    background: bool = False,
    start: float = 0.0,
    length: float | None = None,
) -> PassResult:
    """Run the pass over ``[start, start + length)``; PCM goes into ``peaks`` as it
    arrives (readable meanwhile). ``progress(seconds read in this part)``.
    ``background``: ffmpeg yields the CPU to the app (see ``processes.spawn``)."""
    if not (layout.has_audio or layout.has_video):
        raise MediaError(f"{path} has neither audio nor video to analyse")
    if layout.has_audio and peaks is None:  # the PCM must be read, or ffmpeg blocks on it
        peaks = PeakAccumulator(layout.sample_rate or 48000, layout.channels or 2)
    # A part after the first starts reading a little early: ebur128's momentary loudness
    # needs 400 ms of sound before it, and the part before has it (what is read early is
    # dropped below, so the parts join exactly).
    lead = LOUDNESS_WARMUP if start > 0 and layout.has_audio else 0.0
    result = PassResult()
    reader = LogReader(result, offset=start - lead)
    process = spawn(
        pass_command(path, layout, start - lead, None if length is None else length + lead),
        background=background,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def read_log() -> None:
        for raw in process.stderr:  # type: ignore[union-attr]
            reader.feed(raw.decode("utf-8", "replace"))

    log_thread = threading.Thread(target=read_log, name="signals-log", daemon=True)
    log_thread.start()
    cancelled = False
    try:
        if peaks is not None:
            limit = None if length is None else round(length * peaks.sample_rate)
            skip = round(lead * peaks.sample_rate)
            cancelled = _read_pcm(process, peaks, skip, limit, progress, cancel)
        else:
            cancelled = _wait(process, reader, lead, progress, cancel)
    finally:
        if cancelled or process.poll() is None:
            stop(process)
        code = process.wait()
        log_thread.join(timeout=10)
    if cancelled:
        raise MediaCancelled("the signals analysis")
    if code != 0:
        raise MediaError(
            f"ffmpeg could not analyse {path} (exit {code}): "
            f"{' '.join(reader.tail) or 'no error output'}"
        )
    seconds_read = max(reader.video_seconds - start, peaks.seconds if peaks else 0.0)
    end = start + length if length is not None else layout.duration or start + seconds_read
    reader.close(end)
    _keep_within(result, start, end, lead, length)
    result.freezes = real_freezes(result.freezes, result.keyframes)
    result.seconds_read = seconds_read
    return result


def _keep_within(
    result: PassResult, start: float, end: float, lead: float, length: float | None
) -> None:
    """Only what lies in ``[start, end)`` belongs to this part: the lead read early before
    it and what the demuxer let through after it belong to the neighbouring parts."""
    kept = [i for i, time in enumerate(result.keyframes) if start - 1e-6 <= time < end - 1e-6]
    result.keyframes = [result.keyframes[i] for i in kept]
    result.keyframe_scores = [result.keyframe_scores[i] for i in kept]
    result.loudness = result.loudness[round(lead * LOUDNESS_RATE) :]
    if length is not None:
        result.loudness = result.loudness[: round(length * LOUDNESS_RATE)]
    for name in ("silences", "blacks", "freezes"):
        spans = [
            (max(a, start), min(b, end))
            for a, b in getattr(result, name)
            if a < end - 1e-6 and b > start + 1e-6
        ]
        setattr(result, name, spans)


def real_freezes(
    freezes: list[tuple[float, float]], keyframes: list[float]
) -> list[tuple[float, float]]:
    """Drop what freezedetect reports between two keyframes further apart than its minimum
    duration whatever they show (it checks the time between the frames it sees, and only
    keyframes reach it): a stretch from one keyframe to the next is no evidence."""
    kept = []
    for start, end in freezes:
        position = bisect.bisect_right(keyframes, start + 1e-6)
        following = keyframes[position] if position < len(keyframes) else None
        if following is not None and abs(following - end) < 1e-6:
            continue
        kept.append((start, end))
    return kept


def loudness_array(values: list[float]) -> np.ndarray:
    """Momentary loudness as tenths of a LUFS in int16 (compact; -120.7 LUFS is silence)."""
    return np.clip(np.round(np.asarray(values, dtype=np.float64) * 10), -1500, 300).astype(np.int16)


def _read_pcm(process, peaks, skip: int, limit: int | None, progress, cancel) -> bool:
    """Feed the PCM to ``peaks``, after ``skip`` frames and at most ``limit`` frames (a part
    ends where the next one begins, to the sample); whether it was cancelled."""
    stream = process.stdout
    last_report = -1.0
    frame_bytes = 2 * peaks.channels
    to_skip = skip * frame_bytes
    while True:
        if cancel is not None and cancel.is_set():
            return True
        # Whole chunks (blocking until one is there): a pipe hands out a few KB at a time,
        # and per-read work would cost more than the peaks themselves. A chunk is ~3 s of
        # stereo audio, read in a fraction of that, so a cancel is still seen at once.
        chunk = stream.read(PCM_CHUNK)
        if not chunk:
            return False
        if to_skip:
            dropped = min(to_skip, len(chunk))
            chunk, to_skip = chunk[dropped:], to_skip - dropped
        if limit is not None:
            room = max(0, limit - peaks.frames) * frame_bytes
            if len(chunk) > room:
                chunk = chunk[:room]
        if chunk:
            peaks.feed(chunk)
        seconds = peaks.seconds
        if progress is not None and seconds - last_report >= 1.0:
            last_report = seconds
            progress(seconds)


def _wait(process, reader: LogReader, lead: float, progress, cancel) -> bool:
    while True:
        try:
            process.wait(timeout=0.25)
            return False
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.is_set():
                return True
            if progress is not None:
                progress(max(0.0, reader.video_seconds - reader.offset - lead))


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _rate(value) -> float | None:
    if not value or value in ("0/0", "N/A"):
        return None
    numerator, _, denominator = str(value).partition("/")
    try:
        rate = float(numerator) / float(denominator or 1)
    except (ValueError, ZeroDivisionError):
        return None
    return rate or None
