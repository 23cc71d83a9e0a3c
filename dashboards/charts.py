"""Server-rendered SVG bar charts (no chart script; the numbers are also in a table)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 48
MARGIN_BOTTOM = 32
MARGIN_TOP = 16


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: int


@dataclass
class Group:
    label: str
    x: float
    bars: list[Bar]


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def grouped_bars(labels: list[str], series: list[tuple[str, list[int | None]]]) -> dict:
    """Geometry for grouped bars: one group per label, one bar per series."""
    values = [v or 0 for _, data in series for v in data]
    top = _nice_max(max(values, default=0))
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    group_width = plot_width / max(len(labels), 1)
    bar_width = group_width * 0.7 / max(len(series), 1)
    groups = []
    for index, label in enumerate(labels):
        x0 = MARGIN_LEFT + index * group_width + group_width * 0.15
        bars = []
        for number, (css, data) in enumerate(series):
            value = data[index] or 0
            height = plot_height * value / top
            bars.append(
                Bar(
                    x=round(x0 + number * bar_width, 1),
                    y=round(MARGIN_TOP + plot_height - height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(height, 1),
                    css=css,
                    value=value,
                )
            )
        groups.append(Group(label=label, x=round(x0 + group_width * 0.35, 1), bars=bars))
    ticks = [
        {"value": int(top * i / 4), "y": round(MARGIN_TOP + plot_height * (1 - i / 4), 1)}
        for i in range(5)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "groups": groups,
        "ticks": ticks,
        "axis_x": MARGIN_LEFT,
        "axis_right": WIDTH - 8,
        "baseline": MARGIN_TOP + plot_height,
        "label_y": HEIGHT - 10,
    }
