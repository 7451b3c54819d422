"""The realization report ("Informacja dotycząca realizacji planu…") as neutral content.

Built once from the plan and :func:`app.core.plans.progress.progress_of`, then rendered by
``docx.py`` and ``pdf.py`` — so both files say the same thing with the same figures, and
those figures are the ones the app and the CLI show. The layout follows the sample
documents: the header, the five numbered sections, then the summary.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from babel.dates import format_date
from sqlmodel import Session

from app.core.i18n import babel_locale, fmt_date, fmt_number, fmt_percent, translator
from app.core.i18n.labels import frequency_label, kind_label, measure_label
from app.core.model import (
    COUNT_FIELDS,
    Action,
    CriterionKind,
    EntryKind,
    EntryRevision,
    Officer,
    Place,
    Plan,
    ServiceArea,
    Unit,
)
from app.core.model.clock import local_today
from app.core.plans.progress import (
    ActionProgress,
    CriterionProgress,
    PlanProgress,
    entry_day,
    plan_entries,
    progress_of,
)
from app.core.plans.render import action_terms, criterion_summary
from app.core.reports.charts import cumulative_chart, weekly_chart
from app.core.schedule.service import TaskMode
from app.core.store.plans import PlanDocument, read_plan

_ = translator("reports")

DATE = "dd.MM.y"
"""Dates as the sample documents write them: 01.07.2024."""
LIST_DATES_UP_TO = 12
"""An action done this many times or fewer lists its dates; more are summed by month."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class ItemList:
    """Items as the samples list them: "1) …" when numbered, "- …" otherwise."""

    items: list[str]
    numbered: bool = True


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)
    """Relative column widths (empty: equal)."""


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes


Block = Paragraph | Subheading | ItemList | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list[Block]


@dataclass(frozen=True)
class Report:
    """Everything the renderers print, in order; no formatting decisions beyond structure."""

    unit: str
    place_and_date: str
    title: list[str]
    status_line: str
    sections: list[Section]
    signature: list[str]
    progress: PlanProgress


def _d(day: date) -> str:
    return fmt_date(day, DATE)


def counts_text(totals: dict[str, int]) -> str:
    """'Osoby wylegitymowane: 23, Ujawnione wykroczenia: 5' — only the counters used."""
    return ", ".join(
        f"{measure_label(name)}: {fmt_number(totals[name])}"
        for name in COUNT_FIELDS
        if totals.get(name)
    )


def _dates_text(days: Sequence[date]) -> str:
    """The dates themselves when few, else how many per month."""
    if len(days) <= LIST_DATES_UP_TO:
        return ", ".join(_d(day) for day in days)
    per_month = Counter(day.replace(day=1) for day in days)
    return ", ".join(
        f"{format_date(month, 'LLLL y', locale=babel_locale())} – {per_month[month]}"
        for month in sorted(per_month)
    )


