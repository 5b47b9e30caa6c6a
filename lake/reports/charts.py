"""Charts as inline SVG, drawn here (no JavaScript, no network): a report opens offline and
prints to PDF as it shows. Every mark carries its figure in a `data-*` attribute, so a test
(or a person with the inspector) reads the exact number a bar or a point stands for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 20, 40
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


@dataclass(frozen=True)
class Series:
    """One named line: a value per day (days without a value are gaps, not zeros)."""

    name: str
    points: Sequence[tuple[date, float]]

    @property
    def total(self) -> float:
        return sum(value for _, value in self.points)


def _fmt(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _ticks(top: float, count: int = 4) -> list[float]:
    top = top if top > 0 else 1.0
    return [top * i / count for i in range(count + 1)]


def _frame(title: str, kind: str, y_max: float, y_label: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" data-chart="{escape(kind)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(y_max):
        y = TOP + plot_h - (tick / y_max * plot_h if y_max else 0)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_fmt(tick)}</text>"
        )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.0f}" font-size="11" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.0f})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    return parts


def _legend(names: Sequence[str]) -> list[str]:
    parts = []
    for index, name in enumerate(names[:14]):
        y = TOP + 6 + index * 16
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{y - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{WIDTH - RIGHT + 26}" y="{y + 1}" font-size="11">{escape(name[:26])}</text>'
        )
    return parts


def line_chart(title: str, series: Sequence[Series], start: date, end: date, y_label: str) -> str:
    """One line per series over the days start..end (x: day, y: value)."""
    y_max = max((value for s in series for _, value in s.points), default=0.0) * 1.1
    parts = _frame(title, "line", y_max, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max((end - start).days, 1)

    def xy(day: date, value: float) -> tuple[float, float]:
        x = LEFT + (day - start).days / span * plot_w
        y = TOP + plot_h - (value / y_max * plot_h if y_max else 0)
        return x, y

    for label_day in (start, end):
        x, _ = xy(label_day, 0)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" text-anchor="middle">'
            f"{label_day.isoformat()}</text>"
        )
    for index, line in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = sorted(line.points)
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(d, v) for d, v in points))
        parts.append(
            f'<polyline class="series" data-series="{escape(line.name)}" '
            f'data-total="{line.total:g}" data-points="{len(points)}" fill="none" '
            f'stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        for day, value in points:
            x, y = xy(day, value)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}" '
                f'data-day="{day.isoformat()}" data-value="{value:g}">'
                f"<title>{escape(line.name)} {day.isoformat()}: {_fmt(value)}</title></circle>"
            )
    parts += _legend([s.name for s in series])
    return "".join([*parts, "</svg>"])


def stacked_bar_chart(
    title: str, categories: Sequence[str], stacks: dict[str, Sequence[float]], y_label: str
) -> str:
    """One bar per category (e.g. a month), split into stacks (e.g. stores)."""
    totals = [sum(values[i] for values in stacks.values()) for i in range(len(categories))]
    y_max = max([*totals, 0.0]) * 1.1
    parts = _frame(title, "stacked_bar", y_max, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    for i, category in enumerate(categories):
        x = LEFT + i * slot + slot * 0.15
        base = 0.0
        for index, (name, values) in enumerate(stacks.items()):
            value = values[i]
            if value <= 0:
                continue
            height = value / y_max * plot_h if y_max else 0
            y = TOP + plot_h - (base / y_max * plot_h if y_max else 0) - height
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[index % len(PALETTE)]}" '
                f'data-category="{escape(category)}" data-stack="{escape(name)}" '
                f'data-value="{value:.2f}"><title>{escape(category)} {escape(name)}: '
                f"{_fmt(value)}</title></rect>"
            )
            base += value
        label_x, label_y = x + slot * 0.35, HEIGHT - BOTTOM + 12
        parts.append(
            f'<text x="{label_x:.1f}" y="{label_y}" font-size="10" text-anchor="end" '
            f'transform="rotate(-35 {label_x:.1f} {label_y})">{escape(category)}</text>'
        )
    parts += _legend(list(stacks))
    return "".join([*parts, "</svg>"])


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float


def scatter_chart(title: str, points: Sequence[Point], x_label: str, y_label: str) -> str:
    """One labelled point per item (e.g. a campaign: spend across, streams up)."""
    y_values = [p.y for p in points]
    y_low = min([*y_values, 0.0])
    y_max = max([*y_values, 0.0]) * 1.1 - y_low or 1.0
    x_max = max([p.x for p in points] + [0.0]) * 1.1 or 1.0
    parts = _frame(title, "scatter", y_max, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" font-size="11" '
        f'text-anchor="middle">{escape(x_label)} (0 to {_fmt(x_max)})</text>'
    )
    for index, point in enumerate(points):
        x = LEFT + point.x / x_max * plot_w
        y = TOP + plot_h - (point.y - y_low) / y_max * plot_h
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="5" '
            f'fill="{PALETTE[index % len(PALETTE)]}" data-label="{escape(point.label)}" '
            f'data-x="{point.x:.2f}" data-y="{point.y:g}"><title>{escape(point.label)}: '
            f"{_fmt(point.x)} / {_fmt(point.y)}</title></circle>"
        )
    parts += _legend([p.label for p in points])
    return "".join([*parts, "</svg>"])
