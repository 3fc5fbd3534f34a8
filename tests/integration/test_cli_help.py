"""Every command and subcommand prints its help (a malformed help string only shows up here)."""

import argparse

import pytest

from app.cli import build_parser


def _all_parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _all_parsers(child, (*path, name))


PARSERS = list(_all_parsers(build_parser()))


def test_the_contract_commands_exist():
    paths = {" ".join(path) for path, _ in PARSERS}
    for command in (
        "import",
        "list",
        "show",
        "status",
        "chapters list",
        "chapters add",
        "chapters update",
        "chapters delete",
        "chapters at",
        "chapters next",
        "chapters previous",
        "chapters generate",
        "chapters import",
        "chapters export",
        "transcript import",
        "thumbnails generate",
        "thumbnails list",
        "thumbnails default",
        "thumbnails delete",
        "transcode start",
        "transcode status",
        "transcode cancel",
        "transcode retry",
        "upload",
        "sync",
        "worker",
    ):
        assert command in paths, command


@pytest.mark.parametrize(
    "path, parser", PARSERS, ids=[" ".join(p) or "vodstudio" for p, _ in PARSERS]
)
def test_help_renders(path, parser):
    text = parser.format_help()
    assert text.startswith("usage:")
