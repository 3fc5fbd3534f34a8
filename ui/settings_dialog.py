"""Settings: the README's configuration table, secrets into the OS keyring, encoder, data dir.

Secrets are never shown back: a stored one shows as a placeholder, typing replaces it, and
"Remove" deletes it. Values the environment overrides are shown read-only, with the reason.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.config import SETTINGS
from core.domain.errors import DomainError

from .preferences import store_data_dir, stored_data_dir

SECRETS = (
    ("api_token", "Platform API token"),
    ("stream_api_token", "Cloudflare Stream token"),
    ("openai_api_key", "OpenAI API key"),
)
GROUPS = (
    ("Streaming platform", ("api_url", "project_id", "sync_connections")),
    ("Cloudflare Stream", ("stream_api_url", "stream_account_id")),
    ("AI chapters", ("openai_base_url", "openai_model")),
    ("Transcoding", ("hardware_encoder", "max_parallel_jobs", "broker_url")),
)
SECRET_GROUP = {
    "api_token": "Streaming platform",
    "stream_api_token": "Cloudflare Stream",
    "openai_api_key": "AI chapters",
}
ENCODERS = (
    ("auto", "Automatic (hardware when it works, else libx264)"),
    ("libx264", "Software — libx264"),
    ("h264_nvenc", "NVIDIA — NVENC"),
    ("h264_qsv", "Intel — Quick Sync"),
    ("h264_vaapi", "Linux — VA-API"),
    ("h264_videotoolbox", "macOS — VideoToolbox"),
)


class SettingsDialog(QDialog):
    saved = Signal(str)

    def __init__(self, context, parent: QWidget | None = None, tasks=None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self.setWindowTitle("Settings")
        self.setMinimumWidth(600)
        self.fields: dict[str, QWidget] = {}
        self.secret_fields: dict[str, QLineEdit] = {}
        self.removed_secrets: set[str] = set()
        outer = QVBoxLayout(self)
        self.tabs = QTabWidget()
        general = QWidget()
        layout = QVBoxLayout(general)
        self.tabs.addTab(general, "General")
        self._add_farm_tab()
        outer.addWidget(self.tabs)
        store = context.settings
        for title, keys in GROUPS:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                form.addRow(SETTINGS[key].label, self._field(key, store))
            for secret, label in SECRETS:
                if SECRET_GROUP[secret] == title:
                    form.addRow(label, self._secret_field(secret))
            layout.addWidget(box)
        layout.addWidget(self._data_dir_box())
        self.error_label = QLabel(objectName="ErrorText", wordWrap=True)
        self.error_label.hide()
        outer.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("accent", True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _add_farm_tab(self) -> None:
        """The transcode-farm panel (broker, workers), when that module is installed."""
        if self.tasks is None:
            return
        try:
            from .farm_panel import FarmPanel
        except ImportError:
            return
        host = SimpleNamespace(
            context=self.context,
            tasks=self.tasks,
            show_message=lambda text, error=False: self.saved.emit(text),
        )
        try:
            self.tabs.addTab(FarmPanel(host), "Transcode farm")
        except Exception as error:  # the farm is optional: never block the settings
            self.tabs.addTab(
                QLabel(f"Farm settings unavailable: {error}", wordWrap=True), "Transcode farm"
            )

    def _field(self, key: str, store) -> QWidget:
        spec = SETTINGS[key]
        value = store.get(key)
        if key == "hardware_encoder":
            widget = QComboBox()
            for name, label in ENCODERS:
                widget.addItem(label, name)
            position = widget.findData(value)
            widget.setCurrentIndex(position if position >= 0 else 0)
        elif isinstance(spec.default, int):
            widget = QSpinBox(minimum=1, maximum=64 if key == "sync_connections" else 16)
            widget.setValue(int(value or spec.default))
        else:
            widget = QLineEdit(str(value or ""))
            widget.setPlaceholderText(str(spec.default or ""))
        if store.overridden_by_environment(key):
            widget.setEnabled(False)
            widget.setToolTip(f"Set by the environment variable {spec.env}")
        self.fields[key] = widget
        return widget

    def _secret_field(self, name: str) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        try:
            stored = bool(self.context.secrets.get(name))
        except Exception:
            stored = False
        edit.setPlaceholderText("•••••• stored — type to replace" if stored else "not set")
        remove = QPushButton("Remove")
        remove.setEnabled(stored)
        remove.clicked.connect(
            lambda: (
                self.removed_secrets.add(name),
                edit.clear(),
                edit.setPlaceholderText("will be removed"),
                remove.setEnabled(False),
            )
        )
        row.addWidget(edit, 1)
        row.addWidget(remove)
        self.secret_fields[name] = edit
        return holder

    def _data_dir_box(self) -> QWidget:
        box = QGroupBox("Data directory")
        row = QHBoxLayout(box)
        self.data_dir_edit = QLineEdit(stored_data_dir() or str(self.context.data_dir))
        self.data_dir_edit.setToolTip(
            "SQLite cache, thumbnails and HLS output. A change takes effect at the next start."
        )
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.data_dir_edit, 1)
        row.addWidget(browse)
        return box

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Data directory", self.data_dir_edit.text())
        if chosen:
            self.data_dir_edit.setText(chosen)

    def values(self) -> dict:
        result = {}
        for key, widget in self.fields.items():
            if not widget.isEnabled():
                continue
            if isinstance(widget, QComboBox):
                result[key] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                result[key] = widget.value()
            else:
                result[key] = widget.text().strip()
        return result

    def save(self) -> None:
        notes = []
        try:
            for key, value in self.values().items():
                self.context.settings.set(key, value)
            for name in self.removed_secrets:
                self.context.secrets.delete(name)
            for name, edit in self.secret_fields.items():
                if edit.text():
                    where = self.context.secrets.set(name, edit.text())
                    notes.append(f"{name} saved to the {where}")
                    edit.clear()
        except DomainError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return
        new_dir = self.data_dir_edit.text().strip()
        if new_dir and new_dir != str(self.context.data_dir):
            store_data_dir(new_dir)
            notes.append("the new data directory is used from the next start")
        self.saved.emit("Settings saved" + (": " + "; ".join(notes) if notes else ""))
        self.accept()
