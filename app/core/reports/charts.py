"""Progress charts as PNG bytes, drawn in memory (no window, no files) for DOCX and PDF.

matplotlib's object API (``Figure``), not pyplot: no global state, safe off the main thread.
"""

from datetime import date, timedelta
from io import BytesIO

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from app.core.i18n import fmt_date, fmt_number, translator
from app.core.i18n.labels import KIND_COLOURS, kind_label, measure_label
from app.core.model import CriterionKind, EntryKind
from app.core.plans.progress import PlanProgress

_ = translator("reports")

DPI = 150
SIZE_IN = (7.0, 3.2)
LEGEND_RIGHT = 0.7
"""Where the plot ends when the legend sits beside it."""


def _png(figure: Figure, right: float = 0.95) -> bytes:
    """Fixed margins rather than ``bbox_inches="tight"``, which draws everything twice."""
    figure.subplots_adjust(left=0.08, right=right, bottom=0.11, top=0.96)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _date_axis(axes: object, start: date, end: date) -> None:
    axes.set_xlim(start, end)  # type: ignore[attr-defined]
    axes.xaxis.set_major_locator(mdates.MonthLocator())  # type: ignore[attr-defined]
    axes.xaxis.set_major_formatter(  # type: ignore[attr-defined]
        FuncFormatter(lambda x, _pos: fmt_date(mdates.num2date(x).date(), "MM.y"))
    )


def cumulative_chart(progress: PlanProgress) -> bytes | None:
    """The measure accumulated day by day against the target (or the allowed count)."""
    criterion = progress.criterion
    if criterion.kind == CriterionKind.qualitative or len(progress.series) < 2:
        return None
    assert progress.period_start is not None and progress.period_end is not None
    start, end = progress.period_start, progress.period_end
    figure = Figure(figsize=SIZE_IN)
    axes = figure.subplots()
    days = [day for day, _value in progress.series]
    values = [value for _day, value in progress.series]
    measures = " + ".join(measure_label(m) for m in criterion.measures)
    axes.step(days, values, where="post", color="#1f4e79", linewidth=2, label=measures)
    if criterion.limit is not None:
        if criterion.kind == CriterionKind.at_least:
            target_label = _("target: {value}", value=criterion.target)
            pace_label = _("even pace to the target")
        else:
            target_label = _(
                "allowed at most: {value}", value=fmt_number(round(criterion.limit, 1))
            )
            pace_label = _("allowed so far")
        axes.axhline(criterion.limit, color="#c00000", linestyle="--", label=target_label)
        axes.plot(
            [start, end + timedelta(days=1)],
            [0, criterion.limit],
            color="#7f7f7f",
            linestyle=":",
            label=pace_label,
        )
    if criterion.baseline is not None:
        axes.axhline(
            criterion.baseline,
            color="#7f7f7f",
            linestyle="-.",
            label=_("previous period: {value}", value=criterion.baseline),
        )
    _date_axis(axes, start, end + timedelta(days=1))
    top = max([*values, criterion.limit or 0, criterion.baseline or 0, 1])
    axes.set_ylim(0, top * 1.15)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    axes.tick_params(labelsize=8)
    return _png(figure)


def weekly_chart(progress: PlanProgress) -> bytes | None:
    """Entries per ISO week, stacked by kind."""
    weeks = progress.weekly
    if not weeks or not any(week.total for week in weeks):
        return None
    figure = Figure(figsize=SIZE_IN)
    axes = figure.subplots()
    kinds = [k for k in EntryKind if any(week.counts.get(k) for week in weeks)]
    starts = [week.week_start for week in weeks]
    bottom = [0] * len(weeks)
    for kind in kinds:
        heights = [week.counts.get(kind, 0) for week in weeks]
        axes.bar(
            starts,
            heights,
            width=6,
            bottom=bottom,
            align="edge",
            color=KIND_COLOURS[kind],
            label=kind_label(kind),
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    _date_axis(axes, starts[0], starts[-1] + timedelta(days=7))
    axes.set_ylabel(_("entries"), fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.tick_params(labelsize=8)
    return _png(figure, right=LEGEND_RIGHT)
