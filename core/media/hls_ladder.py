"""The HLS ladder in ONE ffmpeg process: decode once, scale the picture down rung by rung
(``scale_graph``), encode each rung with the same fixed GOP (no scene-cut keyframes), cut
~6 s MPEG-TS segments into VOD playlists, report progress from ``-progress pipe:1``.

Variants are video only; the audio is ONE separate rendition (``<output_dir>/audio/``,
``audio_rendition``) encoded once, not muxed and encoded again into every variant. It is
stream-copied when a rung is remuxed and the source's audio already is AAC-LC stereo
(``audio_method``), and reused, not redone, by a later run in the same folder (a retry of
one quality) when it is complete and made from the same, unchanged source.

Usable for a whole file or one chunk of it (``start``/``length``), so a farm backend can
run it per chunk. Renditions are written under a hidden ``.partial-*`` folder and moved to
``<output_dir>/<quality>/`` only once ffmpeg finished and the playlist is complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.domain.cancel import CancelFlag
from core.domain.media_specs import AUDIO_KBPS, GOP_SECONDS, SEGMENT_SECONDS

from .audio_rendition import (
    AUDIO_FOLDER,
    AudioRenditionInfo,
    measure_audio_rendition,
    remove_stale_audio,
    reusable_audio,
    source_audio_fits,
    write_fingerprint,
)
from .encoders import (
    SOFTWARE_ENCODER,
    device_args,
    encoder_options,
    for_video_output,
    upload_filter,
)
from .errors import FFmpegMissingError, MediaCancelled, MediaError
from .hls_master import RenditionInfo, measure_rendition
from .ladder_plan import RungPlan
from .scale_graph import scale_graph
from .tools import ffmpeg_path, stderr_tail

PLAYLIST_NAME = "playlist.m3u8"
#: Added to every output timestamp (``-output_ts_offset``) so that no stream starts below
#: zero: otherwise each ffmpeg run shifts its streams by whatever starts earliest (the AAC
#: encoder's priming, or B-frame decoding delay), and video made by a later run (a retry
#: beside the kept audio rendition, or the farm's separate joins) would drift from the
#: audio by up to a few frames. With it, every run puts source time t at the same place.
TIMESTAMP_OFFSET_SECONDS = 1.0
SEGMENT_PATTERN = "seg_%05d.ts"
TERMINATE_GRACE_SECONDS = 5.0

LadderProgress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class LadderSpec:
    source: str
    output_dir: str
    rungs: tuple[RungPlan, ...]
    duration: float
    fps: float
    has_audio: bool = True
    encoder: str = SOFTWARE_ENCODER
    variable_frame_rate: bool = False
    start: float | None = None
    length: float | None = None
    preset: str | None = None


@dataclass(slots=True)
class LadderResult:
    renditions: list[RenditionInfo] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    encoder: str = SOFTWARE_ENCODER
    seconds: float = 0.0
    audio: AudioRenditionInfo | None = None  # made by this run or reused from an earlier one


class FFmpegFailed(MediaError):
    def __init__(self, message: str, tail: str) -> None:
        super().__init__(message)
        self.tail = tail


def gop_frames(fps: float) -> int:
    return max(1, round(fps * GOP_SECONDS))


def audio_method(spec: LadderSpec) -> str:
    """``copy`` when a rung remuxes the source and the source's audio already is AAC-LC
    stereo (a remux-only job stays a remux), else ``encode`` (AAC-LC stereo 48 kHz)."""
    remuxing = any(r.method == "copy" for r in spec.rungs)
    return "copy" if remuxing and source_audio_fits(spec.source) else "encode"


def build_command(
    spec: LadderSpec, work_dir: Path, *, with_audio: bool | None = None, copy_audio: bool = False
) -> list[str]:
    """The ffmpeg argument list (no shell) for ``spec``, writing every video rung into
    ``work_dir/<quality>/`` and, ``with_audio`` (default: when the source has audio), the
    one audio rendition into ``work_dir/audio/``, encoded or, ``copy_audio``, copied."""
    with_audio = spec.has_audio if with_audio is None else with_audio
    encoded = [r for r in spec.rungs if r.method == "encode"]
    args = [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.5",
        *device_args(spec.encoder),
    ]
    if spec.start:
        args += ["-ss", f"{spec.start:.3f}"]
    if spec.length:
        args += ["-t", f"{spec.length:.3f}"]
    args += ["-i", spec.source]
    if encoded:
        args += ["-filter_complex", scale_graph(encoded, tail=upload_filter(spec.encoder))]
    stream_map = []
    per_stream: list[str] = []
    # Only the encoded rungs get the encoder's options; a remuxed rung is left as it is.
    encoded_options = [
        *encoder_options(spec.encoder, gop_frames(spec.fps), spec.preset),
        "-force_key_frames",
        f"expr:gte(t,n_forced*{GOP_SECONDS:g})",
    ]
    if spec.variable_frame_rate:
        encoded_options += ["-fps_mode", "cfr", "-r", f"{spec.fps:.3f}"]
    encoded_index = 0
    group = f",agroup:{AUDIO_FOLDER}" if with_audio else ""
    for out_index, rung in enumerate(spec.rungs):
        if rung.method == "copy":
            args += ["-map", "0:v:0"]
            per_stream += [f"-c:v:{out_index}", "copy"]
        else:
            args += ["-map", f"[v{encoded_index}]"]
            encoded_index += 1
            kbps = rung.video_kbps
            per_stream += [
                f"-c:v:{out_index}",
                spec.encoder,
                f"-b:v:{out_index}",
                f"{kbps}k",
                f"-maxrate:v:{out_index}",
                f"{round(kbps * 1.07)}k",
                f"-bufsize:v:{out_index}",
                f"{round(kbps * 1.5)}k",
            ]
            per_stream += for_video_output(encoded_options, out_index)
        stream_map.append(f"v:{out_index}{group},name:{rung.quality}")
    if with_audio:
        args += ["-map", "0:a:0"]
        if copy_audio:
            per_stream += ["-c:a:0", "copy"]
        else:
            per_stream += [
                "-c:a:0",
                "aac",
                "-b:a:0",
                f"{AUDIO_KBPS}k",
                "-ac:a:0",
                "2",
                "-ar:a:0",
                "48000",
            ]
        stream_map.append(f"a:0{group},name:{AUDIO_FOLDER}")
    args += per_stream
    args += [
        "-output_ts_offset",
        f"{TIMESTAMP_OFFSET_SECONDS:g}",
        "-f",
        "hls",
        "-hls_time",
        f"{SEGMENT_SECONDS:g}",
        "-hls_playlist_type",
        "vod",
        "-hls_flags",
        "independent_segments",
        "-hls_segment_type",
        "mpegts",
        "-hls_segment_filename",
        str(work_dir / "%v" / SEGMENT_PATTERN),
        "-var_stream_map",
        " ".join(stream_map),
        str(work_dir / "%v" / PLAYLIST_NAME),
    ]
    return args


def run_ladder(
    spec: LadderSpec, *, progress: LadderProgress | None = None, cancel: CancelFlag | None = None
) -> LadderResult:
    """Produce every rung of ``spec``; finished renditions end up in ``output_dir/<quality>``
    and the audio rendition in ``output_dir/audio`` (kept from an earlier run when it is
    complete and from the same source, else made by this run).

    Raises ``MediaCancelled`` when ``cancel`` is set (ffmpeg is stopped, the partial output
    removed) and ``FFmpegFailed`` with ffmpeg's last lines when it dies.
    """
    output = Path(spec.output_dir)
    whole_source = not spec.start and not spec.length
    try:
        output.mkdir(parents=True, exist_ok=True)
        if not spec.has_audio:
            remove_stale_audio(output)
        kept_audio = (
            reusable_audio(output, spec.source) if spec.has_audio and whole_source else None
        )
        make_audio = spec.has_audio and kept_audio is None
        work_dir = output / f".partial-{uuid.uuid4().hex[:8]}"
        work_dir.mkdir()
        for name in [r.quality for r in spec.rungs] + ([AUDIO_FOLDER] if make_audio else []):
            (work_dir / name).mkdir()
    except OSError as error:
        raise _unwritable(output, error) from None
    started = time.monotonic()
    try:
        copy_audio = make_audio and audio_method(spec) == "copy"
        command = build_command(spec, work_dir, with_audio=make_audio, copy_audio=copy_audio)
        _run_ffmpeg(command, spec, progress, cancel)
        result = LadderResult(encoder=spec.encoder, audio=kept_audio)
        # Measuring runs an ffprobe per rendition: side by side, not one after another.
        with ThreadPoolExecutor(max_workers=len(spec.rungs) + 1) as pool:
            audio_measured = (
                pool.submit(measure_audio_rendition, work_dir / AUDIO_FOLDER / PLAYLIST_NAME)
                if make_audio
                else None
            )
            measured = {
                rung.quality: pool.submit(
                    measure_rendition, work_dir / rung.quality / PLAYLIST_NAME, rung
                )
                for rung in spec.rungs
            }
        if audio_measured is not None:
            try:
                result.audio = _move_audio_into_place(
                    spec, audio_measured.result(), work_dir, output
                )
            except MediaError as error:
                # Variants without their audio would play silent: none of them counts.
                result.failed = {r.quality: str(error) for r in spec.rungs}
                return result
        for rung in spec.rungs:
            produced = work_dir / rung.quality
            try:
                info = measured[rung.quality].result()
            except MediaError as error:
                result.failed[rung.quality] = str(error)
                continue
            final = output / rung.quality
            if final.exists():
                shutil.rmtree(final)
            os.replace(produced, final)
            result.renditions.append(info.moved_to(final / PLAYLIST_NAME))
        result.seconds = time.monotonic() - started
        return result
    except OSError as error:
        raise _unwritable(output, error) from None
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _move_audio_into_place(
    spec: LadderSpec, info: AudioRenditionInfo, work_dir: Path, output: Path
) -> AudioRenditionInfo:
    produced = work_dir / AUDIO_FOLDER
    if not spec.start and not spec.length:  # only the whole source's audio is reusable
        write_fingerprint(produced, spec.source)
    final = output / AUDIO_FOLDER
    if final.exists():
        shutil.rmtree(final)
    os.replace(produced, final)
    return info.moved_to(final / PLAYLIST_NAME)


def _unwritable(output: Path, error: OSError) -> MediaError:
    return MediaError(f"cannot write HLS output in {output}: {error.strerror or error}")


def _run_ffmpeg(
    args: list[str], spec: LadderSpec, progress: LadderProgress | None, cancel: CancelFlag | None
) -> None:
    command = [ffmpeg_path("ffmpeg"), *args[1:]]
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError:
        raise FFmpegMissingError("ffmpeg") from None
    stderr_lines: deque[str] = deque(maxlen=40)
    total = spec.length or max(0.001, spec.duration - (spec.start or 0.0))
    label = ",".join(r.quality for r in spec.rungs)

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
                fraction = 1.0 if value == "end" else min(0.999, out_us / 1e6 / total)
                progress(fraction, label)

    readers = [
        threading.Thread(target=read_stderr, daemon=True),
        threading.Thread(target=read_progress, daemon=True),
    ]
    for reader in readers:
        reader.start()
    cancelled = False
    while True:
        try:
            process.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.is_set():
                cancelled = True
                _stop(process)
                break
    for reader in readers:
        reader.join(timeout=5)
    if cancelled:
        raise MediaCancelled("the transcode")
    if process.returncode != 0:
        tail = stderr_tail("\n".join(stderr_lines))
        code = process.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        raise FFmpegFailed(f"ffmpeg {how}: {tail or 'no error output'}", tail)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=TERMINATE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
