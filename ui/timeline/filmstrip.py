"""Frames under the timeline, loaded lazily off the GUI thread.

Tiles sit at multiples of a step that depends only on the zoom, so scrolling reuses what is
loaded and a zoom level asks only for the tiles it shows. One background task works through
a queue that always holds just the tiles currently visible (newest view first): scrolling
fast through a 12-hour VOD never piles up thousands of ffmpeg runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from core.timeline.ruler import STEPS

TILE_WIDTH = 64
TILE_HEIGHT = 36
CACHE_LIMIT = 600


def tile_step(pixels_per_second: float) -> float:
    """Seconds between tiles: the smallest readable step giving tiles ≥ TILE_WIDTH apart."""
    return float(next((s for s in STEPS if s * pixels_per_second >= TILE_WIDTH), STEPS[-1]))


def visible_tiles(start: float, end: float, step: float, duration: float) -> list[float]:
    first = int(start // step)
    last = int(min(end, duration) // step)
    return [index * step for index in range(first, last + 1) if index * step < duration]


class FilmstripLoader(QObject):
    frame_ready = Signal(float)
    _loaded = Signal(float, QImage)  # from the worker; queued into the GUI thread

    def __init__(self, path: str, tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.tasks = tasks
        self.images: OrderedDict[float, QImage] = OrderedDict()
        self._wanted: list[float] = []
        self._lock = threading.Lock()
        self._task = None
        self._failed = False
        self._loaded.connect(self._store)

    def image(self, seconds: float) -> QImage | None:
        image = self.images.get(seconds)
        if image is not None:
            self.images.move_to_end(seconds)
        return image

    def request(self, times: list[float]) -> None:
        if self._failed or self.tasks is None:
            return
        missing = [t for t in times if t not in self.images]
        with self._lock:
            self._wanted = missing
        if missing and (self._task is None or not self._task.is_running()):
            self._task = self.tasks.run_task(
                self._work, on_done=lambda _: None, on_error=self._give_up
            )

    def stop(self) -> None:
        with self._lock:
            self._wanted = []
        if self._task is not None:
            self._task.cancel()

    def _give_up(self, error: BaseException) -> None:
        self._failed = True  # no video stream or no ffmpeg: the timeline works without frames

    def _next(self) -> float | None:
        with self._lock:
            return self._wanted.pop(0) if self._wanted else None

    def _work(self, progress, cancel) -> None:
        from core.media.frames import grab_keyframe

        while not cancel.is_set():
            seconds = self._next()
            if seconds is None:
                return
            found = grab_keyframe(self.path, seconds)
            if found is None:
                continue
            picture = found[1].convert("RGB")
            picture.thumbnail((TILE_WIDTH * 2, TILE_HEIGHT * 2))
            data = picture.tobytes()
            image = QImage(
                data, picture.width, picture.height, picture.width * 3, QImage.Format.Format_RGB888
            ).copy()
            self._loaded.emit(seconds, image)

    def _store(self, seconds: float, image: QImage) -> None:
        self.images[seconds] = image
        while len(self.images) > CACHE_LIMIT:
            self.images.popitem(last=False)
        self.frame_ready.emit(seconds)
