"""The 8-week chart (PNG): median/p90 time to first response as lines, the untriaged backlog as bars.

Drawn with Pillow's ImageDraw (supersampled for smooth lines) rather than a plotting library: a
bar-and-line chart of eight weeks needs no layout engine, and drawing it this way takes a few
milliseconds instead of the hundreds a matplotlib figure took, which kept ``/oncall stats`` from its
100 ms target. :class:`ChartRenderer` caches the PNG by the data it was drawn from, so the digest and
repeated commands over unchanged data don't draw again; callers run it in a worker thread, off the
event loop.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from PIL import Image, ImageColor, ImageDraw, ImageFont

from bot.fonts import DEFAULT_FINDER, FontFinder
from cogs.oncall.stats import Report

WIDTH, HEIGHT = 800, 400
PALETTE_COLOURS = 64
SCALE = 2  # drawn at twice the size and reduced: Pillow's lines and shapes are not anti-aliased
BAR, MEDIAN, P90, GRID, INK, MUTED = "#d0d7de", "#0969da", "#cf222e", "#eaeef2", "#1f2328", "#59636e"
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont
CHART_COLOURS = [ImageColor.getrgb(c)[:3] for c in ("#ffffff", BAR, MEDIAN, P90, GRID, INK, MUTED)]


@dataclass(frozen=True)
class ChartLabels:
    """Localized texts drawn on the chart."""

    title: str
    hours: str
    backlog: str
    median: str
    p90: str
    weeks: tuple[str, ...] = ()  # the x labels, each week's first day in the reader's language


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows; equal data draws an identical PNG (the cache key)."""

    labels: ChartLabels
    weeks: tuple[str, ...]  # x labels, oldest first
    median_hours: tuple[float | None, ...]
    p90_hours: tuple[float | None, ...]
    backlog: tuple[int, ...]

    @classmethod
    def of(cls, report: Report, labels: ChartLabels) -> ChartData:
        if len(labels.weeks) != len(report.weeks):
            raise ValueError(f"{len(report.weeks)} weeks but {len(labels.weeks)} week labels")
        medians: list[float | None] = []
        p90s: list[float | None] = []
        for week in report.weeks:
            summary, _ = report.per_week[week].summaries()
            medians.append(None if summary.median is None else round(summary.median / 3600, 4))
            p90s.append(None if summary.p90 is None else round(summary.p90 / 3600, 4))
        return cls(
            labels=labels,
            weeks=labels.weeks,
            median_hours=tuple(medians),
            p90_hours=tuple(p90s),
            backlog=tuple(count for _, count in report.backlog),
        )


