"""Paints one VOD card: thumbnail, duration chip, title, chapter count and status badge."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPainterPath
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from ui.theme import COLORS, pixmap

CARD_WIDTH, THUMB_HEIGHT, TEXT_HEIGHT = 272, 153, 62
VOD_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_ROLE = Qt.ItemDataRole.UserRole + 2

BADGES = {
    "ready": ("READY", "#2fbf8f"),
    "processing": ("PROCESSING", "#fbbf24"),
    "failed": ("FAILED", "#ff5470"),
    "uploaded": ("UPLOADED", "#60a5fa"),
    "synced": ("SYNCED", "#60a5fa"),
    "changed": ("CHANGED", "#f97316"),
    "uploading": ("UPLOADING", "#c4b0ff"),
    "conflict": ("CONFLICT", "#ff5470"),
    "sync error": ("SYNC ERROR", "#ff5470"),
    "deleted": ("DELETED", "#6b7280"),
    "cut short": ("CUT SHORT", "#f97316"),  # the recording ends before its index says
}


class VodCardDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title_font = QFont()
        self.title_font.setPointSizeF(10.5)
        self.title_font.setBold(True)
        self.small_font = QFont()
        self.small_font.setPointSizeF(8.5)
        self.badge_font = QFont(self.small_font)
        self.badge_font.setBold(True)
        self.badge_font.setPointSizeF(7.5)

    def sizeHint(self, option, index) -> QSize:
        return QSize(CARD_WIDTH + 16, THUMB_HEIGHT + TEXT_HEIGHT + 16)

    def paint(self, painter: QPainter, option, index) -> None:
        vod = index.data(VOD_ROLE)
        if not vod:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect).adjusted(8, 8, -8, -8)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        path = QPainterPath()
        path.addRoundedRect(card, 10, 10)
        painter.fillPath(path, QColor("#1f1f2b" if hovered else "#1a1a23"))
        if selected or hovered:
            painter.setPen(QColor(COLORS["accent"] if selected else "#3a3a52"))
            painter.drawPath(path)

        thumb = QRectF(card.left(), card.top(), card.width(), THUMB_HEIGHT)
        clip = QPainterPath()
        clip.setFillRule(Qt.FillRule.WindingFill)  # odd-even would cut the overlap out
        clip.addRoundedRect(thumb, 10, 10)
        clip.addRect(QRectF(thumb.left(), thumb.bottom() - 12, thumb.width(), 12))
        painter.save()
        painter.setClipPath(clip.simplified())
        image = index.data(THUMB_ROLE)
        if image is not None and not image.isNull():
            scaled = image.scaled(
                thumb.size().toSize(),
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            dx = (scaled.width() - thumb.width()) / 2
            dy = (scaled.height() - thumb.height()) / 2
            painter.drawPixmap(
                thumb.topLeft(), scaled, QRectF(dx, dy, thumb.width(), thumb.height())
            )
        else:
            gradient = QLinearGradient(thumb.topLeft(), thumb.bottomRight())
            gradient.setColorAt(0, QColor("#2a1f55"))
            gradient.setColorAt(1, QColor("#12303a"))
            painter.fillRect(thumb, gradient)
            icon = pixmap("film", "#8f7fd6", 44)
            painter.drawPixmap(int(thumb.center().x() - 22), int(thumb.center().y() - 22), icon)
        painter.restore()

        # duration chip, bottom right of the thumbnail
        painter.setFont(self.small_font)
        metrics = QFontMetricsF(self.small_font)
        duration = vod["duration_text"]
        chip_w = metrics.horizontalAdvance(duration) + 12
        chip = QRectF(thumb.right() - chip_w - 8, thumb.bottom() - 26, chip_w, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawRoundedRect(chip, 4, 4)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, duration)

        # status badges, top left
        x = thumb.left() + 8
        painter.setFont(self.badge_font)
        badge_metrics = QFontMetricsF(self.badge_font)
        for status in vod["badges"]:
            text, colour = BADGES.get(status, (status.upper(), "#6b7280"))
            width = badge_metrics.horizontalAdvance(text) + 12
            badge = QRectF(x, thumb.top() + 8, width, 17)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(badge, 8.5, 8.5)
            painter.setPen(QColor("#0b0b10"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 6

        text_left = card.left() + 12
        text_width = card.width() - 24
        painter.setFont(self.title_font)
        painter.setPen(QColor(COLORS["text"]))
        title = QFontMetricsF(self.title_font).elidedText(
            vod["title"], Qt.TextElideMode.ElideRight, text_width
        )
        painter.drawText(
            QRectF(text_left, thumb.bottom() + 10, text_width, 20),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        painter.setFont(self.small_font)
        painter.setPen(QColor(COLORS["muted"]))
        detail = metrics.elidedText(vod["detail"], Qt.TextElideMode.ElideRight, text_width)
        painter.drawText(
            QRectF(text_left, thumb.bottom() + 32, text_width, 18),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            detail,
        )
        painter.restore()
