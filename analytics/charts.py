"""Small server-rendered SVG charts: no JavaScript, no library, inline in a page or a PDF.

Colours and fonts are attributes (not CSS), so a chart looks the same wherever it is pasted.
Each chart carries a <title> (and an aria-label) for screen readers and each bar its own <title>
for a pointer; pages still put the numbers beside the chart in a table. The caller formats the
numbers in the reader's language: charts only place shapes and the texts they are given.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_COLOUR = "#1d4f91"
GRID_COLOUR = "#d0d4da"
TEXT_COLOUR = "#1b1b1b"
MUTED_COLOUR = "#666"
FONT = 'font-family="system-ui,Arial,sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str  # short text on the axis
    value: float | None  # None: no data, no bar
    shown: str  # the value as written next to the bar ("87,5" or "–")
    title: str  # the full sentence a pointer or screen reader gets


def bar_chart(bars: Sequence[Bar], *, title: str, max_value: float = 100.0) -> Markup:
    """Horizontal bars, one row each: for a handful of named values (the five factors)."""
    label_width, bar_width, row, width = 44, 360, 26, 460
    height = row * len(bars) + 8
    parts = [_open(width, height, title)]
    for position, bar in enumerate(bars):
        top = 4 + position * row
        parts.append(_horizontal(bar, top, label_width, bar_width, row, max_value))
    return _close(parts)


def column_chart(bars: Sequence[Bar], *, title: str, max_value: float = 100.0) -> Markup:
    """Vertical columns over a 0–max grid: for a series in time (the trend of 12 months)."""
    left, top, plot_height, slot = 34, 14, 150, 38
    width, height = left + slot * len(bars) + 6, top + plot_height + 22
    parts = [_open(width, height, title), _grid(left, top, width - 6, plot_height, max_value)]
    for position, bar in enumerate(bars):
        x = left + position * slot
        parts.append(_vertical(bar, x, slot, top, plot_height, max_value))
    return _close(parts)


def _open(width: float, height: float, title: str) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" class="chart" '
        f'{FONT} font-size="11" fill="{TEXT_COLOUR}"><title>{label}</title>'
    )


def _close(parts: list[str]) -> Markup:
    # Safe: every text placed above went through escape().
    return Markup("".join(parts) + "</svg>")  # nosec B704


def _horizontal(bar: Bar, top: float, label_width, bar_width, row, max_value) -> str:
    middle = top + row / 2 + 4
    length = _scaled(bar.value, max_value, bar_width)
    shape = ""
    if bar.value is not None:
        shape = (
            f'<rect x="{label_width}" y="{top + 3}" width="{_n(length)}" height="{row - 8}" '
            f'fill="{BAR_COLOUR}"/>'
        )
    return (
        f'<g class="bar"><title>{escape(bar.title)}</title>'
        f'<text x="0" y="{_n(middle)}" font-weight="600">{escape(bar.label)}</text>{shape}'
        f'<text x="{_n(label_width + length + 5)}" y="{_n(middle)}">{escape(bar.shown)}</text></g>'
    )


def _vertical(bar: Bar, x: float, slot: float, top: float, plot_height, max_value) -> str:
    length = _scaled(bar.value, max_value, plot_height)
    base = top + plot_height
    centre = x + slot / 2
    shape = ""
    if bar.value is not None:
        shape = (
            f'<rect x="{_n(x + 5)}" y="{_n(base - length)}" width="{slot - 10}" '
            f'height="{_n(length)}" fill="{BAR_COLOUR}"/>'
        )
    colour = TEXT_COLOUR if bar.value is not None else MUTED_COLOUR
    return (
        f'<g class="bar"><title>{escape(bar.title)}</title>{shape}'
        f'<text x="{_n(centre)}" y="{_n(base - length - 3)}" text-anchor="middle" '
        f'font-size="9" fill="{colour}">{escape(bar.shown)}</text>'
        f'<text x="{_n(centre)}" y="{_n(base + 14)}" text-anchor="middle" font-size="9.5">'
        f"{escape(bar.label)}</text></g>"
    )


def _grid(left: float, top: float, right: float, plot_height: float, max_value: float) -> str:
    lines = []
    for fraction in (0, 0.5, 1):
        y = _n(top + plot_height * (1 - fraction))
        lines.append(
            f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{left - 4}" y="{y}" dy="3" text-anchor="end" font-size="9" '
            f'fill="{MUTED_COLOUR}">{_n(max_value * fraction)}</text>'
        )
    return f'<g aria-hidden="true">{"".join(lines)}</g>'


def _scaled(value: float | None, max_value: float, length: float) -> float:
    if value is None or max_value <= 0:
        return 0.0
    return max(0.0, min(value, max_value)) / max_value * length


def _n(number: float) -> str:
    """A coordinate, short: 12, 12.5 (never 12.000000001)."""
    return f"{number:.1f}".rstrip("0").rstrip(".")
