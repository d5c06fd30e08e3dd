"""The 8-week chart (PNG): median/p90 time to first response as lines, the untriaged backlog as bars.

Rendering is CPU-bound; callers run :func:`render_chart` in a worker thread, off the event loop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from cogs.oncall.stats import Report


@dataclass(frozen=True)
class ChartLabels:
    """Localized texts drawn on the chart."""

    title: str
    hours: str
    backlog: str
    median: str
    p90: str


def render_chart(report: Report, labels: ChartLabels) -> bytes:
    """A PNG of the report's weeks; works headless (matplotlib's Agg backend, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    weeks = report.weeks
    names = [w.strftime("%m-%d") for w in weeks]
    medians = []
    p90s = []
    for w in weeks:
        summary, _ = report.per_week[w].summaries()
        medians.append(summary.median / 3600 if summary.median is not None else float("nan"))
        p90s.append(summary.p90 / 3600 if summary.p90 is not None else float("nan"))
    backlog = [count for _, count in report.backlog]

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot(1, 1, 1)
    bars = axis.twinx()
    bars.bar(range(len(weeks)), backlog, color="#d0d7de", label=labels.backlog, zorder=1)
    bars.set_ylabel(labels.backlog)
    axis.set_zorder(bars.get_zorder() + 1)
    axis.patch.set_visible(False)
    axis.plot(range(len(weeks)), medians, marker="o", color="#0969da", label=labels.median)
    axis.plot(range(len(weeks)), p90s, marker="s", linestyle="--", color="#cf222e", label=labels.p90)
    axis.set_xticks(range(len(weeks)), names)
    axis.set_ylabel(labels.hours)
    axis.set_title(labels.title)
    axis.set_ylim(bottom=0)
    axis.legend(loc="upper left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
