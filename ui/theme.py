"""The dark look: palette, stylesheet and tinted SVG icons from ``resources``."""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
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


DISABLED_TINT = "#5c5c70"
#: Icons drawn in a tint other than the text colour by the editor's panels: drawn ahead
#: with the rest (``draw_icons_ahead``).
EDITOR_TINTS = (
    ("image", "#ffffff"),
    ("cancel", "muted"),
    ("star", "warning"),
    ("trash", "danger"),
    ("search", "muted"),
)

_images: dict[tuple[str, str, int], QImage] = {}
_images_lock = threading.Lock()


@cache
def _svg(name: str) -> str:
    return resources.files("resources.icons").joinpath(f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str, tint: str = "text", size: int = 24) -> QIcon:
    """The icon ``name`` drawn in a theme colour, crisp at every device pixel ratio."""
    result = QIcon()
    for mode, colour in (
        (QIcon.Mode.Normal, COLORS.get(tint, tint)),
        (QIcon.Mode.Disabled, DISABLED_TINT),
    ):
        for scale in (1, 2):
            result.addPixmap(QPixmap.fromImage(_image(name, colour, size * scale)), mode)
    return result


def pixmap(name: str, tint: str = "text", size: int = 24) -> QPixmap:
    return QPixmap.fromImage(_image(name, COLORS.get(tint, tint), size))


def draw_icons_ahead() -> None:
    """Draw every icon in the text colour (and the editor's other tints) at the sizes
    ``icon`` uses, off the GUI thread (an image and an SVG renderer may be used on any
    thread): the editor's first opening then draws none of its dozens of icons itself."""
    names = sorted(
        entry.name.removesuffix(".svg")
        for entry in resources.files("resources.icons").iterdir()
        if entry.name.endswith(".svg")
    )
    wanted = [(name, "text") for name in names] + list(EDITOR_TINTS)
    for name, tint in wanted:
        for colour in (COLORS.get(tint, tint), DISABLED_TINT):
            for pixels in (24, 48):
                _image(name, colour, pixels)


def _image(name: str, colour: str, pixels: int) -> QImage:
    """``name`` drawn in ``colour`` at ``pixels`` square, drawn once per process (from any
    thread: a race only draws it twice)."""
    key = (name, colour, pixels)
    found = _images.get(key)
    if found is None:
        found = _draw(name, colour, pixels)
        with _images_lock:
            found = _images.setdefault(key, found)
    return found


def _draw(name: str, colour: str, pixels: int) -> QImage:
    data = _svg(name).replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return image
