"""The dependency direction inside core, checked by import-linter from pyproject.toml's contracts:
domain <- store | media <- library <- services <- sync, and no cycles between sibling packages.

import-linter's graph (grimp) reads every import statement, those inside functions too, so an
import moved into a function to hide a cycle still breaks the contract.
"""

from __future__ import annotations

import pkgutil
import re
import textwrap
import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

import core

configuration.configure()  # import-linter's adapters (file system, graph builder, printer)

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_core_keeps_its_layers_and_has_no_cycles(capsys):
    kept = lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out  # the report names each broken import and its line


def test_every_part_of_core_sits_in_a_layer():
    """A new package (or top-level module) of core must be placed, not left unchecked."""
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}
    parts = {f"core.{info.name}" for info in pkgutil.iter_modules(core.__path__)}
    assert parts - placed == set()
    assert placed - parts == set()


def test_an_import_inside_a_function_breaks_the_layers(tmp_path, monkeypatch, capsys):
    """The contract is not blind to the imports that hid cycles before."""
    package = tmp_path / "layered"
    (package / "low").mkdir(parents=True)
    (package / "high").mkdir()
    (package / "__init__.py").write_text("")
    (package / "high" / "__init__.py").write_text("from layered.low import value\n")
    (package / "low" / "__init__.py").write_text(
        textwrap.dedent(
            """
            value = 1

            def later():
                from layered.high import value as upper  # hidden from a top-level scan
                return upper
            """
        )
    )
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["layered"]

            [[tool.importlinter.contracts]]
            name = "high over low"
            type = "layers"
            layers = ["layered.high", "layered.low"]
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    assert not lint_imports(config_filename=str(config), cache_dir=None, no_logo=True)
    assert "layered.low -> layered.high" in capsys.readouterr().out
