"""The stats chart: a PNG of the report's weeks, drawn once per distinct data and served from the cache."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from PIL import Image

from cogs.oncall.chart import ChartData, ChartLabels, ChartRenderer, nice_ticks, render_chart
from cogs.oncall.stats import Bucket, Report

WEEK_LABELS = ("Feb 2", "Feb 9", "Feb 16", "Feb 23")  # written by the catalog in the reader's language
LABELS = ChartLabels("Response times and backlog", "hours", "untriaged backlog", "median", "p90", WEEK_LABELS)
WEEKS = [datetime(2026, 2, d, tzinfo=UTC) for d in (2, 9, 16, 23)]


def _report(backlog: list[int], first_response_hours: list[list[float]]) -> Report:
    per_week = {
        w: Bucket([h * 3600 for h in hours]) for w, hours in zip(WEEKS, first_response_hours, strict=True)
    }
    return Report(
        weeks=WEEKS,
        per_week=per_week,
        per_rotation={},
        per_person={},
        backlog=list(zip(WEEKS, backlog, strict=True)),
        overall=Bucket(),
    )


def _pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_chart_data_is_what_the_chart_draws() -> None:
    data = ChartData.of(_report([3, 5, 0, 2], [[1, 2, 3], [], [0.5], [10, 20]]), LABELS)
    assert data.weeks == WEEK_LABELS
    assert data.median_hours == (2.0, None, 0.5, 15.0)
    assert data.p90_hours == (3.0, None, 0.5, 20.0)
    assert data.backlog == (3, 5, 0, 2)


def _plot_colours(png: bytes) -> set[tuple[int, int, int]]:
    image = _pixels(png)
    assert image.size == (800, 400)
    plot = image.crop((70, 70, 730, 360))  # inside the axes: below the title and the legend
    return {colour for _, colour in plot.getcolors(maxcolors=800 * 400) or []}


BAR, MEDIAN, P90 = (0xD0, 0xD7, 0xDE), (0x09, 0x69, 0xDA), (0xCF, 0x22, 0x2E)


def test_the_chart_shows_bars_and_lines_in_their_colours() -> None:
    colours = _plot_colours(render_chart(_report([3, 5, 0, 2], [[1, 2, 3], [], [0.5], [10, 20]]), LABELS))
    assert {BAR, MEDIAN, P90} <= colours
    # An empty history still draws (axes and legend), with no bars or lines in the plot.
    colours = _plot_colours(render_chart(_report([0, 0, 0, 0], [[], [], [], []]), LABELS))
    assert not {BAR, MEDIAN, P90} & colours


def test_the_renderer_draws_each_distinct_data_once() -> None:
    renderer = ChartRenderer(cache_size=2)
    a = _report([1, 2, 3, 4], [[1], [2], [3], [4]])
    b = _report([1, 2, 3, 5], [[1], [2], [3], [4]])  # one more item waiting: a different chart
    first = renderer.png(a, LABELS)
    assert renderer.png(_report([1, 2, 3, 4], [[1], [2], [3], [4]]), LABELS) == first  # equal data
    assert renderer.draws == 1
    assert renderer.png(b, LABELS) != first and renderer.draws == 2
    other = ChartLabels("Antwortzeiten", "Stunden", "Rückstand", "Median", "p90", WEEK_LABELS)
    renderer.png(a, other)  # other texts are other data; the cache keeps the last two
    assert renderer.draws == 3
    renderer.png(a, LABELS)  # evicted by now
    assert renderer.draws == 4
    # Worker threads share one renderer (the cog draws off the event loop).
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda _: renderer.png(b, LABELS), range(8)))
    assert len(set(pngs)) == 1


def test_nice_ticks() -> None:
    assert nice_ticks(10.8) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert nice_ticks(3.2, integer=True) == [0, 1, 2, 3, 4]
    assert nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(430) == [0, 100, 200, 300, 400, 500]
