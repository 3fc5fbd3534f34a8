"""The editor's side-panel tabs. Adding a panel is one line in ``PANEL_SPECS``.

Each panel is built as ``Panel(host)`` (see ``ui.panel_api.PanelHost``). A panel whose module
does not exist yet (written by another engineer) is skipped, so the list can name panels
before they land; a panel that fails to build shows its error in its tab instead of
breaking the editor.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanelSpec:
    title: str
    icon: str
    target: str  # "module:Class"


PANEL_SPECS: tuple[PanelSpec, ...] = (
    PanelSpec("Chapters", "chapters", "ui.panels.chapters_panel:ChaptersPanel"),
    PanelSpec("Thumbnails", "image", "ui.panels.thumbnails_panel:ThumbnailsPanel"),
    PanelSpec("Transcode", "transcode", "ui.panels.transcode_panel:TranscodePanel"),
    PanelSpec("AI", "sparkles", "ui.ai_panel:AiPanel"),
    PanelSpec("Upload", "upload", "ui.upload_panel:UploadPanel"),
)


def build_panel(spec: PanelSpec, host) -> QWidget | None:
    module_name, class_name = spec.target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return None  # not written yet
        raise
    try:
        return getattr(module, class_name)(host)
    except Exception as error:  # one broken panel must not take the editor down
        log.exception("panel %s failed to build", spec.title)
        label = QLabel(f"The {spec.title} panel could not start:\n{error}")
        label.setObjectName("ErrorText")
        label.setWordWrap(True)
        return label
