"""How a transcode job is executed, behind a small interface.

``Executor.execute(spec, progress, cancel)`` turns one ``TranscodeSpec`` into an
``ExecutionOutcome``. The queue (``JobRunner``) only knows this protocol, so a farm backend
(Celery, chunked encoding) can replace ``LocalLadderExecutor`` without touching the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from core.domain.cancel import CancelFlag
from core.domain.media_specs import GOP_SECONDS
from core.domain.timefmt import format_time
from core.media.encoders import SOFTWARE_ENCODER, choose_encoder
from core.media.errors import MediaError
from core.media.hls_ladder import FFmpegFailed, LadderSpec, run_ladder
from core.media.hls_master import RenditionInfo
from core.media.keyframes import keyframe_times, on_grid
from core.media.ladder_plan import plan_ladder
from core.media.truncation import probe_decodable, truncation_note

ExecutionProgress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class TranscodeSpec:
    job_id: str
    source: str
    output_dir: str
    qualities: tuple[str, ...]
    encoder_preference: str = "auto"
    allow_copy: bool = True
    preset: str | None = None


@dataclass(slots=True)
class ExecutionOutcome:
    renditions: list[RenditionInfo] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    #: qualities cancelled on their own (a runner's cancel flag also has
    #: ``cancelled_qualities() -> set``), while the others went on
    cancelled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoder: str = SOFTWARE_ENCODER


class Executor(Protocol):
    def execute(
        self, spec: TranscodeSpec, progress: ExecutionProgress, cancel: CancelFlag
    ) -> ExecutionOutcome:
        """Run ``spec``; raise ``MediaCancelled`` when cancelled, ``MediaError`` when the
        whole run failed, return per-quality results otherwise."""
        ...


class LocalLadderExecutor:
    """Runs the whole ladder in one ffmpeg process on this machine."""

    def execute(
        self, spec: TranscodeSpec, progress: ExecutionProgress, cancel: CancelFlag
    ) -> ExecutionOutcome:
        info = probe_decodable(spec.source)
        if not info.has_video:
            raise MediaError(
                f"{info.path} has no video stream: HLS transcoding needs video "
                "(an audio-only file cannot make a video ladder)"
            )
        qualities = list(spec.qualities)
        aligned = False
        # Reading keyframe positions costs a pass over the packets: only when a rung would
        # be a stream copy if the keyframes were aligned.
        if spec.allow_copy and any(
            rung.method == "copy"
            for rung in plan_ladder(info, qualities, keyframes_aligned=True).rungs
        ):
            aligned = on_grid(
                keyframe_times(info.path),
                GOP_SECONDS,
                info.fps,
                covered=min(info.duration, 60.0) - GOP_SECONDS,
            )
        plan = plan_ladder(info, qualities, keyframes_aligned=aligned, allow_copy=spec.allow_copy)
        outcome = ExecutionOutcome(skipped=dict(plan.skipped), notes=list(plan.notes))
        if info.claimed_duration:  # the ladder covers what is there, and says so
            outcome.notes.append(
                truncation_note(Path(info.path).name, info.duration, info.claimed_duration)
            )
        choice = choose_encoder(spec.encoder_preference)
        if choice.note:
            outcome.notes.append(choice.note)
        ladder = LadderSpec(
            source=info.path,
            output_dir=spec.output_dir,
            rungs=plan.rungs,
            duration=info.duration,
            fps=info.fps or 30.0,
            has_audio=info.has_audio,
            encoder=choice.name,
            variable_frame_rate=info.variable_frame_rate,
            preset=spec.preset,
            video_start=info.video_start,
            audio_start=info.audio_start,
        )
        try:
            result = run_ladder(ladder, progress=progress, cancel=cancel)
        except FFmpegFailed as error:
            if choice.name == SOFTWARE_ENCODER:
                raise
            last_line = error.tail.splitlines()[-1] if error.tail else "no details"
            outcome.notes.append(
                f"{choice.name} failed while encoding ({last_line}); "
                f"fell back to {SOFTWARE_ENCODER}"
            )
            progress(0.0, "restarting with libx264")
            ladder = LadderSpec(**{**_fields(ladder), "encoder": SOFTWARE_ENCODER})
            result = run_ladder(ladder, progress=progress, cancel=cancel)
        outcome.renditions = result.renditions
        outcome.failed = result.failed
        outcome.cancelled = result.cancelled
        outcome.encoder = result.encoder
        if result.resumed_at > 0:
            outcome.notes.append(
                f"resumed at {format_time(result.resumed_at)} of "
                f"{format_time(info.duration)} ({result.resumed_at / info.duration:.0%}): "
                "the segments made before were kept"
            )
        return outcome


def _fields(spec: LadderSpec) -> dict:
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}
