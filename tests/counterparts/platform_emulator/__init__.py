"""The platform API emulator (FastAPI + uvicorn + its own SQLite) used by the tests."""

from .app import create_app
from .server import ServerThread, free_port
from .store import EmulatorStore

__all__ = ["EmulatorStore", "ServerThread", "create_app", "free_port"]
