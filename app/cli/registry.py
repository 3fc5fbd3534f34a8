"""How command modules add their commands without editing one shared file."""

from __future__ import annotations

import argparse
from collections.abc import Callable


class CliRegistry:
    def __init__(self, subparsers: argparse._SubParsersAction) -> None:
        self._root = subparsers
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, handler: Callable, help: str, **kwargs) -> argparse.ArgumentParser:
        """A top-level command, e.g. ``vodstudio import``."""
        parser = self._root.add_parser(name, help=help, description=help, **kwargs)
        parser.set_defaults(handler=handler)
        return parser

    def subcommand(
        self, group: str, name: str, handler: Callable, help: str
    ) -> argparse.ArgumentParser:
        """A command inside a group, e.g. ``vodstudio chapters add``; the group is made on
        first use, so several modules can add to the same group."""
        if group not in self._groups:
            group_parser = self._root.add_parser(group, help=f"{group} commands")
            actions = group_parser.add_subparsers(dest=f"{group}_command", metavar="COMMAND")
            actions.required = True
            self._groups[group] = actions
        parser = self._groups[group].add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        return parser
