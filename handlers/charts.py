"""The progress chart staff get with /tonghop: one bar per target, readable on a phone.

Every bar sits on one "% đạt" axis. Percent targets are drawn as reported, "x/N" targets as a
percent of N, and done/not-done targets as the share of reporting units that answered "xong".
The bar is the median, the whisker runs from the lowest to the highest value, and a dark tick
marks the target. Figures and canvases are made directly rather than through pyplot, so no
global backend is chosen and charts can be drawn from several threads at once.
"""

from __future__ import annotations

import statistics
import textwrap
from dataclasses import dataclass
from io import BytesIO
from typing import TypedDict

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from handlers.status import Status, TargetStatus, target_label

FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese letter
MAX_BARS = 25
LABEL_WIDTH = 45
WIDTH_INCHES, DPI = 10.0, 100
GREY = "#555"
CLEAR = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}
REACHED, BELOW, NO_GOAL, DONE = "#2e7d32", "#ef6c00", "#1565c0", "#6a1b9a"


class _Small(TypedDict):
    fontfamily: str
    fontsize: float
    color: str


_SMALL = _Small(fontfamily=FONT, fontsize=11, color=GREY)


@dataclass(frozen=True)
class _Bar:
    """One target on the percent axis; `low`/`high` are None for done/not-done targets."""

    label: str
    reported: str
    value: float | None
    low: float | None
    high: float | None
    goal: float | None
    done_share: bool


def _bar(target: TargetStatus) -> _Bar | None:
    label = target_label(target.text, LABEL_WIDTH)
    reported = f"đã báo cáo {len(target.reported)}/{len(target.expected)} đơn vị"
    if target.target_value is None and target.target_unit != "%":
        numbers = [v.number for v in target.reported if v.number is not None]
        share = statistics.fmean(numbers) if numbers else None
        return _Bar(label, reported, share, None, None, 100.0, done_share=True)
    if target.target_unit == "%":
        scale, goal = 1.0, target.target_value
    elif target.target_value:
        scale, goal = 100.0 / target.target_value, 100.0
    else:
        return None

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    return _Bar(
        label,
        reported,
        scaled(target.median),
        scaled(target.minimum),
        scaled(target.maximum),
        goal,
        False,
    )


def _colour(bar: _Bar) -> str:
    if bar.done_share:
        return DONE
    if bar.goal is None or bar.value is None:
        return NO_GOAL
    return REACHED if bar.value >= bar.goal else BELOW


def _title(status: Status) -> str:
    reported = len(status.expected_units) - len(status.missing_units)
    heading = textwrap.fill(f"Tiến độ {status.period.label} – {status.scope}", 70)
    return f"{heading}\nđã báo cáo {reported}/{len(status.expected_units)} đơn vị"


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _empty(status: Status, message: str) -> bytes:
    figure = Figure(figsize=(WIDTH_INCHES, 3.5), dpi=DPI, layout="constrained")
    figure.suptitle(_title(status), fontfamily=FONT, fontsize=14)
    figure.text(0.5, 0.4, message, ha="center", va="center", fontfamily=FONT, fontsize=13)
    return _png(figure)


def _draw(axes: Axes, row: int, bar: _Bar) -> None:
    if bar.value is None:
        axes.text(1, row, "chưa có số liệu", va="center", **_SMALL)
        return
    axes.barh(row, bar.value, height=0.42, color=_colour(bar))
    end = bar.value
    if bar.low is not None and bar.high is not None and bar.high > bar.low:
        spread = [[bar.value - bar.low], [bar.high - bar.value]]
        axes.errorbar(bar.value, row, xerr=spread, fmt="none", ecolor="#333", capsize=4)
        end = max(end, bar.high)
    axes.text(end + 1, row, f"{bar.value:.0f}%", va="center", fontfamily=FONT, fontsize=11)
    if bar.goal is not None:
        axes.vlines(bar.goal, row - 0.25, row + 0.25, colors="#111", linewidth=2.5)


def progress_chart(status: Status) -> bytes:
    """A PNG 1000 px wide whose height grows with the number of targets (at most 25 drawn);
    target wording sits above each bar so the bars keep the full width on a phone."""
    bars = [bar for target in status.targets if (bar := _bar(target)) is not None]
    if not bars:
        return _empty(status, "Không có chỉ tiêu nào cần báo cáo trong kỳ này.")
    if all(bar.value is None for bar in bars):
        return _empty(status, "Chưa có đơn vị nào báo cáo số liệu cho kỳ này.")
    hidden, bars = len(bars) - MAX_BARS, bars[:MAX_BARS]
    rows = len(bars) + (hidden > 0)
    figure = Figure(figsize=(WIDTH_INCHES, 2.4 + 0.6 * rows), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    margin = blended_transform_factory(axes.transAxes, axes.transData)
    for row, bar in enumerate(bars):
        _draw(axes, row, bar)
        top = row - 0.27
        axes.text(0.005, top, bar.label, transform=margin, fontfamily=FONT, fontsize=12)
        axes.text(0.995, top, bar.reported, transform=margin, ha="right", bbox=CLEAR, **_SMALL)
    if hidden > 0:
        note = f"… và {hidden} chỉ tiêu khác (xem tệp Excel)"
        axes.text(0.005, len(bars), note, transform=margin, va="center", **_SMALL)
    axes.set_ylim(rows - 0.5, -0.75)
    axes.set_yticks([])
    highest = max(
        [100.0] + [b.high or b.value or 0.0 for b in bars] + [b.goal or 0.0 for b in bars]
    )
    axes.set_xlim(0, highest * 1.1)
    axes.set_xlabel("% đạt (chỉ tiêu dạng x/N tính theo % của N)", fontfamily=FONT, fontsize=11)
    axes.tick_params(axis="x", labelsize=11)
    axes.grid(axis="x", color="#ddd")
    axes.set_axisbelow(True)
    figure.suptitle(_title(status), fontfamily=FONT, fontsize=15)
    figure.legend(
        handles=_legend(bars),
        loc="outside lower center",
        ncols=2,
        prop={"family": FONT, "size": 11},
    )
    return _png(figure)


def _legend(bars: list[_Bar]) -> list[Artist]:
    handles: list[Artist] = [
        Patch(color=REACHED, label="Trung vị, đạt chỉ tiêu"),
        Patch(color=BELOW, label="Trung vị, dưới chỉ tiêu"),
        Line2D([], [], color="#333", marker="|", markersize=10, label="Thấp nhất – cao nhất"),
        Line2D([], [], color="#111", linewidth=2.5, label="Chỉ tiêu"),
    ]
    if any(bar.goal is None and bar.value is not None for bar in bars):
        handles.append(Patch(color=NO_GOAL, label="Trung vị, chỉ tiêu không ghi mức"))
    if any(bar.done_share for bar in bars):
        handles.append(Patch(color=DONE, label="Việc xong/chưa: % đơn vị báo xong"))
    return handles
