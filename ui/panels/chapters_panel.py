"""Chapters: the ordered list, synced both ways with the timeline, and an edit form.

Selecting a row selects the chapter on the timeline and seeks to it; selecting on the
timeline selects the row. The form validates with the core's own rules and shows the
message under the field instead of a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.chapters import Chapter, ChapterFilter, ChapterSource
from core.domain.errors import DomainError
from core.domain.plurals import plural
from core.domain.timefmt import format_display_time, parse_time
from ui.elided_label import ElidedLabel
from ui.theme import COLORS, icon

COLUMNS = ("#", "Title", "Start", "End", "Source")


class ChapterTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.chapters: list[Chapter] = []
        self._icons: dict[str, QIcon] = {}

    def set_chapters(self, chapters: list[Chapter]) -> None:
        self.beginResetModel()
        self.chapters = chapters
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.chapters)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        chapter = self.chapters[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(chapter.order + 1)
            if column == 1:
                return chapter.title
            if column == 2:
                return format_display_time(chapter.start_time)
            if column == 3:
                return format_display_time(chapter.end_time)
            if chapter.source == ChapterSource.AI:
                score = chapter.confidence_score
                return "AI" + (f" {score:.0%}" if score is not None else "")
            return "manual"
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and chapter.thumbnail_url:
            return self._icon(chapter.thumbnail_url)
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return QColor(COLORS["ai"] if chapter.source == ChapterSource.AI else COLORS["muted"])
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 2, 3):
            return QColor(COLORS["muted"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return chapter.description or chapter.title
        if role == Qt.ItemDataRole.UserRole:
            return chapter.id
        return None

    def _icon(self, url: str) -> QIcon | None:
        """The chapter's thumbnail, loaded when its row is first shown (visible rows only)."""
        found = self._icons.get(url)
        if found is None:
            path = QUrl(url).toLocalFile() if url.startswith("file:") else ""
            image = QPixmap(path) if path else QPixmap()
            found = (
                QIcon(image.scaledToHeight(36, Qt.TransformationMode.SmoothTransformation))
                if not image.isNull()
                else QIcon()
            )
            self._icons[url] = found
        return found if not found.isNull() else None

    def row_of(self, chapter_id: str | None) -> int | None:
        for row, chapter in enumerate(self.chapters):
            if chapter.id == chapter_id:
                return row
        return None


class ChaptersPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._syncing = False
        self._build()
        host.chapters_changed.connect(self.refresh)
        host.chapter_selected.connect(self._select_row)
        self.refresh()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        filters = QHBoxLayout()
        self.search = QLineEdit(placeholderText="Search titles and descriptions")
        self.search.addAction(icon("search", "muted"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        self.source = QComboBox()
        for label, value in (
            ("All", None),
            ("Manual", ChapterSource.MANUAL),
            ("AI", ChapterSource.AI),
        ):
            self.source.addItem(label, value)
        self.min_confidence = QComboBox(
            toolTip="Show only chapters the AI scored at least this high; chapters without a "
            "score (manual ones) are hidden, as on the platform"
        )
        for label, value in (
            ("Any score", None),
            ("Scored ≥ 50 %", 0.5),
            ("Scored ≥ 70 %", 0.7),
            ("Scored ≥ 90 %", 0.9),
        ):
            self.min_confidence.addItem(label, value)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.source)
        filters.addWidget(self.min_confidence)
        layout.addLayout(filters)
        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._filter_timer.start)
        self.source.currentIndexChanged.connect(self.refresh)
        self.min_confidence.currentIndexChanged.connect(self.refresh)

        self.model = ChapterTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setIconSize(QSize(64, 36))
        header = self.table.horizontalHeader()
        # Widths from the font, not from the rows: sizing to contents asked every row of a
        # 1,000-chapter VOD for every column (hundreds of thousands of calls) before the
        # editor could show.
        metrics = self.table.fontMetrics()
        samples = {0: "0000", 2: "0:00:00.00", 3: "0:00:00.00", 4: "AI 100 %"}
        for column, sample in samples.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.clicked.connect(self._row_clicked)
        delete_key = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)  # the list's own Delete
        delete_key.activated.connect(self._delete)
        layout.addWidget(self.table, 1)
        self.empty_hint = QLabel(
            "No chapters yet.\nDrag across the timeline to draw one, press M to add one\n"
            "at the playhead, or let the AI tab propose them.",
            objectName="EmptyState",
            alignment=Qt.AlignmentFlag.AlignCenter,
            wordWrap=True,
        )
        layout.addWidget(self.empty_hint, 1)
        self.count_label = ElidedLabel(objectName="Muted")  # never widens the window
        files_row = QHBoxLayout()
        files_row.addWidget(self.count_label, 1)
        self.file_buttons = []
        files = getattr(self.host, "chapter_files", None)  # chapter files: import/export/YouTube
        if files is not None:
            for action, text in (
                (files.import_action, "Import…"),
                (files.export_action, "Export…"),
                (files.youtube_action, "YouTube…"),
            ):
                # A tool button takes its text from the action's icon text again whenever the
                # action changes (enabled or not): the short label must live there.
                action.setIconText(text)
                button = QToolButton()
                button.setDefaultAction(action)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                button.setProperty("flat", True)
                files_row.addWidget(button)
                self.file_buttons.append(button)
        self.clips = getattr(self.host, "clip_actions", None)  # clips: ui/editor/clip_actions
        if self.clips is not None:
            self.clip_button = QToolButton()
            self.clip_button.setDefaultAction(self.clips.export_action)
            self.clip_button.setText("Clip…")
            self.clip_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.clip_button.setProperty("flat", True)
            files_row.addWidget(self.clip_button)
            self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.table.customContextMenuRequested.connect(self._show_row_menu)
        layout.addLayout(files_row)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.title_edit = QLineEdit(placeholderText="Chapter title")
        self.start_edit = QLineEdit(placeholderText="0:00")
        self.end_edit = QLineEdit(placeholderText="0:00")
        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end_edit)
        self.description_edit = QPlainTextEdit(placeholderText="Description (optional)")
        self.description_edit.setFixedHeight(64)
        form.addRow("Title", self.title_edit)
        form.addRow("Time", times)
        form.addRow("Notes", self.description_edit)
        layout.addLayout(form)
        self.error_label = QLabel(objectName="ErrorText", wordWrap=True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton(icon("trash", "danger"), "Delete")
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self._delete)
        self.apply_button = QPushButton("Save changes")
        self.apply_button.setProperty("accent", True)
        self.apply_button.clicked.connect(self.apply_form)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        for edit in (self.title_edit, self.start_edit, self.end_edit):
            edit.returnPressed.connect(self.apply_form)
        self._show_form(None)

    # --- list ----------------------------------------------------------------------------
    def current_filter(self) -> ChapterFilter:
        return ChapterFilter(
            source=self.source.currentData(),
            search=self.search.text().strip() or None,
            min_confidence=self.min_confidence.currentData(),
        )

    def refresh(self) -> None:
        timeline = self.host.timeline_model
        shown = timeline.filtered(self.current_filter())
        self._syncing = True
        self.model.set_chapters(shown)
        self._syncing = False
        hidden = len(timeline) - len(shown)
        self.table.setVisible(bool(len(timeline)))
        self.empty_hint.setVisible(not len(timeline))
        self.count_label.setText(
            plural(len(timeline), "chapter") + (f" · {hidden} hidden by filters" if hidden else "")
        )
        self._select_row(self.host.selected_chapter_id())

    def _select_row(self, chapter_id: str | None) -> None:
        row = self.model.row_of(chapter_id)
        self._syncing = True
        if row is None:
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())
        else:
            index = self.model.index(row, 1)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        self._syncing = False
        self._show_form(chapter_id)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        chapter = self.model.chapters[current.row()]
        self.host.select_chapter(chapter.id)
        self.host.seek(chapter.start_time)

    def _row_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.host.seek(self.model.chapters[index.row()].start_time)

    def row_menu(self, pos) -> QMenu:
        """The right-click menu of the chapter list at ``pos`` (built, not shown)."""
        menu = QMenu(self.table)
        index = self.table.indexAt(pos)
        if index.isValid():
            chapter = self.model.chapters[index.row()]
            action = menu.addAction(icon("scissors"), f"Export “{chapter.title}” as a clip…")
            action.triggered.connect(
                lambda: self.clips.open([self.clips.chapter_choice(chapter.id)])
            )
        shown = list(self.model.chapters)
        if shown:
            label = "Export every chapter as a clip…"
            if len(shown) != len(self.host.timeline_model):
                label = f"Export the {len(shown)} chapters shown as clips…"
            action = menu.addAction(label)
            action.triggered.connect(
                lambda: self.clips.open([self.clips.chapter_choice(c.id) for c in shown])
            )
        return menu

    def _show_row_menu(self, pos) -> None:
        menu = self.row_menu(pos)
        if not menu.isEmpty():
            menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # --- form ----------------------------------------------------------------------------
    def _show_form(self, chapter_id: str | None) -> None:
        chapter = None
        if chapter_id:
            try:
                chapter = self.host.timeline_model.get(chapter_id)
            except DomainError:
                chapter = None
        self._editing = chapter
        for widget in (
            self.title_edit,
            self.start_edit,
            self.end_edit,
            self.description_edit,
            self.apply_button,
            self.delete_button,
        ):
            widget.setEnabled(chapter is not None)
        self.title_edit.setText(chapter.title if chapter else "")
        self.start_edit.setText(format_display_time(chapter.start_time) if chapter else "")
        self.end_edit.setText(format_display_time(chapter.end_time) if chapter else "")
        self.description_edit.setPlainText(chapter.description if chapter else "")
        self._set_error(None)

    def _set_error(self, text: str | None, field: QWidget | None = None) -> None:
        for widget in (self.title_edit, self.start_edit, self.end_edit):
            widget.setProperty("invalid", widget is field)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))

    def apply_form(self) -> bool:
        chapter = self._editing
        if chapter is None:
            return False
        changes: dict = {}
        for field, edit, current in (
            ("start_time", self.start_edit, chapter.start_time),
            ("end_time", self.end_edit, chapter.end_time),
        ):
            try:
                value = parse_time(edit.text())
            except DomainError as error:
                self._set_error(f"{'Start' if field == 'start_time' else 'End'}: {error}", edit)
                return False
            if abs(value - current) > 1e-6:
                changes[field] = value
        title = self.title_edit.text().strip()
        if not title:
            self._set_error("A chapter needs a title", self.title_edit)
            return False
        if title != chapter.title:
            changes["title"] = title
        description = self.description_edit.toPlainText().strip()
        if description != chapter.description:
            changes["description"] = description
        if not changes:
            self._set_error(None)
            return True
        try:
            self.host.update_chapter(chapter.id, raise_errors=True, **changes)
        except DomainError as error:
            inputs = {
                "title": self.title_edit,
                "start_time": self.start_edit,
                "end_time": self.end_edit,
            }
            self._set_error(str(error), inputs.get(error.field or ""))
            return False
        self._set_error(None)
        return True

    def _delete(self) -> None:
        if self._editing is not None:
            self.host.delete_chapter(self._editing.id)
