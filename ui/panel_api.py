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
            host.chapters_changed.connect(self.refresh)  # gets the ChangeSet

        def generate(self):
            handle = self.host.tasks.run_task(
                lambda progress, cancel: self.host.context.ai.generate(...),
                on_done=lambda result: self.host.push_change("Generate", result.changes),
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

from core.domain.changes import ChangeSet
from core.domain.chapters import Chapter, ChapterTimeline
from core.library.shapes import VodInfo

if TYPE_CHECKING:
    from app.context import AppContext  # the composition root: a type, never imported here
    from ui.editor.chapter_files import ChapterFileActions

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
    #: the VOD's chapters as stored, kept current by applying the change sets (no reads);
    #: already up to date when ``chapters_changed`` is emitted
    timeline_model: ChapterTimeline
    #: the editor's chapter-file actions (import, export, YouTube check) when it has them
    chapter_files: ChapterFileActions | None
    tasks: TaskRunner
    #: the editor's single undo stack; chapter changes reach it through ``push_change``
    undo_stack: QUndoStack
    #: emitted with the ``ChangeSet`` after the VOD's chapters changed, whoever did it; the
    #: views have applied it already, so listeners read ``timeline_model``, not the database
    chapters_changed: SignalInstance

    #: emitted with the selected chapter id (or None) when the selection changes anywhere
    chapter_selected: SignalInstance

    def selected_chapter_id(self) -> str | None: ...

    def select_chapter(self, chapter_id: str | None) -> None: ...

    def push_change(self, text: str, changes: ChangeSet) -> None:
        """Show a change set a core chapter operation stored (e.g. on a worker thread) and
        make it one undo step named ``text``."""

    def run_change(
        self, text: str, operation: Callable[[], ChangeSet], *, raise_errors: bool = False
    ) -> ChangeSet | None:
        """Run a quick core chapter operation now (it returns its ``ChangeSet``) as one undo
        step named ``text``; a refused one is shown as a message (or raised)."""

    def merge_change(self, changes: ChangeSet) -> None:
        """Show a change that is not the user's (a sync pull); undo can never revert it."""

    def update_chapter(
        self, chapter_id: str, *, raise_errors: bool = False, **changes: Any
    ) -> Chapter | None:
        """One undoable edit of a chapter; a refused change is shown as a message, or raised
        (``DomainError``, with ``field`` naming the input at fault) with ``raise_errors``."""

    def delete_chapter(self, chapter_id: str) -> Chapter | None:
        """One undoable delete (Ctrl+Z brings it back)."""

    def reload_chapters(self) -> None:
        """Re-read the chapters after something outside the pipeline changed them; emits
        ``chapters_changed`` with the difference."""

    def seek(self, seconds: float) -> None: ...

    def playhead(self) -> float:
        """Current player position in seconds."""

    def play_file(self, path: str) -> None:
        """Play another file (e.g. a produced HLS master playlist) in the editor's player."""

    def show_message(self, text: str, error: bool = False) -> None:
        """Non-blocking message in the editor (toast + status bar)."""
