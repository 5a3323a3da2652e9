"""Server-rendered SVG charts (no JavaScript, no library): bars, a line and a hypnogram.

Each plot's coordinate system is its data's: the x axis counts points (days, minutes, seconds) and the y axis is the
value itself (``viewBox`` scaled to the box with ``preserveAspectRatio="none"``), so every plotted coordinate *is*
a value and the browser test reads back exactly what was drawn. Bars also carry ``data-value`` and a ``<title>``
tooltip. Labels sit in HTML around the plot, where scaling cannot stretch them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE

# Hypnogram rows from the top, as Fitbit drew them: awake, REM, light, deep.
STAGES = ((SLEEP_WAKE, "wake", 3), (SLEEP_REM, "rem", 2), (SLEEP_LIGHT, "light", 1), (SLEEP_DEEP, "deep", 0))


@dataclass(frozen=True)
class Chart:
    """A chart ready for the template: the SVG and the labels around it."""

    title: str
    svg: Markup
    y_max: str
    x_first: str
    x_last: str
    caption: str = ""


def _svg(name: str, width: int, y_low: int, height: int, body: str, label: str) -> Markup:
    return Markup(
        f'<svg class="plot" data-chart="{escape(name)}" viewBox="0 {y_low} {width} {height}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _ceiling(values: Sequence[float]) -> int:
    top = max((v for v in values if v), default=0)
    return max(1, int(np.ceil(top * 1.05)))


def bar_chart(
    name: str, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str
) -> Chart:
    """One bar per label (a missing value draws nothing); bar i spans x = i … i+1 with a small gap."""
    top = _ceiling([v or 0 for v in values])
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value is None:
            continue
        shown = f"{value:g}"
        bars.append(
            f'<rect x="{i + 0.1:g}" y="{-value:g}" width="0.8" height="{value:g}" data-x="{escape(label)}" '
            f'data-value="{shown}"><title>{escape(label)}: {shown} {escape(unit)}</title></rect>'
        )
    svg = _svg(name, max(1, len(labels)), -top, top, "".join(bars), f"{title}, {len(bars)} values")
    return Chart(title, svg, f"{top:,} {unit}", labels[0] if labels else "", labels[-1] if labels else "")


def line_chart(
    name: str, title: str, xs: np.ndarray, ys: np.ndarray, span: int, unit: str, first: str, last: str
) -> Chart:
    """A polyline through (x, y) points (x in 0…span); the line breaks where x jumps by more than a minute."""
    top = _ceiling([float(ys.max())] if len(ys) else [0])
    pieces: list[str] = []
    if len(xs):
        breaks = np.flatnonzero(np.diff(xs) > 60) + 1
        for part_x, part_y in zip(np.split(xs, breaks), np.split(ys, breaks), strict=True):
            points = " ".join(f"{int(x)},{-int(y)}" for x, y in zip(part_x, part_y, strict=True))
            pieces.append(f'<polyline points="{points}" vector-effect="non-scaling-stroke"/>')
    svg = _svg(name, span, -top, top, "".join(pieces), f"{title}, {len(xs)} readings")
    return Chart(title, svg, f"{top} {unit}", first, last, caption=f"{len(xs):,} readings")


def hypnogram(name: str, title: str, codes: np.ndarray) -> Chart:
    """The night's stages from the per-minute sleep codes: one rect per run of a stage, on the stage's row."""
    rects = []
    runs = np.flatnonzero(np.diff(codes.astype(np.int16))) + 1
    starts = np.concatenate(([0], runs))
    ends = np.concatenate((runs, [len(codes)]))
    rows = {code: (stage, row) for code, stage, row in STAGES}
    asleep = 0
    for start, end in zip(starts, ends, strict=True):
        code = int(codes[start])
        if code not in rows:
            continue
        stage, row = rows[code]
        if code != SLEEP_WAKE:
            asleep += int(end - start)
        rects.append(
            f'<rect class="stage-{stage}" x="{start}" y="{-(row + 1)}" width="{end - start}" height="1" '
            f'data-stage="{stage}" data-start="{start}" data-end="{end}">'
            f"<title>{stage} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}</title></rect>"
        )
    svg = _svg(name, len(codes), -4, 4, "".join(rects), f"{title}, {asleep} minutes asleep")
    return Chart(
        title, svg, "wake / rem / light / deep", "00:00", "24:00", caption=f"{asleep} minutes asleep"
    )
