"""The installed version of VOD Studio, from the package metadata (also inside a bundle)."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "vodstudio"


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Running from a source tree that was never installed (pip install -e . fixes it).
        return "0+unknown"
