"""Starting the desktop app (imported only when no CLI command is given)."""

from __future__ import annotations

import os


def run_gui(args: list[str]) -> int:
    from ui.application import run_deferred

    data_dir = None
    if "--data-dir" in args:
        data_dir = args[args.index("--data-dir") + 1]
    elif args and args[0].startswith("--data-dir="):
        data_dir = args[0].split("=", 1)[1]
    if data_dir is None and not os.environ.get("VODSTUDIO_DATA_DIR"):
        from ui.preferences import stored_data_dir

        data_dir = stored_data_dir()  # chosen in the settings dialog

    def make_context(folder: str | None = None):
        # Imported on the worker thread: the window is already on screen by then.
        from app.context import AppContext

        return AppContext(folder or data_dir)

    return run_deferred(make_context)
