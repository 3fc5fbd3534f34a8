"""The HLS ladder: decode once, scale rung by rung, encode every rung with the same fixed GOP,
cut ~6 s MPEG-TS segments, report progress from ``-progress pipe:1`` (the command itself is
``ladder_command``).

Variants are video only; the audio is ONE separate rendition (``<output_dir>/audio/``,
``audio_rendition``) encoded once, not muxed and encoded again into every variant. It is
stream-copied when a rung is remuxed and the source's audio already is AAC-LC stereo
(``audio_method``), and reused, not redone, by a later run in the same folder (a retry of
one quality) when it is complete and made from the same, unchanged source.

Nothing finished is ever thrown away: segments are written into ``<output_dir>/.ladder``
(``ladder_work``) and kept when the run is stopped, cancelled, fails or its process is
killed; the next run resumes every rendition from its last complete segment
(``ladder_resume``). A rendition moves to ``<output_dir>/<quality>/`` once it is complete.
One quality can be cancelled while the others go on (``CancelFlag.cancelled_qualities``):
ffmpeg is stopped and started again at once without it, from where each rendition stands.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.cancel import CancelFlag

from .audio_rendition import (
    AUDIO_FOLDER,
    AudioRenditionInfo,
    measure_audio_rendition,
    remove_stale_audio,
    reusable_audio,
    source_audio_fits,
    write_fingerprint,
)
from .encoders import SOFTWARE_ENCODER
from .errors import MediaCancelled, MediaError
from .hls_master import RenditionInfo, measure_rendition
from .ladder_command import (
    PLAYLIST_NAME,
    SEGMENT_PATTERN,
    TIMESTAMP_OFFSET_SECONDS,
    LadderPass,
    LadderSpec,
    build_command,
    gop_frames,
)
from .ladder_resume import open_renditions, plan_passes
from .ladder_work import WORK_FOLDER, RenditionWork, remove_work_root
from .processes import kill, spawn, stop
from .tools import stderr_tail

__all__ = [
    "PLAYLIST_NAME",
    "SEGMENT_PATTERN",
    "TIMESTAMP_OFFSET_SECONDS",
    "FFmpegFailed",
    "LadderResult",
    "LadderSpec",
    "audio_method",
    "build_command",
    "gop_frames",
    "run_ladder",
]

LadderProgress = Callable[[float, str], None]


@dataclass(slots=True)
class LadderResult:
    renditions: list[RenditionInfo] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)  # qualities cancelled on their own
    encoder: str = SOFTWARE_ENCODER
    seconds: float = 0.0
    audio: AudioRenditionInfo | None = None  # made by this run or reused from an earlier one
    #: seconds of video the run found already made (0: it started from the beginning)
    resumed_at: float = 0.0


class FFmpegFailed(MediaError):
    def __init__(self, message: str, tail: str) -> None:
        super().__init__(message)
        self.tail = tail


class _QualityCancelled(Exception):
    """A quality of the running pass was cancelled: stop ffmpeg and go on without it."""


def audio_method(spec: LadderSpec) -> str:
    """``copy`` when a rung remuxes the source and the source's audio already is AAC-LC
    stereo (a remux-only job stays a remux), else ``encode`` (AAC-LC stereo 48 kHz)."""
    remuxing = any(r.method == "copy" for r in spec.rungs)
    return "copy" if remuxing and source_audio_fits(spec.source) else "encode"


def cancelled_qualities(cancel: object) -> set[str]:
    """The qualities cancelled on their own so far (a plain flag has none)."""
    wanted = getattr(cancel, "cancelled_qualities", None)
    return set(wanted()) if callable(wanted) else set()


def run_ladder(
    spec: LadderSpec, *, progress: LadderProgress | None = None, cancel: CancelFlag | None = None
) -> LadderResult:
    """Produce every rung of ``spec``; finished renditions end up in ``output_dir/<quality>``
    and the audio rendition in ``output_dir/audio`` (kept from an earlier run when it is
    complete and from the same source, else made by this run).

    Raises ``MediaCancelled`` when ``cancel`` is set or every rung was cancelled (ffmpeg is
    stopped, the finished segments are kept for a later run) and ``FFmpegFailed`` with
    ffmpeg's last lines when it dies.
    """
    output = Path(spec.output_dir)
    root = output / WORK_FOLDER
    started = time.monotonic()
    try:
        output.mkdir(parents=True, exist_ok=True)
        if not spec.has_audio:
            remove_stale_audio(output)
        kept_audio = reusable_audio(output, spec.source) if spec.has_audio else None
        if kept_audio is not None:
            RenditionWork(root, AUDIO_FOLDER).discard()
        audio = audio_method(spec) if spec.has_audio and kept_audio is None else None
        result = LadderResult(encoder=spec.encoder, audio=kept_audio)
        rungs = list(spec.rungs)
        first = True
        while True:
            dropped = cancelled_qualities(cancel) & {r.quality for r in rungs}
            result.cancelled += [r.quality for r in rungs if r.quality in dropped]
            rungs = [r for r in rungs if r.quality not in dropped]
            if not rungs:
                raise MediaCancelled("every quality of the transcode")
            works = open_renditions(root, spec, rungs, audio)
            passes = plan_passes(spec, works, rungs, audio)
            if first:
                result.resumed_at = passes[-1].video_seconds
                first = False
            try:
                for ladder_pass in passes:
                    _run_pass(spec, root, ladder_pass, progress, cancel)
                break
            except _QualityCancelled:
                continue
        _finish(spec, output, works, rungs, audio, result)
        result.seconds = time.monotonic() - started
        return result
    except OSError as error:
        raise _unwritable(output, error) from None


def _finish(
    spec: LadderSpec,
    output: Path,
    works: dict[str, RenditionWork],
    rungs: list,
    audio: str | None,
    result: LadderResult,
) -> None:
    playlists = {name: work.finish() for name, work in works.items()}
    # Measuring runs an ffprobe per rendition: side by side, not one after another.
    with ThreadPoolExecutor(max_workers=len(playlists)) as pool:
        audio_measured = (
            pool.submit(measure_audio_rendition, playlists[AUDIO_FOLDER]) if audio else None
        )
        measured = {
            rung.quality: pool.submit(measure_rendition, playlists[rung.quality], rung)
            for rung in rungs
        }
    if audio_measured is not None:
        try:
            audio_info = audio_measured.result()
            write_fingerprint(works[AUDIO_FOLDER].folder, spec.source)
            result.audio = audio_info.moved_to(_move_into_place(works[AUDIO_FOLDER], output))
        except MediaError as error:
            # Variants without their audio would play silent: none of them counts.
            works[AUDIO_FOLDER].discard()
            result.failed = {r.quality: str(error) for r in rungs}
            return
    for rung in rungs:
        try:
            info = measured[rung.quality].result()
        except MediaError as error:
            works[rung.quality].discard()
            result.failed[rung.quality] = str(error)
            continue
        result.renditions.append(info.moved_to(_move_into_place(works[rung.quality], output)))
    remove_work_root(output)


def _move_into_place(work: RenditionWork, output: Path) -> Path:
    final = output / work.name
    if final.exists():
        shutil.rmtree(final)
    os.replace(work.folder, final)
    return final / PLAYLIST_NAME


def _unwritable(output: Path, error: OSError) -> MediaError:
    return MediaError(f"cannot write HLS output in {output}: {error.strerror or error}")


def _run_pass(
    spec: LadderSpec,
    root: Path,
    ladder_pass: LadderPass,
    progress: LadderProgress | None,
    cancel: CancelFlag | None,
) -> None:
    """Run one ffmpeg pass to the end; ``_QualityCancelled`` when one of its qualities
    was cancelled meanwhile (ffmpeg is stopped; its finished segments stay)."""
    for name in ladder_pass.names:
        (root / name).mkdir(parents=True, exist_ok=True)
    args = build_command(spec, root, ladder_pass)
    process = spawn(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr_lines: deque[str] = deque(maxlen=40)
    # The progress bar counts what was already made before this run.
    done = ladder_pass.video_seconds if ladder_pass.rungs else ladder_pass.audio_seconds
    total = max(0.001, spec.duration)
    label = ",".join(r.quality for r in ladder_pass.rungs) or AUDIO_FOLDER
    pass_rungs = {r.quality for r in ladder_pass.rungs}

    def read_stderr() -> None:
        for raw in process.stderr:  # type: ignore[union-attr]
            stderr_lines.append(raw.decode("utf-8", "replace").rstrip())

    def read_progress() -> None:
        out_us = 0
        for raw in process.stdout:  # type: ignore[union-attr]
            key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
            if key == "out_time_us" and value.strip().lstrip("-").isdigit():
                out_us = max(0, int(value))
            elif key == "progress" and progress is not None:
                seconds = done + out_us / 1e6
                fraction = 1.0 if value == "end" else min(0.999, seconds / total)
                progress(fraction, label)

    readers = [
        threading.Thread(target=read_stderr, daemon=True),
        threading.Thread(target=read_progress, daemon=True),
    ]
    for reader in readers:
        reader.start()
    stopped_for: str | None = None
    try:
        while True:
            try:
                process.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    stopped_for = "job"
                elif cancelled_qualities(cancel) & pass_rungs:
                    stopped_for = "quality"
                if stopped_for:
                    # Killed, not asked to finish: its half-made segment is dropped anyway,
                    # and flushing the encoders first would only delay the stop.
                    kill(process)
                    break
    finally:
        if process.poll() is None:  # an exception here (KeyboardInterrupt): never orphan it
            stop(process)
        for reader in readers:
            reader.join(timeout=5)
    # ffmpeg can die of the same event that cancels the job (a signal to the whole
    # session): a cancel seen right after it ended still counts as a cancel.
    if stopped_for == "job" or (process.returncode != 0 and cancel is not None and cancel.is_set()):
        raise MediaCancelled("the transcode")
    if stopped_for == "quality":
        raise _QualityCancelled
    if process.returncode != 0:
        tail = stderr_tail("\n".join(stderr_lines))
        code = process.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        raise FFmpegFailed(f"ffmpeg {how}: {tail or 'no error output'}", tail)
