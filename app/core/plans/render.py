"""A plan's five sections as plain text (CLI), in the current language."""

from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session

from app.core.i18n import fmt_date, translator
from app.core.i18n.labels import (
    criterion_label,
    frequency_label,
    kind_label,
    measure_label,
    status_label,
    weekday_label,
)
from app.core.model import Action, Officer, Plan, ServiceArea, Unit
from app.core.store.plans import PlanDocument

_ = translator("core")


@dataclass(frozen=True)
class ActionTerms:
    """When an action is due, decided once: the app, the CLI, the calendar and the report word
    these facts each in their own register but can never disagree on them."""

    deadline: date | None
    """Set for an action to be done by a day (then ``start``/``end`` are None)."""
    start: date | None
    end: date | None
    """The window; both None: the whole period of the plan."""
    hours: tuple[time, time] | None
    weekdays: str
    """'pon., śr.' or empty."""
    frequency: str
    """'2× w tygodniu' or empty."""


def action_terms(action: Action, plan: Plan) -> ActionTerms:
    """The one rule: a deadline reads 'by'; any date bound gives a window (the other bound from
    the plan's period); no dates: the whole period."""
    deadline = start = end = None
    if action.deadline and action.end_date:
        deadline = action.end_date
    elif action.start_date or action.end_date:
        start = action.start_date or plan.period_start
        end = action.end_date or plan.period_end
    hours = (action.time_from, action.time_to) if action.time_from and action.time_to else None
    weekdays = ", ".join(weekday_label(d) for d in action.weekdays) if action.weekdays else ""
    frequency = (
        frequency_label(action.freq_times, action.freq_per)
        if action.freq_times and action.freq_per
        else ""
    )
    return ActionTerms(deadline, start, end, hours, weekdays, frequency)


def action_when(action: Action, plan: Plan) -> str:
    """'do 31 gru 2024', '1 mar 2024 – 30 cze 2024, godz. 07:00–22:00, 2× w tygodniu'."""
    terms = action_terms(action, plan)
    parts = []
    if terms.deadline:
        parts.append(_("by {date}", date=fmt_date(terms.deadline)))
    elif terms.start and terms.end:
        start, end = fmt_date(terms.start), fmt_date(terms.end)
        parts.append(_("{start} – {end}", start=start, end=end))
    else:
        parts.append(_("whole period"))
    if terms.hours:
        start_hour, end_hour = terms.hours
        parts.append(_("hours {start}–{end}", start=f"{start_hour:%H:%M}", end=f"{end_hour:%H:%M}"))
    parts += [text for text in (terms.weekdays, terms.frequency) if text]
    return ", ".join(parts)


def criterion_summary(plan: Plan) -> str:
    measures = " + ".join(measure_label(m) for m in plan.criterion_measures)
    if plan.criterion_kind == "qualitative":
        return criterion_label(plan.criterion_kind)
    if plan.criterion_kind == "reduce_by_percent":
        return f"{measures}: −{plan.criterion_target}%"
    return f"{measures}: ≥ {plan.criterion_target}"


def plan_as_text(session: Session, doc: PlanDocument) -> str:
    plan = doc.plan
    area = session.get(ServiceArea, plan.area_id)
    unit = session.get(Unit, area.unit_id) if area else None
    officer = session.get(Officer, plan.officer_id)
    lines = [
        f"{_('Plan of priority action')} — {plan.title}",
        f"{_('Service area no. {number}', number=area.number_text if area else '?')}"
        + (f", {unit.name}" if unit else ""),
        _("Officer: {name}", name=officer.name if officer else "?"),
        _(
            "Period: {start} – {end}",
            start=fmt_date(plan.period_start),
            end=fmt_date(plan.period_end),
        ),
        _("Status: {status}", status=status_label(plan.status)),
        f"id: {plan.id}",
        "",
        _("1. The diagnosed threat in the service area"),
        plan.threat,
    ]
    if plan.diagnosis:
        lines.append(_("How diagnosed: {text}", text=plan.diagnosis))
    lines += ["", _("2. The goal to achieve"), plan.goal]
    lines.append(_("Criterion: {text}", text=criterion_summary(plan)))
    if plan.criterion_text:
        lines.append(f"  „{plan.criterion_text}”")
    lines += ["", _("3. Actions with their dates")]
    for number, action in enumerate(doc.actions, start=1):
        lines.append(
            f"{number}) [{kind_label(action.kind)}] {action.text} — {action_when(action, plan)}"
        )
    lines += ["", _("4. Partners and their tasks")]
    lines += [f"{n}) {p.name} — {p.tasks}" for n, p in enumerate(doc.partners, start=1)]
    lines += ["", _("5. How the community is informed")]
    lines += [f"- {c.text}" for c in doc.channels]
    return "\n".join(lines)
