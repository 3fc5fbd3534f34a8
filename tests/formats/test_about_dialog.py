"""The About dialog shows the installed version, the icon and the backend details."""

from importlib.metadata import version

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from ui.about_dialog import AboutDialog, app_icon

pytestmark = pytest.mark.gui


def test_about_shows_name_version_and_backend_info_and_copies_them(qtbot):
    dialog = AboutDialog({"FFmpeg": "5.1.6", "Data folder": "/tmp/data"})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "VOD Studio" in dialog.title_label.text()
    assert dialog.version_label.text() == f"Version {version('vodstudio')}"
    assert dialog.value_labels["FFmpeg"].text() == "5.1.6"
    assert dialog.value_labels["Data folder"].text() == "/tmp/data"
    assert dialog.value_labels["Qt"].text()  # filled in by the dialog itself
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == f"VOD Studio {version('vodstudio')}"
    assert "FFmpeg: 5.1.6" in copied and dialog.copy_button.text() == "Copied"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_app_icon_has_real_pixels(qtbot):
    icon = app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    assert image.width() == 64
    # The centre of the icon is the dark screen, a corner is transparent.
    assert image.pixelColor(32, 32).alpha() == 255
    assert image.pixelColor(0, 0).alpha() == 0
