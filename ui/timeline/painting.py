"""Drawing the timeline; kept apart from input handling so each stays readable.

Painting is bounded by what is on screen: ruler ticks come from ``core.timeline.ruler`` (a
few hundred at most) and chapters from ``ChapterIndex.visible`` (a bisect), so a 12-hour VOD
with thousands of chapters paints as fast as a short one.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from core.domain.chapters import Chapter, ChapterSource
from core.domain.timefmt import format_display_time
from core.timeline import ruler_ticks

RULER_HEIGHT = 26.0
LANE_TOP = 34.0
LANE_HEIGHT = 54.0
LABEL_MIN_WIDTH = 28.0
FILMSTRIP_TOP = LANE_TOP + LANE_HEIGHT + 8
FILMSTRIP_HEIGHT = 36.0


class Palette:
    """Pens, brushes and elided labels built once, not per paint."""

    def texts(self, chapter: Chapter, width: int) -> tuple[str, str]:
        return _elided_texts(self, chapter, width)

    def __init__(self) -> None:
        self.background = QColor("#14141b")
        self.ruler = QColor("#1b1b25")
        self.lane = QColor("#181821")
        self.tick = QPen(QColor("#4a4a60"))
        self.major_tick = QPen(QColor("#8c8ca4"))
        # Solid, pre-blended over the lane: alpha-blended lines are ~20x slower to draw.
        self.grid = QPen(QColor("#22222c"))
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
        self._texts: dict = {}
        mixed = QColor("#3f5fa8")  # a column holding both manual and AI chapters
        self.strip_colors = [
            QColor(0, 0, 0, 0).rgba(),
            self.manual.rgba(),
            self.ai.rgba(),
            mixed.rgba(),
        ]


def _elided_texts(palette: Palette, chapter: Chapter, width: int) -> tuple[str, str]:
    key = (chapter, width)
    found = palette._texts.get(key)
    if found is None:
        if len(palette._texts) > 4000:  # bounded: old zoom levels are dropped
            palette._texts.clear()
        is_ai = chapter.source == ChapterSource.AI
        title = ("✦ " if is_ai else "") + chapter.title
        detail = format_display_time(chapter.start_time)
        if is_ai and chapter.confidence_score is not None:
            detail += f"  ·  {chapter.confidence_score:.0%}"
        found = (
            palette.bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, width),
            palette.metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width),
        )
        palette._texts[key] = found
    return found


def paint_timeline(painter: QPainter, widget) -> None:
    palette: Palette = widget.palette_cache
    view = widget.viewport
    width, height = float(widget.width()), float(widget.height())
    painter.fillRect(QRectF(0, 0, width, height), palette.background)
    painter.fillRect(QRectF(0, 0, width, RULER_HEIGHT), palette.ruler)
    lane = QRectF(0, LANE_TOP, width, LANE_HEIGHT)
    painter.fillRect(lane, palette.lane)
    _paint_ruler(painter, widget, palette, height)
    _paint_filmstrip(painter, widget, palette)
    _paint_marks(painter, widget, palette, height)
    _paint_chapters(painter, widget, palette)
    _paint_drag(painter, widget, palette)
    _paint_playhead(painter, view.time_to_x(widget.playhead), palette, height)


def _paint_ruler(painter: QPainter, widget, palette: Palette, height: float) -> None:
    minor, major, grid, labels = _ruler_layout(widget, height)
    # One drawLines call per pen: a Python-level call per tick costs more than the drawing.
    if minor:
        painter.setPen(palette.tick)
        painter.drawLines(minor)
    if grid:
        painter.setPen(palette.grid)
        painter.drawLines(grid)
        painter.setPen(palette.major_tick)
        painter.drawLines(major)
    painter.setFont(palette.font)
    painter.setPen(palette.label)
    for point, label in labels:
        painter.drawText(point, label)


def _ruler_layout(widget, height: float):
    view = widget.viewport
    key = (view.offset, view.pixels_per_second, view.width, height)
    cached = getattr(widget, "_ruler_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    minor, major, grid, labels = [], [], [], []
    for tick in ruler_ticks(view):
        x = round(tick.x) + 0.5
        if tick.major:
            major.append(QLineF(x, RULER_HEIGHT - 9, x, RULER_HEIGHT))
            grid.append(QLineF(x, RULER_HEIGHT, x, height))
            if tick.label:
                labels.append((QPointF(x + 3, 12), tick.label))
        else:
            minor.append(QLineF(x, RULER_HEIGHT - 4, x, RULER_HEIGHT))
    result = (minor, major, grid, labels)
    widget._ruler_cache = (key, result)
    return result


def _paint_filmstrip(painter: QPainter, widget, palette: Palette) -> None:
    loader = widget.filmstrip
    if loader is None or not widget.show_filmstrip:
        return
    from .filmstrip import tile_step, visible_tiles

    view = widget.viewport
    step = tile_step(view.pixels_per_second)
    tiles = visible_tiles(view.visible_start, view.visible_end, step, view.duration)
    loader.request(tiles)
    tile_width = step * view.pixels_per_second
    strip = QRectF(0, FILMSTRIP_TOP, widget.width(), FILMSTRIP_HEIGHT)
    painter.fillRect(strip, palette.lane)
    visible = painter.clipBoundingRect() if painter.hasClipping() else strip
    for seconds in tiles:
        x = view.time_to_x(seconds)
        target = QRectF(x + 1, FILMSTRIP_TOP, tile_width - 2, FILMSTRIP_HEIGHT)
        if not target.intersects(visible):
            continue
        image = loader.image(seconds)
        if image is None:
            painter.fillRect(target, palette.ruler)
            continue
        # Crop the frame to the tile's shape instead of stretching it.
        scale = max(target.width() / image.width(), target.height() / image.height())
        source_w, source_h = target.width() / scale, target.height() / scale
        source = QRectF(
            (image.width() - source_w) / 2, (image.height() - source_h) / 2, source_w, source_h
        )
        painter.drawImage(target, image, source)


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
    top, bottom = LANE_TOP + 3, LANE_TOP + LANE_HEIGHT - 3
    width = widget.width()
    strip, narrow, wide = _chapter_layout(widget, width)
    if strip is not None:
        painter.drawImage(QRectF(0, top, width + 1, bottom - top), strip)
    for chapter, x0, x1 in narrow:
        painter.fillRect(
            QRectF(x0 + 0.5, top, x1 - x0 - 1.0, bottom - top), palette.fills[chapter.source]
        )
    if wide:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for chapter, x0, x1 in wide:
            _paint_block(
                painter,
                palette,
                chapter,
                x0,
                x1,
                top,
                bottom,
                chapter.id == widget.selected_id,
                float(width),
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


_ONES = b"\x01" * 8192


def _chapter_layout(widget, width: int):
    """Where each visible chapter goes, cached until the view or the chapters change (the
    playhead repaints many times a second during playback; the layout rarely changes).

    Chapters under 4 px become pixel columns of one 1-pixel-high indexed image (manual, AI
    or both in that column) drawn stretched in a single call: at a full 12-hour zoom a
    thousand chapters cost one drawImage, not a thousand rectangles.
    """
    view, index = widget.viewport, widget.index
    dragging = (
        index.position(widget.drag.chapter.id) if widget.drag and widget.drag.chapter else None
    )
    selected = index.position(widget.selected_id) if widget.selected_id else None
    key = (id(index), view.offset, view.pixels_per_second, width, dragging, selected)
    cached = getattr(widget, "_layout_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    first, last = index.visible_slice(view.visible_start, view.visible_end)
    starts, ends, is_ai, chapters = index.starts, index.ends, index.is_ai, index.chapters
    offset, scale = view.offset, view.pixels_per_second
    manual_columns = bytearray(width + 1)
    ai_columns = bytearray(width + 1)
    wide, narrow = [], []
    for position in range(first, last):
        x0 = (starts[position] - offset) * scale
        x1 = (ends[position] - offset) * scale
        if x1 - x0 < 4.0 and position != selected:
            if position == dragging:
                continue
            c0 = int(x0) if x0 > 0 else 0
            c1 = int(x1)
            if c1 <= c0:
                c1 = c0 + 1
            (ai_columns if is_ai[position] else manual_columns)[c0:c1] = _ONES[: c1 - c0]
        elif position != dragging:
            target = wide if x1 - x0 >= LABEL_MIN_WIDTH or position == selected else narrow
            target.append((chapters[position], x0, x1))
    mixed = int.from_bytes(manual_columns, "little") | (int.from_bytes(ai_columns, "little") << 1)
    strip = None
    if mixed:
        data = mixed.to_bytes(width + 1, "little")
        strip = QImage(data, width + 1, 1, width + 1, QImage.Format.Format_Indexed8)
        strip.setColorTable(widget.palette_cache.strip_colors)
        strip = strip.copy()  # own the pixels: ``data`` is a temporary
    result = (strip, narrow, wide)
    widget._layout_cache = (key, result)
    return result


def _paint_block(
    painter: QPainter,
    palette: Palette,
    chapter: Chapter,
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    selected: bool,
    width: float,
    preview: bool = False,
) -> None:
    left, right = max(x0, -4.0), min(x1, width + 4.0)
    rect = QRectF(left + 0.5, top, max(1.0, right - left - 1.0), bottom - top)
    is_ai = chapter.source == ChapterSource.AI
    fill = QColor(palette.ai if is_ai else palette.manual)
    if selected:
        fill = fill.lighter(135)
    if preview:
        fill.setAlpha(200)
    painter.setBrush(fill)
    painter.setPen(palette.selected_edge if selected else palette.edges[chapter.source])
    painter.drawRoundedRect(rect, 4, 4)
    if is_ai and chapter.confidence_score is not None:
        bar = QRectF(
            rect.left() + 3, bottom - 5, (rect.width() - 6) * chapter.confidence_score, 2.5
        )
        painter.fillRect(bar, palette.ai_edge)
    if rect.width() < LABEL_MIN_WIDTH:
        return
    text_left = max(rect.left(), 0.0) + 7
    text_width = min(rect.right(), width) - text_left - 6
    if text_width < 12:
        return
    title, detail = palette.texts(chapter, int(text_width))
    painter.setFont(palette.bold)
    painter.setPen(palette.text)
    painter.drawText(QPointF(text_left, top + 17), title)
    painter.setFont(palette.font)
    painter.setPen(palette.subtext)
    painter.drawText(QPointF(text_left, top + 33), detail)


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
    painter.fillRect(
        QRectF(hi_x, LANE_TOP, max(0.0, widget.width() - hi_x), LANE_HEIGHT), palette.blocked
    )
    x0, x1 = view.time_to_x(drag.start), view.time_to_x(drag.end)
    if drag.chapter is not None:
        from dataclasses import replace

        moved = replace(drag.chapter, start_time=drag.start, end_time=drag.end)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _paint_block(
            painter, palette, moved, x0, x1, top, bottom, True, float(widget.width()), True
        )
    elif x1 > x0:
        painter.fillRect(QRectF(x0, top, x1 - x0, bottom - top), palette.preview)
        painter.setPen(palette.preview_edge)
        painter.drawRect(QRectF(x0, top, x1 - x0, bottom - top))
    label = (
        f"{format_display_time(drag.start)} – {format_display_time(drag.end)}  "
        f"({format_display_time(drag.end - drag.start)})"
    )
    clamped_by = getattr(widget, "clamped_by", None)
    if clamped_by is not None:
        # Said while drawing: the pointer is past a neighbour and the chapter stops there.
        label += f"  · stops at “{clamped_by.title}”"
        stop_x = view.time_to_x(clamped_by.stop)
        painter.setPen(QPen(palette.snap, 2))
        painter.drawLine(QPointF(stop_x, LANE_TOP), QPointF(stop_x, LANE_TOP + LANE_HEIGHT))
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
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(x - 6, 2),
                QPointF(x + 6, 2),
                QPointF(x + 6, 10),
                QPointF(x, 16),
                QPointF(x - 6, 10),
            ]
        )
    )
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
