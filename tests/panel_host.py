"""A PanelHost (ui/panel_api.py) for testing one side panel on its own: the editor's real task
runner and undo stack, with seeks, reloads and messages recorded for assertions."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.domain.errors import NotFoundError


class RecordingPanelHost(QObject):
    chapters_changed = Signal()
    chapter_selected = Signal(object)

    def __init__(self, context, vod_id: str) -> None:
        super().__init__()
        from ui.tasks import TaskRunner

        self.context, self.vod_id = context, vod_id
        try:
            self.vod = context.vods.get(vod_id)
            self.timeline_model = context.chapters.timeline(vod_id)
        except NotFoundError:  # a host built only to check it has every member
            self.vod = self.timeline_model = None
        self.chapter_files = None
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.messages: list[tuple[str, bool]] = []
        self.seeks: list[float] = []
        self.reloads = 0

    def selected_chapter_id(self) -> str | None:
        return None

    def select_chapter(self, chapter_id: str | None) -> None:
        pass

    def update_chapter(self, chapter_id: str, *, raise_errors: bool = False, **changes):
        try:
            updated = self.context.chapters.update(self.vod_id, chapter_id, **changes)
        except Exception as error:
            if raise_errors:
                raise
            self.show_message(str(error), error=True)
            return None
        self.reload_chapters()
        return updated

    def delete_chapter(self, chapter_id: str):
        removed = self.context.chapters.delete(self.vod_id, chapter_id)
        self.reload_chapters()
        return removed

    def reload_chapters(self) -> None:
        self.reloads += 1
        self.timeline_model = self.context.chapters.timeline(self.vod_id)
        self.chapters_changed.emit()

    def seek(self, seconds: float) -> None:
        self.seeks.append(seconds)

    def playhead(self) -> float:
        return 0.0

    def play_file(self, path: str) -> None:
        pass

    def show_message(self, text: str, error: bool = False) -> None:
        self.messages.append((text, error))
