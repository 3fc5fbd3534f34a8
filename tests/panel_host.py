"""A PanelHost (ui/panel_api.py) for testing one side panel on its own: the editor's real task
runner, undo stack and chapter pipeline, with seeks, change sets and messages recorded."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.domain.errors import DomainError, NotFoundError


class RecordingPanelHost(QObject):
    chapters_changed = Signal(object)
    chapter_selected = Signal(object)

    def __init__(self, context, vod_id: str) -> None:
        super().__init__()
        from ui.chapter_pipeline import ChapterPipeline
        from ui.tasks import TaskRunner

        self.context, self.vod_id = context, vod_id
        try:
            self.vod = context.vods.get(vod_id)
        except NotFoundError:  # a host built only to check it has every member
            self.vod = None
        self.chapter_files = None
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.messages: list[tuple[str, bool]] = []
        self.seeks: list[float] = []
        #: every ChangeSet ``chapters_changed`` carried
        self.changes: list = []
        self.pipeline = None
        if self.vod is not None:
            self.pipeline = ChapterPipeline(
                context.chapters, vod_id, self.undo_stack, self.show_message, self
            )
            self.pipeline.changed.connect(self._changed)

    @property
    def reloads(self) -> int:
        """How many times the chapters changed (the views had to show something new)."""
        return len(self.changes)

    @property
    def timeline_model(self):
        return self.pipeline.timeline if self.pipeline is not None else None

    def _changed(self, changes) -> None:
        self.changes.append(changes)
        self.chapters_changed.emit(changes)

    def selected_chapter_id(self) -> str | None:
        return None

    def select_chapter(self, chapter_id: str | None) -> None:
        pass

    def push_change(self, text: str, changes) -> None:
        self.pipeline.push(text, changes)

    def run_change(self, text: str, operation, *, raise_errors: bool = False):
        try:
            return self.pipeline.run(text, operation)
        except DomainError as error:
            if raise_errors:
                raise
            self.show_message(str(error), True)
            return None

    def merge_change(self, changes) -> None:
        self.pipeline.merge(changes)

    def update_chapter(self, chapter_id: str, *, raise_errors: bool = False, **fields):
        service, vod_id = self.context.chapters, self.vod_id
        changes = self.run_change(
            "Edit chapter",
            lambda: service.update(vod_id, chapter_id, **fields),
            raise_errors=raise_errors,
        )
        return None if changes is None else self.timeline_model.get(chapter_id)

    def delete_chapter(self, chapter_id: str):
        service, vod_id = self.context.chapters, self.vod_id
        changes = self.run_change("Delete chapter", lambda: service.delete(vod_id, chapter_id))
        return changes.deleted[0] if changes else None

    def reload_chapters(self) -> None:
        self.pipeline.reload()

    def seek(self, seconds: float) -> None:
        self.seeks.append(seconds)

    def playhead(self) -> float:
        return 0.0

    def play_file(self, path: str) -> None:
        pass

    def show_message(self, text: str, error: bool = False) -> None:
        self.messages.append((text, error))
