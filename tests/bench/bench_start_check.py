"""What the app's start check of every page costs, against opening the database alone.

    .venv/bin/python tests/bench/bench_start_check.py [CHAPTERS] [ROUNDS]

Builds a library holding one VOD with CHAPTERS chapters (200,000 by default, about 50 MB),
then, interleaved over ROUNDS rounds (5), times ``Database.open`` and ``check_pages`` (the
quick check the app runs at start on its worker thread) and prints the medians and their
ratio. The CLI never runs the check; ``vodstudio db check`` runs the full integrity check.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def build(folder: Path, chapters: int) -> None:
    from core.store.db import DATABASE_FILENAME, Database

    Database.open(folder).close()
    with sqlite3.connect(folder / DATABASE_FILENAME) as connection:
        vod = str(uuid.uuid4())
        connection.execute(
            "INSERT INTO vods (id, title, description, file_path, duration, size_bytes, status,"
            " visibility, is_nsfw, created_at, updated_at) VALUES (?, 'bench', '',"
            " '/nonexistent.mp4', ?, 0, 'ready', 'public', 0, '2026-01-01', '2026-01-01')",
            (vod, chapters + 10.0),
        )
        connection.executemany(
            'INSERT INTO chapters (id, vod_id, title, description, start_time, end_time, "order",'
            " source, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, 'manual',"
            " '2026-01-01', '2026-01-01')",
            ((str(uuid.uuid4()), vod, f"chapter {i}", i, i + 0.5, i) for i in range(chapters)),
        )
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def main() -> None:
    from core.store.db import DATABASE_FILENAME, Database

    chapters = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    folder = Path(tempfile.mkdtemp(prefix="bench-start-check-"))
    try:
        build(folder, chapters)
        size = (folder / DATABASE_FILENAME).stat().st_size / 1e6
        opens, checks = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            database = Database.open(folder)
            opens.append(time.perf_counter() - started)
            started = time.perf_counter()
            database.check_pages()
            checks.append(time.perf_counter() - started)
            database.close()
        opened, checked = statistics.median(opens), statistics.median(checks)
        print(f"{chapters:,} chapters, {size:.1f} MB, medians of {rounds} rounds:")
        print(f"  open {opened * 1000:.0f} ms, page check {checked * 1000:.0f} ms")
        print(f"  page check / open: {checked / opened:.1f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
