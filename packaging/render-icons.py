"""Render resources/icons/vodstudio.svg to the PNG sizes desktops and installers want.

Writes resources/icons/png/vodstudio-<N>.png for N in SIZES (the .desktop entry, the
PyInstaller bundle's icon, which PyInstaller converts to .ico/.icns on Windows/macOS).
Run it after editing the SVG:  .venv/bin/python packaging/render-icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(svg: Path, size: int, target: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target)):
        raise SystemExit(f"could not write {target}")


def main() -> int:
    # SVG rendering needs a running application (fonts, image plugins).
    application = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = ICONS / "vodstudio.svg"
    folder = ICONS / "png"
    folder.mkdir(exist_ok=True)
    for size in SIZES:
        render(svg, size, folder / f"vodstudio-{size}.png")
    print(f"rendered {len(SIZES)} sizes into {folder} ({application.platformName()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
