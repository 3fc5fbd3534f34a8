"""A frame of the VOD with the 9:16 window a vertical clip keeps: click or drag to slide it
left and right (the position goes from 0, the left edge, to 1, the right edge). With the
blurred fill the whole picture is kept, so the preview shows it inside a 9:16 frame."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.domain.clips import VerticalFill
from core.media.clip_encoding import crop_window
from ui.theme import COLORS


class CropPreview(QWidget):
    position_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.picture_size = (1920, 1080)
        self.position = 0.5
        self.fill = VerticalFill.CROP
        self.setMinimumSize(QSize(320, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.SizeHorCursor)
        self.setToolTip("Click or drag to choose what the 9:16 crop keeps")

    def sizeHint(self) -> QSize:
        return QSize(400, 225)

    def set_image(self, image: QImage | None, size: tuple[int, int]) -> None:
        self.image = image
        self.picture_size = size
        self.update()

    def set_fill(self, fill: VerticalFill) -> None:
        self.fill = fill
        self.setCursor(
            Qt.CursorShape.SizeHorCursor
            if fill == VerticalFill.CROP
            else Qt.CursorShape.ArrowCursor
        )
        self.update()

    def set_position(self, position: float) -> None:
        position = min(1.0, max(0.0, position))
        if abs(position - self.position) > 1e-9:
            self.position = position
            self.update()
            self.position_changed.emit(position)

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn: as large as fits, centred."""
        width, height = self.picture_size
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def crop_rect(self) -> QRectF:
        picture = self.picture_rect()
        width, height = self.picture_size
        crop_w, crop_h = crop_window(width, height)
        scale = picture.width() / width
        x = picture.left() + (width - crop_w) * self.position * scale
        y = picture.top() + (height - crop_h) / 2 * scale
        return QRectF(x, y, crop_w * scale, crop_h * scale)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(self.rect(), QColor(COLORS["window"]))
        picture = self.picture_rect()
        if self.image is not None:
            painter.drawImage(picture, self.image)
        else:
            painter.fillRect(picture, QColor(COLORS["raised"]))
            painter.setPen(QColor(COLORS["muted"]))
            painter.drawText(picture, Qt.AlignmentFlag.AlignCenter, "Loading a frame…")
        if self.fill == VerticalFill.CROP:
            crop = self.crop_rect()
            shade = QColor(0, 0, 0, 150)
            painter.fillRect(
                QRectF(
                    picture.left(), picture.top(), crop.left() - picture.left(), picture.height()
                ),
                shade,
            )
            painter.fillRect(
                QRectF(
                    crop.right(), picture.top(), picture.right() - crop.right(), picture.height()
                ),
                shade,
            )
            painter.setPen(QPen(QColor(COLORS["accent"]), 2))
            painter.drawRect(crop.adjusted(1, 1, -1, -1))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._follow(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._follow(event)

    def _follow(self, event: QMouseEvent) -> None:
        """Centre the crop window on the pointer."""
        if self.fill != VerticalFill.CROP:
            return
        picture, crop = self.picture_rect(), self.crop_rect()
        room = picture.width() - crop.width()
        if room <= 0:
            return
        left = event.position().x() - crop.width() / 2 - picture.left()
        self.set_position(left / room)
