"""Help → About: the app's name, version and icon, and what it runs on.

The version comes from the installed package's metadata (also present inside the PyInstaller
bundle). What the engine uses (FFmpeg, libVLC, the data folder…) is passed in by the caller,
because the UI never runs ffmpeg itself; Qt and Python versions are known here.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from importlib import metadata, resources

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

APP_NAME = "VOD Studio"
DISTRIBUTION = "vodstudio"
SUMMARY = "Chapters, thumbnails, HLS transcoding and upload for stream recordings."


def installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def app_icon() -> QIcon:
    """The application icon from ``resources/icons`` (SVG, with PNG sizes where present)."""
    icon = QIcon()
    icons = resources.files("resources") / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = icons / "png" / f"vodstudio-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = icons / "vodstudio.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


def runtime_info() -> dict[str, str]:
    return {
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Python": platform.python_version(),
        "System": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Bundled": "yes" if getattr(sys, "frozen", False) else "no",
    }


class AboutDialog(QDialog):
    def __init__(
        self, backend_info: Mapping[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.version = installed_version()
        self.details: dict[str, str] = {
            **{k: str(v) for k, v in (backend_info or {}).items()},
            **runtime_info(),
        }

        icon_label = QLabel()
        icon_label.setPixmap(app_icon().pixmap(96, 96))
        self.title_label = QLabel(f"<h2>{APP_NAME}</h2>")
        self.version_label = QLabel(f"Version {self.version}")
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)

        heading = QVBoxLayout()
        heading.addWidget(self.title_label)
        heading.addWidget(self.version_label)
        heading.addWidget(summary)
        top = QHBoxLayout()
        top.addWidget(icon_label, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        form = QFormLayout()
        self.value_labels: dict[str, QLabel] = {}
        for name, value in self.details.items():
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.value_labels[name] = label
            form.addRow(f"{name}:", label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setToolTip("Copy the version and these details, e.g. for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setWindowIcon(app_icon())

    def details_text(self) -> str:
        lines = [f"{APP_NAME} {self.version}"]
        lines += [f"{name}: {value}" for name, value in self.details.items()]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")
