"""Plans with their actions, partners and channels, stored and read as one document."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.core.model import Action, Channel, Partner, Plan, PlanIn
from app.core.model.clock import utcnow
from app.core.model.ids import new_id
from app.core.store.errors import NotFound


@dataclass(frozen=True)
class PlanDocument:
    """A plan and its sections, read together for screens, reports and the CLI."""

    plan: Plan
    actions: list[Action]
    partners: list[Partner]
    channels: list[Channel]


def save_plan(session: Session, plan_in: PlanIn) -> Plan:
    """Create or replace a whole plan; its sections are replaced in the given order.

    Actions keep their ids when given, so entries logged against them stay linked.
    """
    plan_in = PlanIn.model_validate(plan_in.model_dump())
    fields = plan_in.model_dump(exclude={"id", "actions", "partners", "channels"})
    plan = session.get(Plan, plan_in.id) if plan_in.id else None
    if plan is None:
        plan = Plan(id=plan_in.id or new_id(), **fields)
    else:
        for key, value in fields.items():
            setattr(plan, key, value)
        plan.updated_at = utcnow()
    session.add(plan)
    session.flush()

    keep_actions = {a.id for a in plan_in.actions if a.id}
    for old in session.exec(select(Action).where(Action.plan_id == plan.id)):
        if old.id not in keep_actions:
            session.delete(old)
    for model in (Partner, Channel):
        for old in session.exec(select(model).where(model.plan_id == plan.id)):
            session.delete(old)
    session.flush()
    for position, action_in in enumerate(plan_in.actions):
        data = action_in.model_dump(exclude={"id"})
        action = session.get(Action, action_in.id) if action_in.id else None
        if action is None:
            action = Action(id=action_in.id or new_id(), plan_id=plan.id, **data)
        else:
            for key, value in data.items():
                setattr(action, key, value)
        action.plan_id, action.position = plan.id, position
        session.add(action)
    for position, partner_in in enumerate(plan_in.partners):
        session.add(
            Partner(
                id=partner_in.id or new_id(),
                plan_id=plan.id,
                position=position,
                **partner_in.model_dump(exclude={"id"}),
            )
        )
    for position, channel_in in enumerate(plan_in.channels):
        session.add(
            Channel(
                id=channel_in.id or new_id(),
                plan_id=plan.id,
                position=position,
                **channel_in.model_dump(exclude={"id"}),
            )
        )
    session.flush()
    return plan


def get_plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return plan


def find_plan(session: Session, ref: str) -> Plan:
    """A plan by its id or an unambiguous id prefix (at least 4 characters), as typed on a CLI."""
    ref = ref.strip()
    plan = session.get(Plan, ref)
    if plan is not None:
        return plan
    if len(ref) < 4:
        raise NotFound(f"no plan {ref!r} (give at least 4 characters of its id)")
    matches = list(session.exec(select(Plan).where(col(Plan.id).startswith(ref))))
    if len(matches) != 1:
        raise NotFound(f"{len(matches)} plans match {ref!r}")
    return matches[0]


def read_plan(session: Session, plan_id: str) -> PlanDocument:
    plan = get_plan(session, plan_id)

    def rows(model: type[Action] | type[Partner] | type[Channel]) -> list:
        query = select(model).where(model.plan_id == plan_id).order_by(col(model.position))
        return list(session.exec(query))

    return PlanDocument(plan, rows(Action), rows(Partner), rows(Channel))


def list_plans(
    session: Session, area_ids: list[str] | None = None, officer_id: str | None = None
) -> list[Plan]:
    query = select(Plan).order_by(col(Plan.period_start).desc(), Plan.id)
    if area_ids is not None:
        query = query.where(col(Plan.area_id).in_(area_ids))
    if officer_id is not None:
        query = query.where(Plan.officer_id == officer_id)
    return list(session.exec(query))
