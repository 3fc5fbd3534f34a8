"""The dark look: palette, stylesheet and tinted SVG icons from ``resources``."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

# One place for the colours the painted widgets share with dark.qss.
COLORS = {
    "window": "#111117",
    "panel": "#16161e",
    "raised": "#23232f",
    "border": "#2e2e3c",
    "text": "#e7e7f0",
    "muted": "#8c8ca4",
    "accent": "#8f66ff",
    "accent_dark": "#7c4dff",
    "ai": "#2dd4bf",
    "danger": "#ff5470",
    "warning": "#fbbf24",
    "success": "#2fbf8f",
    "playhead": "#ff4d6d",
    "snap": "#fde047",
}


def color(name: str) -> QColor:
    return QColor(COLORS[name])


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: COLORS["window"],
        QPalette.ColorRole.WindowText: COLORS["text"],
        QPalette.ColorRole.Base: "#17171f",
        QPalette.ColorRole.AlternateBase: "#1a1a23",
        QPalette.ColorRole.Text: COLORS["text"],
        QPalette.ColorRole.Button: COLORS["raised"],
        QPalette.ColorRole.ButtonText: COLORS["text"],
        QPalette.ColorRole.Highlight: COLORS["accent_dark"],
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: COLORS["raised"],
        QPalette.ColorRole.ToolTipText: COLORS["text"],
        QPalette.ColorRole.PlaceholderText: "#6c6c84",
        QPalette.ColorRole.Link: COLORS["accent"],
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c5c70"))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())


@lru_cache(maxsize=1)
def stylesheet() -> str:
    text = resources.files("resources").joinpath("dark.qss").read_text(encoding="utf-8")
    # Qt stylesheets need a file path for images; the icons folder is a real directory in a
    # normal install and inside a PyInstaller bundle alike.
    icons = Path(str(resources.files("resources.icons"))).as_posix()
    return text.replace("{icons}", icons)


@cache
def _svg(name: str) -> str:
    return resources.files("resources.icons").joinpath(f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str, tint: str = "text", size: int = 24) -> QIcon:
    """The icon ``name`` drawn in a theme colour, crisp at every device pixel ratio."""
    result = QIcon()
    for mode, colour in (
        (QIcon.Mode.Normal, COLORS.get(tint, tint)),
        (QIcon.Mode.Disabled, "#5c5c70"),
    ):
        for scale in (1, 2):
            result.addPixmap(_render(name, colour, size * scale), mode)
    return result


def pixmap(name: str, tint: str = "text", size: int = 24) -> QPixmap:
    return _render(name, COLORS.get(tint, tint), size)


def _render(name: str, colour: str, pixels: int) -> QPixmap:
    data = _svg(name).replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    image = QPixmap(QSize(pixels, pixels))
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return image
