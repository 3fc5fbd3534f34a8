"""Screenshots of the app with a demo VOD, for the README.

Run under a virtual X server so the real player backend (libvlc) is used:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python packaging/screenshots.py

It makes a demo recording with ffmpeg (a test pattern, a few minutes long), imports it into
a throw-away data directory with chapters (manual and AI), thumbnails and a transcode, then
saves ``docs/screenshots/{library,editor,transcode}.png``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHAPTERS = [  # (title, start, end, source, confidence)
    ("Starting soon", 0, 38, "manual", None),
    ("Intro & today's plan", 38, 95, "manual", None),
    ("Ranked match 1", 95, 212, "ai", 0.91),
    ("Clutch 1v3 comeback", 212, 251, "ai", 0.78),
    ("Viewer Q&A", 260, 352, "manual", None),
    ("Ranked match 2", 352, 468, "ai", 0.64),
    ("Sub goal celebration", 468, 505, "ai", 0.86),
    ("Outro & raid", 505, 600, "manual", None),
]


def make_demo_clip(path: Path, seconds: int = 600) -> Path:
    if not path.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size=640x360:rate=10:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=330:duration={seconds}",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "20",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                str(path),
            ],
            check=True,
        )
    return path


EXTRA_SOURCES = {  # other looks for the other library cards (short clips, cheap to make)
    "Sunday chill stream: cozy building": "life=s=640x360:mold=10:r=10:ratio=0.1:death_color=#101020:life_color=#8f66ff",
    "Speedrun practice (any%)": "mandelbrot=s=640x360:rate=5",
    "Late night horror marathon": "smptehdbars=s=640x360:rate=10",
}


def make_extra_clip(path: Path, source: str, seconds: int = 95) -> Path:
    if not path.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                source,
                "-t",
                str(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                str(path),
            ],
            check=True,
        )
    return path


def seed_library(context, clip: Path) -> str:
    from core.domain.chapters import ChapterSource

    for number, (title, source) in enumerate(EXTRA_SOURCES.items()):
        extra = make_extra_clip(clip.parent / f"extra{number}.mp4", source)
        context.vods.import_file(extra, title=title)
    main = context.vods.import_file(clip, title="Road to Diamond — ranked grind + viewer Q&A")
    for title, start, end, source, confidence in CHAPTERS:
        context.chapters.add(
            main.id,
            title=title,
            start_time=start,
            end_time=end,
            source=ChapterSource(source),
            confidence_score=confidence,
        )
    try:
        for vod in context.vods.list():
            context.thumbnails.generate(vod.id, resolutions=["small", "medium"])
        context.thumbnails.generate_for_chapters(main.id)
    except Exception as error:  # screenshots still useful without thumbnails
        print(f"thumbnails skipped: {error}", file=sys.stderr)
    return main.id


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def wait_for_filmstrip(app, editor, timeout: float = 30.0) -> None:
    from ui.timeline.filmstrip import tile_step, visible_tiles

    loader = getattr(editor, "filmstrip", None)
    if loader is None:
        return
    view = editor.timeline.viewport
    tiles = visible_tiles(
        view.visible_start, view.visible_end, tile_step(view.pixels_per_second), view.duration
    )
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(loader.image(t) is None for t in tiles):
        editor.timeline.update()
        settle(app, 0.2)
    settle(app, 0.3)


def save(widget, path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() == "xcb":
        # From the X server, so libvlc's native video window is in the picture too.
        image = widget.screen().grabWindow(int(widget.winId())).toImage()
    else:
        image = widget.grab().toImage()
    image.save(str(path), "PNG")
    from PIL import Image

    with Image.open(path) as picture:  # a 256-colour palette keeps README images small
        picture.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        ).save(path, optimize=True)
    print(f"saved {path} ({path.stat().st_size // 1024} KB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--transcode", action="store_true", help="run a real transcode first")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vodstudio-shots-"))
    os.environ["VODSTUDIO_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("VODSTUDIO_VLC_ARGS", "--aout=dummy")  # no sound card under xvfb
    clip = make_demo_clip(work / "road-to-diamond.mp4")

    from app.context import AppContext
    from ui.application import create_application
    from ui.main_window import MainWindow

    app = create_application()
    context = AppContext(work / "data")
    vod_id = seed_library(context, clip)
    window = MainWindow(context)
    window.resize(1440, 880)
    window.show()
    settle(app, 1.5)
    save(window, out / "library.png")

    window.open_vod(vod_id)
    editor = window.editor
    settle(app, 1.0)
    editor.timeline.zoom(1.6, 200)
    editor.seek(231.0)
    editor.select_chapter(editor.timeline_model.chapters[3].id)
    settle(app, 1.0)
    wait_for_filmstrip(app, editor)
    save(window, out / "editor.png")

    if "Transcode" in editor.panels:
        panel = editor.panels["Transcode"]
        editor.tabs.setCurrentWidget(panel)
        if options.transcode and hasattr(panel, "start_transcode"):
            panel.start_transcode()
            end = time.monotonic() + 120
            while time.monotonic() < end and (panel.job is None or panel.job.status.is_active):
                settle(app, 0.5)
        settle(app, 1.0)
        save(window, out / "transcode.png")
    for name in ("AI", "Upload"):
        if name in editor.panels:
            editor.tabs.setCurrentWidget(editor.panels[name])
            settle(app, 1.0)
            save(window, out / f"{name.lower()}.png")
    if "Thumbnails" in editor.panels:
        editor.tabs.setCurrentWidget(editor.panels["Thumbnails"])
        settle(app, 1.5)
        save(window, out / "thumbnails.png")
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
