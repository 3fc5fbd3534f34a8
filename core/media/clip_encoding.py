"""Encoder settings for clips: the smart cut's re-encoded parts, made to fit the copied
source between them, and the full encode (optionally 9:16 for Shorts).

A smart-cut clip is one H.264 stream made of re-encoded pictures and copied ones. A decoder
takes it as one clean stream when the re-encoded parts agree with the source on what the
decoder sets up once: the same profile, level, picture size and pixel format, the same
colour description, and the same reorder depth (how many frames are held back for
B-frames), because the decoding timestamps of the parts must continue without going back.
The parameter sets (SPS/PPS) cannot be made byte-identical to an arbitrary encoder's, so
every part carries its own in-band before its first picture, which H.264 allows at an IDR.
"""

from __future__ import annotations

from core.domain.clips import VERTICAL_SIZE, VerticalFill, VerticalOptions

from .clip_source import VideoStream

SMART_CUT_CRF = 16  # only a few seconds are re-encoded: spend bits to match the source
ENCODE_CRF = 20
ENCODE_PRESET = "veryfast"
AUDIO_BITRATE = "192k"

#: ffprobe's profile names → libx264's, for the profiles libx264 writes 8-bit 4:2:0 in.
X264_PROFILES = {
    "Constrained Baseline": "baseline",
    "Baseline": "baseline",
    "Main": "main",
    "High": "high",
}
SMART_PIXEL_FORMATS = ("yuv420p", "yuvj420p")
MAX_X264_REORDER_DEPTH = 2  # libx264 with B-pyramid holds back at most two frames


def smart_cut_obstacle(video: VideoStream | None) -> str | None:
    """Why this video stream cannot be smart-cut, or ``None`` when it can."""
    if video is None:
        return "the source has no video stream"
    if video.codec != "h264":
        return f"smart cut re-encodes with H.264 and this source is {video.codec}"
    if video.profile not in X264_PROFILES:
        return f"the source's H.264 profile ({video.profile or 'unknown'}) cannot be matched"
    if video.pix_fmt not in SMART_PIXEL_FORMATS:
        return f"the source's pixel format ({video.pix_fmt or 'unknown'}) cannot be matched"
    if video.field_order not in (None, "progressive", "unknown"):
        return "the source is interlaced"
    if video.reorder_depth > MAX_X264_REORDER_DEPTH:
        return (
            f"the source holds back {video.reorder_depth} frames for B-frames, more than "
            "the re-encoded part can"
        )
    if not video.frame_rate:
        return "the source's frame rate is unknown"
    return None


def matching_encoder_args(video: VideoStream, frames: int) -> list[str]:
    """libx264 options for a part of ``frames`` pictures that joins ``video``'s stream."""
    x264_params = ["scenecut=0"]
    if video.reorder_depth == 0:
        bframes = ["-bf", "0"]
    elif video.reorder_depth == 1:
        bframes = []
        x264_params.append("b-pyramid=none")
    else:
        bframes = []
        x264_params.append("b-pyramid=normal")
    args = [
        "-c:v",
        "libx264",
        "-preset",
        "fast",
        "-crf",
        str(SMART_CUT_CRF),
        "-profile:v",
        X264_PROFILES[video.profile or "High"],
        "-pix_fmt",
        video.pix_fmt or "yuv420p",
        "-g",
        str(max(frames, 1) + 1),
        *bframes,
        "-x264-params",
        ":".join(x264_params),
    ]
    if video.level:
        args += ["-level:v", f"{video.level / 10:g}"]
    for option, value in video.color.items():
        args += [f"-{option}", value]
    return args


def full_encode_args(preset: str | None = None) -> list[str]:
    return [
        "-c:v",
        "libx264",
        "-preset",
        preset or ENCODE_PRESET,
        "-crf",
        str(ENCODE_CRF),
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
    ]


def audio_encode_args(track_count: int) -> list[str]:
    args: list[str] = []
    for index in range(track_count):
        args += [f"-c:a:{index}", "aac", f"-b:a:{index}", AUDIO_BITRATE]
    return args


def vertical_filter(options: VerticalOptions, width: int, height: int) -> str:
    """A filter graph from one video input ``[0:v]``-style chain to a 1080x1920 picture.

    ``crop``: the tallest 9:16 window of the picture, slid horizontally to ``position``
    (0 left, 1 right), scaled to 1080x1920. ``blur``: the whole picture scaled to the
    width, centred over a blurred copy zoomed to fill the frame."""
    out_w, out_h = VERTICAL_SIZE
    if options.fill == VerticalFill.CROP:
        crop_w, crop_h = crop_window(width, height)
        x = round((width - crop_w) * options.position)
        y = (height - crop_h) // 2
        return (
            f"crop={crop_w}:{crop_h}:{x}:{y},scale={out_w}:{out_h}:flags=lanczos,"
            "setsar=1,format=yuv420p"
        )
    return (
        "split=2[bg][fg];"
        f"[bg]scale={out_w}:{out_h}:force_original_aspect_ratio=increase,"
        f"crop={out_w}:{out_h},boxblur=luma_radius=40:luma_power=2,setsar=1[blurred];"
        f"[fg]scale={out_w}:{out_h}:force_original_aspect_ratio=decrease,setsar=1[front];"
        "[blurred][front]overlay=x=(W-w)/2:y=(H-h)/2,format=yuv420p"
    )


def crop_window(width: int, height: int) -> tuple[int, int]:
    """The largest 9:16 window (even sizes) that fits a ``width``×``height`` picture."""
    crop_h = height
    crop_w = round(height * 9 / 16)
    if crop_w > width:
        crop_w = width
        crop_h = round(width * 16 / 9)
    return crop_w - crop_w % 2, crop_h - crop_h % 2
