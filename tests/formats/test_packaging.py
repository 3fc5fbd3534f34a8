"""The desktop entry, the icon files and what the PyInstaller spec bundles exist and agree.

The bundle itself is built and started by packaging/build-bundle.sh (minutes, so not here).
"""

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_vodstudio_with_its_icon():
    entry = desktop_entry(ROOT / "packaging" / "vodstudio.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "VOD Studio"
    assert entry["Exec"] == "vodstudio" and entry["Icon"] == "vodstudio"
    assert "AudioVideo" in entry["Categories"].split(";")


def test_icon_sizes_exist_for_the_spec_and_the_desktop():
    for size in (16, 32, 48, 64, 128, 256):
        assert (ROOT / "resources" / "icons" / "png" / f"vodstudio-{size}.png").stat().st_size > 0
    svg = (ROOT / "resources" / "icons" / "vodstudio.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_spec_bundles_paths_that_exist():
    spec = (ROOT / "packaging" / "vodstudio.spec").read_text(encoding="utf-8")
    assert '"resources"' in spec and '"core" / "store" / "migrations"' in spec
    assert (ROOT / "core" / "store" / "migrations" / "env.py").is_file()
    assert list((ROOT / "core" / "store" / "migrations" / "versions").glob("0*.py"))
    assert (ROOT / "app" / "__main__.py").is_file()


def test_install_desktop_entry_into_a_data_home(tmp_path):
    environment = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    executable = tmp_path / "my apps" / "vodstudio"
    subprocess.run(
        ["bash", str(ROOT / "packaging" / "install-desktop-entry.sh"), str(executable)],
        check=True,
        env=environment,
        capture_output=True,
    )
    installed = tmp_path / "applications" / "vodstudio.desktop"
    entry = desktop_entry(installed)
    assert entry["Exec"] == f'"{executable}"' and entry["TryExec"] == str(executable)
    assert (tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "vodstudio.png").is_file()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "vodstudio.svg").is_file()
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    for path in (ROOT / "packaging" / "vodstudio.desktop", installed):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0 and result.stdout == "", result.stdout
