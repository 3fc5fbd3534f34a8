"""``vodstudio``: the GUI with no command, the CLI with one."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from app.cli import wants_gui

    if wants_gui(args):
        from app.gui import run_gui

        return run_gui(args)
    from app.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
