"""Choosing the frame for a thumbnail and writing it at exact sizes as JPEG and WebP."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .errors import MediaError
from .frames import grab_frame, grab_frames, grab_keyframe, grab_last_frame, judge

SMART_WINDOW_SECONDS = 2.0
SMART_STEP_SECONDS = 0.5
WIDE_WINDOW_FACTOR = 4
JPEG_QUALITY = 85
WEBP_QUALITY = 80
WEBP_METHOD = 0  # 0 fastest … 6 smallest: thumbnails favour speed


@dataclass(frozen=True, slots=True)
class PickedFrame:
    requested: float
    used: float
    image: Image.Image
    replaced_because: str | None


def pick_frame(
    path: str,
    seconds: float,
    *,
    smart: bool,
    last_frame: float,
    window: tuple[float, float] | None = None,
    near: float = 0.0,
    keyframe: tuple[float, Image.Image] | None = None,
    exact: tuple[float, Image.Image] | None = None,
) -> PickedFrame:
    """The frame at ``seconds`` (with ``near`` > 0, the keyframe at or before it when it is
    at most ``near`` seconds earlier: one decoded frame instead of a GOP); with ``smart``, a
    better one nearby when it is black, near-uniform or blurry. ``window`` bounds where a
    replacement may come from. ``keyframe`` is that keyframe when already grabbed;
    ``exact`` is the frame itself and its time when already grabbed (the last frame)."""
    at = min(max(0.0, seconds), last_frame)
    image = None
    if exact is not None:
        at, image = exact
    elif near > 0:
        keyframe = keyframe or grab_keyframe(path, at)
        if keyframe is not None and 0 <= at - keyframe[0] <= near:
            at, image = min(max(0.0, round(keyframe[0], 3)), last_frame), keyframe[1]
    image = image or grab_frame(path, at)
    if image is None:
        # Past the last frame (the video stops before the file does): the last frame,
        # at its own time, rather than a neighbour recorded under the wrong time.
        at, image = grab_last_frame(path, last_frame)
    if not smart:
        return PickedFrame(seconds, at, image, None)
    quality = judge(image)
    if quality.acceptable:
        return PickedFrame(seconds, at, image, None)
    reason = "black" if quality.is_black else "uniform" if quality.is_uniform else "blurry"
    low, high = window or (0.0, last_frame)
    high = min(high, last_frame)
    best_time, best_score, best_ok = at, quality.score, False
    # A small window first; only when nothing in it is acceptable, a wider one.
    for reach in (SMART_WINDOW_SECONDS, SMART_WINDOW_SECONDS * WIDE_WINDOW_FACTOR):
        start, end = max(low, at - reach), min(high, at + reach)
        if end - start < 2 * SMART_STEP_SECONDS and high - low > end - start:
            start = max(low, end - 2 * reach)  # squeezed against the end: look back instead
        count = int((end - start) / SMART_STEP_SECONDS) + 1
        for when, candidate in grab_frames(
            path, start, count=count, every=SMART_STEP_SECONDS, width=160
        ):
            judged = judge(candidate)
            if judged.score > best_score * 1.05 and when <= high:
                best_time, best_score, best_ok = when, judged.score, judged.acceptable
        if best_ok:
            break
    if best_time == at:
        return PickedFrame(seconds, at, image, None)
    better = grab_frame(path, best_time)
    if better is None:
        return PickedFrame(seconds, at, image, None)
    return PickedFrame(seconds, best_time, better, reason)


def letterboxed(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` scaled to fit ``width``×``height`` exactly, aspect ratio kept, the rest black."""
    scale = min(width / image.width, height / image.height)
    fitted = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if fitted == (width, height) and image.size == fitted:
        return image
    # Bicubic (Pillow's is antialiased when it shrinks): as sharp to the eye as Lanczos at
    # these factors (1.5x, then 2x down the chain) for two thirds of the time.
    resized = image.resize(fitted, Image.Resampling.BICUBIC, reducing_gap=3.0)
    if fitted == (width, height):
        return resized
    canvas = Image.new("RGB", (width, height), (0, 0, 0))
    canvas.paste(resized, ((width - fitted[0]) // 2, (height - fitted[1]) // 2))
    return canvas


def write_stills(image: Image.Image, base: Path) -> tuple[Path, Path]:
    """``base``.jpg and ``base``.webp, each written under a temporary name and renamed when
    complete, so a crash never leaves a half-written image under the final name."""
    jpeg, webp = base.with_suffix(".jpg"), base.with_suffix(".webp")
    written: list[Path] = []
    try:
        for target, fmt, options in (
            (jpeg, "JPEG", {"quality": JPEG_QUALITY, "optimize": False}),
            (webp, "WEBP", {"quality": WEBP_QUALITY, "method": WEBP_METHOD}),
        ):
            partial = target.with_name(f".{target.name}.partial")
            written.append(partial)
            image.save(partial, fmt, **options)
            os.replace(partial, target)
            written.append(target)
    except OSError as error:
        for leftover in written:
            # On a read-only mount even removing a file that was never made fails
            # (EROFS): the clear message below matters more than the tidy-up.
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise MediaError(
            f"cannot write thumbnails in {base.parent}: {error.strerror or error}"
        ) from None
    return jpeg, webp
