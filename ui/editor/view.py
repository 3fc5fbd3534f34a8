"""The editor for one VOD: player on top, timeline below, side panels on the right.

It is the ``PanelHost`` every side panel talks to. Its ``ChapterPipeline`` holds the chapters
shown, the single undo stack and the ``chapters_changed`` signal; timeline gestures and
shortcuts become chapter operations saved at once by the core, each one undo step.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.changes import ChangeSet
from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import DomainError
from core.domain.timefmt import format_display_time, format_time
from core.library.shapes import VodInfo
from ui.chapter_pipeline import ChapterPipeline
from ui.player import PlayerWidget
from ui.tasks import TaskRunner
from ui.theme import icon
from ui.timeline import TimelineView

from .chapter_files import ChapterFileActions
from .clip_actions import ClipActions
from .first_paint import AfterFirstPaint
from .panels import PANEL_SPECS, LazyPanels
from .signals_controller import SignalsController


class EditorView(QWidget):
    #: a ``ChangeSet`` (core.domain.changes), once the timeline shows it
    chapters_changed = Signal(object)
    chapter_selected = Signal(object)
    message = Signal(str, bool)
    back_requested = Signal()

    def __init__(
        self,
        context,
        vod_id: str,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        preloaded: tuple[VodInfo, ChapterTimeline] | None = None,
    ) -> None:
        """``preloaded``: the VOD and its chapters, read off the GUI thread by the caller
        (``MainWindow.request_open``); without it they are read here."""
        super().__init__(parent)
        self.context = context
        self.vod, timeline = (
            preloaded if preloaded is not None else (context.vods.get(vod_id), None)
        )
        self.vod_id = self.vod.id
        self._closed = False
        self.tasks = tasks or TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.messages: list[tuple[str, bool]] = []
        self.pipeline = ChapterPipeline(
            context.chapters,
            self.vod_id,
            self.undo_stack,
            self.show_message,
            self,
            timeline=timeline,
        )
        self.chapter_files = ChapterFileActions(self)
        self.clip_actions = ClipActions(self)
        self._build()
        self.signals = SignalsController(self)
        self.clip_actions.install()
        self._install_shortcuts()
        self.player.load(self.vod.file_path, self.vod.duration, self.vod.fps)
        self.timeline.set_chapters(self.timeline_model)
        self.pipeline.changed.connect(self._chapters_changed)
        self.undo_stack.indexChanged.connect(self._update_undo_tips)
        self._load_keyframes()
        self._start_filmstrip()
        self.signals.start()
        # The player's media stack and the side panels come once the editor is on screen,
        # each in an event-loop turn of its own: built with the rest, they held the first
        # opening's window still for a fifth of a second.
        self._after_paint = AfterFirstPaint(self.timeline, self._build_rest)
        QTimer.singleShot(0, self, self._announce_stored_overlaps)
        QTimer.singleShot(0, self, self._announce_cut_short)

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header())

        self.player = PlayerWidget(self)
        self.timeline_view = TimelineView(self)
        self.timeline = self.timeline_view.timeline
        left = QSplitter(Qt.Orientation.Vertical)
        #: the player and the timeline: their keys (Space, J/K/L, Delete…) work while the
        #: focus is in here, not while it is in a side panel
        self.media_area = left
        left.addWidget(self.player)
        left.addWidget(self.timeline_view)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setChildrenCollapsible(False)

        self.tabs = QTabWidget(objectName="SidePanel")
        self.tabs.setDocumentMode(True)
        #: built when first shown or asked for, and the rest one per event-loop turn after
        #: the editor is on screen: never all at once on the GUI thread
        self.panels = LazyPanels(self, self.tabs, PANEL_SPECS)

        # Explicit minimums: the splitter then never asks the window for the sum of what
        # every panel would like, so no panel's content can push the window past the screen.
        left.setMinimumWidth(480)
        self.tabs.setMinimumWidth(340)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(self.tabs)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        main.setSizes([920, 520])
        main.setChildrenCollapsible(False)
        layout.addWidget(main, 1)

        self.player.position_changed.connect(
            lambda s: self.timeline.set_playhead(s, follow=self.player.is_playing())
        )
        self.timeline.seek_requested.connect(self.seek)
        self.timeline.create_requested.connect(self.add_chapter)
        self.timeline.create_clamped.connect(
            lambda title, stop: self.show_message(
                f"The new chapter stops at {format_display_time(stop)}, at the edge of “{title}” "
                "(chapters never overlap)"
            )
        )
        self.timeline.range_change_requested.connect(
            lambda cid, start, end: self.update_chapter(cid, start_time=start, end_time=end)
        )
        self.timeline.rename_requested.connect(
            lambda cid, title: self.update_chapter(cid, title=title)
        )
        self.timeline.delete_requested.connect(self.delete_chapter)
        self.timeline.selection_changed.connect(self.chapter_selected.emit)
        self.timeline_view.add_at_playhead.connect(self.add_chapter_at_playhead)

    def _build_rest(self) -> None:
        if self._closed:
            return
        self.player.start_backend()
        self._announce_player_backend()
        self.panels.build_rest_when_idle()

    def _header(self) -> QWidget:
        bar = QWidget(objectName="HeaderBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 6, 12, 6)
        back = QToolButton(toolTip="Back to the library")
        back.setIcon(icon("back"))
        back.setProperty("flat", True)
        back.clicked.connect(self.back_requested.emit)
        row.addWidget(back)
        title = QLabel(self.vod.title, objectName="HeaderTitle")
        row.addWidget(title)
        details = [format_time(self.vod.duration, decimals=0)]
        if self.vod.width and self.vod.height:
            details.append(f"{self.vod.width}×{self.vod.height}")
        if self.vod.fps:
            details.append(f"{self.vod.fps:g} fps")
        row.addWidget(QLabel("  ·  ".join(details), objectName="Muted"))
        row.addStretch(1)
        buttons = []
        for name, tip, slot, signal in (
            ("undo", "Undo (Ctrl+Z)", self.undo_stack.undo, self.undo_stack.canUndoChanged),
            ("redo", "Redo (Ctrl+Shift+Z)", self.undo_stack.redo, self.undo_stack.canRedoChanged),
        ):
            button = QToolButton(toolTip=tip)
            button.setProperty("flat", True)
            button.setIcon(icon(name))
            button.setEnabled(False)
            button.clicked.connect(slot)
            signal.connect(button.setEnabled)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
            buttons.append(button)
        self.undo_button, self.redo_button = buttons
        return bar

    def _undo_tip(self, which: str) -> str:
        if which == "undo":
            text = self.undo_stack.undoText()
            return f"Undo {text} (Ctrl+Z)" if text else "Nothing to undo"
        text = self.undo_stack.redoText()
        return f"Redo {text} (Ctrl+Shift+Z)" if text else "Nothing to redo"

    def _install_shortcuts(self) -> None:
        media_keys = {
            "Space": self.player.toggle,
            "K": lambda: self.player.shuttle(0),
            "L": lambda: self.player.shuttle(1),
            "J": lambda: self.player.shuttle(-1),
            "I": self.mark_in,
            "O": self.mark_out,
            "M": self.add_chapter_at_playhead,
            "Alt+Left": self.go_previous_chapter,
            "Alt+Right": self.go_next_chapter,
            "[": lambda: self.signals.jump(forward=False),
            "]": lambda: self.signals.jump(forward=True),
            "Left": lambda: self.player.step_seconds(-5),
            "Right": lambda: self.player.step_seconds(5),
            ",": lambda: self.player.step_frames(-1),
            ".": lambda: self.player.step_frames(1),
            "Home": lambda: self.seek(0),
            "End": lambda: self.seek(self.vod.duration),
            "Delete": self._delete_selected,
        }
        editor_keys = {
            "Ctrl+Z": self.undo_stack.undo,
            "Ctrl+Shift+Z": self.undo_stack.redo,
            "Ctrl+Y": self.undo_stack.redo,
            "Ctrl+=": lambda: self.timeline.zoom(1.5625),
            "Ctrl+-": lambda: self.timeline.zoom(0.64),
            "Ctrl+0": self.timeline.zoom_to_fit,
        }
        self.shortcuts = {}
        # Playback and chapter keys belong to the player and timeline: Delete on a thumbnail
        # or in the chapter list is that panel's own key.
        for scope, bindings in ((self.media_area, media_keys), (self, editor_keys)):
            for keys, slot in bindings.items():
                shortcut = QShortcut(QKeySequence(keys), scope)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                self.shortcuts[keys] = shortcut

    def focus_keys(self) -> None:
        """Put the keyboard focus on the timeline, so Space plays at once."""
        self.timeline.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- PanelHost -----------------------------------------------------------------------
    def seek(self, seconds: float) -> None:
        self.player.seek(seconds)
        self.timeline.set_playhead(self.player.position(), follow=True)

    def playhead(self) -> float:
        return self.player.position()

    def play_file(self, path: str) -> None:
        self.player.load(path, self.vod.duration, self.vod.fps)
        self.player.play()
        self.show_message(f"Playing {path}")

    def show_message(self, text: str, error: bool = False) -> None:
        self.messages = [*self.messages[-49:], (text, error)]
        self.message.emit(text, error)

    # --- chapter changes (the pipeline) --------------------------------------------------
    @property
    def timeline_model(self) -> ChapterTimeline:
        """The VOD's chapters as stored, kept current by the change sets (no reads)."""
        return self.pipeline.timeline

    def push_change(self, text: str, changes: ChangeSet) -> None:
        """A change the core already stored (e.g. by a panel's background task): shown, and
        one undo step named ``text``."""
        self.pipeline.push(text, changes)

    def run_change(self, text: str, operation, *, raise_errors: bool = False) -> ChangeSet | None:
        """Run a core chapter operation (returning its ``ChangeSet``) as one undo step; a
        refused one is shown as a message (or raised) and changes nothing."""
        try:
            return self.pipeline.run(text, operation)
        except DomainError as error:
            if raise_errors:
                raise
            self.show_message(str(error), error=True)
            return None

    def merge_change(self, changes: ChangeSet) -> None:
        """A change that is not the user's (a sync pull): shown, and the undo history keeps
        only steps that cannot revert it."""
        self.pipeline.merge(changes)

    def reload_chapters(self) -> None:
        """Read the chapters again after something outside the pipeline changed them."""
        self.pipeline.reload()

    def _chapters_changed(self, changes: ChangeSet) -> None:
        self.timeline.set_chapters(self.timeline_model)
        self.chapters_changed.emit(changes)

    def _update_undo_tips(self) -> None:
        """After every push, undo and redo: the buttons say what they would do."""
        self.undo_button.setToolTip(self._undo_tip("undo"))
        self.redo_button.setToolTip(self._undo_tip("redo"))

    def selected_chapter_id(self) -> str | None:
        return self.timeline.selected_id

    def select_chapter(self, chapter_id: str | None) -> None:
        self.timeline.select(chapter_id, notify=False, reveal=True)
        self.chapter_selected.emit(chapter_id)

    # --- edits (each one undo step) ------------------------------------------------------
    def _next_title(self) -> str:
        return f"Chapter {len(self.timeline_model) + 1}"

    def add_chapter(self, start: float, end: float, title: str | None = None) -> Chapter | None:
        title = title or self._next_title()
        service, vod_id = self.context.chapters, self.vod_id
        changes = self.run_change(
            f"Add {title}",
            lambda: service.add(vod_id, title=title, start_time=start, end_time=end),
        )
        if not changes:
            return None
        chapter = changes.added[0]
        self.select_chapter(chapter.id)
        return chapter

    def update_chapter(
        self, chapter_id: str, *, raise_errors: bool = False, **fields
    ) -> Chapter | None:
        """One undoable edit; a refused change is shown as a message (or raised)."""
        current = self.timeline_model.get(chapter_id)
        what = "Rename" if set(fields) == {"title"} else "Edit"
        service, vod_id = self.context.chapters, self.vod_id
        changes = self.run_change(
            f"{what} {current.title}",
            lambda: service.update(vod_id, chapter_id, **fields),
            raise_errors=raise_errors,
        )
        return None if changes is None else self.timeline_model.get(chapter_id)

    def delete_chapter(self, chapter_id: str) -> Chapter | None:
        title = self.timeline_model.get(chapter_id).title
        service, vod_id = self.context.chapters, self.vod_id
        changes = self.run_change(f"Delete {title}", lambda: service.delete(vod_id, chapter_id))
        if not changes:
            return None
        self.show_message(f'Deleted "{title}" (Ctrl+Z brings it back)')
        return changes.deleted[0]

    def _delete_selected(self) -> None:
        if self.timeline.selected_id:
            self.delete_chapter(self.timeline.selected_id)

    def add_chapter_at_playhead(self):
        """M: a chapter from the playhead to the next chapter (or the end of the VOD)."""
        try:
            start, end = self.timeline.index.room_at(self.playhead())
        except DomainError as error:
            self.show_message(str(error), error=True)
            return None
        return self.add_chapter(start, end)

    def mark_in(self) -> None:
        self._set_mark("in", self.playhead())

    def mark_out(self) -> None:
        self._set_mark("out", self.playhead())

    def _set_mark(self, which: str, at: float) -> None:
        """I/O: with a chapter selected, move its start/end to the playhead; otherwise set
        the in/out marks, and once both are set make a chapter of that range."""
        selected = self.timeline.selected_id
        if selected:
            field = "start_time" if which == "in" else "end_time"
            self.update_chapter(selected, **{field: at})
            return
        if which == "in":
            self.timeline.mark_in = at
        else:
            self.timeline.mark_out = at
        start, end = self.timeline.mark_in, self.timeline.mark_out
        self.timeline.update()
        if (
            start is not None
            and end is not None
            and end > start
            and self.add_chapter(start, end) is not None
        ):
            self.timeline.mark_in = self.timeline.mark_out = None
            self.timeline.update()

    def go_previous_chapter(self) -> None:
        chapter = self.timeline.index.previous_before(self.playhead())
        if chapter is not None:
            self.seek(chapter.start_time)
            self.select_chapter(chapter.id)

    def go_next_chapter(self) -> None:
        chapter = self.timeline.index.next_after(self.playhead())
        if chapter is not None:
            self.seek(chapter.start_time)
            self.select_chapter(chapter.id)

    # --- background ----------------------------------------------------------------------
    def _load_keyframes(self) -> None:
        """Keyframe times for snapping, read from packet flags by ffprobe (no decoding) the
        first time, then from the VOD's row: a 4-hour file's packets take a while to read."""
        if not self.vod.width:
            return
        vods, vod_id = self.context.vods, self.vod_id
        self.tasks.run_task(
            lambda progress, cancel: vods.keyframes(vod_id, cancel),
            on_done=lambda frames: frames and self.timeline.set_keyframes(frames),
            on_error=lambda error: None,
        )

    def _announce_player_backend(self) -> None:
        """Say so when the preview is not libvlc (missing, or failed to start)."""
        from PySide6.QtGui import QGuiApplication

        backend = self.player.backend
        if (
            backend.name == "vlc"
            or QGuiApplication.platformName() in ("offscreen", "minimal")
            or os.environ.get("VODSTUDIO_PLAYER")
        ):
            return
        what = "Qt Multimedia" if backend.name == "qt" else "no video preview"
        self.show_message(
            f"libVLC is not available, so the player uses {what}. "
            "Install VLC for the best playback."
        )

    def _announce_stored_overlaps(self) -> None:
        """Chapters that overlap can only come from outside the app's rules (an older version,
        another tool): name each pair once, at opening, so the user can repair it here."""
        pairs = self.timeline_model.overlaps
        if pairs:
            named = "; ".join(f"{a.describe()} and {b.describe()}" for a, b in pairs)
            self.show_message(
                f"This VOD holds overlapping chapters: {named}. Delete one of each pair or "
                "move it clear of the other.",
                error=True,
            )

    def _announce_cut_short(self) -> None:
        warning = self.context.vods.truncation_warning(self.vod)
        if warning:
            self.show_message(f"{warning}.", error=True)

    def _start_filmstrip(self) -> None:
        if os.environ.get("VODSTUDIO_FILMSTRIP", "1") == "0" or not self.vod.width:
            self.timeline_view.filmstrip_button.setChecked(False)
            self.timeline_view.filmstrip_button.setEnabled(False)
            return
        from ui.timeline.filmstrip import FilmstripLoader

        self.filmstrip = FilmstripLoader(self.vod.file_path, self.tasks, self)
        self.timeline.set_filmstrip(self.filmstrip)

    def close_editor(self) -> None:
        self._closed = True
        self.panels.stop()
        self.signals.close()
        if getattr(self, "filmstrip", None) is not None:
            self.filmstrip.stop()
        self.player.close_backend()
        for panel in self.panels.values():
            closer = getattr(panel, "close_panel", None)
            if closer:
                closer()
