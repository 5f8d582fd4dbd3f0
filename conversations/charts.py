"""Small server-side charts: coordinates computed here, shapes drawn by templates.

Every chart is drawn from values in 0..1 (shares) into a fixed viewBox, and the
same values go to a table beside it, so a chart never holds a figure the page
does not also say in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float
    label: str


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
    every = max(1, len(weeks) // 6)
    labels = [
        ChartPoint(round(pad + index * step, 2), height - 2, 0, f"{week:%d %b}")
        for index, week in enumerate(weeks)
        if index % every == 0
    ]
    gridlines = [
        ChartPoint(0, _y(share, height, pad), share, f"{round(share * 100)} %")
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
