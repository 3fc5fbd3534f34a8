"""Non-blocking messages: a toast over the window's bottom edge that fades on its own."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from .theme import icon


class Toast(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Toast")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 6, 8)
        self.label = QLabel(wordWrap=True)
        self.label.setMaximumWidth(620)
        row.addWidget(self.label, 1)
        close = QToolButton()
        close.setProperty("flat", True)
        close.setIcon(icon("cancel", "muted"))
        close.clicked.connect(self.hide)
        row.addWidget(close)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, error: bool = False) -> None:
        self.label.setText(text)
        self.setProperty("error", error)
        self.style().unpolish(self)
        self.style().polish(self)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(8000 if error else 4000)

    def _place(self) -> None:
        parent = self.parentWidget()
        width = min(self.sizeHint().width(), parent.width() - 40)
        height = (
            self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        )
        # Bottom left, over the timeline: centred it covered the side panel's action buttons.
        self.setGeometry(16, parent.height() - height - 44, width, height)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
