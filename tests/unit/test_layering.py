"""core/ never loads Qt, and ui/ never does I/O itself (docs/ARCHITECTURE.md's dependency rule)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_every_core_module_never_loads_pyside6():
    script = (
        "import importlib, pkgutil, sys\n"
        "import core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    if '.migrations' in info.name:\n"
        "        continue\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui', 'app'))\n"
        "assert not loaded, loaded\n"
        "print('checked', sum(1 for m in sys.modules if m.startswith('core')))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout.split()[-1]) > 10


def _imports(folder: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [
                    (str(path.relative_to(ROOT)), alias.name.split(".")[0]) for alias in node.names
                ]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module.split(".")[0]))
    return found


def test_core_source_has_no_qt_ui_or_app_import():
    offending = [(f, m) for f, m in _imports("core") if m in {"PySide6", "shiboken6", "ui", "app"}]
    assert not offending


def test_ui_source_does_no_io_of_its_own():
    io_modules = {"subprocess", "sqlalchemy", "httpx", "ffmpeg", "openai", "sqlite3", "requests"}
    offending = [(f, m) for f, m in _imports("ui") if m in io_modules]
    assert not offending


def test_domain_imports_nothing_else_of_the_project():
    offending = [(f, m) for f, m in _imports("core/domain") if m in {"core", "app", "ui"}]
    assert not offending
