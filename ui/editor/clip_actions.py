"""Where clips are exported from in the editor: the selected chapter or the in/out marks
(Ctrl+E), the chapter list (its Clip… button and right-click menu) and the timeline's
right-click menu (the chapter under the pointer, the in/out range, from the in mark to the
pointer, every chapter). Each opens the export dialog (``ui.clips_dialog``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu

from core.domain.clips import time_label
from core.domain.timefmt import format_time
from ui.theme import icon

from ..clips_dialog import ClipChoice, ClipExportDialog


class ClipActions(QObject):
    def __init__(self, editor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dialog: ClipExportDialog | None = None
        self.export_action = QAction(icon("scissors"), "Export clip…", editor)
        self.export_action.setToolTip(
            "Export the selected chapter, or the in/out range, as a clip (Ctrl+E)"
        )
        self.export_action.triggered.connect(lambda: self.export_current())

    def install(self) -> None:
        """Hook into the timeline and the keyboard once the editor is built."""
        from ..clip_queue import clip_queue

        clip_queue(self.editor.context)  # clips queued earlier (or by the CLI) run now
        timeline = self.editor.timeline
        timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        timeline.customContextMenuRequested.connect(self._show_timeline_menu)
        shortcut = QShortcut(QKeySequence("Ctrl+E"), self.editor)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.export_current)
        self.shortcut = shortcut

    # --- what to export ------------------------------------------------------------------
    def chapter_choice(self, chapter_id: str) -> ClipChoice:
        timeline = self.editor.timeline_model
        chapter = timeline.get(chapter_id)
        number = [c.id for c in timeline.chapters].index(chapter.id) + 1
        return ClipChoice(chapter.start_time, chapter.end_time, chapter.title, chapter.id, number)

    def all_chapters(self) -> list[ClipChoice]:
        return [self.chapter_choice(c.id) for c in self.editor.timeline_model.chapters]

    def marked_range(self) -> tuple[float, float] | None:
        timeline = self.editor.timeline
        start, end = timeline.mark_in, timeline.mark_out
        if start is not None and end is not None and end > start:
            return start, end
        return None

    def export_current(self) -> ClipExportDialog | None:
        """Ctrl+E: the selected chapter, else the in/out range."""
        selected = self.editor.selected_chapter_id()
        if selected:
            return self.open([self.chapter_choice(selected)])
        marked = self.marked_range()
        if marked:
            return self.open([_range_choice(*marked)])
        self.editor.show_message(
            "Select a chapter, or set in and out marks (I, O), to export a clip", error=True
        )
        return None

    def open(self, choices: list[ClipChoice]) -> ClipExportDialog | None:
        if not choices:
            self.editor.show_message("This VOD has no chapters to export yet", error=True)
            return None
        self.dialog = ClipExportDialog(self.editor, choices, self.editor.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.show()
        return self.dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    # --- the timeline's right-click menu --------------------------------------------------
    def timeline_menu(self, pos: QPoint) -> QMenu:
        """The menu for a right-click at ``pos`` on the timeline (built, not shown)."""
        timeline = self.editor.timeline
        at = timeline.viewport.x_to_time_clamped(pos.x())
        menu = QMenu(timeline)
        chapter = timeline.index.at(at)
        if chapter is not None:
            action = menu.addAction(icon("scissors"), f"Export “{chapter.title}” as a clip…")
            action.triggered.connect(lambda: self.open([self.chapter_choice(chapter.id)]))
        marked = self.marked_range()
        mark_in = timeline.mark_in
        if marked:
            start, end = marked
            action = menu.addAction(
                icon("scissors"),
                f"Export in–out ({format_time(start)}–{format_time(end)}) as a clip…",
            )
            action.triggered.connect(lambda: self.open([_range_choice(start, end)]))
        elif mark_in is not None and at > mark_in:
            action = menu.addAction(
                icon("scissors"),
                f"Export from the in mark to here ({format_time(mark_in)}–{format_time(at)}) "
                "as a clip…",
            )
            action.triggered.connect(lambda: self.open([_range_choice(mark_in, at)]))
        if len(self.editor.timeline_model):
            action = menu.addAction("Export every chapter as a clip…")
            action.triggered.connect(lambda: self.open(self.all_chapters()))
        if menu.isEmpty():
            hint = menu.addAction("Set in and out marks (I, O) or draw a chapter to export a clip")
            hint.setEnabled(False)
        return menu

    def _show_timeline_menu(self, pos: QPoint) -> None:
        menu = self.timeline_menu(pos)
        menu.exec(self.editor.timeline.mapToGlobal(pos))
        menu.deleteLater()


def _range_choice(start: float, end: float) -> ClipChoice:
    return ClipChoice(start, end, f"Clip at {time_label(start)}")  # no colons: a file name
