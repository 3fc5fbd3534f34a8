"""QApplication set-up and the main window's start."""

from __future__ import annotations

import os
import signal
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from core.store.disk_errors import disk_problem

# Each time the GUI thread comes back from Qt into Python it waits for the GIL, up to the
# switch interval when a worker is busy in Python (parsing a 10-hour transcript): at the
# default 5 ms, a paint of a few dozen such returns held the window 100-130 ms; at 1 ms,
# 25-55 ms (tests/bench/bench_gui.py --actions-only). An idle GUI costs the worker nothing.
GUI_SWITCH_INTERVAL_SECONDS = 0.001


def create_application() -> QApplication:
    existing = QApplication.instance()
    if existing is not None:
        return existing
    # Crisp at fractional scales (150 %, 175 %) instead of rounding to whole multiples.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    if (
        sys.platform.startswith("linux")
        and os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
        and os.environ.get("DISPLAY")
    ):
        # libvlc draws into an X11 window id; under Wayland run through XWayland.
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    app = QApplication(sys.argv[:1])
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_SECONDS)
    app.setApplicationName("VOD Studio")
    app.setOrganizationName("VOD Studio")
    app.setDesktopFileName("vodstudio")
    from .theme import apply_theme

    apply_theme(app)
    return app


def run(context) -> int:
    app = create_application()
    try:
        _ = context.database  # open (and migrate) before the first window
    except Exception as error:  # unwritable or full dir, newer database
        QMessageBox.critical(
            None, "VOD Studio", disk_problem(error, context.data_dir) or str(error)
        )
        return 1
    from .main_window import MainWindow

    window = MainWindow(context)
    window.show()
    _close_on_sigterm(window)
    collect_garbage_on_gui_thread(app)
    return app.exec()


def run_deferred(make_context) -> int:
    """Show the window first, then open the data directory on a worker thread.

    ``make_context()`` builds the ``AppContext``; importing it pulls in SQLAlchemy and
    Alembic, which alone take longer than the whole window needs to appear.
    """
    app = create_application()
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    _close_on_sigterm(window)
    collect_garbage_on_gui_thread(app)
    report_damage_in(window)
    window.open_context(make_context, make_context)
    return app.exec()


def collect_garbage_on_gui_thread(app: QApplication) -> None:
    from .gc_on_gui_thread import GuiThreadGarbageCollector
    from .warmup import editor_modules_imported

    GuiThreadGarbageCollector(app, started=editor_modules_imported).start()


def report_damage_in(window) -> None:
    """A damaged database found by work done on the GUI thread (a refresh, a click) is one
    sentence in the window, as it is from a background task, not a traceback on a console
    the user never sees. Every other error keeps Python's own report."""
    from core.store.damage import damage_reason

    from .tasks import describe_error

    previous = sys.excepthook

    def hook(kind, error, traceback) -> None:
        if damage_reason(error):
            window.show_message(describe_error(error), error=True)
            window.offer_repair(error)
        else:
            previous(kind, error, traceback)

    sys.excepthook = hook


def _close_on_sigterm(window) -> None:
    """A logout or shutdown sends SIGTERM: close as File ▸ Quit does, without asking (a
    running transcode stops and is queued to resume), instead of dying on the spot. Qt's
    event loop runs no Python between events, so a timer gives the handler its turn."""
    signal.signal(signal.SIGTERM, lambda signum, frame: window.quit_without_asking())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(300)
