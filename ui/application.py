"""QApplication set-up and the main window's start."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox


def run(context) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VOD Studio")
    try:
        context.database  # open (and migrate) before the first window
    except Exception as error:  # a domain error: unwritable dir, newer database
        QMessageBox.critical(None, "VOD Studio", str(error))
        return 1
    window = QMainWindow()
    window.setWindowTitle("VOD Studio")
    window.setCentralWidget(QLabel("VOD Studio"))
    window.resize(1280, 800)
    window.show()
    return app.exec()
