"""Drawing the timeline; kept apart from input handling so each stays readable.

Painting is bounded by what is on screen: ruler ticks come from ``core.timeline.ruler`` (a
few hundred at most) and chapters from ``ChapterIndex.visible`` (a bisect), so a 12-hour VOD
with thousands of chapters paints as fast as a short one.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from core.domain.chapters import Chapter, ChapterSource
from core.timeline import ruler_ticks

RULER_HEIGHT = 26.0
LANE_TOP = 34.0
LANE_HEIGHT = 54.0
LABEL_MIN_WIDTH = 28.0


class Palette:
    """Pens and brushes built once, not per paint."""

    def __init__(self) -> None:
        self.background = QColor("#14141b")
        self.ruler = QColor("#1b1b25")
        self.lane = QColor("#181821")
        self.tick = QPen(QColor("#4a4a60"))
        self.major_tick = QPen(QColor("#8c8ca4"))
        self.grid = QPen(QColor(255, 255, 255, 12))
        self.label = QColor("#a8a8bf")
        self.manual = QColor("#6d4ce0")
        self.manual_edge = QColor("#a88bff")
        self.ai = QColor(22, 120, 112)
        self.ai_edge = QColor("#2dd4bf")
        self.selected_edge = QPen(QColor("#ffffff"), 2.0)
        self.text = QColor("#ffffff")
        self.subtext = QColor(255, 255, 255, 170)
        self.playhead = QColor("#ff4d6d")
        self.snap = QPen(QColor("#fde047"), 1.5, Qt.PenStyle.DashLine)
        self.marks = QColor(143, 102, 255, 40)
        self.mark_edge = QPen(QColor("#c4b0ff"), 1.0)
        self.preview = QColor(143, 102, 255, 110)
        self.preview_edge = QPen(QColor("#d7c8ff"), 1.5, Qt.PenStyle.DashLine)
        self.blocked = QColor(255, 84, 112, 26)
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(self.font)
        self.bold_metrics = QFontMetricsF(self.bold)
        manual_edge = QPen(self.manual_edge, 1.0)
        ai_edge = QPen(self.ai_edge, 1.0, Qt.PenStyle.DashLine)
        self.edges = {ChapterSource.MANUAL: manual_edge, ChapterSource.AI: ai_edge}
        self.fills = {ChapterSource.MANUAL: QBrush(self.manual), ChapterSource.AI: QBrush(self.ai)}


def paint_timeline(painter: QPainter, widget) -> None:
    palette: Palette = widget.palette_cache
    view = widget.viewport
    width, height = float(widget.width()), float(widget.height())
    painter.fillRect(QRectF(0, 0, width, height), palette.background)
    painter.fillRect(QRectF(0, 0, width, RULER_HEIGHT), palette.ruler)
    lane = QRectF(0, LANE_TOP, width, LANE_HEIGHT)
    painter.fillRect(lane, palette.lane)
    _paint_ruler(painter, widget, palette, height)
    _paint_marks(painter, widget, palette, height)
    _paint_chapters(painter, widget, palette)
    _paint_drag(painter, widget, palette)
    _paint_playhead(painter, view.time_to_x(widget.playhead), palette, height)


def _paint_ruler(painter: QPainter, widget, palette: Palette, height: float) -> None:
    painter.setFont(palette.font)
    minor_lines, major_lines, grid = [], [], []
    labels = []
    for tick in ruler_ticks(widget.viewport):
        if tick.major:
            major_lines.append((tick.x, RULER_HEIGHT - 9))
            grid.append(tick.x)
            if tick.label:
                labels.append((tick.x, tick.label))
        else:
            minor_lines.append((tick.x, RULER_HEIGHT - 4))
    painter.setPen(palette.tick)
    for x, top in minor_lines:
        painter.drawLine(QPointF(x, top), QPointF(x, RULER_HEIGHT))
    painter.setPen(palette.grid)
    for x in grid:
        painter.drawLine(QPointF(x, RULER_HEIGHT), QPointF(x, height))
    painter.setPen(palette.major_tick)
    for x, top in major_lines:
        painter.drawLine(QPointF(x, top), QPointF(x, RULER_HEIGHT))
    painter.setPen(palette.label)
    for x, label in labels:
        painter.drawText(QPointF(x + 4, 12), label)


def _paint_marks(painter: QPainter, widget, palette: Palette, height: float) -> None:
    view = widget.viewport
    mark_in, mark_out = widget.mark_in, widget.mark_out
    if mark_in is not None and mark_out is not None and mark_out > mark_in:
        x0, x1 = view.time_to_x(mark_in), view.time_to_x(mark_out)
        painter.fillRect(QRectF(x0, RULER_HEIGHT, x1 - x0, height - RULER_HEIGHT), palette.marks)
    painter.setPen(palette.mark_edge)
    for mark, label in ((mark_in, "IN"), (mark_out, "OUT")):
        if mark is not None:
            x = view.time_to_x(mark)
            painter.drawLine(QPointF(x, RULER_HEIGHT), QPointF(x, height))
            painter.drawText(QPointF(x + 3, LANE_TOP + LANE_HEIGHT + 12), label)


def _paint_chapters(painter: QPainter, widget, palette: Palette) -> None:
    view = widget.viewport
    index = widget.index
    dragging_id = widget.drag.chapter.id if widget.drag and widget.drag.chapter else None
    top, bottom = LANE_TOP + 3, LANE_TOP + LANE_HEIGHT - 3
    first, last = index.visible_slice(view.visible_start, view.visible_end)
    chapters = index.chapters
    # Chapters narrower than a pixel or two are merged into runs: at a full 12-hour zoom
    # a thousand chapters become a few hundred rectangles, not a thousand strokes.
    run_source, run_x0, run_x1 = None, 0.0, -1.0
    fills = palette.fills
    for position in range(first, last):
        chapter = chapters[position]
        if chapter.id == dragging_id:
            continue
        x0 = view.time_to_x(chapter.start_time)
        x1 = view.time_to_x(chapter.end_time)
        if x1 - x0 < 3.0:
            if chapter.source == run_source and x0 - run_x1 < 1.5:
                run_x1 = x1
                continue
            if run_source is not None:
                painter.fillRect(QRectF(run_x0, top, max(1.0, run_x1 - run_x0), bottom - top),
                                 fills[run_source])
            run_source, run_x0, run_x1 = chapter.source, x0, x1
            continue
        _paint_block(painter, palette, chapter, x0, x1, top, bottom,
                     chapter.id == widget.selected_id, float(widget.width()))
    if run_source is not None:
        painter.fillRect(QRectF(run_x0, top, max(1.0, run_x1 - run_x0), bottom - top),
                         fills[run_source])


def _paint_block(painter: QPainter, palette: Palette, chapter: Chapter, x0: float, x1: float,
                 top: float, bottom: float, selected: bool, width: float,
                 preview: bool = False) -> None:
    left, right = max(x0, -4.0), min(x1, width + 4.0)
    rect = QRectF(left + 0.5, top, max(1.0, right - left - 1.0), bottom - top)
    is_ai = chapter.source == ChapterSource.AI
    fill = QColor(palette.ai if is_ai else palette.manual)
    if selected:
        fill = fill.lighter(135)
    if preview:
        fill.setAlpha(200)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(fill)
    painter.setPen(palette.selected_edge if selected else palette.edges[chapter.source])
    painter.drawRoundedRect(rect, 4, 4)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    if is_ai and chapter.confidence_score is not None:
        bar = QRectF(rect.left() + 3, bottom - 5, (rect.width() - 6) * chapter.confidence_score, 2.5)
        painter.fillRect(bar, palette.ai_edge)
    if rect.width() < LABEL_MIN_WIDTH:
        return
    text_left = max(rect.left(), 0.0) + 7
    text_width = min(rect.right(), width) - text_left - 6
    if text_width < 12:
        return
    title = ("✦ " if is_ai else "") + chapter.title
    painter.setFont(palette.bold)
    painter.setPen(palette.text)
    painter.drawText(QPointF(text_left, top + 17),
                     palette.bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, text_width))
    detail = _clock(chapter.start_time)
    if is_ai and chapter.confidence_score is not None:
        detail += f"  ·  {chapter.confidence_score:.0%}"
    painter.setFont(palette.font)
    painter.setPen(palette.subtext)
    painter.drawText(QPointF(text_left, top + 33),
                     palette.metrics.elidedText(detail, Qt.TextElideMode.ElideRight, text_width))


def _paint_drag(painter: QPainter, widget, palette: Palette) -> None:
    drag = widget.drag
    if drag is None:
        return
    view = widget.viewport
    top, bottom = LANE_TOP + 3, LANE_TOP + LANE_HEIGHT - 3
    height = float(widget.height())
    # Where the chapter may go: the rest of the lane is tinted as blocked.
    lo_x, hi_x = view.time_to_x(drag.lo), view.time_to_x(drag.hi)
    painter.fillRect(QRectF(0, LANE_TOP, max(0.0, lo_x), LANE_HEIGHT), palette.blocked)
    painter.fillRect(QRectF(hi_x, LANE_TOP, max(0.0, widget.width() - hi_x), LANE_HEIGHT),
                     palette.blocked)
    x0, x1 = view.time_to_x(drag.start), view.time_to_x(drag.end)
    if drag.chapter is not None:
        from dataclasses import replace

        moved = replace(drag.chapter, start_time=drag.start, end_time=drag.end)
        _paint_block(painter, palette, moved, x0, x1, top, bottom, True, float(widget.width()), True)
    elif x1 > x0:
        painter.fillRect(QRectF(x0, top, x1 - x0, bottom - top), palette.preview)
        painter.setPen(palette.preview_edge)
        painter.drawRect(QRectF(x0, top, x1 - x0, bottom - top))
    label = f"{_clock(drag.start, True)} – {_clock(drag.end, True)}  ({_clock(drag.end - drag.start, True)})"
    painter.setFont(palette.font)
    text_width = palette.metrics.horizontalAdvance(label) + 12
    box_x = min(max(0.0, x0), widget.width() - text_width)
    box = QRectF(box_x, LANE_TOP + LANE_HEIGHT + 2, text_width, 17)
    painter.fillRect(box, QColor(20, 20, 28, 230))
    painter.setPen(palette.text)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    if drag.snapped_to is not None:
        x = view.time_to_x(drag.snapped_to)
        painter.setPen(palette.snap)
        painter.drawLine(QPointF(x, RULER_HEIGHT), QPointF(x, height))


def _paint_playhead(painter: QPainter, x: float, palette: Palette, height: float) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(palette.playhead, 1.5))
    painter.drawLine(QPointF(x, 4), QPointF(x, height))
    painter.setBrush(palette.playhead)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawPolygon(QPolygonF([QPointF(x - 6, 2), QPointF(x + 6, 2), QPointF(x + 6, 10),
                                   QPointF(x, 16), QPointF(x - 6, 10)]))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _clock(seconds: float, fraction: bool = False) -> str:
    seconds = max(0.0, seconds)
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    if fraction:
        text += f".{int((seconds - whole) * 10)}"
    return text
