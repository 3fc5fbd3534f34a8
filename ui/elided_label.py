"""A one-line label that never makes its window wider: long text is cut with "…" and shown
whole in the tooltip. A plain ``QLabel`` asks for its full text width as its minimum, so a
long search summary or error message would push the main window past the screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget


class ElidedLabel(QLabel):
    """``elide``: where the cut goes. The middle keeps both ends of a path or an error; a
    sentence (a hint) reads better cut at its end."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        elide: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
        **kwargs,
    ) -> None:
        super().__init__(text, parent, **kwargs)
        self.elide_mode = elide
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self._sync_tooltip()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._sync_tooltip()

    def _sync_tooltip(self) -> None:
        self.setToolTip(self.text())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.minimumWidth(), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 360), hint.height())

    def elided_text(self) -> str:
        """The text as it is drawn at the label's current width."""
        margin = self.margin() * 2 + self.contentsMargins().left() + self.contentsMargins().right()
        return self.fontMetrics().elidedText(
            self.text(), self.elide_mode, max(0, self.width() - margin)
        )

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        rect = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), self.elided_text())
        painter.end()
