"""A stacked bar chart of monthly volumes as inline SVG, drawn on the server (no JavaScript).

Every text is escaped; each bar segment has a <title> (a tooltip and an accessible name), and the
page shows the same figures as a table beside it.
"""
from __future__ import annotations

from html import escape
from typing import Mapping, Sequence

from markupsafe import Markup

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend too.
PALETTE = ("#1d4f91", "#b35806", "#2d7d46", "#7b3294", "#b2182b", "#4d4d4d")


def _nice_max(value: int) -> int:
    """The top of the scale: five ticks of 1, 2 or 5 times a power of ten."""
    if value <= 5:
        return max(value, 1)
    magnitude = 1
    while True:
        for base in (1, 2, 5):
            if base * magnitude * 5 >= value:
                return base * magnitude * 5
        magnitude *= 10


def stacked_bars(months: Sequence[Mapping], series: Sequence[str], labels: Mapping[str, str], *,
                 title: str, width: int = 760, height: int = 300) -> Markup:
    """`months`: rows with "label" and "counts" (series -> number)."""
    left, right, top, bottom = 44, 12, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([sum(m["counts"].get(s, 0) for s in series) for m in months] or [0])
    scale_max = _nice_max(peak)
    ticks = 5 if scale_max >= 5 else scale_max
    step_w = plot_w / max(len(months), 1)
    bar_w = max(4.0, min(48.0, step_w * 0.7))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">{escape(title)}</title>']
    for i in range(ticks + 1):
        value = scale_max * i / ticks
        y = top + plot_h - plot_h * i / ticks
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{value:g}</text>')
    every = max(1, -(-len(months) // 12))    # at most 12 month labels
    for index, month in enumerate(months):
        x = left + step_w * index + (step_w - bar_w) / 2
        y = top + plot_h
        for number, name in enumerate(series):
            count = month["counts"].get(name, 0)
            if not count:
                continue
            h = plot_h * count / scale_max
            y -= h
            colour = PALETTE[number % len(PALETTE)]
            what = labels.get(name, name)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{escape(month["label"])}: {count} '
                         f'{escape(what.lower())}</title></rect>')
        if index % every == 0:
            short = escape(month["label"][:3] + " " + month["label"].split()[-1][-2:])
            cx = left + step_w * index + step_w / 2
            parts.append(f'<text class="tick" x="{cx:.1f}" y="{top + plot_h + 16}" '
                         f'text-anchor="middle">{short}</text>')
    legend_y = height - 18
    x = left
    for number, name in enumerate(series):
        text = escape(labels.get(name, name))
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{PALETTE[number % len(PALETTE)]}"/>')
        parts.append(f'<text class="legend" x="{x + 16}" y="{legend_y}">{text}</text>')
        x += 24 + 8 * len(labels.get(name, name))
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
