"""Watching real CLI processes from a test: their children, their state, their database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.store.db import DATABASE_FILENAME

PROC = Path("/proc")


def needs_proc() -> None:
    if not PROC.is_dir():
        pytest.skip("needs /proc to watch processes")


def cli_command(data_dir: Path, *args: object) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(data_dir), *map(str, args)]


def start_cli(data_dir: Path, *args: object, **popen) -> subprocess.Popen:
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(cli_command(data_dir, *args), text=True, **popen)


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    return text[text.rindex(")") + 2 :].split()


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, grandchildren…)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def wait_gone(pids: set[int], deadline_seconds: float = 20.0) -> set[int]:
    """The pids still alive after waiting up to ``deadline_seconds`` for them to exit."""
    end = time.monotonic() + deadline_seconds
    left = {p for p in pids if alive(p)}
    while left and time.monotonic() < end:
        time.sleep(0.05)
        left = {p for p in left if alive(p)}
    return left


def cpu_ticks(pid: int) -> int | None:
    fields = _stat(pid)
    return None if fields is None else int(fields[11]) + int(fields[12])


def has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in (PROC / str(pid) / "fd").iterdir())
    except OSError:
        return False


def wait_all_waiting_on(processes: list[subprocess.Popen], database: Path) -> None:
    """Until every process has ``database`` open and has stopped using the CPU: they are all
    waiting for the write lock the test holds (or have exited)."""
    quiet_rounds = 0
    previous: list[int | None] = []
    while quiet_rounds < 4:
        time.sleep(0.1)
        running = [p for p in processes if p.poll() is None]
        ready = all(has_open(p.pid, database) for p in running)
        ticks = [cpu_ticks(p.pid) for p in running]
        quiet_rounds = quiet_rounds + 1 if ready and ticks == previous else 0
        previous = ticks


def integrity(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / DATABASE_FILENAME) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def damage_table_page(data_dir: Path, table: str) -> None:
    """Overwrite the root page of ``table`` (past its page header) with other bytes, as a
    failing disk would: the file's header and size stay right, so only reading that table,
    or an integrity check, finds it."""
    database = data_dir / DATABASE_FILENAME
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    connection.close()
    with database.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write((bytes(range(256)) * (page_size // 256 + 1))[: page_size - 8])
