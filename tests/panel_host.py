"""A PanelHost (ui/panel_api.py) for testing one side panel on its own: the editor's real task
runner and undo stack, with seeks, reloads and messages recorded for assertions."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack


class RecordingPanelHost(QObject):
    chapters_changed = Signal()
    chapter_selected = Signal(object)

    def __init__(self, context, vod_id: str) -> None:
        super().__init__()
        from ui.tasks import TaskRunner

        self.context, self.vod_id = context, vod_id
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.messages: list[tuple[str, bool]] = []
        self.seeks: list[float] = []
        self.reloads = 0

    def selected_chapter_id(self) -> str | None:
        return None

    def select_chapter(self, chapter_id: str | None) -> None:
        pass

    def reload_chapters(self) -> None:
        self.reloads += 1
        self.chapters_changed.emit()

    def seek(self, seconds: float) -> None:
        self.seeks.append(seconds)

    def playhead(self) -> float:
        return 0.0

    def play_file(self, path: str) -> None:
        pass

    def show_message(self, text: str, error: bool = False) -> None:
        self.messages.append((text, error))
