"""Mapping between seconds and pixels for a zoomable, scrollable timeline."""

from __future__ import annotations

from dataclasses import dataclass

#: the deepest zoom: at 30 fps one frame is about 13 px wide
MAX_PIXELS_PER_SECOND = 400.0


@dataclass
class Viewport:
    """What part of ``[0, duration]`` is shown across ``width`` pixels.

    ``offset`` is the time at the left edge. The zoom never goes out further than showing the
    whole video, and the offset is kept so that no space past either end is shown.
    """

    duration: float
    width: float
    pixels_per_second: float = 0.0
    offset: float = 0.0

    def __post_init__(self) -> None:
        self.duration = max(float(self.duration), 1e-6)
        self.width = max(float(self.width), 1.0)
        if self.pixels_per_second <= 0:
            self.pixels_per_second = self.min_pixels_per_second
        self._clamp()

    # --- mapping -------------------------------------------------------------------------
    def time_to_x(self, seconds: float) -> float:
        return (seconds - self.offset) * self.pixels_per_second

    def x_to_time(self, x: float) -> float:
        return self.offset + x / self.pixels_per_second

    def x_to_time_clamped(self, x: float) -> float:
        return min(self.duration, max(0.0, self.x_to_time(x)))

    def seconds_for_pixels(self, pixels: float) -> float:
        return pixels / self.pixels_per_second

    @property
    def visible_start(self) -> float:
        return self.offset

    @property
    def visible_end(self) -> float:
        return min(self.duration, self.offset + self.width / self.pixels_per_second)

    @property
    def visible_seconds(self) -> float:
        return self.width / self.pixels_per_second

    @property
    def min_pixels_per_second(self) -> float:
        return self.width / self.duration

    @property
    def max_pixels_per_second(self) -> float:
        return max(MAX_PIXELS_PER_SECOND, self.min_pixels_per_second)

    @property
    def zoomed_out_fully(self) -> bool:
        return self.pixels_per_second <= self.min_pixels_per_second * 1.0001

    @property
    def max_offset(self) -> float:
        return max(0.0, self.duration - self.visible_seconds)

    # --- changing ------------------------------------------------------------------------
    def resize(self, width: float) -> None:
        """Keep the left edge's time; a view zoomed out fully stays fully zoomed out."""
        fit = self.zoomed_out_fully
        self.width = max(float(width), 1.0)
        if fit:
            self.pixels_per_second = self.min_pixels_per_second
        self._clamp()

    def set_duration(self, duration: float) -> None:
        fit = self.zoomed_out_fully
        self.duration = max(float(duration), 1e-6)
        if fit:
            self.pixels_per_second = self.min_pixels_per_second
        self._clamp()

    def zoom_around(self, x: float, factor: float) -> None:
        """Zoom by ``factor`` keeping the time under pixel ``x`` under it."""
        anchor = self.x_to_time(x)
        self.pixels_per_second = self.pixels_per_second * factor
        self._clamp_zoom()
        self.offset = anchor - x / self.pixels_per_second
        self._clamp()

    def zoom_to_fit(self) -> None:
        self.pixels_per_second = self.min_pixels_per_second
        self.offset = 0.0

    def show_range(self, start: float, end: float) -> None:
        span = max(end - start, 1e-3)
        self.pixels_per_second = self.width / span
        self._clamp_zoom()
        self.offset = start
        self._clamp()

    def scroll_by_pixels(self, dx: float) -> None:
        self.offset += dx / self.pixels_per_second
        self._clamp()

    def scroll_to(self, offset: float) -> None:
        self.offset = offset
        self._clamp()

    def follow(self, seconds: float, margin_fraction: float = 0.05) -> bool:
        """Page the view so ``seconds`` is visible (as a playhead follows playback).

        Returns whether the view moved. It pages instead of scrolling continuously so the
        chapters under the cursor do not slide while the user aims at them.
        """
        margin = self.visible_seconds * margin_fraction
        if self.offset <= seconds <= self.offset + self.visible_seconds - margin:
            return False
        self.offset = seconds - margin
        self._clamp()
        return True

    def _clamp_zoom(self) -> None:
        self.pixels_per_second = min(
            self.max_pixels_per_second, max(self.min_pixels_per_second, self.pixels_per_second)
        )

    def _clamp(self) -> None:
        self._clamp_zoom()
        self.offset = min(self.max_offset, max(0.0, self.offset))
