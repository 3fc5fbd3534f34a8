"""The default thumbnail moments from ONE ffmpeg process, read as a stream.

An ffmpeg start-up costs more CPU than a keyframe grab (it links 200+ libraries), so the
20..80 % keyframes and the exact last frame come from a single process whose inputs each
seek once; its PPM frames are handed over one by one as ffmpeg writes them.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

from .frames import FRAME_TIMEOUT_SECONDS, SQUARE_PIXELS, tail_start
from .processes import spawn


def stream_keyframes(
    path: str, times: list[float], *, last_from: tuple[float, float | None] | None = None
) -> Iterator[tuple[int, float, Image.Image]]:
    """``grab_keyframe`` for each of ``times`` and, with ``last_from`` = (duration, fps),
    the last frame as ``grab_last_frame`` finds it, all from ONE ffmpeg process (one
    start-up, which costs more than a grab), yielded as ``(slot, time, picture)`` the
    moment ffmpeg has written each, so the caller can work on one while ffmpeg decodes
    the next. ``slot`` is the index into ``times``, or ``len(times)`` for the last frame.
    A time with no frame is simply missing (the caller grabs it on its own)."""
    slots = len(times) + (last_from is not None)
    if not slots:
        return
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info"]
    starts = [float(f"{max(0.0, seconds):.3f}") for seconds in times]
    # (slot, seek options, filter chain). The quick keyframes first: their thumbnails are
    # made on the other core while ffmpeg decodes the last GOP for the last frame.
    inputs = [
        (slot, ["-noaccurate_seek", "-ss", f"{starts[slot]:.3f}"], "") for slot in range(len(times))
    ]
    if last_from is not None:
        starts.append(tail_start(*last_from))
        inputs.append((len(times), ["-ss", f"{starts[-1]:.3f}"], "reverse,trim=end_frame=1,"))
    chains = []
    for index, (slot, seek, chain) in enumerate(inputs):
        args += ["-threads", "1", *seek, "-i", path]
        keep = "" if chain else "trim=end_frame=1,"
        chains.append(
            f"[{index}:v:0]{keep}showinfo@k{slot},{chain}{SQUARE_PIXELS},"
            f"metadata@s{slot}=mode=add:key=vs_slot:value={slot},"
            f"setpts=N/TB[f{index}]"
        )
    joined = "".join(f"[f{i}]" for i in range(slots))
    # passthrough: the joined frames carry made-up times, which must not make ffmpeg drop one.
    # No -copyts: each input's times count from its own seek point, so a frame's time in
    # the file is that point plus its showinfo time (negative for a keyframe before it).
    # Each frame carries its slot, and the joined stream logs it on its way out: the log
    # of the segments follows the order ffmpeg decodes in, not the order frames leave.
    args += [
        "-nostats",
        "-filter_complex",
        ";".join(chains) + f";{joined}concat=n={slots}:v=1:a=0,metadata@out=mode=print:key=vs_slot",
        "-fps_mode",
        "passthrough",
        "-f",
        "image2pipe",
        "-c:v",
        "ppm",
        "pipe:1",
    ]
    log = _ShowinfoLog()
    with _streaming(args, log) as process:
        for produced, image in enumerate(_read_ppm_stream(process.stdout)):
            # Every showinfo line of a frame's segment, and its slot, are logged before
            # the frame is written, so the n-th picture is the n-th slot logged on the way out.
            written = log.nth_output(produced)
            if written is None:
                return
            when = log.last_time(written) if written == len(times) else log.first_time(written)
            yield written, round(starts[written] + when, 3), image


class _ShowinfoLog:
    """ffmpeg's stderr, read on a thread: the showinfo times of each slot's segment
    (``showinfo@k<slot>``) and the slots of the frames in the order they were written."""

    _TIME = re.compile(r"showinfo@k(\d+) @ [^\]]*\] n:\s*\d+ .*?pts_time:\s*(-?[0-9.]+)")
    _OUT = re.compile(r"metadata@out @ [^\]]*\] vs_slot=(\d+)")

    def __init__(self) -> None:
        self.times: dict[int, list[float]] = {}
        self.written: list[int] = []
        self.finished = False
        self._changed = threading.Condition()

    def read(self, stream) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            timed, out = self._TIME.search(line), self._OUT.search(line)
            with self._changed:
                if timed:
                    self.times.setdefault(int(timed.group(1)), []).append(float(timed.group(2)))
                if out:
                    self.written.append(int(out.group(1)))
                    self._changed.notify_all()
        with self._changed:
            self.finished = True
            self._changed.notify_all()

    def nth_output(self, n: int) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: len(self.written) > n or self.finished)
            return self.written[n] if len(self.written) > n else None

    def first_time(self, slot: int) -> float:
        return self.times[slot][0]

    def last_time(self, slot: int) -> float:
        return max(self.times[slot])


@contextmanager
def _streaming(args: list[str], log: _ShowinfoLog):
    """ffmpeg running with its stdout to read and its stderr going to ``log``; stopped
    (killed) when the reader leaves early, after FRAME_TIMEOUT_SECONDS at most."""
    process = spawn(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None  # both piped above
    reader = threading.Thread(target=log.read, args=(process.stderr,), daemon=True)
    reader.start()
    watchdog = threading.Timer(FRAME_TIMEOUT_SECONDS, process.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()
        reader.join()
        process.stderr.close()


def _read_ppm_stream(stream) -> Iterator[Image.Image]:
    """The pictures of a binary PPM stream, each as soon as it is complete."""
    pixels = bytearray()
    while True:
        header = _read_ppm_header(stream)
        if header is None:
            return
        width, height = header
        # One buffer for every frame of a size (Pillow copies out of it): a fresh 6 MB a
        # frame costs more in page faults than the copy itself.
        if len(pixels) != width * height * 3:
            pixels = bytearray(width * height * 3)
        view, got = memoryview(pixels), 0
        while got < len(pixels):
            count = stream.readinto(view[got:])
            if not count:
                return
            got += count
        yield Image.frombytes("RGB", (width, height), pixels)


def _read_ppm_header(stream) -> tuple[int, int] | None:
    """``P6 <width> <height> <maxval>`` and the one whitespace byte after it."""
    tokens: list[bytes] = []
    token = b""
    while len(tokens) < 4:
        byte = stream.read(1)
        if not byte:
            return None
        if byte.isspace():
            if token:
                tokens.append(token)
                token = b""
        else:
            token += byte
    if tokens[0] != b"P6" or tokens[3] != b"255":
        return None
    return int(tokens[1]), int(tokens[2])
