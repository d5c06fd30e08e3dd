"""Bar charts drawn on the server as SVG geometry; the template draws them and the same numbers as a
table, so the chart is readable without images, colours or JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
TOP = 16
BOTTOM = 36  # room for the x labels
LEFT = 8


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value as text, and where it is drawn."""

    label: str
    text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    """A titled chart with its text alternative (``description``) and the bars' geometry."""

    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(title: str, description: str, points: Sequence[tuple[str, float | None, str]]) -> BarChart:
    """Bars for ``(label, value, value as text)``; a missing value draws no bar but keeps its slot."""
    values = [v for _, v, _ in points if v is not None]
    top = max(values, default=0.0) or 1.0
    usable = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / max(1, len(points))
    bars = []
    for i, (label, value, text) in enumerate(points):
        height = usable * (value or 0.0) / top
        bars.append(
            Bar(
                label=label,
                text=text,
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return BarChart(title, description, tuple(bars))
