"""The editor's side-panel tabs. Adding a panel is one line in ``PANEL_SPECS``.

Each panel is built as ``Panel(host)`` (see ``ui.panel_api.PanelHost``). A panel whose module
does not exist yet (written by another engineer) is skipped, so the list can name panels
before they land; a panel that fails to build shows its error in its tab instead of
breaking the editor.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from ui.theme import icon

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


class LazyPanels:
    """The side panels by title, built on first need rather than all inside the editor's
    constructor: a tab when it is first shown or asked for (``panels["AI"]``), and all of
    them one per event-loop turn once the editor is on screen, the shown tab first.

    Until built, a tab holds an empty placeholder page; building swaps the panel in at the
    same place, so ``tabs.setCurrentWidget(panels[title])`` works as with plain pages."""

    def __init__(self, host, tabs: QTabWidget, specs: tuple[PanelSpec, ...]) -> None:
        self._host, self._tabs = host, tabs
        self._specs: dict[str, PanelSpec] = {}
        self._built: dict[str, QWidget] = {}
        self._placeholders: dict[str, QWidget] = {}
        self._stopped = False
        for spec in specs:
            module_name = spec.target.split(":")[0]
            if importlib.util.find_spec(module_name) is None:
                continue  # not written yet
            self._specs[spec.title] = spec
            placeholder = QWidget()
            self._placeholders[spec.title] = placeholder
            tabs.addTab(placeholder, icon(spec.icon), spec.title)
        tabs.currentChanged.connect(self._tab_shown)

    # --- mapping -------------------------------------------------------------------------
    def __getitem__(self, title: str) -> QWidget:
        found = self._built.get(title)
        if found is None:
            if title not in self._specs:
                raise KeyError(title)
            found = self._build(title)
        return found

    def __contains__(self, title: object) -> bool:
        return title in self._specs

    def __iter__(self):
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def keys(self):
        return self._specs.keys()

    def get(self, title: str, default=None):
        return self[title] if title in self._specs else default

    def values(self) -> list[QWidget]:
        """The panels built so far (one not built yet has nothing to close or refresh)."""
        return list(self._built.values())

    def items(self) -> list[tuple[str, QWidget]]:
        return list(self._built.items())

    # --- building ------------------------------------------------------------------------
    def build_rest_when_idle(self) -> None:
        QTimer.singleShot(0, self._tabs, self._build_next)

    def stop(self) -> None:
        self._stopped = True

    def _build_next(self) -> None:
        if self._stopped:
            return
        # The tab on screen first, then the others in their order.
        shown = self._tabs.currentWidget()
        current = [t for t, page in self._placeholders.items() if page is shown]
        missing = next((t for t in [*current, *self._specs] if t not in self._built), None)
        if missing is not None:
            self[missing]
            QTimer.singleShot(0, self._tabs, self._build_next)

    def _tab_shown(self, index: int) -> None:
        page = self._tabs.widget(index)
        for title, placeholder in self._placeholders.items():
            if placeholder is page and title not in self._built:
                self[title]
                return

    def _build(self, title: str) -> QWidget:
        spec = self._specs[title]
        panel = build_panel(spec, self._host) or QLabel(f"The {title} panel is not available")
        self._built[title] = panel
        placeholder = self._placeholders.pop(title)
        index = self._tabs.indexOf(placeholder)
        current = self._tabs.currentIndex()
        blocked = self._tabs.blockSignals(True)
        try:
            self._tabs.removeTab(index)
            self._tabs.insertTab(index, panel, icon(spec.icon), spec.title)
            self._tabs.setCurrentIndex(current)
        finally:
            self._tabs.blockSignals(blocked)
        placeholder.deleteLater()
        return panel
