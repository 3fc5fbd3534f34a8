"""Grabbing still frames quickly and judging whether a frame is worth showing (the
default moments in one streamed process: frame_stream.py).

Every grab seeks on the input side (``-ss`` before ``-i``): ffmpeg jumps to the keyframe
before the time and decodes only that GOP, so a frame one hour in costs the same as one at
the start.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

from .errors import MediaError
from .tools import run_capture, stderr_tail

# Square pixels and the source's display orientation (ffmpeg autorotates by default).
SQUARE_PIXELS = "scale=trunc(iw*sar/2)*2:ih,setsar=1"
ANALYSIS_WIDTH = 160
FRAME_TIMEOUT_SECONDS = 60
# The last frame is looked for in the last few frame durations before the end of the file
# (every frame there is buffered to find the last one, so the window stays this small).
TAIL_FRAMES = 4
TAIL_SECONDS_UNKNOWN_RATE = 0.25
# When even the last video packet does not decode (a damaged end), decode this much more.
DAMAGED_TAIL_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class FrameQuality:
    """Why a frame would make a poor thumbnail: black, near-uniform or blurry."""

    mean_luma: float
    contrast: float
    sharpness: float

    @property
    def is_black(self) -> bool:
        return self.mean_luma < 24

    @property
    def is_uniform(self) -> bool:
        return self.contrast < 10

    @property
    def is_blurry(self) -> bool:
        return self.sharpness < 6

    @property
    def acceptable(self) -> bool:
        return not (self.is_black or self.is_uniform or self.is_blurry)

    @property
    def score(self) -> float:
        """Higher is better: detail and contrast, with dark frames pushed down."""
        exposure = min(1.0, self.mean_luma / 60.0)
        return exposure * (math.log1p(self.sharpness) * 2 + math.log1p(self.contrast))


def judge(image: Image.Image) -> FrameQuality:
    """Quality of ``image`` measured on a small grey copy (cheap for any source size)."""
    grey = image.convert("L")
    if grey.width > ANALYSIS_WIDTH:
        height = max(1, round(grey.height * ANALYSIS_WIDTH / grey.width))
        # reducing_gap: a box pre-reduction then bicubic, a third of the cost of bicubic
        # over the whole factor, and the same scores to within a few percent.
        grey = grey.resize((ANALYSIS_WIDTH, height), Image.Resampling.BICUBIC, reducing_gap=3.0)
    stats = ImageStat.Stat(grey)
    inner = (1, 1, grey.width - 1, grey.height - 1)  # the edge filter's border is noise
    edges = ImageStat.Stat(grey.filter(ImageFilter.FIND_EDGES).crop(inner))
    return FrameQuality(
        mean_luma=stats.mean[0], contrast=stats.stddev[0], sharpness=edges.stddev[0]
    )


def grab_frame(path: str, seconds: float, *, width: int | None = None) -> Image.Image | None:
    """The frame shown at ``seconds`` as an RGB image, or ``None`` when there is no frame
    at or after that time (past the last decodable frame)."""
    frames = grab_frames(path, seconds, count=1, width=width)
    return frames[0][1] if frames else None


def grab_frames(
    path: str, start: float, *, count: int, every: float = 0.0, width: int | None = None
) -> list[tuple[float, Image.Image]]:
    """Up to ``count`` frames from ``start`` on, ``every`` seconds apart (0: consecutive),
    each with the time it was taken from."""
    filters = [SQUARE_PIXELS]
    if every > 0:
        filters.insert(0, f"fps=1/{every}:round=down")
    if width:
        filters.append(f"scale={width}:-2")
    args = [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-threads",
        "1",
        "-ss",
        f"{max(0.0, start):.3f}",
        "-i",
        path,
        "-map",
        "0:v:0",
        "-vf",
        ",".join(filters),
        "-frames:v",
        str(count),
        "-f",
        "image2pipe",
        "-c:v",
        "ppm",
        "pipe:1",
    ]
    result = _run_grab(args, f"a frame at {start:.2f} s")
    return [
        (round(max(0.0, start) + index * every, 3), image)
        for index, image in enumerate(_split_ppm(result.stdout))
    ]


_PTS_TIME = re.compile(r"pts_time:\s*(-?[0-9.]+)")


#: How far before the wanted time a keyframe grab seeks again when the container's seek
#: (MPEG-TS has no index, so ffmpeg estimates a byte position) landed after that time or
#: past the last keyframe: growing steps, then the start of the file.
KEYFRAME_SEEK_BACKOFF_SECONDS = (2.0, 6.0, 20.0, 60.0)


def grab_keyframe(path: str, seconds: float) -> tuple[float, Image.Image] | None:
    """The keyframe at or before ``seconds`` and its time: one decoded frame instead of a
    whole GOP, for moments that only need to be near a time (the default 20..80 %)."""
    wanted = round(max(0.0, seconds), 3)
    for back in (0.0, *KEYFRAME_SEEK_BACKOFF_SECONDS, wanted):
        seek = max(0.0, wanted - back)
        found = _keyframe_after_seek(path, seek, seconds)
        if found is not None and found[0] <= wanted + 0.001:
            return found
        if seek == 0.0:
            return found
    return None


def _keyframe_after_seek(
    path: str, seek: float, seconds: float
) -> tuple[float, Image.Image] | None:
    args = [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "info",
        "-threads",
        "1",
        "-noaccurate_seek",
        "-ss",
        f"{seek:.3f}",
        "-i",
        path,
        "-map",
        "0:v:0",
        "-vf",
        f"showinfo,{SQUARE_PIXELS}",
        "-frames:v",
        "1",
        "-fps_mode",
        "passthrough",
        "-f",
        "image2pipe",
        "-c:v",
        "ppm",
        "pipe:1",
    ]
    result = _run_grab(args, f"a frame at {seconds:.2f} s")
    images = _split_ppm(result.stdout)
    found = _PTS_TIME.search(result.stderr.decode("utf-8", "replace"))
    if not images:
        return None
    # Without -copyts the times count from the seek point (whatever the container's clock
    # starts at): the keyframe's time in the file is the seek point plus its showinfo time,
    # negative when it lies before that point.
    return (round(seek + float(found.group(1)), 3) if found else seek), images[0]


def _run_grab(args: list[str], what: str):
    """Run a frame grab; ``MediaError`` naming ``what`` with ffmpeg's last lines if it fails."""
    result = run_capture(args, timeout=FRAME_TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise MediaError(
            f"ffmpeg could not read {what}: {stderr_tail(result.stderr, 2) or 'unknown error'}"
        )
    return result


_PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s")


def _split_ppm(data: bytes) -> list[Image.Image]:
    """The images of a stream of binary PPM frames (ffmpeg's image2pipe with the ppm codec)."""
    images = []
    offset = 0
    view = memoryview(data)
    while offset < len(data):
        header = _PPM_HEADER.match(data, offset)
        if header is None:
            break
        width, height = int(header.group(1)), int(header.group(2))
        begin = header.end()
        end = begin + width * height * 3
        if end > len(data):
            break
        # A view, not a slice: Pillow unpacks RGB into its own 4-byte pixels anyway, so a
        # slice would copy every frame once more for nothing.
        images.append(Image.frombytes("RGB", (width, height), view[begin:end]))
        offset = end
    return images


def grab_last_frame(
    path: str, duration: float, fps: float | None = None
) -> tuple[float, Image.Image]:
    """The last frame that decodes and its time: the picture for "100 %", never a black
    frame past the end. ffmpeg decodes from the keyframe before the last few frame
    durations to the end of the file and keeps the last frame it got (``reverse`` over a
    window of a few frames), so one process gives both the picture and its exact time; no
    separate probe of the end is needed unless the video stops before the file does."""
    margin = _tail_margin(fps)
    found = _tail_frame(path, tail_start(duration, fps))
    if found is None:
        # The video ends before the file (a longer audio track, a cut-off end): look
        # before the last video packet instead.
        last_packet = last_frame_time(path, duration)
        found = _tail_frame(path, last_packet - margin)
        if found is None:
            # A damaged end, or a container that cannot seek this close to its end
            # (MPEG-TS): decode a longer stretch once to learn the last time that
            # decodes, then keep only that frame while decoding the same stretch again.
            start = max(0.0, min(duration, last_packet) - DAMAGED_TAIL_SECONDS)
            decoded = _last_decoded_time(path, start)
            if decoded is not None:
                found = _tail_frame(path, start, keep_from=decoded - margin / 2)
    if found is None:
        raise MediaError(f"no decodable frame near the end of {path}")
    return found


def _tail_margin(fps: float | None) -> float:
    return TAIL_FRAMES / fps if fps and fps > 0 else TAIL_SECONDS_UNKNOWN_RATE


def tail_start(duration: float, fps: float | None) -> float:
    """Where to start decoding to find the last frame: a few frame durations before the end."""
    return round(max(0.0, duration - _tail_margin(fps)), 3)


_SHOWINFO_PTS = re.compile(r"showinfo@tail @ [^\]]*\] n:\s*\d+ .*?pts_time:\s*(-?[0-9.]+)")


def _tail_frame(
    path: str, start: float, keep_from: float | None = None
) -> tuple[float, Image.Image] | None:
    """The last frame from ``start`` (or, decoding from ``start``, from ``keep_from``) to
    the end of the file; ``None`` when no frame decodes there. The accurate seek drops the
    frames before ``start`` and ``select`` those before ``keep_from`` (decoded, never
    converted), so ``reverse`` buffers only the few frames after them."""
    start = round(max(0.0, start), 3)
    keep = f"select=gte(t\\,{max(0.0, keep_from - start):.4f})," if keep_from else ""
    args = [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "info",
        "-threads",
        "1",
        "-ss",
        f"{start:.3f}",
        "-i",
        path,
        "-map",
        "0:v:0",
        "-vf",
        f"{keep}showinfo@tail,reverse,trim=end_frame=1,{SQUARE_PIXELS}",
        "-frames:v",
        "1",
        "-fps_mode",
        "passthrough",
        "-f",
        "image2pipe",
        "-c:v",
        "ppm",
        "pipe:1",
    ]
    result = _run_grab(args, "the end of the video")
    images = _split_ppm(result.stdout)
    # Without -copyts the times count from the seek point: the frame's time in the file
    # is the seek point plus the latest time showinfo saw (frames arrive in display order).
    times = [float(t) for t in _SHOWINFO_PTS.findall(result.stderr.decode("utf-8", "replace"))]
    if not images or not times:
        return None
    return round(start + max(times), 3), images[0]


def _last_decoded_time(path: str, start: float) -> float | None:
    """The time of the last frame that decodes from ``start`` on (decoded, not converted)."""
    start = round(max(0.0, start), 3)
    result = run_capture(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "info",
            "-ss",
            f"{start:.3f}",
            "-i",
            path,
            "-map",
            "0:v:0",
            "-vf",
            "showinfo@tail",
            "-f",
            "null",
            "-",
        ],
        timeout=FRAME_TIMEOUT_SECONDS,
    )
    times = [float(t) for t in _SHOWINFO_PTS.findall(result.stderr.decode("utf-8", "replace"))]
    return start + max(times) if times else None


def last_frame_time(path: str, duration: float) -> float:
    """The presentation time of the last video frame that decodes, found by reading only
    the packets of the last few seconds (never the whole file)."""
    for window in (5.0, 30.0, duration):
        start = max(0.0, duration - window)
        result = run_capture(
            [
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-read_intervals",
                f"{start:.3f}%",
                "-show_entries",
                "packet=pts_time,flags",
                "-of",
                "csv=p=0",
                path,
            ],
            timeout=60,
        )
        times = []
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            first = line.split(",")[0]
            try:
                times.append(float(first))
            except ValueError:
                continue
        if times:
            return max(times)
    raise MediaError(f"{path} has no decodable video frames")
