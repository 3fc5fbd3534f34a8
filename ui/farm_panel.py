"""Transcode-farm settings and status: the broker URL, the workers seen, jobs per worker.

Constructed as ``FarmPanel(host)`` with a ``ui.panel_api.PanelHost`` (only ``host.context``
and ``host.tasks`` are used, so the preferences dialog can embed it too). Asking the farm
for its status goes through ``core.jobs.farm`` on a worker thread: a slow or unreachable
broker never freezes the window. The broker password is kept in the OS keyring, not in the
settings database.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.jobs.farm.settings import resolve_broker_url, save_broker_url
from core.jobs.farm.status import FarmStatus, farm_status, redact

#: How often the table refreshes itself while the panel is visible.
AUTO_REFRESH_MS = 10_000
COLUMNS = ("Worker", "State", "Running now", "Jobs (tasks done)")


class FarmPanel(QWidget):
    #: emitted after every status refresh (the FarmStatus, or None on error)
    refreshed = Signal(object)

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._task = None
        self._build()
        self._load_setting()
        self._timer = QTimer(self)
        self._timer.setInterval(AUTO_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("redis://HOST:6379/0  (empty: transcode on this machine)")
        self.url_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save_url)
        self.url_edit.returnPressed.connect(self.save_url)
        self.env_label = QLabel("")
        self.env_label.setWordWrap(True)
        url_row = QHBoxLayout()
        url_row.addWidget(QLabel("Broker URL"))
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.save_button)
        settings_box = QGroupBox("Transcode farm")
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.addLayout(url_row)
        settings_layout.addWidget(self.env_label)
        help_label = QLabel(
            "Workers run <code>vodstudio worker --broker URL</code>. Sources and output folders "
            "must be on storage mounted at the same path on every machine."
        )
        help_label.setWordWrap(True)
        help_label.setTextFormat(Qt.TextFormat.RichText)
        settings_layout.addWidget(help_label)

        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        status_row = QHBoxLayout()
        status_row.addWidget(self.summary_label, 1)
        status_row.addWidget(self.refresh_button)
        status_box = QGroupBox("Workers")
        status_layout = QVBoxLayout(status_box)
        status_layout.addLayout(status_row)
        status_layout.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.addWidget(settings_box)
        layout.addWidget(status_box, 1)

    # --- settings ----------------------------------------------------------------------------
    def _context(self):
        return self.host.context

    def _load_setting(self) -> None:
        settings = self._context().settings
        overridden = settings.overridden_by_environment("broker_url")
        self.url_edit.setText(redact(str(settings.get("broker_url") or "")))
        self.url_edit.setReadOnly(overridden)
        self.save_button.setEnabled(not overridden)
        self.env_label.setText(
            "Set by VODSTUDIO_BROKER_URL; change it there." if overridden else ""
        )
        self.env_label.setVisible(overridden)
        self._show_summary_for_url()

    def _show_summary_for_url(self) -> None:
        if not self.broker_url():
            self.summary_label.setText("Farm off: transcodes run on this machine.")
            self.table.setRowCount(0)

    def broker_url(self) -> str:
        context = self._context()
        return resolve_broker_url(context.settings, context.secrets)

    def save_url(self) -> None:
        typed = self.url_edit.text().strip()
        if "***" in typed:  # the redacted URL shown back unchanged: keep the stored password
            typed = str(self._context().settings.get("broker_url") or "")
        try:
            stored = save_broker_url(self._context().settings, self._context().secrets, typed)
        except Exception as error:  # a ValidationError or a keyring failure, shown plainly
            self._report(str(error), error=True)
            return
        self.url_edit.setText(stored)
        self._report(
            "Farm turned off: transcodes run on this machine."
            if not stored
            else f"Farm broker saved: {stored}"
        )
        self._show_summary_for_url()
        if stored:
            self.refresh()

    # --- status ------------------------------------------------------------------------------
    def refresh(self) -> None:
        url = self.broker_url()
        if not url or (self._task is not None and self._task.is_running()):
            return
        self.refresh_button.setEnabled(False)
        self.summary_label.setText("Asking the farm…")
        self._task = self.host.tasks.run_task(
            lambda progress, cancel: farm_status(url),
            on_done=self._show_status,
            on_error=self._show_error,
            label="Farm status",
        )

    def _show_status(self, status: FarmStatus) -> None:
        self.refresh_button.setEnabled(True)
        self.summary_label.setText(
            f"{status.online_count} worker(s) online at {status.broker}"
            if status.workers
            else f"No workers seen at {status.broker}. Start one with: vodstudio worker"
        )
        self.table.setRowCount(len(status.workers))
        for row, worker in enumerate(status.workers):
            running = (
                ", ".join(
                    f"{a['job_id']} #{a['chunk']}" if a["chunk"] else a["job_id"]
                    for a in worker.active
                )
                or "—"
            )
            jobs = ", ".join(f"{job} ({count})" for job, count in sorted(worker.jobs.items()))
            cells = (worker.name, "online" if worker.online else "offline", running, jobs or "—")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.refreshed.emit(status)

    def _show_error(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.summary_label.setText(str(error))
        self.table.setRowCount(0)
        self.refreshed.emit(None)

    def _report(self, text: str, *, error: bool = False) -> None:
        show = getattr(self.host, "show_message", None)
        if show is not None:
            show(text, error=error)
        else:
            self.summary_label.setText(text)

    # --- visibility --------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start()
        self.refresh()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)
