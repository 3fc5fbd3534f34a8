"""Import the editor's modules on a worker thread while the library is on screen.

The editor's panels pull in large libraries (the openai SDK, libVLC's bindings, the media
and job modules): imported on the GUI thread at the first opening, they froze the window for
seconds. Imported here, the first opening costs what a reopening does. The icons are drawn
here too (``ui.theme.draw_icons_ahead``): the editor shows dozens of them.
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

EDITOR_MODULES = (
    "ui.editor",
    "ui.editor.view",
    "ui.timeline.filmstrip",
    "ui.panels.chapters_panel",
    "ui.panels.thumbnails_panel",
    "ui.panels.transcode_panel",
    "ui.ai_panel",
    "ui.upload_panel",
    "ui.youtube_chapters_dialog",
    "core.library.thumbnails",
    "core.jobs.service",
    # the transcode runner the first Start transcode builds (its farm switch imports the
    # Celery and Redis clients: a second on the GUI thread)
    "core.jobs",
    "core.jobs.farm.settings",
    "core.ai",
    "core.platform",
    "core.sync",
    "core.media.frames",
    # the editor's signals analysis and clip queue (started in its constructor)
    "core.jobs.signals",
    "core.media.signals",
    "core.jobs.clips",
    "ui.clip_queue",
    "core.formats",
    "core.secrets",
    "keyring",
    "PIL.Image",
    "PIL.ImageFile",
    "vlc",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
)

_done = threading.Event()
_lock = threading.Lock()


def import_editor_modules() -> None:
    """Import every module the editor needs (once; safe from any thread)."""
    if _done.is_set():
        return
    with _lock:
        if _done.is_set():
            return
        for name in EDITOR_MODULES:
            try:
                importlib.import_module(name)
            except Exception as error:  # e.g. no libVLC: the player falls back
                log.debug("warm-up: %s not imported: %s", name, error)
        try:  # keyring picks its backend at first use, importing every backend it knows
            import keyring

            keyring.get_keyring()
        except Exception as error:  # no usable keyring: the panels say so when it matters
            log.debug("warm-up: no keyring: %s", error)
        try:  # Pillow imports its format plugins at the first save: a Generate's first still
            from PIL import Image

            Image.init()
        except Exception as error:
            log.debug("warm-up: Pillow's plugins not loaded: %s", error)
        from .theme import draw_icons_ahead

        draw_icons_ahead()
        _done.set()


def editor_modules_imported() -> bool:
    return _done.is_set()


def warm_up_editor(tasks) -> None:
    """Start the imports in the background (no status bar entry: it is not the user's work)."""
    if not _done.is_set():
        tasks.run_task(lambda progress, cancel: import_editor_modules(), on_error=lambda e: None)