def _hour(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def action_wording(action: Action, plan: Plan) -> str:
    """When an action is due (``render.action_terms``), worded as the sample documents word it."""
    terms = action_terms(action, plan)
    if terms.deadline:
        parts = [_("by {date}", date=_d(terms.deadline))]
    elif terms.start and terms.end:
        parts = [_("from {start} to {end}", start=_d(terms.start), end=_d(terms.end))]
    else:
        parts = [_("for the whole period of the plan")]
    if terms.hours:
        start_hour, end_hour = terms.hours
        parts.append(_("between {start} and {end}", start=_hour(start_hour), end=_hour(end_hour)))
    parts += [text for text in (terms.weekdays, terms.frequency) if text]
    return ", ".join(parts)


def _done_text(progress: ActionProgress, doc: PlanDocument, as_of: date) -> str:
    """What was actually done for one action, in a sentence or two."""
    if progress.mode is TaskMode.daily:
        head = _(
            "Carried out on {done} of {due} due days ({share}).",
            done=progress.done,
            due=progress.due,
            share=fmt_percent(progress.done / progress.due) if progress.due else "—",
        )
    elif progress.mode is TaskMode.frequency:
        action = next(a for a in doc.actions if a.id == progress.action_id)
        assert action.freq_times is not None and action.freq_per is not None
        head = _(
            "Carried out {done} of {due} times required so far ({frequency}).",
            done=progress.done,
            due=progress.due,
            frequency=frequency_label(action.freq_times, action.freq_per),
        )
    elif progress.done:
        head = _("Carried out.")
    else:
        head = _("Not carried out by {date}.", date=_d(as_of))
    parts = [head]
    if progress.times:
        parts.append(
            _(
                "Entries: {times}, on {days} days: {dates}.",
                times=progress.times,
                days=len(progress.days),
                dates=_dates_text(progress.days),
            )
        )
    counts = counts_text(progress.totals)
    if counts:
        parts.append(counts + ".")
    return " ".join(parts)


def _goal_verdict(criterion: CriterionProgress) -> str:
    if criterion.kind == CriterionKind.qualitative:
        return _("Qualitative goal — assessed descriptively.")
    if criterion.met is True:
        return _("The goal was achieved.")
    if criterion.met is False:
        return _("The goal was not achieved.")
    if criterion.on_track is None:
        return _("Cannot be assessed: no baseline data.")
    if criterion.on_track:
        return _("In progress — on track.")
    return _("In progress — behind schedule.")


def _criterion_table(criterion: CriterionProgress, place: Place | None) -> Table:
    measures = " + ".join(measure_label(m) for m in criterion.measures)
    rows = [[_("Measure"), measures + (f" ({place.name})" if place else "")]]
    if criterion.kind == CriterionKind.reduce_by_percent:
        baseline = (
            fmt_number(criterion.baseline) if criterion.baseline is not None else _("no data")
        )
        rows.append([_("Previous period (baseline)"), baseline])
        target = _("down by {percent}%", percent=criterion.target)
        if criterion.limit is not None:
            target += " " + _("(at most {allowed})", allowed=fmt_number(criterion.limit))
        rows.append([_("Target"), target])
    else:
        rows.append([_("Target"), _("at least {target}", target=criterion.target)])
    rows.append([_("Result"), fmt_number(criterion.value or 0)])
    share = fmt_percent(criterion.share_done) if criterion.share_done is not None else "—"
    share_label = (
        _("Share of the target")
        if criterion.kind == CriterionKind.at_least
        else _("Share of the allowed count")
    )
    rows.append([share_label, share])
    rows.append([_("Period elapsed"), fmt_percent(criterion.elapsed_share)])
    rows.append([_("Assessment"), _goal_verdict(criterion)])
    return Table(header=[_("Criterion"), _("Value")], rows=rows, widths=[2, 3])


def _section_threat(doc: PlanDocument) -> Section:
    blocks: list[Block] = [Paragraph(doc.plan.threat)]
    if doc.plan.diagnosis:
        blocks.append(
            Paragraph(_("The threat was diagnosed from: {text}", text=doc.plan.diagnosis))
        )
    return Section(_("1. Characteristics of the diagnosed threat in the service area"), blocks)


def _section_goal(session: Session, doc: PlanDocument, progress: PlanProgress) -> Section:
    plan, criterion = doc.plan, progress.criterion
    blocks: list[Block] = [Paragraph(plan.goal)]
    blocks.append(
        Paragraph(
            _("Criterion: {text}", text=plan.criterion_text or criterion_summary(plan)),
            italic=True,
        )
    )
    blocks.append(Subheading(_("Measured result")))
    if criterion.kind != CriterionKind.qualitative:
        place = session.get(Place, criterion.place_id) if criterion.place_id else None
        blocks.append(_criterion_table(criterion, place))
    blocks.append(Paragraph(criterion.summary))
    blocks.append(Paragraph(_goal_verdict(criterion), bold=True))
    png = cumulative_chart(progress)
    if png:
        blocks.append(Chart(_("Criterion: cumulative result against the target"), png))
    return Section(_("2. The goal to be achieved"), blocks)


def _section_actions(doc: PlanDocument, progress: PlanProgress) -> Section:
    assert progress.as_of is not None
    blocks: list[Block] = []
    by_id = {a.action_id: a for a in progress.actions}
    for number, action in enumerate(doc.actions, start=1):
        figures = by_id[action.id]
        blocks.append(
            Paragraph(f"{number}) {action.text} – {action_wording(action, doc.plan)}", bold=True)
        )
        blocks.append(
            Paragraph(_("Realization: {text}", text=_done_text(figures, doc, progress.as_of)))
        )
    if doc.actions:
        rows = [
            [
                str(number),
                figures.text,
                kind_label(figures.kind),
                f"{figures.done} / {figures.due}",
                str(figures.times),
                counts_text(figures.totals) or "—",
            ]
            for number, figures in enumerate((by_id[a.id] for a in doc.actions), start=1)
        ]
        blocks.append(Subheading(_("Summary of actions")))
        blocks.append(
            Table(
                header=[
                    _("No."),
                    _("Action"),
                    _("Kind"),
                    _("Done / due"),
                    _("Entries"),
                    _("Counts"),
                ],
                rows=rows,
                widths=[0.75, 3.2, 1.9, 1.7, 1.05, 3.0],
            )
        )
    png = weekly_chart(progress)
    if png:
        blocks.append(Chart(_("Entries per week by kind"), png))
    return Section(_("3. Proposed actions with the dates of their stages and tasks"), blocks)


TABLE_ROWS_MAX = 30
"""A report summarises: longer lists of entries are cut, the export has every one."""


def _entries_table(entries: Sequence[EntryRevision], places: dict[str, str]) -> Table:
    shown = entries[:TABLE_ROWS_MAX]
    rows = [[_d(entry_day(e)), places.get(e.place_id or "", "—"), e.note or "—"] for e in shown]
    if len(entries) > len(shown):
        rest = _(
            "… and {count} more (every entry is in the export)", count=len(entries) - len(shown)
        )
        rows.append(["", "", rest])
    return Table(header=[_("Date"), _("Place"), _("Note")], rows=rows, widths=[1, 2, 5])


def _section_partners(
    doc: PlanDocument, entries: Sequence[EntryRevision], places: dict[str, str]
) -> Section:
    blocks: list[Block] = [
        ItemList([f"{p.name} – {p.tasks}" if p.tasks else p.name for p in doc.partners])
    ]
    contacts = [e for e in entries if e.kind == EntryKind.partner_contact]
    blocks.append(Subheading(_("The partners' part")))
    if contacts:
        blocks.append(
            Paragraph(_("Contacts with partners recorded: {count}.", count=len(contacts)))
        )
        blocks.append(_entries_table(contacts, places))
    else:
        blocks.append(Paragraph(_("No contacts with partners were recorded in the period.")))
    return Section(
        _("4. Partners in the priority action, with the tasks they plan to carry out"),
        blocks,
    )


def _section_channels(
    doc: PlanDocument, entries: Sequence[EntryRevision], places: dict[str, str]
) -> Section:
    blocks: list[Block] = [ItemList([c.text for c in doc.channels], numbered=False)]
    blocks.append(Subheading(_("Channels used")))
    kinds = Counter(EntryKind(e.kind) for e in entries)
    reached = sum(
        e.residents_spoken for e in entries if e.kind in (EntryKind.meeting, EntryKind.talk)
    )
    leaflets = sum(e.leaflets for e in entries)
    blocks.append(
        Paragraph(
            _(
                "Meetings held: {meetings}; talks with residents: {talks} (residents reached at "
                "meetings and talks: {reached}); leaflets handed out: {leaflets}; "
                "announcements: {announcements}.",
                meetings=kinds[EntryKind.meeting],
                talks=kinds[EntryKind.talk],
                reached=fmt_number(reached),
                leaflets=fmt_number(leaflets),
                announcements=kinds[EntryKind.announcement],
            )
        )
    )
    announcements = [e for e in entries if e.kind == EntryKind.announcement]
    if announcements:
        blocks.append(_entries_table(announcements, places))
    return Section(
        _("5. Proposed way of informing the community of the area about the priority action"),
        blocks,
    )


def _section_summary(progress: PlanProgress) -> Section:
    assert progress.period_start is not None and progress.as_of is not None
    blocks: list[Block] = [
        Paragraph(
            _(
                "From {start} to {end} the officer recorded {count} entries in the plan.",
                start=_d(progress.period_start),
                end=_d(progress.as_of),
                count=fmt_number(progress.entries),
            )
        ),
        Table(
            header=[_("Counter"), _("Total")],
            rows=[[measure_label(n), fmt_number(progress.totals[n])] for n in COUNT_FIELDS],
            widths=[3, 1],
        ),
        Paragraph(
            _("Assessment of the goal: {verdict}", verdict=_goal_verdict(progress.criterion)),
            bold=True,
        ),
    ]
    return Section(_("6. Summary"), blocks)


def build_report(session: Session, plan_id: str, today: date | None = None) -> Report:
    """The report's content for a plan as of ``today`` (default: today)."""
    today = today or local_today()
    doc = read_plan(session, plan_id)
    plan = doc.plan
    entries = plan_entries(session, plan, min(today, plan.period_end))
    progress = progress_of(session, doc, entries, today)
    place_ids = {e.place_id for e in entries if e.place_id}
    places = {pid: place.name for pid in place_ids if (place := session.get(Place, pid))}
    area = session.get(ServiceArea, plan.area_id)
    unit = session.get(Unit, area.unit_id) if area else None
    officer = session.get(Officer, plan.officer_id)
    assert progress.as_of is not None
    title = [
        _("INFORMATION"),
        _("on the realization of the priority action plan"),
        _("for service area no. {number}", number=area.number_text if area else "?"),
        _(
            "for the period from {start} to {end}",
            start=_d(plan.period_start),
            end=_d(plan.period_end),
        ),
    ]
    if today >= plan.period_end:
        status_line = _("The period has ended.")
    else:
        status_line = _("State as of {date} (the period is under way).", date=_d(progress.as_of))
    city = unit.city if unit and unit.city else ""
    return Report(
        unit=unit.name if unit else "",
        place_and_date=_("{city}, {date}", city=city, date=_d(today)) if city else _d(today),
        title=title,
        status_line=status_line,
        sections=[
            _section_threat(doc),
            _section_goal(session, doc, progress),
            _section_actions(doc, progress),
            _section_partners(doc, entries, places),
            _section_channels(doc, entries, places),
            _section_summary(progress),
        ],
        signature=[
            _("Prepared by: {name}", name=officer.name if officer else ""),
            _(
                "community police officer, service area no. {number}",
                number=area.number_text if area else "?",
            ),
        ],
        progress=progress,
    )
