"""Deciding what each requested rung becomes for one source: its exact size, its bitrate,
whether it is encoded, stream-copied, or skipped (never upscaled). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.media_specs import LADDER

from .probe import MediaInfo

# A source at least this fraction of a rung's size (e.g. 1918x1078 for 1080p) still makes
# that rung, at the source's own size, instead of skipping it.
NEAR_SIZE_FRACTION = 0.9
# A stream copy is allowed when the source's video bitrate is within this factor of the rung's.
COPY_BITRATE_TOLERANCE = 1.25


@dataclass(frozen=True, slots=True)
class RungPlan:
    quality: str
    width: int
    height: int
    video_kbps: int
    method: str = "encode"  # "encode" or "copy"

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def nominal_bitrate(self) -> str:
        return LADDER[self.quality].bitrate_label


@dataclass(frozen=True, slots=True)
class LadderPlan:
    rungs: tuple[RungPlan, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def qualities(self) -> list[str]:
        return [r.quality for r in self.rungs]


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def fit_rung(source_width: int, source_height: int, quality: str) -> tuple[int, int] | None:
    """The rung's size for this source: fitted inside the rung's box (turned upright for a
    portrait source), aspect ratio kept, even dimensions; ``None`` when it would upscale."""
    rung = LADDER[quality]
    box_w, box_h = (rung.width, rung.height)
    if source_height > source_width:
        box_w, box_h = box_h, box_w
    scale = min(box_w / source_width, box_h / source_height)
    if scale <= 1.0:
        return _even(source_width * scale), _even(source_height * scale)
    if scale <= 1 / NEAR_SIZE_FRACTION:
        return _even(source_width), _even(source_height)
    return None


def rungs_above_source(source_width: int | None, source_height: int | None) -> dict[str, str]:
    """The rungs a ladder would skip for this picture size, each with the source's size
    (``"640x360"``), what to tell the user before they start a transcode. When every rung
    is above the source, the lowest is made at the source's size (``plan_ladder``), so it
    is not among them. Unknown sizes skip nothing."""
    if not source_width or not source_height:
        return {}
    size = f"{source_width}x{source_height}"
    above = {q: size for q in LADDER if fit_rung(source_width, source_height, q) is None}
    if len(above) == len(LADDER):
        above.pop(next(iter(LADDER)))
    return above


def plan_ladder(
    info: MediaInfo,
    qualities: list[str],
    *,
    keyframes_aligned: bool = False,
    allow_copy: bool = True,
) -> LadderPlan:
    """The rungs to produce for ``qualities`` from the source described by ``info``."""
    size = info.display_size
    if not info.has_video or size is None:
        raise ValueError("a ladder needs a video stream")
    width, height = size
    rungs: list[RungPlan] = []
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    for quality in qualities:
        fitted = fit_rung(width, height, quality)
        rung = LADDER[quality]
        if fitted is None:
            skipped.append(
                (
                    quality,
                    f"the source ({width}x{height}) is smaller than "
                    f"{quality} ({rung.resolution_label}); not upscaled",
                )
            )
            continue
        rungs.append(
            RungPlan(quality, *fitted, video_kbps=_scaled_kbps(rung.video_kbps, fitted, rung))
        )
    if not rungs:
        lowest = qualities[0]
        fitted = (_even(width), _even(height))
        rungs.append(
            RungPlan(
                lowest,
                *fitted,
                video_kbps=_scaled_kbps(LADDER[lowest].video_kbps, fitted, LADDER[lowest]),
            )
        )
        skipped = [s for s in skipped if s[0] != lowest]
        notes.append(
            f"the source ({width}x{height}) is smaller than every requested rung; "
            f"{lowest} was made at the source's size ({fitted[0]}x{fitted[1]})"
        )
    if allow_copy and keyframes_aligned:
        rungs = [_maybe_copy(info, r, width, height) for r in rungs]
        for planned in rungs:
            if planned.method == "copy":
                notes.append(
                    f"{planned.quality} is the source's own H.264/AAC stream, "
                    "remuxed without re-encoding"
                )
    return LadderPlan(tuple(rungs), tuple(skipped), tuple(notes))


def _scaled_kbps(nominal: int, fitted: tuple[int, int], rung) -> int:
    """Nominal bitrate, reduced in proportion for a picture smaller than the rung's box."""
    ratio = (fitted[0] * fitted[1]) / (rung.width * rung.height)
    return max(100, round(nominal * min(1.0, ratio)))


def _maybe_copy(info: MediaInfo, rung: RungPlan, width: int, height: int) -> RungPlan:
    if (rung.width, rung.height) != (width, height) or info.rotation % 360:
        return rung
    if info.video_codec != "h264" or info.pix_fmt not in ("yuv420p", "yuvj420p"):
        return rung
    if info.has_audio and info.audio_codec != "aac":
        return rung
    if info.variable_frame_rate:
        return rung
    video_bps = info.video_bit_rate or info.bit_rate
    if not video_bps or video_bps > rung.video_kbps * 1000 * COPY_BITRATE_TOLERANCE:
        return rung
    return RungPlan(rung.quality, rung.width, rung.height, rung.video_kbps, method="copy")
