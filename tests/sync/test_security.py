"""Accounts and roles: who reads and writes what, tokens, the sign-in limit, secrets at rest."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, func, select

from app.core.demo import ACCOUNTS, AREA_IDS, AREA_NUMBERS, DEMO_PASSWORD, area_id
from app.core.model import ApiToken, Entry, EntryRevision, Officer, Plan, PlanStatus
from app.core.model.ids import stable_id
from app.core.store.org import officer_by_badge
from app.server import accounts
from tests.sync.conftest import (
    ADMIN,
    KRASNIK_PLACE,
    OFFICER,
    OTHER_OFFICER,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    current_plan,
    entry_content,
    mutation,
    token_for,
)


async def changes(api, token):
    async with api(token) as http:
        response = await http.get("/api/v1/changes", params={"since": 0, "limit": 1000})
    assert response.status_code == 200
    return response.json()


def krasnik_entry(number: int = 1) -> dict:
    return mutation(
        number,
        content=entry_content(plan_id=current_plan("krasnik"), place_id=KRASNIK_PLACE),
    )


async def test_each_role_reads_exactly_its_reach(api, demo_engine):
    tokens = {badge: token_for(demo_engine, badge) for badge in (OFFICER, SUPERVISOR, ADMIN)}
    tokens[OTHER_OFFICER] = token_for(demo_engine, OTHER_OFFICER)
    async with api(tokens[OFFICER]) as http:
        own = await http.post("/api/v1/push", json={"client_id": "a", "mutations": [mutation(1)]})
    async with api(tokens[OTHER_OFFICER]) as http:
        other = await http.post(
            "/api/v1/push", json={"client_id": "b", "mutations": [krasnik_entry()]}
        )
    assert own.status_code == other.status_code == 200

    seen = {badge: await changes(api, token) for badge, token in tokens.items()}
    lubartow, krasnik = AREA_IDS["lubartow"], AREA_IDS["krasnik"]

    def areas(view):
        return {p["area_id"] for p in view["plans"]} | {a["id"] for a in view["areas"]}

    unit_areas = {u: {area_id(u, n) for n in numbers} for u, numbers in AREA_NUMBERS.items()}
    assert areas(seen[OFFICER]) == {lubartow}
    assert areas(seen[SUPERVISOR]) == unit_areas["lubartow"]  # every rejon of the unit
    assert areas(seen[OTHER_OFFICER]) == {krasnik}
    assert areas(seen[ADMIN]) == unit_areas["lubartow"] | unit_areas["krasnik"]
    badges = {badge: {o["badge"] for o in view["officers"]} for badge, view in seen.items()}
    assert badges[OFFICER] == {OFFICER}
    assert badges[SUPERVISOR] == {a.badge for a in ACCOUNTS if a.unit == "lubartow"}
    assert badges[ADMIN] == {a.badge for a in ACCOUNTS}
    entries = {badge: {r["entry_id"] for r in view["revisions"]} for badge, view in seen.items()}
    own_id, other_id = own.json()["results"][0], other.json()["results"][0]
    assert own_id["status"] == other_id["status"] == "applied"
    lubartow_entry = own_id["revision_id"]
    assert {r["id"] for r in seen[OFFICER]["revisions"]} == {lubartow_entry}
    assert {r["id"] for r in seen[SUPERVISOR]["revisions"]} == {lubartow_entry}
    assert len(entries[ADMIN]) == 2
    assert all("password" not in key for o in seen[ADMIN]["officers"] for key in o)

    async with api(tokens[OFFICER]) as http:
        foreign = await http.get(f"/api/v1/plans/{current_plan('krasnik')}")
        mine = await http.get(f"/api/v1/plans/{current_plan('lubartow')}")
    assert foreign.status_code == 404
    assert mine.status_code == 200 and len(mine.json()["actions"]) == 3


async def test_writes_stay_within_the_reach(api, demo_engine):
    officer, other = token_for(demo_engine, OFFICER), token_for(demo_engine, OTHER_OFFICER)

    async def push(token, *mutations, client_id="dev"):
        async with api(token) as http:
            body = {"client_id": client_id, "mutations": list(mutations)}
            return await http.post("/api/v1/push", json=body)

    # an officer cannot log against another area's plan or place
    refused = await push(officer, mutation(1), krasnik_entry(2))
    assert refused.status_code == 403 and "outside your areas" in refused.json()["detail"]
    place_only = mutation(1, content=entry_content(plan_id=None, place_id=KRASNIK_PLACE))
    assert (await push(officer, place_only)).status_code == 403

    theirs = krasnik_entry()
    assert (await push(other, theirs, client_id="k")).status_code == 200
    edit = mutation(
        1,
        entry_id=theirs["entry_id"],
        base_revision_id=theirs["revision_id"],
        content=entry_content(plan_id=None, place_id=None, note="cudzy"),
    )
    assert (await push(officer, edit)).status_code == 403  # nor touch another's entry
    lubartow_super = token_for(demo_engine, SUPERVISOR)
    assert (await push(lubartow_super, edit, client_id="s")).status_code == 403
    with Session(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(EntryRevision)).one() == 1

    # a supervisor may correct an entry of their unit's officer; an admin any entry
    mine = mutation(1)
    assert (await push(officer, mine, client_id="o")).status_code == 200
    fix = mutation(2, entry_id=mine["entry_id"], base_revision_id=mine["revision_id"])
    assert (await push(lubartow_super, fix, client_id="s")).status_code == 200
    admin_edit = dict(edit, mutation_id=5)
    assert (
        await push(token_for(demo_engine, ADMIN), admin_edit, client_id="adm")
    ).status_code == 200
    with Session(demo_engine) as session:
        assert session.get(Entry, mine["entry_id"]).current_revision_id == fix["revision_id"]
        assert session.get(Entry, mine["entry_id"]).officer_id == stable_id("officer", OFFICER)


async def test_only_the_units_supervisor_reviews_a_plan(api, demo_engine):
    plan_id = current_plan("lubartow")
    with Session(demo_engine) as session:
        plan = session.get(Plan, plan_id)
        plan.status = PlanStatus.submitted
        session.add(plan)
        session.commit()

    async def review(badge, decision="approve", note=""):
        async with api(token_for(demo_engine, badge)) as http:
            body = {"decision": decision, "note": note}
            return await http.post(f"/api/v1/plans/{plan_id}/review", json=body)

    assert (await review(OFFICER)).status_code == 403
    assert (await review(OTHER_SUPERVISOR)).status_code == 404  # not even visible to them
    assert (await review(SUPERVISOR, "return")).status_code == 403  # a return needs a note
    returned = await review(SUPERVISOR, "return", "Proszę doprecyzować kryterium.")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    kept = returned.json()["returned_content"]  # the plan as returned, to compare on resubmission
    assert [a["text"] for a in kept["actions"]] == [a["text"] for a in returned.json()["actions"]]
    assert (await review(SUPERVISOR)).status_code == 403  # no longer submitted
    with Session(demo_engine) as session:
        assert session.get(Plan, plan_id).review_note == "Proszę doprecyzować kryterium."


async def test_tokens_expire_are_revocable_and_die_with_the_account(api, demo_engine):
    with Session(demo_engine) as session:
        officer = officer_by_badge(session, OFFICER)
        expired = accounts.issue_token(session, officer, lifetime=timedelta(seconds=-1))
        session.commit()
    live, other = token_for(demo_engine, OFFICER), token_for(demo_engine, OFFICER)

    async def me(token):
        async with api(token) as http:
            return (await http.get("/api/v1/auth/me")).status_code

    assert await me(live) == 200
    assert await me(expired) == 401
    assert await me("not-a-token") == 401
    assert await me(None) == 401
    async with api(live) as http:
        assert (await http.post("/api/v1/auth/logout")).status_code == 204
    assert await me(live) == 401
    assert await me(other) == 200
    with Session(demo_engine) as session:
        assert accounts.disable_user(session, OFFICER) >= 1
        session.commit()
    assert await me(other) == 401


async def test_sign_in_is_rate_limited_and_secrets_are_hashed(api, demo_engine):
    """Limits in the test service: 3 failures per badge, 5 per address (see server_config)."""
    async with api() as http:

        async def login(badge, password):
            body = {"badge": badge, "password": password, "client_id": "phone-1"}
            return await http.post("/api/v1/auth/login", json=body)

        good = await login(OFFICER, DEMO_PASSWORD)
        assert good.status_code == 200
        token = good.json()["access_token"]
        assert good.json()["officer"]["badge"] == OFFICER
        for _ in range(3):
            assert (await login(OFFICER, "zle-haslo")).status_code == 401
        blocked = await login(OFFICER, DEMO_PASSWORD)  # even the right password waits now
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0
        for _ in range(2):  # unknown badges count against the address
            assert (await login("123456", "cokolwiek")).status_code == 401
        assert (await login(SUPERVISOR, DEMO_PASSWORD)).status_code == 429

    with Session(demo_engine) as session:
        hashes = session.exec(select(Officer.password_hash)).all()
        assert hashes and all(h.startswith("$argon2id$") for h in hashes)
        assert all(DEMO_PASSWORD not in h for h in hashes)
        digests = session.exec(select(ApiToken.digest)).all()
        assert hashlib.sha256(token.encode()).hexdigest() in digests
        dump = " ".join(
            str(v) for row in session.execute(text("SELECT * FROM api_token")) for v in row
        )
        assert token not in dump
