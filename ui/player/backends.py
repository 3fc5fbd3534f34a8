"""Player backends behind one small interface.

``vlc`` embeds libvlc into a native window (X11 window id, HWND or NSView; under Wayland Qt
runs through XWayland for this widget's native window). ``qt`` uses QMediaPlayer and a
QVideoWidget: used when libvlc is missing, under ``QT_QPA_PLATFORM=offscreen`` (no native
window to draw into), or when ``VODSTUDIO_PLAYER=qt``. ``none`` keeps a clock without picture
so editing works even with no media stack at all.

libvlc reports from its own threads, so the vlc backend polls on a GUI timer instead of
using its event manager: nothing crosses threads.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget


class PlayerBackend(QObject):
    position_changed = Signal(float)
    duration_changed = Signal(float)
    playing_changed = Signal(bool)
    error = Signal(str)

    name = "none"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._duration = 0.0
        self._rate = 1.0
        self._volume = 80

    # --- interface -----------------------------------------------------------------------
    def video_widget(self) -> QWidget:
        raise NotImplementedError

    def load(self, path: str, duration_hint: float = 0.0) -> None:
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def is_playing(self) -> bool:
        raise NotImplementedError

    def position(self) -> float:
        raise NotImplementedError

    def seek(self, seconds: float) -> None:
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        self._rate = rate

    def rate(self) -> float:
        return self._rate

    def set_volume(self, volume: int) -> None:
        self._volume = volume

    def volume(self) -> int:
        return self._volume

    def duration(self) -> float:
        return self._duration

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def close(self) -> None:
        pass

    def _clamped(self, seconds: float) -> float:
        upper = self._duration if self._duration > 0 else seconds
        return max(0.0, min(upper, seconds))


class ClockBackend(PlayerBackend):
    """No picture, just a playback clock: the editor stays fully usable."""

    name = "none"

    def __init__(self, parent: QObject | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self._label = QLabel(reason or "No video backend available")
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._label.setObjectName("EmptyState")
        self._position = 0.0
        self._started_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._tick)

    def video_widget(self) -> QWidget:
        return self._label

    def load(self, path: str, duration_hint: float = 0.0) -> None:
        self._duration = duration_hint
        self._position = 0.0
        self.duration_changed.emit(self._duration)

    def play(self) -> None:
        if self._started_at is None:
            self._started_at = time.monotonic()
            self._timer.start()
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._started_at is not None:
            self._position = self.position()
            self._started_at = None
            self._timer.stop()
            self.playing_changed.emit(False)

    def is_playing(self) -> bool:
        return self._started_at is not None

    def position(self) -> float:
        if self._started_at is None:
            return self._position
        return self._clamped(self._position + (time.monotonic() - self._started_at) * self._rate)

    def seek(self, seconds: float) -> None:
        self._position = self._clamped(seconds)
        if self._started_at is not None:
            self._started_at = time.monotonic()
        self.position_changed.emit(self._position)

    def set_rate(self, rate: float) -> None:
        self._position = self.position()
        if self._started_at is not None:
            self._started_at = time.monotonic()
        super().set_rate(rate)

    def _tick(self) -> None:
        position = self.position()
        self.position_changed.emit(position)
        if self._duration and position >= self._duration:
            self.pause()


class QtMultimediaBackend(PlayerBackend):
    name = "qt"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self._player = QMediaPlayer(self)
        self._audio = QAudioOutput(self)
        self._player.setAudioOutput(self._audio)
        self._video = QVideoWidget()
        self._video.setStyleSheet("background: black;")
        self._player.setVideoOutput(self._video)
        self._pending_seek: float | None = None
        self._player.positionChanged.connect(lambda ms: self.position_changed.emit(ms / 1000.0))
        self._player.durationChanged.connect(self._on_duration)
        self._player.playbackStateChanged.connect(
            lambda state: self.playing_changed.emit(
                state == QMediaPlayer.PlaybackState.PlayingState
            )
        )
        self._player.errorOccurred.connect(
            lambda _e, text: text and self.error.emit(f"player: {text}")
        )
        self.set_volume(self._volume)

    def video_widget(self) -> QWidget:
        return self._video

    def load(self, path: str, duration_hint: float = 0.0) -> None:
        self._duration = duration_hint
        self._player.setSource(QUrl.fromLocalFile(path) if "://" not in path else QUrl(path))
        if duration_hint:
            self.duration_changed.emit(duration_hint)

    def _on_duration(self, ms: int) -> None:
        if ms > 0:
            self._duration = ms / 1000.0
            self.duration_changed.emit(self._duration)

    def play(self) -> None:
        self._player.play()

    def pause(self) -> None:
        self._player.pause()

    def is_playing(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def position(self) -> float:
        return self._player.position() / 1000.0

    def seek(self, seconds: float) -> None:
        self._player.setPosition(int(self._clamped(seconds) * 1000))
        self.position_changed.emit(self._clamped(seconds))

    def set_rate(self, rate: float) -> None:
        super().set_rate(rate)
        self._player.setPlaybackRate(rate)

    def set_volume(self, volume: int) -> None:
        super().set_volume(volume)
        self._audio.setVolume(volume / 100.0)

    def close(self) -> None:
        self._player.stop()


class VlcBackend(PlayerBackend):
    name = "vlc"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        import vlc

        self._vlc = vlc
        extra = os.environ.get("VODSTUDIO_VLC_ARGS", "").split()  # e.g. --aout=dummy
        self._instance = vlc.Instance(["--quiet", "--no-video-title-show", "--no-xlib", *extra])
        if self._instance is None:
            raise RuntimeError("libvlc could not start")
        self._player = self._instance.media_player_new()
        self._frame = QWidget()
        self._frame.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self._frame.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self._frame.setStyleSheet("background: black;")
        self._frame.setAutoFillBackground(True)
        self._embedded = False
        self._position = 0.0
        self._playing = False
        self._pause_when_started = False
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def video_widget(self) -> QWidget:
        return self._frame

    def _embed(self) -> None:
        if self._embedded:
            return
        handle = int(self._frame.winId())
        if sys.platform.startswith("linux"):
            self._player.set_xwindow(handle)
        elif sys.platform == "win32":
            self._player.set_hwnd(handle)
        elif sys.platform == "darwin":
            self._player.set_nsobject(handle)
        self._embedded = True

    def load(self, path: str, duration_hint: float = 0.0) -> None:
        self._embed()
        self._duration = duration_hint
        self._player.set_media(self._instance.media_new(path))
        self._position = 0.0
        # Start and pause at once so the first frame shows and seeking works while paused.
        self._pause_when_started = True
        self._player.audio_set_mute(True)
        self._player.play()
        if duration_hint:
            self.duration_changed.emit(duration_hint)

    def play(self) -> None:
        self._pause_when_started = False
        self._player.audio_set_mute(False)
        self._player.set_time(int(self._position * 1000))
        self._player.play() if not self._player.is_playing() else None
        self._player.set_pause(0)

    def pause(self) -> None:
        self._player.set_pause(1)

    def is_playing(self) -> bool:
        return bool(self._player.is_playing())

    def position(self) -> float:
        return self._position

    def seek(self, seconds: float) -> None:
        self._position = self._clamped(seconds)
        self._player.set_time(int(self._position * 1000))
        self.position_changed.emit(self._position)

    def set_rate(self, rate: float) -> None:
        super().set_rate(rate)
        self._player.set_rate(rate)

    def set_volume(self, volume: int) -> None:
        super().set_volume(volume)
        self._player.audio_set_volume(volume)

    def _poll(self) -> None:
        state = self._player.get_state()
        playing = bool(self._player.is_playing())
        if self._pause_when_started and playing:
            self._pause_when_started = False
            self._player.set_pause(1)
            self._player.set_time(int(self._position * 1000))
            self._player.audio_set_mute(False)
            playing = False
        length = self._player.get_length()
        if length > 0 and abs(length / 1000.0 - self._duration) > 0.5:
            self._duration = length / 1000.0
            self.duration_changed.emit(self._duration)
        if playing:
            milliseconds = self._player.get_time()
            if milliseconds >= 0:
                self._position = milliseconds / 1000.0
                self.position_changed.emit(self._position)
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)
        if state == self._vlc.State.Error:
            self.error.emit("libvlc could not play this file")
            self._player.stop()

    def close(self) -> None:
        self._timer.stop()
        self._player.stop()
        self._player.release()
        self._instance.release()


def create_backend(parent: QObject | None = None) -> PlayerBackend:
    """The best backend this session can use (``VODSTUDIO_PLAYER`` forces one)."""
    wanted = os.environ.get("VODSTUDIO_PLAYER", "").strip().lower()
    platform = QGuiApplication.platformName()
    headless = platform in {"offscreen", "minimal"}
    order = [wanted] if wanted else (["qt", "none"] if headless else ["vlc", "qt", "none"])
    reasons = []
    for name in order:
        try:
            if name == "vlc":
                return VlcBackend(parent)
            if name == "qt":
                return QtMultimediaBackend(parent)
            if name == "none":
                break
        except Exception as error:  # a missing libvlc raises OSError/NameError inside vlc.py
            reasons.append(f"{name}: {error}")
    return ClockBackend(parent, "No video preview (" + ("; ".join(reasons) or "disabled") + ")")
