"""Database statements one chapter edit costs in the open editor (counted, not timed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_chapter_roundtrips.py [N]

Opens the editor on a generated VOD with N chapters (500 by default), then renames one, moves
one, undoes and redoes, counting the SELECTs (on chapters and on anything else) and the
chapter writes each action sends, and on which thread. Run it from another checkout with
``PYTHONPATH=that/checkout`` to compare (issue 17: a rename read every chapter three times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VODSTUDIO_PLAYER"] = "none"
os.environ["VODSTUDIO_FILMSTRIP"] = "0"


def make_clip(folder: Path) -> Path:
    clip = folder / "bench.mp4"
    source = "testsrc2=size=320x180:rate=10"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", "60"]
    subprocess.run([*command, "-c:v", "libx264", str(clip)], check=True)
    return clip


def main() -> None:
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event

    from app.context import AppContext
    from ui.editor import EditorView

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="vodstudio-bench-"))
    context = AppContext(folder / "data")
    vod = context.vods.import_file(make_clip(folder), title="bench")
    step = 60.0 / count
    for index in range(count):
        context.chapters.add(
            vod.id, title=f"Part {index}", start_time=index * step, end_time=(index + 0.8) * step
        )
    view = EditorView(context, vod.id)
    view.tasks.wait(30000)
    target = view.timeline_model.chapters[count // 2]
    main_thread = threading.get_ident()
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context_, executemany) -> None:
        seen.append((" ".join(statement.split()), threading.get_ident() == main_thread))

    event.listen(context.database.engine, "before_cursor_execute", record)
    actions = (
        ("rename", lambda: view.update_chapter(target.id, title="Renamed")),
        ("move", lambda: view.update_chapter(target.id, start_time=target.start_time + step / 20)),
        ("undo", view.undo_stack.undo),
        ("redo", view.undo_stack.redo),
    )
    print(f"{count} chapters; statements per action (gui thread / other threads)")
    for name, action in actions:
        seen.clear()
        action()
        app.processEvents()
        view.tasks.wait(10000)
        selects = [(s, gui) for s, gui in seen if s.startswith("SELECT")]
        chapter_reads = [gui for s, gui in selects if "FROM chapters" in s]
        other_reads = [gui for s, gui in selects if "FROM chapters" not in s]
        writes = [gui for s, gui in seen if s.startswith(("UPDATE chapters", "INSERT INTO chap"))]
        print(
            f"  {name:>6}: SELECT chapters {sum(chapter_reads)}/{len(chapter_reads) - sum(chapter_reads)}"
            f"  other SELECT {sum(other_reads)}/{len(other_reads) - sum(other_reads)}"
            f"  chapter writes {len(writes)}"
        )
    view.close_editor()
    view.tasks.wait(5000)
    context.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