def nice_ticks(top: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values from 0 covering ``top`` in about ``count`` steps of 1, 2, 2.5 or 5 × 10^k."""
    if top <= 0:
        top = 1.0
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1.0, math.ceil(step))
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_text(value: float) -> str:
    return f"{value:g}"


class ChartRenderer:
    """Draws the chart; keeps the last ``cache_size`` PNGs by their data. Safe to use from threads."""

    def __init__(self, cache_size: int = 16, fonts: FontFinder = DEFAULT_FINDER) -> None:
        self.cache_size = cache_size
        self.fonts = fonts
        self._cache: OrderedDict[ChartData, bytes] = OrderedDict()
        self._fonts: dict[tuple[int, bool, str], FontType] = {}
        self._backdrops: dict[tuple[ChartLabels, tuple[str, ...]], tuple[Image.Image, FontType]] = {}
        self._lock = threading.Lock()
        self.draws = 0  # how many times a PNG was actually drawn (the rest came from the cache)

    def png(self, report: Report, labels: ChartLabels) -> bytes:
        """The chart of ``report``: from the cache when the same data was drawn recently."""
        data = ChartData.of(report, labels)
        with self._lock:
            cached = self._cache.get(data)
            if cached is not None:
                self._cache.move_to_end(data)
                return cached
        png = self.draw(data)
        with self._lock:
            self._cache[data] = png
            self._cache.move_to_end(data)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return png

    def font(self, size: int, bold: bool = False, text: str = "") -> FontType:
        """The font at ``size`` that shows every character of ``text`` (the chart's labels): a CJK font
        for Chinese, Japanese or Korean labels when the host has one (bot/fonts.py)."""
        face = self.fonts.for_text(text, bold)
        key = (size * SCALE, bold, f"{face.path}#{face.index}" if face else "")
        with self._lock:
            font = self._fonts.get(key)
        if font is None:
            font = (
                ImageFont.truetype(str(face.path), key[0], index=face.index)
                if face
                else ImageFont.load_default(key[0])
            )
            with self._lock:
                self._fonts[key] = font
        return font

    def draw(self, data: ChartData) -> bytes:
        """A PNG of ``data`` (never cached)."""
        self.draws += 1
        s = SCALE
        backdrop, small = self._backdrop(data.labels, data.weeks)
        image = backdrop.copy()
        pen = ImageDraw.Draw(image)
        left, right, top, bottom = 64 * s, (WIDTH - 64) * s, 62 * s, (HEIGHT - 34) * s

        values = [v for v in (*data.median_hours, *data.p90_hours) if v is not None]
        # A little headroom so the highest point or bar never sits on the frame.
        hours = nice_ticks(max(values, default=1.0) * 1.08)
        counts = nice_ticks(max(data.backlog, default=0) * 1.08 or 1.0, integer=True)
        span = bottom - top

        def y_hours(v: float) -> float:
            return bottom - span * v / hours[-1]

        def y_count(v: float) -> float:
            return bottom - span * v / counts[-1]

        for tick in hours:
            y = y_hours(tick)
            pen.line([(left, y), (right, y)], fill=GRID, width=s)
            pen.text((left - 6 * s, y), _tick_text(tick), font=small, fill=MUTED, anchor="rm")
        for tick in counts:
            pen.text((right + 6 * s, y_count(tick)), _tick_text(tick), font=small, fill=MUTED, anchor="lm")

        n = max(1, len(data.weeks))
        slot = (right - left) / n
        xs = [left + slot * (i + 0.5) for i in range(n)]
        for x, count in zip(xs, data.backlog, strict=False):
            if count:
                pen.rectangle([x - slot * 0.3, y_count(count), x + slot * 0.3, bottom], fill=BAR)
        self._series(pen, xs, data.median_hours, y_hours, MEDIAN, dashed=False, marker="circle")
        self._series(pen, xs, data.p90_hours, y_hours, P90, dashed=True, marker="square")
        pen.line([(left, top), (left, bottom), (right, bottom), (right, top)], fill=MUTED, width=s)

        out = io.BytesIO()
        _palette_image(image.reduce(s)).save(out, format="PNG", compress_level=1)
        return out.getvalue()

    def _backdrop(self, labels: ChartLabels, weeks: tuple[str, ...]) -> tuple[Image.Image, FontType]:
        """What depends on the labels alone, drawn once per language and weeks: the title, the
        legend, the axis names and the week labels (all outside the plot area, so what is drawn over
        them later never meets them). Also the font of the ticks."""
        key = (labels, weeks)
        with self._lock:
            kept = self._backdrops.get(key)
        if kept is not None:
            return kept
        s = SCALE
        image = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
        pen = ImageDraw.Draw(image)
        texts = " ".join(
            (labels.title, labels.hours, labels.backlog, labels.median, labels.p90, *labels.weeks)
        )
        small, label_font = self.font(11, text=texts), self.font(12, text=texts)
        left, right, top, bottom = 64 * s, (WIDTH - 64) * s, 62 * s, (HEIGHT - 34) * s
        title_font = self.font(14, bold=True, text=texts)
        pen.text(((WIDTH // 2) * s, 18 * s), labels.title, font=title_font, fill=INK, anchor="mm")
        self._legend(pen, labels, left, 40 * s, label_font)
        slot = (right - left) / max(1, len(weeks))
        for i, week in enumerate(weeks):
            pen.text((left + slot * (i + 0.5), bottom + 8 * s), week, font=small, fill=MUTED, anchor="ma")
        self._vertical(image, labels.hours, label_font, (18 * s, (top + bottom) // 2), 90)
        self._vertical(image, labels.backlog, label_font, ((WIDTH - 16) * s, (top + bottom) // 2), 270)
        with self._lock:
            self._backdrops[key] = (image, small)
            while len(self._backdrops) > 8:
                del self._backdrops[next(iter(self._backdrops))]
        return image, small

    def _legend(
        self, pen: ImageDraw.ImageDraw, labels: ChartLabels, x: float, y: float, font: FontType
    ) -> None:
        s = SCALE
        for text, color, kind in (
            (labels.median, MEDIAN, "line"),
            (labels.p90, P90, "dash"),
            (labels.backlog, BAR, "bar"),
        ):
            if kind == "bar":
                pen.rectangle([x, y - 5 * s, x + 18 * s, y + 5 * s], fill=color)
            else:
                segments = [(x, x + 18 * s)] if kind == "line" else [(x, x + 7 * s), (x + 11 * s, x + 18 * s)]
                for a, b in segments:
                    pen.line([(a, y), (b, y)], fill=color, width=2 * s)
            pen.text((x + 24 * s, y), text, font=font, fill=INK, anchor="lm")
            x += 24 * s + pen.textlength(text, font=font) + 20 * s

    def _series(
        self,
        pen: ImageDraw.ImageDraw,
        xs: Sequence[float],
        values: Sequence[float | None],
        y_of: Callable[[float], float],
        color: str,
        *,
        dashed: bool,
        marker: str,
    ) -> None:
        s = SCALE
        points = [(x, y_of(v)) if v is not None else None for x, v in zip(xs, values, strict=True)]
        # Weeks without a value break the line, as a gap in the data should.
        for a, b in pairwise(points):
            if a is None or b is None:
                continue
            if dashed:
                _dashed(pen, a, b, color, 2 * s, 8 * s, 5 * s)
            else:
                pen.line([a, b], fill=color, width=2 * s)
        r = 4 * s
        for point in points:
            if point is None:
                continue
            x, y = point
            box = [x - r, y - r, x + r, y + r]
            if marker == "circle":
                pen.ellipse(box, fill=color)
            else:
                pen.rectangle(box, fill=color)

    @staticmethod
    def _vertical(image: Image.Image, text: str, font: FontType, center: tuple[int, int], angle: int) -> None:
        width = int(ImageDraw.Draw(image).textlength(text, font=font)) + 4
        height = int(font.size * 1.4) if isinstance(font, ImageFont.FreeTypeFont) else 16
        label = Image.new("RGB", (width, height), "white")
        ImageDraw.Draw(label).text((width / 2, height / 2), text, font=font, fill=INK, anchor="mm")
        rotated = label.rotate(angle, expand=True)
        image.paste(rotated, (center[0] - rotated.width // 2, center[1] - rotated.height // 2))


def _palette_image(image: Image.Image) -> Image.Image:
    """``image`` with a palette: half the bytes and half the encoding time of an RGB PNG (which was
    most of the draw). 64 colours keep the anti-aliased edges, and the chart's own colours are put
    back exactly where quantizing had averaged them."""
    flat = image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    palette = flat.getpalette() or []
    entries = [(i // 3, palette[i], palette[i + 1], palette[i + 2]) for i in range(0, len(palette), 3)]
    free = set(range(len(entries)))
    for colour in CHART_COLOURS:
        # Each colour takes an entry of its own: white and the grid's near-white must not share one.
        red, green, blue = colour
        nearest = min(
            ((r - red) ** 2 + (g - green) ** 2 + (b - blue) ** 2, i) for i, r, g, b in entries if i in free
        )[1]
        free.discard(nearest)
        palette[nearest * 3 : nearest * 3 + 3] = colour
    flat.putpalette(palette)
    return flat


def _dashed(
    pen: ImageDraw.ImageDraw,
    a: tuple[float, float],
    b: tuple[float, float],
    color: str,
    width: int,
    dash: float,
    gap: float,
) -> None:
    length = math.dist(a, b)
    if length == 0:
        return
    dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    pos = 0.0
    while pos < length:
        end = min(pos + dash, length)
        pen.line(
            [(a[0] + dx * pos, a[1] + dy * pos), (a[0] + dx * end, a[1] + dy * end)], fill=color, width=width
        )
        pos = end + gap


def render_chart(report: Report, labels: ChartLabels) -> bytes:
    """The chart of ``report``, drawn now (no cache): a one-off PNG."""
    return ChartRenderer(cache_size=0).draw(ChartData.of(report, labels))
