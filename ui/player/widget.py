"""The player: video surface, transport controls, time display, speed and volume."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import icon
from ui.timecode import clock

from .backends import PlayerBackend, create_backend

BACKEND_NAMES = {"vlc": "libvlc", "qt": "Qt Multimedia", "none": "no preview"}
SPEEDS = (0.25, 0.5, 1.0, 1.25, 1.5, 2.0)
SHUTTLE_SPEEDS = (1.0, 2.0, 4.0, 8.0)
DEFAULT_VOLUME = 80


class SeekSlider(QSlider):
    """A slider that jumps to where it is clicked (not by a page), then follows the drag."""

    clicked_to = Signal(int)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), int(event.position().x()), self.width()
                )
                self.setValue(value)
                self.clicked_to.emit(value)
        super().mousePressEvent(event)


class PlayerWidget(QWidget):
    """Without a ``backend`` given, the best one is made the first time it is needed
    (``backend``) or when ``start_backend`` is called: a media stack takes tens of
    milliseconds to start, which the editor spends after it is on screen, not before."""

    position_changed = Signal(float)
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, backend: PlayerBackend | None = None) -> None:
        super().__init__(parent)
        self._backend: PlayerBackend | None = None
        self._source: tuple[str, float] | None = None  # loaded before the backend existed
        self.fps = 30.0
        self._duration = 0.0
        self._shuttle = 0  # <0 reverse, >0 forward, index into SHUTTLE_SPEEDS
        self._reverse_timer = QTimer(self)
        self._reverse_timer.setInterval(80)
        self._reverse_timer.timeout.connect(self._reverse_step)
        self._build()
        if backend is not None:
            self._use_backend(backend)

    @property
    def backend(self) -> PlayerBackend:
        if self._backend is None:
            self._use_backend(create_backend(self))
        assert self._backend is not None
        return self._backend

    def has_backend(self) -> bool:
        return self._backend is not None

    def start_backend(self) -> None:
        """Make the backend now (if not made yet)."""
        _ = self.backend

    def _use_backend(self, backend: PlayerBackend) -> None:
        self._backend = backend
        video = backend.video_widget()
        video.setMinimumHeight(120)
        self.layout().replaceWidget(self._video, video)
        self._video.deleteLater()
        self._video = video
        self.backend_label.setText(BACKEND_NAMES.get(backend.name, backend.name))
        backend.set_volume(self.volume_slider.value())
        backend.set_rate(self.speed_box.currentData() or 1.0)
        backend.position_changed.connect(self._on_position)
        backend.duration_changed.connect(self._on_duration)
        backend.playing_changed.connect(self._on_playing)
        if self._source is not None:
            backend.load(*self._source)

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # Until the backend is made, a plain dark area holds its place.
        self._video = QWidget(objectName="VideoPlaceholder")
        self._video.setMinimumHeight(120)
        layout.addWidget(self._video, 1)

        bar = QWidget(objectName="PlayerControls")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(4)

        def button(name: str, tip: str, slot, big: bool = False) -> QToolButton:
            widget = QToolButton(toolTip=tip, autoRaise=True)
            widget.setProperty("flat", True)
            widget.setIcon(icon(name))
            widget.setIconSize(widget.iconSize() * (1.35 if big else 1.0))
            widget.clicked.connect(slot)
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(widget)
            return widget

        self.back5_button = button("back5", "Back 5 s (←)", lambda: self.step_seconds(-5))
        self.frame_back_button = button(
            "frame-back", "Previous frame (,)", lambda: self.step_frames(-1)
        )
        self.play_button = button("play", "Play / pause (Space)", self.toggle, big=True)
        self.frame_forward_button = button(
            "frame-forward", "Next frame (.)", lambda: self.step_frames(1)
        )
        self.forward5_button = button("forward5", "Forward 5 s (→)", lambda: self.step_seconds(5))
        row.addSpacing(8)
        self.time_label = QLabel(objectName="TimeLabel")
        row.addWidget(self.time_label)
        row.addSpacing(10)
        self.seek_slider = SeekSlider(Qt.Orientation.Horizontal)
        self.seek_slider.setRange(0, 1000)
        self.seek_slider.setMinimumWidth(140)  # stays usable when the side panel is wide
        self.seek_slider.clicked_to.connect(self._slider_seek)
        self.seek_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.seek_slider.sliderMoved.connect(self._slider_seek)
        self.seek_slider.sliderPressed.connect(lambda: self._slider_seek(self.seek_slider.value()))
        row.addWidget(self.seek_slider, 1)
        row.addSpacing(10)
        self.speed_box = QComboBox(toolTip="Playback speed")
        self.speed_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.currentIndexChanged.connect(
            lambda i: self._backend and self._backend.set_rate(self.speed_box.itemData(i))
        )
        row.addWidget(self.speed_box)
        self.mute_button = button("volume", "Mute", self._toggle_mute)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, toolTip="Volume")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(DEFAULT_VOLUME)
        self.volume_slider.setFixedWidth(90)
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume_slider.valueChanged.connect(self._set_volume)
        row.addWidget(self.volume_slider)
        row.addSpacing(8)
        self.backend_label = QLabel("starting…", objectName="BackendBadge")
        self.backend_label.setToolTip("Video playback backend in use")
        row.addWidget(self.backend_label)
        layout.addWidget(bar)
        self._update_time()

    # --- control -------------------------------------------------------------------------
    def load(self, path: str, duration: float, fps: float | None = None) -> None:
        self.fps = fps if fps and fps > 0 else 30.0
        self._duration = duration
        self._source = (path, duration)
        if self._backend is not None:
            self._backend.load(path, duration)
        self._update_time()

    def position(self) -> float:
        return self._backend.position() if self._backend is not None else 0.0

    def duration(self) -> float:
        return self._duration

    def play(self) -> None:
        self._stop_shuttle()
        self.backend.play()

    def pause(self) -> None:
        self._stop_shuttle()
        if self._backend is not None:
            self._backend.pause()

    def toggle(self) -> None:
        if self.is_playing() or self._reverse_timer.isActive():
            self.pause()
        else:
            self.play()

    def is_playing(self) -> bool:
        return self._backend is not None and self._backend.is_playing()

    def seek(self, seconds: float) -> None:
        seconds = max(0.0, min(self._duration or seconds, seconds))
        self.backend.seek(seconds)
        self._on_position(seconds)

    def step_seconds(self, delta: float) -> None:
        self.seek(self.position() + delta)

    def step_frames(self, frames: int) -> None:
        self.pause()
        frame = 1.0 / self.fps
        # Land on frame boundaries so repeated steps never drift.
        index = round(self.position() / frame) + frames
        self.seek(index * frame)

    def shuttle(self, direction: int) -> None:
        """J/K/L: each press of L (or J) speeds up playback forward (or backward); K stops."""
        if direction == 0:
            self.pause()
            return
        if (self._shuttle > 0) == (direction > 0) and self._shuttle != 0:
            self._shuttle = min(len(SHUTTLE_SPEEDS), abs(self._shuttle) + 1) * direction
        else:
            self._shuttle = direction
        speed = SHUTTLE_SPEEDS[abs(self._shuttle) - 1]
        if direction > 0:
            self._reverse_timer.stop()
            self.backend.set_rate(speed)
            self.backend.play()
        else:
            # No backend plays backwards smoothly; step back in small seeks instead.
            self.backend.pause()
            self._reverse_timer.start()

    @property
    def shuttle_speed(self) -> float:
        if self._shuttle == 0:
            return 0.0
        return SHUTTLE_SPEEDS[abs(self._shuttle) - 1] * (1 if self._shuttle > 0 else -1)

    def _reverse_step(self) -> None:
        step = self._reverse_timer.interval() / 1000.0 * abs(self.shuttle_speed)
        self.seek(self.position() - step)
        if self.position() <= 0:
            self._stop_shuttle()

    def _stop_shuttle(self) -> None:
        if self._shuttle:
            self._shuttle = 0
            self._reverse_timer.stop()
            self.backend.set_rate(self.speed_box.currentData() or 1.0)

    def _slider_seek(self, value: int) -> None:
        if self._duration:
            self.seek(self._duration * value / 1000.0)

    def _set_volume(self, value: int) -> None:
        if self._backend is not None:
            self._backend.set_volume(value)
        self.mute_button.setIcon(icon("mute" if value == 0 else "volume"))

    def _toggle_mute(self) -> None:
        if self.volume_slider.value():
            self._volume_before_mute = self.volume_slider.value()
            self.volume_slider.setValue(0)
        else:
            self.volume_slider.setValue(getattr(self, "_volume_before_mute", 80))

    # --- backend events ------------------------------------------------------------------
    def _on_position(self, seconds: float) -> None:
        self._update_time(seconds)
        self.position_changed.emit(seconds)

    def _on_duration(self, seconds: float) -> None:
        if seconds > 0:
            self._duration = seconds
            self._update_time()

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setIcon(icon("pause" if playing else "play"))
        self.playing_changed.emit(playing)

    def _update_time(self, seconds: float | None = None) -> None:
        position = self.position() if seconds is None else seconds
        self.time_label.setText(f"{clock(position, fraction_digits=2)}  /  {clock(self._duration)}")
        if self._duration and not self.seek_slider.isSliderDown():
            self.seek_slider.blockSignals(True)
            self.seek_slider.setValue(int(position / self._duration * 1000))
            self.seek_slider.blockSignals(False)

    def close_backend(self) -> None:
        self._reverse_timer.stop()
        if self._backend is not None:
            self._backend.close()
