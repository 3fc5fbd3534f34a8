"""Export clips: what goes out (chapters or an in/out range), how (lossless, smart cut,
encode; 9:16 with a crop picked on a frame of the VOD, or a blurred fill), which audio
tracks, under which names and where; then each clip's progress, with cancel.

Queueing and exporting happen in ``core.jobs.clips`` through the app's clip queue
(``ui.clip_queue``): closing the dialog does not stop the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.domain.clips import (
    DEFAULT_TEMPLATE,
    ClipMode,
    ClipOptions,
    ClipRange,
    VerticalFill,
    VerticalOptions,
    check_template,
    clip_file_stem,
)
from core.domain.errors import DomainError
from core.domain.timefmt import format_time
from ui.tasks import describe_error

from .clip_queue import clip_queue
from .crop_preview import CropPreview

MODES = (
    (
        ClipMode.LOSSLESS,
        "Lossless",
        "Copies the video as it is: instant, but starts on the keyframe at or before the start.",
    ),
    (
        ClipMode.SMART,
        "Smart cut",
        "Frame-exact: re-encodes only up to the next keyframe and copies the rest.",
    ),
    (ClipMode.ENCODE, "Encode", "Re-encodes everything (H.264 + AAC); needed for 9:16."),
)
PREFERENCE_PREFIX = "clips/"
PROGRESS_MAX_HEIGHT = 240  # pixels of clip rows shown before they scroll


@dataclass(frozen=True)
class ClipChoice:
    """One clip the dialog offers: a chapter (``chapter_id``) or an in/out range."""

    start: float
    end: float
    title: str
    chapter_id: str | None = None
    number: int = 1  # the chapter's number in the VOD ({n} in file names)


class ClipExportDialog(QDialog):
    def __init__(self, host, choices: list[ClipChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.choices = choices
        self.batch_id: str | None = None
        self.rows: dict[str, tuple[QLabel, QProgressBar]] = {}
        self.setWindowTitle("Export clips")
        self.setObjectName("ClipExportDialog")
        self._build()
        self._restore_preferences()
        self._load_source()
        self.queue = clip_queue(host.context)
        self.queue.changed.connect(self._clip_changed)

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        count = len(self.choices)
        heading = QLabel(
            f"Export {count} clip{'s' if count != 1 else ''}", objectName="HeaderTitle"
        )
        layout.addWidget(heading)
        summary = "\n".join(
            f"{c.title}  ·  {format_time(c.start, decimals=2)}–{format_time(c.end, decimals=2)}"
            f"  ({c.end - c.start:.1f} s)"
            for c in self.choices[:6]
        )
        if count > 6:
            summary += f"\n… and {count - 6} more"
        layout.addWidget(QLabel(summary, objectName="Muted"))

        self.options_box = QWidget()
        options = QVBoxLayout(self.options_box)
        options.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.options_box)
        self.mode_group = QButtonGroup(self)
        modes = QGridLayout()
        for row, (mode, label, text) in enumerate(MODES):
            button = QRadioButton(label)
            button.setProperty("mode", mode.value)
            self.mode_group.addButton(button, row)
            modes.addWidget(button, row, 0)
            modes.addWidget(QLabel(text, objectName="Muted", wordWrap=True), row, 1)
        modes.setColumnStretch(1, 1)
        options.addLayout(modes)
        self.mode_group.idToggled.connect(self._mode_changed)

        self.vertical = QCheckBox("Vertical 9:16 (1080×1920) for Shorts and TikTok")
        self.vertical.toggled.connect(self._vertical_changed)
        options.addWidget(self.vertical)
        self.vertical_box = QWidget()
        vertical_layout = QVBoxLayout(self.vertical_box)
        vertical_layout.setContentsMargins(24, 0, 0, 0)
        self.fill = QComboBox()
        self.fill.addItem("Crop a 9:16 window", VerticalFill.CROP.value)
        self.fill.addItem("Whole picture over a blurred background", VerticalFill.BLUR.value)
        self.fill.currentIndexChanged.connect(self._fill_changed)
        vertical_layout.addWidget(self.fill)
        self.preview = CropPreview()
        vertical_layout.addWidget(self.preview)
        options.addWidget(self.vertical_box)

        form = QFormLayout()
        self.audio_box = QWidget()
        self.audio_layout = QHBoxLayout(self.audio_box)
        self.audio_layout.setContentsMargins(0, 0, 0, 0)
        self.audio_layout.addWidget(QLabel("reading the file…", objectName="Muted"))
        self.audio_checks: list[QCheckBox] = []
        form.addRow("Audio tracks", self.audio_box)
        self.chapters_inside = QCheckBox("Put the chapters the clip covers inside it")
        self.chapters_inside.setChecked(True)
        form.addRow("", self.chapters_inside)
        self.template = QLineEdit()
        self.template.setToolTip(
            "Fields: {vod} {n} {title} {start} {end} {mode}; {n:02} pads to 2 digits"
        )
        self.template.textChanged.connect(self._update_example)
        form.addRow("File names", self.template)
        self.example = QLabel(objectName="Muted", wordWrap=True)
        form.addRow("", self.example)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow("Folder", folder_row)
        options.addLayout(form)

        self.error_label = QLabel(objectName="ErrorText", wordWrap=True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.progress_box = QWidget()
        self.progress_layout = QGridLayout(self.progress_box)
        self.progress_layout.setContentsMargins(0, 0, 0, 0)
        # A batch of every chapter can be dozens of rows: they scroll, the options stay put.
        self.progress_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.progress_scroll.setWidget(self.progress_box)
        self.progress_scroll.hide()
        layout.addWidget(self.progress_scroll)

        buttons = QHBoxLayout()
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.clicked.connect(self._open_folder)
        self.open_folder_button.hide()
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setProperty("danger", True)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        self.export_button = QPushButton("Export")
        self.export_button.setProperty("accent", True)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    # --- options -------------------------------------------------------------------------
    def mode(self) -> ClipMode:
        button = self.mode_group.checkedButton()
        return ClipMode(button.property("mode")) if button else ClipMode.SMART

    def set_mode(self, mode: ClipMode) -> None:
        for button in self.mode_group.buttons():
            if button.property("mode") == mode.value:
                button.setChecked(True)

    def _mode_changed(self, _id: int, checked: bool) -> None:
        if checked and self.mode() != ClipMode.ENCODE and self.vertical.isChecked():
            self.vertical.setChecked(False)
        self._update_example()

    def _vertical_changed(self, on: bool) -> None:
        if on:
            self.set_mode(ClipMode.ENCODE)
        self.vertical_box.setVisible(on)
        self.adjustSize()

    def _fill_changed(self) -> None:
        self.preview.set_fill(VerticalFill(self.fill.currentData()))

    def options(self) -> ClipOptions:
        vertical = None
        if self.vertical.isChecked():
            vertical = VerticalOptions(VerticalFill(self.fill.currentData()), self.preview.position)
        tracks = None
        if self.audio_checks and not all(c.isChecked() for c in self.audio_checks):
            tracks = tuple(i for i, c in enumerate(self.audio_checks) if c.isChecked())
        return ClipOptions(
            mode=self.mode(),
            vertical=vertical,
            audio_tracks=tracks,
            template=self.template.text().strip(),
            with_chapters=self.chapters_inside.isChecked(),
        )

    def _update_example(self) -> None:
        if not self.choices:
            return
        first = self.choices[0]
        try:
            stem = clip_file_stem(
                check_template(self.template.text().strip()),
                vod=self.host.vod.title,
                clip=ClipRange(first.start, first.end, first.title, first.number),
                mode=self.mode(),
            )
        except DomainError as error:
            self.example.setText(str(error))
            return
        self.example.setText(f"e.g. {stem}.mp4")

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the clips", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # --- source: audio tracks and a frame for the crop preview ------------------------------
    def _load_source(self) -> None:
        path, size = (
            self.host.vod.file_path,
            (self.host.vod.width or 1920, self.host.vod.height or 1080),
        )
        middle = (self.choices[0].start + self.choices[0].end) / 2 if self.choices else 0.0

        def read(progress, cancel):
            from core.media.clip_source import read_source
            from core.media.frames import grab_frame

            source = read_source(path)
            image = None if cancel.is_set() else grab_frame(path, middle, width=640)
            return source, image

        self.host.tasks.run_task(
            read,
            on_done=lambda result: self._source_ready(*result, size),
            on_error=lambda error: self._show_error(describe_error(error)),
        )

    def _source_ready(self, source, image, size) -> None:
        while self.audio_layout.count():
            item = self.audio_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.audio_checks = []
        for number, stream in enumerate(source.audio, 1):
            check = QCheckBox(stream.describe(number))
            check.setChecked(True)
            self.audio_layout.addWidget(check)
            self.audio_checks.append(check)
        if not source.audio:
            self.audio_layout.addWidget(QLabel("none in this VOD", objectName="Muted"))
        self.audio_layout.addStretch(1)
        qimage = None
        if image is not None:
            rgb = image.convert("RGB")
            qimage = QImage(
                rgb.tobytes(), rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888
            ).copy()
        self.preview.set_image(qimage, size)

    # --- export --------------------------------------------------------------------------
    def export(self) -> None:
        try:
            options = self.options()
        except DomainError as error:
            self._show_error(str(error))
            return
        if self.audio_checks and not any(c.isChecked() for c in self.audio_checks):
            self._show_error("Keep at least one audio track (or clear them all in the file first)")
            return
        self._show_error(None)
        self._save_preferences()
        self.options_box.setEnabled(False)  # the batch is queued with these
        chapters = [c.chapter_id for c in self.choices if c.chapter_id]
        ranges = [(c.start, c.end, c.title) for c in self.choices if not c.chapter_id]
        service, vod_id, folder = (
            self.host.context.clips,
            self.host.vod_id,
            self.folder.text().strip(),
        )
        self.export_button.setEnabled(False)
        self.host.tasks.run_task(
            lambda progress, cancel: service.queue(
                vod_id, chapter_refs=chapters, ranges=ranges, options=options, folder=folder or None
            ),
            on_done=self._queued,
            on_error=self._refused,
            label="Queueing clips",
        )

    def _refused(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._show_error(describe_error(error))
        self.options_box.setEnabled(True)

    def _queued(self, jobs: list[dict]) -> None:
        self.batch_id = jobs[0]["batch_id"]
        self.folder.setText(jobs[0]["folder"])
        for row, job in enumerate(jobs):
            name = QLabel(job["name"])
            name.setToolTip(job["name"])
            status = QLabel("queued", objectName="Muted", wordWrap=True)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            self.progress_layout.addWidget(name, row * 2, 0)
            self.progress_layout.addWidget(bar, row * 2, 1)
            self.progress_layout.addWidget(status, row * 2 + 1, 0, 1, 2)
            self.rows[job["id"]] = (status, bar)
        self.progress_layout.setColumnStretch(0, 1)
        self.progress_scroll.setMinimumHeight(
            min(self.progress_box.sizeHint().height(), PROGRESS_MAX_HEIGHT)
        )
        self.progress_scroll.show()
        self.adjustSize()  # room for the rows without squeezing the options above them
        self.export_button.hide()
        self.cancel_button.show()
        self.queue.wake()

    def _clip_changed(self, job: dict) -> None:
        row = self.rows.get(job["id"])
        if row is None:
            return
        status, bar = row
        bar.setValue(int(job["progress"] * 10))
        state = job["status"]
        if state == "processing":
            status.setText(f"exporting… {job['progress']:.0f}%")
        elif state == "completed":
            bar.setValue(1000)
            status.setText("; ".join([f"done ({job['result_mode']})", *job["notes"]]))
            status.setToolTip(job["output"] or "")
        elif state == "failed":
            status.setText(f"failed: {job['error']}")
            status.setObjectName("ErrorText")
            status.style().polish(status)
        else:
            status.setText(state)
        if self.finished():
            self.cancel_button.hide()
            self.open_folder_button.show()
            done, total = (
                sum(1 for s, _ in self.rows.values() if s.text().startswith("done")),
                len(self.rows),
            )
            what = (
                f"{done} clip{'s' if done != 1 else ''}"
                if done == total
                else f"{done} of {total} clips"
            )
            self.host.show_message(f"Exported {what} to {self.folder.text()}")

    def finished(self) -> bool:
        return bool(self.rows) and all(
            s.text().startswith(("done", "failed", "cancelled")) for s, _ in self.rows.values()
        )

    def cancel_export(self) -> None:
        if self.batch_id is None:
            return
        service, batch = self.host.context.clips, self.batch_id
        self.host.tasks.run_task(
            lambda progress, cancel: service.cancel(batch),
            on_done=lambda jobs: [self._clip_changed(j) for j in jobs],
            on_error=lambda error: self._show_error(describe_error(error)),
        )

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text()))

    def _show_error(self, text: str | None) -> None:
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))

    # --- remembered choices ----------------------------------------------------------------
    def _restore_preferences(self) -> None:
        settings = QSettings("VOD Studio", "vodstudio")
        mode = settings.value(PREFERENCE_PREFIX + "mode", ClipMode.SMART.value)
        self.set_mode(ClipMode(mode) if mode in {m.value for m in ClipMode} else ClipMode.SMART)
        self.template.setText(str(settings.value(PREFERENCE_PREFIX + "template", DEFAULT_TEMPLATE)))
        folder = settings.value(PREFERENCE_PREFIX + "folder")
        self.folder.setText(str(folder) if folder else self._default_folder())
        self.vertical_box.hide()
        self._update_example()

    def _save_preferences(self) -> None:
        settings = QSettings("VOD Studio", "vodstudio")
        settings.setValue(PREFERENCE_PREFIX + "mode", self.mode().value)
        settings.setValue(PREFERENCE_PREFIX + "template", self.template.text().strip())
        # A folder the user chose is kept for the next VOD; the default follows each VOD.
        folder = self.folder.text().strip()
        if folder and folder != self._default_folder():
            settings.setValue(PREFERENCE_PREFIX + "folder", folder)
        else:
            settings.remove(PREFERENCE_PREFIX + "folder")

    def _default_folder(self) -> str:
        return str(Path(self.host.vod.file_path).parent / "Clips")

    def closeEvent(self, event) -> None:
        self.queue.changed.disconnect(self._clip_changed)
        super().closeEvent(event)
