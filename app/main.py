"""``vodstudio``: the GUI with no command, the CLI with one."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from app.cli import wants_gui

    if wants_gui(args):
        from app.gui import run_gui

        _arm_smoke_test()
        return run_gui(args)
    from app.cli import run_cli

    return run_cli(args)


def _arm_smoke_test() -> None:
    """``VODSTUDIO_SMOKE_TEST_SECONDS=N``: quit the GUI after N seconds, printing the visible
    windows, exit code 3 when there are none (packaging/build-bundle.sh checks a bundle so)."""
    import os

    seconds = os.environ.get("VODSTUDIO_SMOKE_TEST_SECONDS")
    if not seconds:
        return
    from PySide6.QtCore import QTimer

    from ui.application import create_application

    app = create_application()

    def report_and_quit() -> None:
        titles = [w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()]
        print(f"smoke test: visible windows: {titles}", flush=True)
        app.exit(0 if titles else 3)

    QTimer.singleShot(int(float(seconds) * 1000), report_and_quit)


if __name__ == "__main__":
    sys.exit(main())
