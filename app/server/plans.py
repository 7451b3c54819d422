"""Plans over the API: read one, save a whole plan, submit it, approve or return it.

Who may do what to a plan is decided by ``app.core.plans.workflow`` (the same rules as in the app);
this module only adds what the network needs: visibility, references checked before writing,
and one ``PUT`` that carries both the content and the status a device wants the plan in.
"""

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.core.model import (
    Action,
    Channel,
    EntryRevision,
    Officer,
    Partner,
    Place,
    Plan,
    PlanIn,
    PlanStatus,
    ServiceArea,
)
from app.core.model.clock import local_today
from app.core.model.limits import check_plan_period
from app.core.plans import workflow
from app.core.store.errors import NotFound
from app.core.sync.outputs import stored_plan_input
from app.core.sync.schemas import PlanWriteIn, ReviewIn
from app.server.push import Refused
from app.server.scope import Scope


def visible_plan(session: Session, scope: Scope, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.has_area(plan.area_id):
        raise NotFound(f"no plan {plan_id}")
    return plan


def _check_references(session: Session, plan_id: str, body: PlanWriteIn) -> None:
    """Everything the plan points at exists, so saving cannot break a foreign key."""
    if session.get(ServiceArea, body.area_id) is None:
        raise Refused(400, f"unknown area {body.area_id}")
    if session.get(Officer, body.officer_id) is None:
        raise Refused(400, f"unknown officer {body.officer_id}")
    place_ids = {body.criterion_place_id, *(a.place_id for a in body.actions)} - {None}
    query = select(Place.id, Place.area_id).where(col(Place.id).in_(place_ids))
    known = dict(session.exec(query).all())
    missing = sorted(str(place_id) for place_id in place_ids - set(known))
    if missing:
        raise Refused(400, f"unknown places: {', '.join(missing)}")
    # whoever may read the plan may read its places (a pull sends nothing beyond the reach)
    foreign = sorted(p for p, area in known.items() if area not in (None, body.area_id))
    if foreign:
        raise Refused(400, f"places of another area: {', '.join(foreign)}")
    for model, rows in ((Action, body.actions), (Partner, body.partners), (Channel, body.channels)):
        ids = {row.id for row in rows if row.id}
        query = select(model.id).where(col(model.id).in_(ids), model.plan_id != plan_id)
        taken = list(session.exec(query))
        if taken:
            raise Refused(409, f"ids of another plan's sections: {', '.join(sorted(taken))}")
    given = {a.id for a in body.actions if a.id}
    dropped = select(Action.id).where(Action.plan_id == plan_id, col(Action.id).not_in(given))
    used = select(EntryRevision.action_id).where(col(EntryRevision.action_id).in_(dropped))
    in_use = sorted({a for a in session.exec(used.distinct()) if a})
    if in_use:
        raise Refused(409, f"actions with logged entries cannot be removed: {', '.join(in_use)}")


def _same_content(a: PlanIn, b: PlanIn, *, but: frozenset[str] = frozenset()) -> bool:
    left = a.model_dump(mode="json", exclude={"status", *but})
    return left == b.model_dump(mode="json", exclude={"status", *but})


READ_ONLY = {"review_note", "criterion_baseline_by", "criterion_baseline_at", "returned_content"}
"""What a body may carry back from a read but the content does not take (the note goes with a
review; who entered the baseline, and when, and the plan as it was returned, are the service's
own record)."""
BASELINE = frozenset({"criterion_baseline"})
"""The one part of a plan that changes after approval: its baseline (who and when are the
service's own record of the officer who sent it)."""


def save_plan_document(
    session: Session, scope: Scope, officer: Officer, plan_id: str, body: PlanWriteIn
) -> Plan:
    """Save the content (when it changed) and move the plan to the status the body asks for."""
    if body.id not in (None, plan_id):
        raise Refused(400, "the plan id in the body differs from the one in the address")
    try:
        check_plan_period(body.period_start, body.period_end, local_today())
    except ValueError as exc:
        raise Refused(400, str(exc)) from None
    existing = session.get(Plan, plan_id)
    if existing is not None and not scope.has_area(existing.area_id):
        raise NotFound(f"no plan {plan_id}")
    _check_references(session, plan_id, body)
    try:  # the model's rules between fields (an action within the period, dates in order)
        plan_in = PlanIn.model_validate({**body.model_dump(exclude=READ_ONLY), "id": plan_id})
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]) for error in exc.errors()[:5])
        raise Refused(400, problems) from None
    stored = stored_plan_input(session, plan_id) if existing is not None else None
    if stored is not None and _same_content(stored, plan_in, but=BASELINE):
        if stored.criterion_baseline != plan_in.criterion_baseline:
            workflow.set_baseline(session, officer, plan_id, plan_in.criterion_baseline)
    elif stored is None or not _same_content(stored, plan_in):
        workflow.save_draft(session, officer, plan_in)
    plan = visible_plan(session, scope, plan_id)
    if body.status == plan.status:
        return plan
    if body.status is PlanStatus.submitted:
        return workflow.submit(session, officer, plan_id)
    if body.status is PlanStatus.approved:
        return workflow.approve(session, officer, plan_id, body.review_note)
    if body.status is PlanStatus.returned:
        return workflow.return_plan(session, officer, plan_id, body.review_note)
    raise Refused(409, f"a {plan.status.value} plan cannot be set {body.status.value}")


def review_plan(
    session: Session, scope: Scope, officer: Officer, plan_id: str, review: ReviewIn
) -> Plan:
    """Approve or return a submitted plan (its unit's supervisor, or an admin)."""
    visible_plan(session, scope, plan_id)
    if review.decision == "approve":
        return workflow.approve(session, officer, plan_id, review.note)
    return workflow.return_plan(session, officer, plan_id, review.note)
