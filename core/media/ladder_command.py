"""The ladder's ffmpeg command: one process decodes the source once, scales it rung by rung
(``scale_graph``), encodes each rung with the same fixed GOP and writes ~6 s MPEG-TS
segments; the audio rendition is a second HLS output of the same process.

A run may start in the middle (``LadderPass``): the video from the first frame of the segment
it resumes at, the audio from the first AAC frame of its own. Each output then carries its own
timestamp offset and first segment number, so the new segments continue the kept ones as if
the run had never stopped: same frames, same timestamps, same cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.media_specs import AUDIO_KBPS, GOP_SECONDS, SEGMENT_SECONDS

from .audio_rendition import AUDIO_FOLDER
from .encoders import (
    SOFTWARE_ENCODER,
    device_args,
    encoder_options,
    for_video_output,
    upload_filter,
)
from .ladder_plan import RungPlan
from .ladder_work import RUN_PLAYLIST
from .scale_graph import scale_graph

PLAYLIST_NAME = "playlist.m3u8"
SEGMENT_PATTERN = "seg_%05d.ts"
#: Added to every output timestamp (``-output_ts_offset``) so that no stream starts below
#: zero: otherwise each ffmpeg run shifts its streams by whatever starts earliest (the AAC
#: encoder's priming, or B-frame decoding delay), and video made by a later run (a retry
#: beside the kept audio rendition, a resumed run, the farm's separate joins) would drift
#: from the audio by up to a few frames. With it, every run puts source time t at t + 1 s.
TIMESTAMP_OFFSET_SECONDS = 1.0
#: ffmpeg's AAC encoder puts one frame of priming (1024 samples at 48 kHz) before the first
#: sample: the audio's first packet is stamped this much before its source time.
AAC_PRIMING_SECONDS = 1024 / 48000


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
    preset: str | None = None
    video_start: float = 0.0  # the source's first picture, from the start of the file
    audio_start: float = 0.0  # the source's first audio sample, from the start of the file


@dataclass(frozen=True, slots=True)
class LadderPass:
    """One ffmpeg run: which renditions it makes and where each one starts.

    ``video_from``/``audio_from`` are the numbers of the first segment written (0 from the
    start); ``video_seconds`` is the source time of that video segment's first frame, and
    ``audio_seconds`` the source time of the first audio sample written, which starts an
    AAC frame of the uninterrupted run."""

    rungs: tuple[RungPlan, ...]
    audio: str | None = None  # "encode", "copy" or None
    video_from: int = 0
    video_seconds: float = 0.0
    audio_from: int = 0
    audio_seconds: float = 0.0

    @property
    def names(self) -> list[str]:
        return [r.quality for r in self.rungs] + ([AUDIO_FOLDER] if self.audio else [])

    @property
    def resumes(self) -> bool:
        return self.video_from > 0 or self.audio_from > 0


def gop_frames(fps: float) -> int:
    return max(1, round(fps * GOP_SECONDS))


def _hls_output(first_number: int, segments: str, playlist: str) -> list[str]:
    # An EVENT playlist is rewritten after every finished segment (a VOD one only at the
    # end), and temp_file renames segments and playlist into place complete: after a crash
    # the playlist lists exactly the segments that are whole.
    return [
        "-f",
        "hls",
        "-hls_time",
        f"{SEGMENT_SECONDS:g}",
        "-hls_playlist_type",
        "event",
        "-hls_flags",
        "independent_segments+temp_file",
        "-hls_segment_type",
        "mpegts",
        "-start_number",
        str(first_number),
        "-hls_segment_filename",
        segments,
        playlist,
    ]


def _seek(seconds: float) -> list[str]:
    # Input seeking is exact (ffmpeg decodes from the keyframe before and drops what lies
    # before ``seconds``); microseconds, rounded down so the wanted frame or sample stays in.
    return ["-ss", f"{int(seconds * 1e6) / 1e6:.6f}"] if seconds > 0 else []


def _video_options(spec: LadderSpec, ladder_pass: LadderPass) -> tuple[list[str], list[str]]:
    """(maps, per-stream options) of the video output."""
    # Keyframes every GOP on the source's clock: a run that starts at a keyframe time
    # a little past a GOP boundary (a frame time of a 29.97 fps source) counts from there.
    phase = ladder_pass.video_seconds % GOP_SECONDS if ladder_pass.video_seconds else 0.0
    if phase > GOP_SECONDS - 1e-6:
        phase = 0.0
    shift = f"-{phase:.6f}" if phase else ""
    force = f"expr:gte(t,n_forced*{GOP_SECONDS:g}{shift})"
    encoded_options = [
        *encoder_options(spec.encoder, gop_frames(spec.fps), spec.preset),
        "-force_key_frames",
        force,
    ]
    if spec.variable_frame_rate:
        encoded_options += ["-fps_mode", "cfr", "-r", f"{spec.fps:.3f}"]
    maps: list[str] = []
    options: list[str] = []
    encoded_index = 0
    for out_index, rung in enumerate(ladder_pass.rungs):
        if rung.method == "copy":
            maps += ["-map", "0:v:0"]
            options += [f"-c:v:{out_index}", "copy"]
            continue
        maps += ["-map", f"[v{encoded_index}]"]
        encoded_index += 1
        kbps = rung.video_kbps
        options += [
            f"-c:v:{out_index}",
            spec.encoder,
            f"-b:v:{out_index}",
            f"{kbps}k",
            f"-maxrate:v:{out_index}",
            f"{round(kbps * 1.07)}k",
            f"-bufsize:v:{out_index}",
            f"{round(kbps * 1.5)}k",
            *for_video_output(encoded_options, out_index),
        ]
    return maps, options


def build_command(spec: LadderSpec, work_dir, ladder_pass: LadderPass) -> list[str]:
    """The ffmpeg argument list (no shell) for one pass, writing every video rendition into
    ``work_dir/<quality>/`` and the audio into ``work_dir/audio/`` (``run.m3u8`` each)."""
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
    rungs = ladder_pass.rungs
    audio_input = 0
    if rungs:
        args += [*_seek(ladder_pass.video_seconds), "-i", spec.source]
        # The audio shares the video's input when both start at the very beginning.
        if ladder_pass.audio and (ladder_pass.audio_seconds or ladder_pass.video_seconds):
            audio_input = 1
            args += [*_seek(ladder_pass.audio_seconds), "-i", spec.source]
    elif ladder_pass.audio:
        args += [*_seek(ladder_pass.audio_seconds), "-i", spec.source]
    encoded = [r for r in rungs if r.method == "encode"]
    if encoded:
        args += ["-filter_complex", scale_graph(encoded, tail=upload_filter(spec.encoder))]
    if rungs:
        maps, options = _video_options(spec, ladder_pass)
        stream_map = " ".join(f"v:{i},name:{r.quality}" for i, r in enumerate(rungs))
        args += [
            *maps,
            *options,
            "-output_ts_offset",
            f"{TIMESTAMP_OFFSET_SECONDS + ladder_pass.video_seconds:.6f}",
            "-var_stream_map",
            stream_map,
            *_hls_output(
                ladder_pass.video_from,
                f"{work_dir}/%v/{SEGMENT_PATTERN}",
                f"{work_dir}/%v/{RUN_PLAYLIST}",
            ),
        ]
    if ladder_pass.audio:
        args += ["-map", f"{audio_input}:a:0"]
        if ladder_pass.audio == "copy":
            args += ["-c:a", "copy"]
        else:
            args += ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ac", "2", "-ar", "48000"]
        offset = TIMESTAMP_OFFSET_SECONDS + ladder_pass.audio_seconds
        if ladder_pass.audio_from:
            # The new encoder's priming frame would sit on the last kept frame: drop it, so
            # the first packet written is the frame the uninterrupted run has there.
            args += ["-bsf:a", "noise=drop=not(n)"]
        args += [
            "-output_ts_offset",
            f"{offset:.6f}",
            *_hls_output(
                ladder_pass.audio_from,
                f"{work_dir}/{AUDIO_FOLDER}/{SEGMENT_PATTERN}",
                f"{work_dir}/{AUDIO_FOLDER}/{RUN_PLAYLIST}",
            ),
        ]
    return args
