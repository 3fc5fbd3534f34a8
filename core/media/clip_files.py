"""Where a clip is written: a work folder beside the final file, renamed into place only
when the clip is whole, so a failed, cancelled or out-of-space export leaves nothing that
looks like a clip; and the one-sentence reasons for a folder that cannot take it."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from .errors import MediaError

WORK_PREFIX = ".partial-clip-"
MIN_FREE_BYTES = 1024 * 1024
NO_SPACE_TEXT = "No space left on device"


@contextlib.contextmanager
def work_folder(folder: Path, name: str | None = None) -> Iterator[Path]:
    """A fresh hidden folder inside ``folder`` (same disk, so the final rename is atomic),
    removed with everything in it when the block ends, whichever way it ends. ``name``
    (a job id) lets a later run find and remove what a killed run left."""
    check_writable(folder)
    work = work_path(folder, name or uuid.uuid4().hex[:10])
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir()
    except OSError as error:
        raise MediaError(folder_error(folder, error)) from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def work_path(folder: Path, name: str) -> Path:
    return folder / f"{WORK_PREFIX}{name}"


def check_writable(folder: Path) -> None:
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            raise MediaError(folder_error(folder, error)) from None
    if not folder.is_dir():
        raise MediaError(f"cannot write clips to {folder}: it is a file, not a folder")
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        read_only = False
    if read_only:
        raise MediaError(f"cannot write clips to {folder}: the disk is read-only")
    if not os.access(folder, os.W_OK):
        raise MediaError(f"cannot write clips to {folder}: permission denied")
    full = out_of_space(folder)
    if full:
        raise MediaError(full)


def folder_error(folder: Path, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return out_of_space(folder, force=True) or f"the disk holding {folder} is full"
    if error.errno == errno.EROFS:
        return f"cannot write clips to {folder}: the disk is read-only"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write clips to {folder}: permission denied"
    return f"cannot write clips to {folder}: {error.strerror or error}"


def out_of_space(folder: Path, *, force: bool = False) -> str | None:
    """A sentence naming ``folder`` when its disk is (nearly) full, else ``None``."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        available = None
    else:
        available = stats.f_bavail * stats.f_frsize if stats.f_blocks else None
    if not force and (available is None or available >= MIN_FREE_BYTES):
        return None
    free = f" ({available // 1024} KB free)" if available is not None else ""
    return (
        f"the disk holding {folder} is full{free}: free some space and export again; "
        "no partial clip was left"
    )


def explain_failure(folder: Path, error: MediaError) -> MediaError:
    """A full disk named as such: ffmpeg's own message for it is buried in its log."""
    text = str(error)
    if NO_SPACE_TEXT in text or out_of_space(folder):
        return MediaError(out_of_space(folder, force=True) or text)
    if "Read-only file system" in text:
        return MediaError(f"cannot write clips to {folder}: the disk is read-only")
    return error


def place(partial: Path, final: Path) -> Path:
    """Move the finished ``partial`` to ``final``, or to ``final (2)``… when that name was
    taken meanwhile: an existing file is never replaced."""
    stem, suffix = final.stem, final.suffix
    candidate, counter = final, 2
    while True:
        try:
            os.link(partial, candidate)  # fails if the name exists: no race with another export
        except FileExistsError:
            candidate = final.with_name(f"{stem} ({counter}){suffix}")
            counter += 1
            continue
        except OSError:
            # A file system without hard links (FAT, some network shares)
            if candidate.exists():
                candidate = final.with_name(f"{stem} ({counter}){suffix}")
                counter += 1
                continue
            os.replace(partial, candidate)
            return candidate
        partial.unlink()
        return candidate
