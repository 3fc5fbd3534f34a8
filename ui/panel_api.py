"""The small interface every editor side panel is built against.

A panel is a ``QWidget`` constructed as ``Panel(host)`` where ``host`` satisfies
:class:`PanelHost`. The editor owns one host per open VOD; panels never reach into the
editor's internals, they use only what is listed here. Adding a panel to the editor is one
line in ``ui.editor.panels.PANEL_SPECS``.

Example::

    class AiPanel(QWidget):
        def __init__(self, host: PanelHost, parent=None):
            super().__init__(parent)
            self.host = host
            host.chapters_changed.connect(self.refresh)

        def generate(self):
            handle = self.host.tasks.run_task(
                lambda progress, cancel: self.host.context.chapters.replace_ai(...),
                on_done=lambda result: self.host.reload_chapters(),
                on_error=lambda error: self.host.show_message(str(error), error=True),
                on_progress=lambda fraction, text: ...,
            )
            # handle.cancel() asks the work to stop (sets the threading.Event it received)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from core.domain.chapters import Chapter, ChapterTimeline
from core.library.shapes import VodInfo

if TYPE_CHECKING:
    from app.context import AppContext  # the composition root: a type, never imported here

#: ``fn(progress, cancel)``: ``progress(fraction: float | None, text: str)`` may be called
#: from the worker thread; ``cancel`` is a ``threading.Event`` the work should poll.
TaskFunction = Callable[[Callable[[float | None, str], None], threading.Event], Any]


@runtime_checkable
class TaskHandle(Protocol):
    def cancel(self) -> None:
        """Ask the running work to stop (it sees ``cancel.is_set()``)."""

    def is_running(self) -> bool: ...


@runtime_checkable
class TaskRunner(Protocol):
    def run_task(
        self,
        fn: TaskFunction,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float | None, str], None] | None = None,
        *,
        label: str = "",
    ) -> TaskHandle:
        """Run ``fn`` on a worker thread; the callbacks run on the GUI thread.

        ``label`` is shown in the status bar while the task runs. ``on_error`` gets the
        exception (a ``core.domain.errors.DomainError`` for refused requests); without it the
        host shows the error as a non-blocking message.
        """


@runtime_checkable
class PanelHost(Protocol):
    #: the services: ``vods``, ``chapters``, ``settings``, ``secrets``, ``thumbnails``,
    #: ``transcodes``, ``ai``, ``formats``, ``uploads``, ``sync`` (each typed)
    context: AppContext
    #: id of the VOD open in the editor, and the VOD as it was when the editor opened it
    vod_id: str
    vod: VodInfo
    #: the VOD's chapters as the editor shows them (refreshed before ``chapters_changed``)
    timeline_model: ChapterTimeline
    #: the editor's chapter-file actions (import, export, YouTube check) when it has them
    chapter_files: Any | None
    tasks: TaskRunner
    #: the editor's single undo stack: push one ``QUndoCommand`` per user edit
    undo_stack: QUndoStack
    #: emitted (no arguments) after the VOD's chapters changed in the database, whoever did it
    chapters_changed: SignalInstance

    #: emitted with the selected chapter id (or None) when the selection changes anywhere
    chapter_selected: SignalInstance

    def selected_chapter_id(self) -> str | None: ...

    def select_chapter(self, chapter_id: str | None) -> None: ...

    def update_chapter(
        self, chapter_id: str, *, raise_errors: bool = False, **changes: Any
    ) -> Chapter | None:
        """One undoable edit of a chapter; a refused change is shown as a message, or raised
        (``DomainError``, with ``field`` naming the input at fault) with ``raise_errors``."""

    def delete_chapter(self, chapter_id: str) -> Chapter | None:
        """One undoable delete (Ctrl+Z brings it back)."""

    def reload_chapters(self) -> None:
        """Re-read chapters from ``context.chapters`` (after a panel changed them) and emit
        ``chapters_changed``."""

    def seek(self, seconds: float) -> None: ...

    def playhead(self) -> float:
        """Current player position in seconds."""

    def play_file(self, path: str) -> None:
        """Play another file (e.g. a produced HLS master playlist) in the editor's player."""

    def show_message(self, text: str, error: bool = False) -> None:
        """Non-blocking message in the editor (toast + status bar)."""
