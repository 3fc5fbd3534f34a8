"""Noticing a full disk under a transcode's output folder.

FFmpeg 5.1's HLS muxer ignores failed writes: on a full disk it exits 0 with an empty
playlist and no error line, so the job would only learn that "the playlist is incomplete".
The runner therefore looks at the free space itself, before starting and while ffmpeg runs,
and names the real cause (ENOSPC) and the folder.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

# A write that failed for lack of space leaves less than a block or two free; below one
# ffmpeg write buffer (32 KiB) the next segment cannot be written either.
MIN_FREE_BYTES = 32 * 1024


def out_of_space(folder: str | Path) -> str | None:
    """A message naming ``folder`` and ENOSPC when the file system that holds it (or would
    hold it, for a folder not created yet) has less than ``MIN_FREE_BYTES`` available;
    ``None`` when there is room or the free space cannot be known."""
    target = Path(folder)
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        stats = os.statvfs(existing)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return None
    if stats.f_blocks == 0:  # pseudo or network file systems that report no sizes
        return None
    available = stats.f_bavail * stats.f_frsize
    if available >= MIN_FREE_BYTES:
        return None
    return (
        f"{os.strerror(errno.ENOSPC)}: the disk holding the HLS output folder {target} is "
        f"full ({available // 1024} KB free); free some space, then retry"
    )
