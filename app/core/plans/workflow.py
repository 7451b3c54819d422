"""A plan's way to approval: drafted, submitted, approved or returned with a note.

Who may do what is decided here, once, so the app (and anything else) cannot skip a step:
an officer writes plans for their own areas and submits them; a supervisor approves or
returns the submitted plans of their unit; an admin may do both anywhere.
"""

from sqlmodel import Session

from app.core.i18n import fmt_number, translator
from app.core.i18n.labels import status_label
from app.core.model import (
    CriterionKind,
    Officer,
    OutboxItem,
    Plan,
    PlanIn,
    PlanStatus,
    Role,
    ServiceArea,
)
from app.core.model.clock import utcnow
from app.core.plans.changes import snapshot
from app.core.store.org import officer_area_ids
from app.core.store.plans import get_plan, list_plans, read_plan, save_plan

EDITABLE = (PlanStatus.draft, PlanStatus.returned)
"""A plan can be changed only before it is submitted, or after it came back."""

_ = translator("plans")

NOTE_MAX = 2000
BASELINE_MAX = 1_000_000


class WorkflowError(PermissionError):
    """The officer may not do this to the plan in its current state; nothing was changed."""


def _unit_of_area(session: Session, area_id: str) -> str | None:
    area = session.get(ServiceArea, area_id)
    return area.unit_id if area is not None else None


def may_write(session: Session, officer: Officer, area_id: str) -> bool:
    """An officer writes plans for their own areas; admins for any."""
    if officer.role == Role.admin:
        return True
    return area_id in officer_area_ids(session, officer.id)


def may_review(session: Session, officer: Officer, plan: Plan) -> bool:
    """Supervisors review their own unit's plans; admins review all."""
    if officer.role == Role.admin:
        return True
    if officer.role != Role.supervisor:
        return False
    return _unit_of_area(session, plan.area_id) == officer.unit_id


def may_edit(session: Session, officer: Officer, plan: Plan) -> bool:
    """The plan is still editable and belongs to the officer (or the officer is an admin)."""
    if plan.status not in EDITABLE:
        return False
    if officer.role == Role.admin:
        return True
    return plan.officer_id == officer.id and may_write(session, officer, plan.area_id)


def save_draft(session: Session, officer: Officer, plan_in: PlanIn) -> Plan:
    """Create a draft or change an editable plan; its status is kept (draft or returned)."""
    plan_in = PlanIn.model_validate(plan_in.model_dump())
    existing = session.get(Plan, plan_in.id) if plan_in.id else None
    if existing is None:
        if not may_write(session, officer, plan_in.area_id):
            raise WorkflowError(_("you can write plans only for your own service areas"))
        if officer.role != Role.admin and plan_in.officer_id != officer.id:
            raise WorkflowError(_("a new plan is written by the officer it belongs to"))
        status = PlanStatus.draft
    else:
        if not may_edit(session, officer, existing):
            raise WorkflowError(
                _(
                    "this plan cannot be edited (status: {status}; "
                    "only your own drafts and returned plans can)",
                    status=status_label(existing.status),
                )
            )
        if plan_in.area_id != existing.area_id and not may_write(session, officer, plan_in.area_id):
            raise WorkflowError(_("you can move a plan only to your own service areas"))
        status = existing.status
    review_note = existing.review_note if existing is not None else ""
    old_baseline = existing.criterion_baseline if existing is not None else None
    plan = save_plan(session, plan_in.model_copy(update={"status": status}))
    plan.review_note = review_note
    if plan.criterion_baseline != old_baseline:
        plan.criterion_baseline_by = baseline_signature(officer)
        plan.criterion_baseline_at = utcnow()
    session.add(plan)
    session.flush()
    return plan


def _transition(session: Session, plan: Plan, status: PlanStatus, note: str) -> Plan:
    plan.status = status
    plan.review_note = note
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
    return plan


def submit(session: Session, officer: Officer, plan_id: str) -> Plan:
    """Send a draft (or a corrected returned plan) to the supervisor."""
    plan = get_plan(session, plan_id)
    if not may_edit(session, officer, plan):
        raise WorkflowError(
            _(
                "only the plan's officer can submit it, from draft or returned (status: {status})",
                status=status_label(plan.status),
            )
        )
    return _transition(session, plan, PlanStatus.submitted, plan.review_note)


