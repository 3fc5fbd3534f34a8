"""Thumbnail pictures of a video file: the frames of some moments, written at every size.

Only files and ffmpeg here: what to grab (the moments) and what to record about the stills
(rows, the default) is decided by ``core.library.thumbnails``.

A *moment* is a requested time; ``None`` stands for the last decodable frame (100 %). With
``near_keyframes`` a moment may move back to the keyframe at or before it when that is within
1 % of the duration (one decoded frame, not a GOP).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.domain.cancel import CancelFlag
from core.domain.media_specs import THUMBNAIL_SIZES

from .errors import MediaCancelled, MediaError
from .frame_stream import stream_keyframes
from .frames import grab_last_frame
from .stills import PickedFrame, letterboxed, pick_frame, write_stills

Progress = Callable[[float, str], None]
PARALLEL_GRABS = 5
# A default moment (20..80 %) may move back to a keyframe up to 1 % of the duration earlier.
KEYFRAME_NEAR_FRACTION = 0.01


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What the grabs need to know about the file."""

    path: str
    duration: float
    fps: float | None


@dataclass(frozen=True, slots=True)
class Still:
    """One moment's picture written at one size, as ``<name>.jpg`` and ``<name>.webp``."""

    name: str
    moment: int  # the index of its moment
    size: str  # a THUMBNAIL_SIZES key
    width: int
    height: int
    jpeg: Path
    webp: Path
    used: float  # the time of the frame that was used
    requested: float  # the time asked for (the duration for the last frame)


def grab_stills(
    video: VideoFacts,
    moments: list[float | None],
    sizes: list[str],
    folder: Path,
    *,
    new_name: Callable[[], str],
    near_keyframes: bool,
    smart: bool = True,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> list[Still]:
    """Every moment's frame written at every size in ``folder`` (files named by
    ``new_name()``). Cancelled (``MediaCancelled``) or failed, it leaves no file behind."""
    path, duration, fps = video.path, video.duration, video.fps
    report = progress or (lambda fraction, message: None)
    make_dir(folder)
    written: list[Path] = []
    stills: list[Still] = []
    offloaded: list[Future[None]] = []

    def work(index: int, grabbed: tuple[float, Image.Image] | None = None) -> None:
        """One moment: ``grabbed`` is its frame when the batch grab already has it."""
        if cancel is not None and cancel.is_set():
            return
        moment = moments[index]
        exact = keyframe = None
        if moment is None:
            exact = grabbed or grab_last_frame(path, duration, fps)
            bound = wanted = exact[0]
        else:
            bound, wanted, keyframe = duration, moment, grabbed
        approximate = near_keyframes and moment is not None
        pick = pick_frame(
            path,
            wanted,
            smart=smart,
            last_frame=bound,
            near=duration * KEYFRAME_NEAR_FRACTION if approximate else 0.0,
            keyframe=keyframe,
            exact=exact,
        )
        image = pick.image
        # Largest first, each size from the one before: the sizes share one aspect ratio,
        # so a letterboxed picture scales down to the next exactly, and cheaper. The
        # largest size, the dearest to encode, is written by another task beside the chain
        # (Pillow lets go of the GIL), so the last moment to arrive is not finished by one
        # core alone.
        ordered = sorted(sizes, key=lambda n: -THUMBNAIL_SIZES[n].width)
        for number, name in enumerate(ordered):
            size = THUMBNAIL_SIZES[name]
            image = letterboxed(image, size.width, size.height)
            if number == 0 and len(ordered) > 1:
                offloaded.append(pool.submit(write, index, name, image, pick))
            else:
                write(index, name, image, pick)

    def write(index: int, name: str, image: Image.Image, pick: PickedFrame) -> None:
        size = THUMBNAIL_SIZES[name]
        stem = new_name()
        jpeg, webp = write_stills(image, folder / stem)
        written.extend((jpeg, webp))
        stills.append(
            Still(
                name=stem,
                moment=index,
                size=name,
                width=size.width,
                height=size.height,
                jpeg=jpeg,
                webp=webp,
                used=pick.used,
                requested=duration if moments[index] is None else pick.requested,
            )
        )

    try:
        done = 0
        with ThreadPoolExecutor(max_workers=min(PARALLEL_GRABS, len(moments))) as pool:
            futures: list[Future[None]] = []
            pending = list(range(len(moments)))
            if near_keyframes:
                # The near-keyframe moments and the last frame, all from ONE ffmpeg process
                # (its start-up costs more than a grab), each made into thumbnails as soon
                # as it arrives, while ffmpeg decodes on.
                near = [i for i, m in enumerate(moments) if m is not None]
                last = [i for i, m in enumerate(moments) if m is None]
                slots = near + last
                for slot, when, image in stream_keyframes(
                    path,
                    [m for m in moments if m is not None],
                    last_from=(duration, fps) if last else None,
                ):
                    if cancel is not None and cancel.is_set():
                        break
                    futures.append(pool.submit(work, slots[slot], (when, image)))
                    pending.remove(slots[slot])
            # The rest grab their own frames (the last frame, the longest, first).
            pending.sort(key=lambda i: moments[i] is not None)
            futures += [pool.submit(work, i) for i in pending]
            for future in as_completed(futures):
                future.result()
                done += 1
                report(done / len(moments), f"thumbnail {done} of {len(moments)}")
            for future in offloaded:
                future.result()
        if cancel is not None and cancel.is_set():
            raise MediaCancelled("thumbnail generation")
    except BaseException:
        for file in written:
            file.unlink(missing_ok=True)
        raise
    return stills


def make_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MediaError(f"cannot create {folder}: {error.strerror or error}") from None
