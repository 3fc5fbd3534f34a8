"""The headless CLI (the README's "Using the CLI"; its layering: docs/ARCHITECTURE.md).

Commands live in the modules of this package; each defines ``register(cli)`` and is found
automatically. Exit codes: 0 success, 2 usage error (argparse), 1 domain error with one line
on stderr that says what was wrong.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable

from core.domain.errors import DomainError, OverlapError
from core.store.disk_errors import disk_problem

from .interrupts import EXIT_TERMINATED, Terminated, sigterm_raises
from .registry import CliRegistry

EXIT_OK, EXIT_DOMAIN_ERROR, EXIT_USAGE = 0, 1, 2


def wants_gui(args: list[str]) -> bool:
    """No command at all (only ``--data-dir``) opens the GUI."""
    rest = list(args)
    while rest and rest[0].startswith("--data-dir"):
        rest = rest[2:] if rest[0] == "--data-dir" else rest[1:]
    return not rest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vodstudio",
        description="VOD Studio: chapters, thumbnails, HLS and upload for stream recordings. "
        "Run without a command to open the app.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the cache, thumbnails and HLS output live "
        "(default: $VODSTUDIO_DATA_DIR or the user data directory)",
    )
    parser.add_argument("--version", action=_PrintVersion, nargs=0, help="show the version")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    registry = CliRegistry(subparsers)
    for module in _command_modules():
        module.register(registry)
    return parser


class _PrintVersion(argparse.Action):
    """``--version``, read from the package metadata only when asked: reading it costs every
    other command's start ~20 ms."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from app.version import app_version

        print(f"{parser.prog} {app_version()}")
        parser.exit()


def _command_modules():
    package = importlib.import_module(__name__)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    for name in names:
        if name.startswith("cmd_"):
            yield importlib.import_module(f"{__name__}.{name}")


def cli_message(error: DomainError) -> str:
    """The error as a terminal user needs it: a clashing chapter named by the id the
    ``chapters`` commands take (the GUI names it by title alone)."""
    clash = error.conflicting_id if isinstance(error, OverlapError) else None
    if clash and clash not in str(error):
        return f"{error} [id {clash}]"
    return str(error)


def run_cli(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[..., int | None] = args.handler
    from app.context import AppContext

    context = AppContext(args.data_dir)
    try:
        with sigterm_raises():
            return handler(args, context) or EXIT_OK
    except DomainError as error:
        print(f"vodstudio: error: {_one_line(cli_message(error))}", file=sys.stderr)
        return EXIT_DOMAIN_ERROR
    except KeyboardInterrupt:
        print("vodstudio: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("vodstudio: stopped (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        # A full or read-only disk is the user's to fix, not a bug: one line, not a traceback.
        message = disk_problem(error, context.data_dir)
        if message is None:
            raise
        print(f"vodstudio: error: {_one_line(message)}", file=sys.stderr)
        return EXIT_DOMAIN_ERROR
    finally:
        context.close()


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "unknown error"