def approve(session: Session, reviewer: Officer, plan_id: str, note: str = "") -> Plan:
    """Approve a submitted plan: from now on its actions appear on the officer's Today."""
    plan = get_plan(session, plan_id)
    _check_review(session, reviewer, plan)
    return _transition(session, plan, PlanStatus.approved, _clean_note(note))


def return_plan(session: Session, reviewer: Officer, plan_id: str, note: str) -> Plan:
    """Send a submitted plan back for corrections; the note says what to change."""
    note = _clean_note(note)
    if not note:
        raise WorkflowError(_("returning a plan needs a note saying what to correct"))
    plan = get_plan(session, plan_id)
    _check_review(session, reviewer, plan)
    plan.returned_content = snapshot(read_plan(session, plan_id))
    return _transition(session, plan, PlanStatus.returned, note)


def _check_review(session: Session, reviewer: Officer, plan: Plan) -> None:
    if not may_review(session, reviewer, plan):
        raise WorkflowError(_("only a supervisor of the plan's unit can review it"))
    if plan.status != PlanStatus.submitted:
        raise WorkflowError(
            _(
                "only a submitted plan can be reviewed (status: {status})",
                status=status_label(plan.status),
            )
        )
    if plan.officer_id == reviewer.id and reviewer.role != Role.admin:
        raise WorkflowError(_("nobody reviews their own plan"))


def may_set_baseline(session: Session, officer: Officer, plan: Plan) -> bool:
    """The plan's officer (in their own area), a supervisor of its unit, an admin."""
    if plan.criterion_kind != CriterionKind.reduce_by_percent:
        return False
    if officer.role == Role.admin or may_review(session, officer, plan):
        return True
    return plan.officer_id == officer.id and may_write(session, officer, plan.area_id)


def baseline_signature(officer: Officer) -> str:
    return f"{officer.name} ({officer.badge})"


def set_baseline(session: Session, officer: Officer, plan_id: str, value: int | None) -> Plan:
    """Enter or correct a reduction plan's baseline (the previous period's count, from the
    KMZB reports and the list of interventions) at any stage of the plan, recording who and
    when; ``None`` goes back to the figure computed from the previous plan, if any."""
    plan = get_plan(session, plan_id)
    if not may_set_baseline(session, officer, plan):
        raise WorkflowError(
            _(
                "only the plan's officer or a supervisor of its unit can enter the baseline "
                "of a reduction plan"
            )
        )
    if value is not None and not 0 <= value <= BASELINE_MAX:
        raise WorkflowError(
            _("the baseline is a whole number from 0 to {max}", max=fmt_number(BASELINE_MAX))
        )
    plan.criterion_baseline = value
    plan.criterion_baseline_by = baseline_signature(officer)
    plan.criterion_baseline_at = utcnow()
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
    return plan


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise WorkflowError(_("the note is longer than {max} characters", max=fmt_number(NOTE_MAX)))
    return note


def plans_to_review(session: Session, reviewer: Officer) -> list[Plan]:
    """Submitted plans the reviewer may approve or return, oldest period first."""
    if reviewer.role not in (Role.supervisor, Role.admin):
        return []
    submitted = [p for p in list_plans(session) if p.status == PlanStatus.submitted]
    return sorted(
        (p for p in submitted if may_review(session, reviewer, p) and p.officer_id != reviewer.id),
        key=lambda p: (p.period_start, p.id),
    )


def visible_plans(session: Session, officer: Officer) -> list[Plan]:
    """The plans an officer sees in the app: own areas; a supervisor's whole unit; all for admin."""
    if officer.role == Role.admin:
        return list_plans(session)
    if officer.role == Role.supervisor:
        return [
            p for p in list_plans(session) if _unit_of_area(session, p.area_id) == officer.unit_id
        ]
    return list_plans(session, area_ids=officer_area_ids(session, officer.id))


def queue_for_sync(session: Session, plan_id: str, officer_id: str) -> None:
    """On a device: send the plan (content and status) with the next sync, in this transaction,
    under the sign-in of ``officer_id`` (who made the change) and nobody else's.

    The server applies the same rules again (this module), so a queued change it refuses is
    reported back, never forced through.
    """
    session.add(OutboxItem(object_type="plan", object_id=plan_id, officer_id=officer_id))
    session.flush()
