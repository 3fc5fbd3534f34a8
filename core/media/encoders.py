"""Which H.264 encoder to use: hardware when it really works here, else libx264.

``ffmpeg -encoders`` lists what the build supports, not what the machine has (a build with
NVENC lists it on a box without an NVIDIA card), so each listed hardware encoder gets a tiny
trial encode before it is trusted. An encoder whose device cannot exist here (no NVIDIA or
DRI device node on Linux, VideoToolbox off macOS) is ruled out without a trial, and the
remaining trials run side by side: "auto" must not add a second to every job.
"""

from __future__ import annotations

import functools
import glob
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .tools import run_capture, stderr_tail

SOFTWARE_ENCODER = "libx264"
HARDWARE_ENCODERS = ("h264_nvenc", "h264_qsv", "h264_vaapi", "h264_videotoolbox")
VAAPI_DEVICE = "/dev/dri/renderD128"

_cache: dict[str, EncoderCheck] = {}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class EncoderCheck:
    name: str
    usable: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EncoderChoice:
    name: str
    note: str | None = None

    @property
    def is_hardware(self) -> bool:
        return self.name != SOFTWARE_ENCODER


@functools.cache
def listed_encoders() -> frozenset[str]:
    """Video encoders this ffmpeg build includes (asked once per process)."""
    result = run_capture(["ffmpeg", "-hide_banner", "-encoders"], timeout=30)
    names = set()
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("V"):
            names.add(parts[1])
    return frozenset(names)


def device_args(encoder: str) -> list[str]:
    """Global options an encoder needs before the input."""
    return ["-vaapi_device", VAAPI_DEVICE] if encoder == "h264_vaapi" else []


def upload_filter(encoder: str) -> str:
    """Filters (``""``: none) applied to each scaled picture so the encoder can take it."""
    return "format=nv12,hwupload" if encoder == "h264_vaapi" else ""


def missing_device(name: str, platform: str | None = None) -> str | None:
    """Why ``name`` cannot have its hardware on this machine, or ``None`` when it may."""
    platform = platform or sys.platform
    if name == "h264_videotoolbox":
        return None if platform == "darwin" else "VideoToolbox exists only on macOS"
    if not platform.startswith("linux"):
        return None
    if name == "h264_nvenc" and not glob.glob("/dev/nvidia[0-9]*"):
        return "no NVIDIA device (/dev/nvidia*)"
    if name in ("h264_vaapi", "h264_qsv") and not glob.glob("/dev/dri/renderD*"):
        return "no GPU render device (/dev/dri/renderD*)"
    return None


def check_encoder(name: str) -> EncoderCheck:
    """Whether ``name`` can encode a few frames on this machine (cached per process)."""
    with _lock:
        if name in _cache:
            return _cache[name]
    if name == SOFTWARE_ENCODER:
        check = EncoderCheck(name, True)
    elif name not in listed_encoders():
        check = EncoderCheck(name, False, "this ffmpeg build does not include it")
    elif (absent := missing_device(name)) is not None:
        check = EncoderCheck(name, False, absent)
    else:
        args = [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            *device_args(name),
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=30:duration=0.2",
            "-vf",
            ",".join(filter(None, ("format=yuv420p", upload_filter(name)))),
            "-frames:v",
            "3",
            "-c:v",
            name,
            "-f",
            "null",
            "-",
        ]
        result = run_capture(args, timeout=30)
        check = EncoderCheck(
            name, result.returncode == 0, stderr_tail(result.stderr, 1) if result.returncode else ""
        )
    with _lock:
        _cache[name] = check
    return check


def choose_encoder(preference: str | None) -> EncoderChoice:
    """The encoder for ``preference`` ("auto", "libx264" or a hardware encoder name);
    falls back to libx264 with a note when the preferred one cannot run here."""
    wanted = (preference or "auto").strip().lower()
    if wanted in ("", SOFTWARE_ENCODER, "software", "none", "off"):
        return EncoderChoice(SOFTWARE_ENCODER)
    if wanted == "auto":
        listed_encoders()  # once, before the checks that each consult it
        with ThreadPoolExecutor(max_workers=len(HARDWARE_ENCODERS)) as pool:
            checks = list(pool.map(check_encoder, HARDWARE_ENCODERS))
        for check in checks:
            if check.usable:
                return EncoderChoice(check.name, f"using the hardware encoder {check.name}")
        return EncoderChoice(SOFTWARE_ENCODER)
    if wanted not in HARDWARE_ENCODERS:
        return EncoderChoice(
            SOFTWARE_ENCODER, f"unknown encoder {preference!r}; using {SOFTWARE_ENCODER}"
        )
    check = check_encoder(wanted)
    if check.usable:
        return EncoderChoice(wanted)
    reason = check.reason or "trial encode failed"
    return EncoderChoice(
        SOFTWARE_ENCODER, f"{wanted} is not usable here ({reason}); fell back to {SOFTWARE_ENCODER}"
    )


def for_video_output(options: list[str], index: int) -> list[str]:
    """``options`` (flag, value pairs such as ``encoder_options``'s) for the ``index``-th
    video output stream only. A job that remuxes one rung and encodes the others must not
    hand the encoder's options to the stream copy: ffmpeg refuses, for one, ``-profile high``
    there (a libx264 name the copy's generic codec context does not know)."""
    pairs = zip(options[::2], options[1::2], strict=True)
    return [item for flag, value in pairs for item in (f"{flag.split(':')[0]}:v:{index}", value)]


def encoder_options(name: str, gop_frames: int, preset: str | None = None) -> list[str]:
    """Rate-control-independent options that keep keyframes every ``gop_frames`` frames and
    never elsewhere, so all rungs cut segments at the same instants."""
    if name == SOFTWARE_ENCODER:
        return [
            "-preset",
            preset or "veryfast",
            "-profile:v",
            "high",
            "-g",
            str(gop_frames),
            "-keyint_min",
            str(gop_frames),
            "-sc_threshold",
            "0",
        ]
    if name == "h264_nvenc":
        return ["-preset", "p4", "-g", str(gop_frames), "-forced-idr", "1", "-no-scenecut", "1"]
    if name == "h264_qsv":
        return ["-g", str(gop_frames), "-idr_interval", "0"]
    return ["-g", str(gop_frames)]
