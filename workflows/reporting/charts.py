"""Charts drawn on the server (matplotlib, no script in the page): SVG for pages, PNG for the Word report.

- trend: completion and on-time share of what was due at the end of each quarter (`trends.py`);
- status breakdown: how many checkpoints are in each status today;
- indicator progress: each chỉ tiêu's progress toward its target, labelled with its status.
Colours are paired with text labels and hatching so a black-and-white print still reads.
Figures use matplotlib's object API (no pyplot state: pages render in several threads), and the
SVG of the same data is drawn once (`*_svg` are cached on their inputs, all hashable).
"""

import io
import re
from functools import lru_cache
from html import escape

import matplotlib
from matplotlib.figure import Figure

from workflows.checkpoints.status import STATUS_LABELS_VI, Status
from workflows.indicators.queries import IndicatorProgress
from workflows.reporting.rollups import Rollup
from workflows.reporting.trends import TrendPoint

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


def trend_figure(points: list[TrendPoint], title: str, small: bool = False) -> Figure:
    """Two labelled lines (completion, on time) over the quarters, 0–100 %; `small` for a grid of areas."""
    fig = Figure(figsize=(3.3, 2.1) if small else (6.4, 3.0))
    ax = fig.subplots()
    xs = list(range(len(points)))
    for attr, name, style in (
        ("completion_pct", "Tỷ lệ hoàn thành", dict(color="#1d4ed8", marker="o", linestyle="-")),
        ("on_time_pct", "Tỷ lệ đúng hạn", dict(color="#15803d", marker="s", linestyle="--")),
    ):
        ys = [getattr(p, attr) for p in points]
        shown = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
        ax.plot(
            [x for x, _ in shown], [y for _, y in shown], label=name, markersize=3 if small else 5, **style
        )
    if not small:
        for x, p in enumerate(points):
            _value_labels(ax, x, p.completion_pct, p.on_time_pct)
    ax.set_xticks(xs, [_tick(p, small) for p in points], fontsize=6 if small else 8)
    ax.set_xlim(-0.4, max(0.4, len(points) - 0.6))
    ax.set_ylim(0, 105)
    ax.set_yticks([0, 50, 100] if small else [0, 20, 40, 60, 80, 100])
    ax.tick_params(axis="y", labelsize=6 if small else 8)
    if not small:
        ax.set_ylabel("% số mốc đến hạn")
    ax.set_title(title, fontsize=8 if small else 10, loc="left" if small else "center")
    ax.grid(axis="y", color="#e5e7eb")
    ax.spines[["top", "right"]].set_visible(False)
    if not small:  # the grid of areas shares one legend, written above it in the page
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def _value_labels(ax, x: int, completion: float | None, on_time: float | None) -> None:
    """The two values at a quarter: completion above its point, on time below its own (on time is
    never above completion); one label above both when they are too close to write apart."""
    if completion is None or on_time is None:
        return
    label = dict(textcoords="offset points", ha="center", fontsize=7)
    if completion - on_time < 8:
        ax.annotate(f"{completion:.0f}% · {on_time:.0f}%", (x, completion), xytext=(0, 6), **label)
        return
    ax.annotate(f"{completion:.0f}%", (x, completion), xytext=(0, 6), **label)
    below = on_time >= 12  # near the axis the label goes above the point, clear of the quarter names
    ax.annotate(f"{on_time:.0f}%", (x, on_time), xytext=(0, -11 if below else 6), **label)


def _tick(point: TrendPoint, small: bool) -> str:
    """'II/2023', with the day a quarter under way is read on ('III/2023 (đến 01/07)')."""
    text = point.label.removeprefix("Quý ")
    if small:
        text = text.replace("/20", "/")
    if point.partial and point.as_of is not None:
        text += f"\n(đến {point.as_of:%d/%m})"
    return text


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


def svg(fig: Figure, label: str = "") -> str:
    """The figure as an inline SVG element (text kept as text, so it is searchable and prints sharp).

    The page's Content-Security-Policy blocks inline styles, and matplotlib writes every colour
    as a `style` attribute: a browser would draw black shapes. The same properties are SVG
    presentation attributes, which the policy allows, so each style is rewritten as attributes.
    """
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    text = _STYLE_ELEMENT.sub("", text[text.index("<svg") :])
    text = _STYLE_ATTRIBUTE.sub(_as_attributes, text)
    role = f' role="img" aria-label="{escape(label)}"' if label else ""
    return text.replace("<svg ", f'<svg stroke-linejoin="round" stroke-linecap="butt"{role} ', 1)


_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)  # only "*{stroke-linejoin…}": on <svg>
_STYLE_ATTRIBUTE = re.compile(r'(<[^<>]*?) style="([^"]*)"([^<>]*>)')


def _as_attributes(tag: re.Match) -> str:
    """One tag's `style="a: b; c: d"` as `a="b" c="d"` (an attribute the tag already has wins)."""
    before, style, after = tag.groups()
    attributes = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip().replace('"', "'")
        if name and f" {name}=" not in before + after:
            attributes.append(f'{name}="{value}"')
    return f"{before} {' '.join(attributes)}{after}" if attributes else before + after


def png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as a PNG (for the Word report)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
    return out.getvalue()


@lru_cache(maxsize=256)
def trend_svg(points: tuple[TrendPoint, ...], title: str, small: bool = False) -> str:
    return svg(trend_figure(list(points), title, small), title)


@lru_cache(maxsize=256)
def status_svg(counts_by_status: tuple[tuple[str, int], ...], title: str) -> str:
    return svg(status_figure(counts_by_status, title), title)


@lru_cache(maxsize=256)
def indicator_svg(items: tuple[IndicatorProgress, ...], title: str) -> str:
    return svg(indicator_figure(list(items), title), title)
