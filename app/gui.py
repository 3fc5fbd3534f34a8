"""Starting the desktop app (imported only when no CLI command is given)."""

from __future__ import annotations


def run_gui(args: list[str]) -> int:
    from app.context import AppContext
    from ui.application import run

    data_dir = None
    if "--data-dir" in args:
        data_dir = args[args.index("--data-dir") + 1]
    elif args and args[0].startswith("--data-dir="):
        data_dir = args[0].split("=", 1)[1]
    return run(AppContext(data_dir))
