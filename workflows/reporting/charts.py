"""Charts drawn on the server (matplotlib, no script in the page): SVG for pages, PNG for the Word report.

- trend: completion and on-time share of what was due at the end of each quarter of the plan year
  up to the one reported (the rollup figures of `rollups.py`, evaluated on each quarter's last day);
- status breakdown: how many checkpoints are in each status today;
- indicator progress: each chỉ tiêu's progress toward its target, labelled with its status.
Colours are paired with text labels and hatching so a black-and-white print still reads.
Figures use matplotlib's object API (no pyplot state: pages render in several threads), and the
SVG of the same data is drawn once (`*_svg` are cached on their inputs, all hashable).
"""

import io
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
from matplotlib.figure import Figure
from sqlmodel import Session

from workflows.checkpoints.status import STATUS_LABELS_VI, Status
from workflows.indicators.queries import IndicatorProgress
from workflows.kernel.quarters import ROMAN, quarter_bounds
from workflows.reporting.rollups import Rollup, agency_rollup, plan_rollup

matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none"})
STATUS_ORDER = (
    Status.done_on_time,
    Status.done_late,
    Status.submitted,
    Status.in_progress_on_time,
    Status.returned,
    Status.overdue,
    Status.not_due,
    Status.waived,
)
STATUS_COLOURS = {
    Status.done_on_time: "#15803d",
    Status.done_late: "#86efac",
    Status.submitted: "#2563eb",
    Status.in_progress_on_time: "#93c5fd",
    Status.returned: "#f59e0b",
    Status.overdue: "#b91c1c",
    Status.not_due: "#d1d5db",
    Status.waived: "#f3f4f6",
}


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "Quý II"
    completion_pct: float | None
    on_time_pct: float | None


def quarterly_trend(
    session: Session, plan_id: int, year: int, last_quarter: int, agency_id: int | None = None
) -> list[TrendPoint]:
    """Completion and on-time share at the end of each quarter I … `last_quarter` of `year`."""
    points = []
    for q in range(1, last_quarter + 1):
        end = quarter_bounds(year, q)[1]
        rows = (
            agency_rollup(session, end, plan_id=plan_id, agency_ids=[agency_id])
            if agency_id is not None
            else plan_rollup(session, end, plan_id)
        )
        r = rows[0] if rows else None
        points.append(TrendPoint(f"Quý {ROMAN[q]}", r and r.completion_pct, r and r.on_time_pct))
    return points


def trend_figure(points: list[TrendPoint], title: str) -> Figure:
    """Two labelled lines (completion, on time) over the quarters, 0–100 %."""
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    xs = list(range(len(points)))
    for attr, name, style in (
        ("completion_pct", "Tỷ lệ hoàn thành", dict(color="#1d4ed8", marker="o", linestyle="-")),
        ("on_time_pct", "Tỷ lệ đúng hạn", dict(color="#15803d", marker="s", linestyle="--")),
    ):
        ys = [getattr(p, attr) for p in points]
        ax.plot(
            [x for x, y in zip(xs, ys, strict=True) if y is not None],
            [y for y in ys if y is not None],
            label=name,
            **style,
        )
        for x, y in zip(xs, ys, strict=True):
            if y is not None:
                ax.annotate(
                    f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8
                )
    ax.set_xticks(xs, [p.label for p in points])
    ax.set_ylim(0, 110)
    ax.set_ylabel("% số nhiệm vụ đến hạn")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", color="#e5e7eb")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def status_counts(rollup: Rollup) -> tuple[tuple[str, int], ...]:
    """A rollup's non-zero status counts, in chart order (hashable, for the cache)."""
    return tuple((s.value, rollup.counts[s.value]) for s in STATUS_ORDER if rollup.counts.get(s.value, 0))


def status_figure(counts_by_status: tuple[tuple[str, int], ...], title: str) -> Figure:
    """One horizontal bar per status with its count (zero statuses left out)."""
    shown = [Status(s) for s, _ in counts_by_status]
    fig = Figure(figsize=(6.4, 0.4 + 0.32 * max(1, len(shown))))
    ax = fig.subplots()
    counts = [n for _, n in counts_by_status]
    bars = ax.barh(
        [STATUS_LABELS_VI[s] for s in shown],
        counts,
        color=[STATUS_COLOURS[s] for s in shown],
        edgecolor="#374151",
        hatch=None,
    )
    for bar, s in zip(bars, shown, strict=True):
        if s is Status.overdue:
            bar.set_hatch("//")  # overdue reads as overdue in black and white too
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(counts or [1]) * 1.15)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def indicator_figure(items: list[IndicatorProgress], title: str) -> Figure:
    """Each indicator's progress (0–100 %) with its value and status written beside the bar."""
    fig = Figure(figsize=(6.4, 0.5 + 0.3 * max(1, len(items))))
    ax = fig.subplots()
    labels = [i.ref.split("-")[-1] if "-" in i.ref else i.ref for i in items]
    values = [i.progress or 0 for i in items]
    bars = ax.barh(labels, values, color="#1d4ed8", edgecolor="#1e3a8a")
    for bar, i in zip(bars, items, strict=True):
        ax.text(
            101,
            bar.get_y() + bar.get_height() / 2,
            f"{i.value_text} / {i.target_text} · {i.status_label}",
            va="center",
            fontsize=7,
        )
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% chỉ tiêu")
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def svg(fig: Figure) -> str:
    """The figure as an inline SVG element (text kept as text, so it is searchable and prints sharp)."""
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg") :]


def png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as a PNG (for the Word report)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
    return out.getvalue()


@lru_cache(maxsize=256)
def trend_svg(points: tuple[TrendPoint, ...], title: str) -> str:
    return svg(trend_figure(list(points), title))


@lru_cache(maxsize=256)
def status_svg(counts_by_status: tuple[tuple[str, int], ...], title: str) -> str:
    return svg(status_figure(counts_by_status, title))


@lru_cache(maxsize=256)
def indicator_svg(items: tuple[IndicatorProgress, ...], title: str) -> str:
    return svg(indicator_figure(list(items), title))
