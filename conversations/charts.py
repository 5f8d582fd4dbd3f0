"""Small server-side charts: coordinates computed here, shapes drawn by templates.

Every chart is drawn from values in 0..1 (shares) into a fixed viewBox, and the
same values go to a table beside it, so a chart never holds a figure the page
does not also say in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# The week labels sit in a strip under the plot, in letters big enough to read when the
# chart is drawn at half its viewBox width (two charts side by side, or a phone).
AXIS_STRIP = 36
# Room above the plot for the top gridline's label.
TOP_MARGIN = 16
# A label is about this wide in viewBox units (see .chart-label in app.css); labels
# closer than this would run into each other.
LABEL_SPACING = 130


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float
    label: str
    # SVG text-anchor: the first label starts at its week, the last ends at it, so
    # neither runs off the chart.
    anchor: str = "middle"


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[ChartPoint]
    path: str
    band_y: float | None
    band_height: float | None
    labels: list[ChartPoint]
    gridlines: list[ChartPoint]

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def view_box(self) -> str:
        return f"0 {-TOP_MARGIN} {self.width} {self.height + TOP_MARGIN + AXIS_STRIP}"


def _y(value: float, height: float, pad: float) -> float:
    return round(pad + (1 - value) * (height - 2 * pad), 2)


def line_chart(
    weeks: list[date],
    values: list[float | None],
    *,
    band: tuple[float, float] | None = None,
    width: int = 600,
    height: int = 200,
    pad: float = 16,
) -> LineChart:
    """A weekly line of shares (0..1); weeks without figures break the line."""
    step = (width - 2 * pad) / max(len(weeks) - 1, 1)
    points, commands, pen_down = [], [], False
    for index, (week, value) in enumerate(zip(weeks, values, strict=True)):
        if value is None:
            pen_down = False
            continue
        x, y = round(pad + index * step, 2), _y(value, height, pad)
        commands.append(f"{'L' if pen_down else 'M'}{x} {y}")
        pen_down = True
        points.append(ChartPoint(x, y, value, f"{week:%d %b}: {round(value * 100)} %"))
    band_y = band_height = None
    if band:
        low, high = band
        band_y = _y(high, height, pad)
        band_height = round(_y(low, height, pad) - band_y, 2)
    # Counted back from the latest week, which is always labelled.
    every = max(1, math.ceil(LABEL_SPACING / step))
    last = len(weeks) - 1
    labels = [
        ChartPoint(
            round(pad + index * step, 2),
            height + AXIS_STRIP - 8,
            0,
            f"{weeks[index]:%d %b}",
            "end" if index == last and index else "start" if index * step < 45 else "middle",
        )
        for index in range(last % every, len(weeks), every)
    ]
    gridlines = [
        ChartPoint(0, _y(share, height, pad), share, f"{round(share * 100)} %", "start")
        for share in (0.0, 0.5, 1.0)
    ]
    return LineChart(
        width, height, points, " ".join(commands), band_y, band_height, labels, gridlines
    )


def sparkline(values: list[float | None], *, width: int = 120, height: int = 28) -> str:
    """An SVG path for a tiny trend line of shares (0..1); gaps break the line."""
    step = width / max(len(values) - 1, 1)
    commands, pen_down = [], False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        commands.append(
            f"{'L' if pen_down else 'M'}{round(index * step, 1)} {_y(value, height, 2)}"
        )
        pen_down = True
    return " ".join(commands)
