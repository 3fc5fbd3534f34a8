"""Writing a chapter file the user named, so that a failure never leaves a truncated file.

The text goes to a temporary file beside the target and is renamed over it only once it is
completely on disk: on a full or read-only disk the target is either the new file or exactly
what it was before (an earlier export replaced with ``overwrite`` is not lost).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from core.domain.errors import DomainError, ValidationError


class FileWriteError(DomainError):
    """The file could not be written (disk full, read-only, no permission...)."""


def write_text_file(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``FileWriteError`` names the file and
    the reason (e.g. "No space left on device") when the disk refuses."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder: give a file name")
    if target.exists() and not overwrite:
        raise ValidationError(f"{target} already exists (add --overwrite to replace it)")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    # Same mode as the file it replaces, else the usual 0666 minus the umask (os.open
    # applies it), not mkstemp's 0600.
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
    except OSError as error:
        with contextlib.suppress(OSError):  # on a read-only disk even this unlink fails
            partial.unlink()
        raise FileWriteError(f"cannot write {target}: {error.strerror or error}") from None
    return target
