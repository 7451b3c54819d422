"""The sync service under hostile and careless input (issue 13): each class of fault has a
regression test with the values that found it and a property (hypothesis) over the class.

1 reach of pulls · 2 no 5xx on bad input · 3 no secret in a log or an answer · 4 plausible
values · 5 fair sign-in limits · 6 order and honesty of answers · 7 headers · 8 the contract.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from app.core.demo import DEMO_PASSWORD
from app.core.model import Action, EntryIn, EntryRevision, Place, Plan, Role, ServiceArea
from app.core.model.clock import local_today, utcnow
from app.core.model.limits import MAX_FUTURE, PLAN_GRACE, PLAN_MAX_AHEAD, PLAN_MAX_SPAN
from app.core.store.entries import log_entry
from app.core.store.org import officer_area_ids, officer_by_badge
from app.core.sync.schemas import ChangesOut
from app.device.sync import apply
from app.server import accounts
from app.server.config import ServerConfig
from app.server.server import create_app
from tests.sync.conftest import (
    ADMIN,
    BASE_URL,
    KRASNIK_PLACE,
    NIVEA,
    OFFICER,
    OTHER_OFFICER,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    bearer,
    current_plan,
    entry_content,
    mutation,
    token_for,
)

BADGES = (OFFICER, SUPERVISOR, OTHER_OFFICER, OTHER_SUPERVISOR, ADMIN)
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECURITY = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def call(
    app: FastAPI,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    raw: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    params: dict[str, Any] | None = None,
) -> httpx.Response:
    """One request to the app in-process (``raw``: the body as sent, e.g. NaN or a surrogate)."""
    sent = {**(bearer(token) if token else {}), **(headers or {})}
    if raw is not None:
        sent.setdefault("Content-Type", "application/json")

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            return await http.request(
                method, path, json=body, content=raw, headers=sent, params=params
            )

    return asyncio.run(go())


def revisions_stored(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EntryRevision)).one()


def push_body(*mutations: dict, client_id: str = "phone-1") -> dict:
    return {"client_id": client_id, "mutations": list(mutations)}


# 1. reach of pulled parents --------------------------------------------------------------


def pull_all(app: FastAPI, token: str) -> list[ChangesOut]:
    pages, cursor = [], 0
    while True:
        response = call(app, "GET", "/api/v1/changes", token=token, params={"since": cursor})
        assert response.status_code == 200, response.text
        page = ChangesOut.model_validate(response.json())
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages


def reach_areas(session: Session, badge: str) -> set[str] | None:
    """The areas a badge reaches by the role rules (None: every area), worked out afresh."""
    officer = officer_by_badge(session, badge)
    if officer.role is Role.admin:
        return None
    areas = set(officer_area_ids(session, officer.id))
    if officer.role is Role.supervisor:
        query = select(ServiceArea.id).where(ServiceArea.unit_id == officer.unit_id)
        areas |= set(session.exec(query))
    return areas


def assert_within_direct_reads(app: FastAPI, engine: Engine, badge: str) -> list[ChangesOut]:
    """Everything any pull of ``badge`` returns is something the direct reads allow."""
    token = token_for(engine, badge)
    pages = pull_all(app, token)
    plans_read: dict[str, int] = {}

    def readable_plan(plan_id: str) -> bool:
        if plan_id not in plans_read:
            plans_read[plan_id] = call(
                app, "GET", f"/api/v1/plans/{plan_id}", token=token
            ).status_code
        return plans_read[plan_id] == 200

    with Session(engine) as session:
        me = officer_by_badge(session, badge)
        areas = reach_areas(session, badge)

        def area_ok(area_id: str | None) -> bool:
            return areas is None or area_id in areas

        def place_ok(place_id: str) -> bool:
            place = session.get(Place, place_id)
            return place is not None and (place.area_id is None or area_ok(place.area_id))

        for page in pages:
            named = {r.officer_id for r in page.revisions} | {
                r.entry_officer_id for r in page.revisions
            }
            named |= {p.officer_id for p in page.plans}
            for plan in page.plans:
                assert readable_plan(plan.id), (badge, "plan", plan.id)
            for area in page.areas:
                assert area_ok(area.id), (badge, "area", area.id)
            for place in page.places:
                assert place_ok(place.id), (badge, "place", place.id)
            for officer in page.officers:
                if me.role is Role.admin or officer.id == me.id:
                    continue
                same_unit = me.role is Role.supervisor and officer.unit_id == me.unit_id
                assert same_unit or officer.id in named, (badge, "officer", officer.badge)
                assert all(area_ok(a) for a in officer.area_ids), (badge, "officer areas")
            units = {me.unit_id} | {o.unit_id for o in page.officers}
            units |= {a.unit_id for a in session.exec(select(ServiceArea)) if area_ok(a.id)}
            for unit in page.units:
                assert me.role is Role.admin or unit.id in units, (badge, "unit", unit.name)
            for revision in page.revisions:
                if revision.plan_id:
                    assert readable_plan(revision.plan_id), (badge, "revision's plan")
                if revision.place_id:
                    assert place_ok(revision.place_id), (badge, "revision's place")
                if revision.action_id:
                    action = session.get(Action, revision.action_id)
                    assert action is not None and readable_plan(action.plan_id), badge
    return pages


def test_a_pull_carries_no_parent_beyond_the_reach(server, demo_engine, make_device):
    """The issue's example: the admin (Lubartów unit) logs against a Kraśnik plan and place;
    the Lubartów supervisor sees the entry but none of Kraśnik's plan, place, officer, area
    or unit — and their device stores the page (no foreign key broken)."""
    krasnik = mutation(
        1, content=entry_content(plan_id=current_plan("krasnik"), place_id=KRASNIK_PLACE)
    )
    pushed = call(
        server, "POST", "/api/v1/push", token=token_for(demo_engine, ADMIN), body=push_body(krasnik)
    )
    assert pushed.status_code == 200, pushed.text
    pages = assert_within_direct_reads(server, demo_engine, SUPERVISOR)
    revisions = [r for page in pages for r in page.revisions if r.id == krasnik["revision_id"]]
    assert len(revisions) == 1  # the entry of a unit officer is in the reach…
    assert revisions[0].plan_id is None and revisions[0].place_id is None  # …its parents not
    everything = [row for page in pages for row in (*page.plans, *page.places, *page.officers)]
    assert current_plan("krasnik") not in {row.id for row in everything}
    assert KRASNIK_PLACE not in {row.id for row in everything}
    assert not {o.badge for page in pages for o in page.officers} & {
        OTHER_OFFICER,
        OTHER_SUPERVISOR,
    }
    assert not [u for page in pages for u in page.units if "Kraśnik" in u.name]
    token = token_for(demo_engine, SUPERVISOR)
    assert (
        call(server, "GET", f"/api/v1/plans/{current_plan('krasnik')}", token=token).status_code
        == 404
    )

    device = make_device(SUPERVISOR)
    for page in pages:
        apply.apply_page(device.engine, page)
    with Session(device.engine) as session:
        stored = session.get(EntryRevision, krasnik["revision_id"])
        assert stored is not None and stored.plan_id is None
        assert session.get(Plan, current_plan("krasnik")) is None


@st.composite
def entries(draw: st.DrawFn, engine: Engine) -> list[tuple[str, dict]]:
    """Entries by any officer against any plan, action and place (as only the admin, or an
    officer moved to other areas, could have made them): (author badge, content)."""
    with Session(engine) as session:
        plans = [current_plan("lubartow"), current_plan("krasnik")]
        actions = {
            p: list(session.exec(select(Action.id).where(Action.plan_id == p))) for p in plans
        }
    made = []
    for _ in range(draw(st.integers(1, 4))):
        plan = draw(st.sampled_from([None, *plans]))
        action = draw(st.sampled_from([None, *actions[plan]])) if plan else None
        place = draw(st.sampled_from([None, NIVEA, KRASNIK_PLACE]))
        content = entry_content(plan_id=plan, action_id=action, place_id=place)
        made.append((draw(st.sampled_from(BADGES)), content))
    return made


def test_every_pull_stays_within_what_direct_reads_allow(server, demo_engine):
    """Property: for every role and any entries, what a pull returns ⊆ what direct reads allow."""

    @PROPERTY
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        with Session(demo_engine) as session:
            for badge, content in data.draw(entries(demo_engine)):
                officer = officer_by_badge(session, badge)
                log_entry(
                    session, EntryIn.model_validate(content), officer_id=officer.id, device_id="d"
                )
            session.commit()
        for badge in BADGES:
            assert_within_direct_reads(server, demo_engine, badge)

    check()


# 2 and 3. no 5xx on bad input; no secret in a log or an answer ---------------------------

SECRET = "Tajne-Haslo-9731"


def raw_push(content: dict, **fields: Any) -> str:
    """A push body as text: NaN and Infinity as Python's json writes them, surrogates escaped."""
    body = push_body(mutation(1, content=content, **fields))
    return json.dumps(body, allow_nan=True)


def test_bad_values_are_refused_with_4xx_and_nothing_stored(server, demo_engine, caplog):
    token = token_for(demo_engine, OFFICER)
    caplog.set_level(logging.DEBUG)
    bad = {
        "NaN latitude": entry_content(lat=float("nan")),
        "infinite accuracy": entry_content(accuracy_m=float("inf")),
        "-Infinity longitude": entry_content(lon=float("-inf")),
        "lone surrogate in a note": entry_content(note="zle \ud800 " + SECRET),
        "year 1 at +01:00": entry_content(occurred_at="0001-01-01T00:30:00+01:00"),
        "year 9999 at -01:00": entry_content(occurred_at="9999-12-31T23:30:00-01:00"),
    }
    for name, content in bad.items():
        response = call(server, "POST", "/api/v1/push", token=token, raw=raw_push(content))
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        assert isinstance(response.json()["detail"], str) and response.json()["detail"], name
        assert SECRET not in response.text, name
    password = json.dumps({"badge": OFFICER, "password": "\ud800" + SECRET})
    response = call(server, "POST", "/api/v1/auth/login", raw=password)
    assert response.status_code == 422 and SECRET not in response.text
    too_long = call(
        server, "POST", "/api/v1/auth/login", body={"badge": OFFICER, "password": SECRET * 30}
    )
    assert too_long.status_code == 422 and SECRET not in too_long.text
    assert revisions_stored(demo_engine) == 0
    assert SECRET not in caplog.text


def test_an_unexpected_error_logs_no_input(server, demo_engine, caplog, monkeypatch):
    """A 500 says only "internal error"; its log names the error and where, not the input."""

    def broken(session, badge, password, **_: Any):
        raise RuntimeError(f"failed for {badge} with {password}")

    monkeypatch.setattr(accounts, "login", broken)
    caplog.set_level(logging.DEBUG)
    response = call(
        server, "POST", "/api/v1/auth/login", body={"badge": OFFICER, "password": SECRET}
    )
    assert response.status_code == 500 and response.json() == {"detail": "internal error"}
    assert SECRET not in response.text and SECRET not in caplog.text
    assert "RuntimeError" in caplog.text and "routes/auth.py" in caplog.text
    assert response.headers["cache-control"] == "no-store"


HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.text(alphabet=st.characters(codec=None), max_size=30),  # surrogates and NUL included
    st.datetimes(
        min_value=datetime(1, 1, 1),
        max_value=datetime(9999, 12, 31),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]
        ),
    ).map(datetime.isoformat),
    st.builds(
        lambda year, hours: f"{year:04d}-06-01T12:00:00{hours:+03d}:00",
        st.sampled_from([1, 2, 1999, 2026, 9998, 9999]),
        st.integers(-23, 23),
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
ENTRY_FIELDS = [*entry_content(), "action_id", "gps_poor", "leaflets", "offences", "recorded_at"]


def test_no_input_gets_a_5xx_or_leaks_a_secret(server, demo_engine, caplog):
    """Property: any value in any field of a push or a sign-in gets an answer below 500;
    a refusal stores nothing; neither answers nor the log ever carry the password sent."""
    token = token_for(demo_engine, OFFICER)
    caplog.set_level(logging.DEBUG)

    @PROPERTY
    @given(field=st.sampled_from(ENTRY_FIELDS), value=HOSTILE, password=HOSTILE)
    def check(field: str, value: Any, password: Any) -> None:
        before = revisions_stored(demo_engine)
        if field == "recorded_at":
            body = raw_push(entry_content(), recorded_at=value)
        else:
            body = raw_push(entry_content(**{field: value}))
        response = call(server, "POST", "/api/v1/push", token=token, raw=body)
        assert response.status_code < 500, (field, value, response.text)
        if response.status_code >= 400:
            assert revisions_stored(demo_engine) == before
            assert isinstance(response.json()["detail"], str)
        secret = f"{SECRET}{uuid.uuid4().hex[:6]}"
        sent = {"badge": "nobody-1", "password": password if password is not None else secret}
        if isinstance(sent["password"], str):
            sent["password"] += secret
        response = call(server, "POST", "/api/v1/auth/login", raw=json.dumps(sent, allow_nan=True))
        assert response.status_code in (401, 422, 429), response.text
        assert secret not in response.text and secret not in caplog.text

    check()


# 4. plausible values --------------------------------------------------------------------


def plan_start(engine: Engine, key: str) -> date:
    with Session(engine) as session:
        plan = session.get(Plan, current_plan(key))
        assert plan is not None
        return plan.period_start


def test_implausible_values_are_refused(server, demo_engine):
    token = token_for(demo_engine, OFFICER)
    start = plan_start(demo_engine, "lubartow")
    before_plan = (
        datetime.combine(start, datetime.min.time(), UTC) - PLAN_GRACE - timedelta(hours=1)
    )
    cases = {
        "occurred before the plan": (entry_content(occurred_at=before_plan.isoformat()), {}, 400),
        "occurred after now + skew": (
            entry_content(occurred_at=(utcnow() + MAX_FUTURE + timedelta(hours=1)).isoformat()),
            {},
            400,
        ),
        "recorded before the plan": (
            entry_content(),
            {"recorded_at": before_plan.isoformat()},
            400,
        ),
        "recorded in the future": (
            entry_content(),
            {"recorded_at": (utcnow() + timedelta(days=3)).isoformat()},
            400,
        ),
        '"3" for a count': (entry_content(leaflets="3"), {}, 422),
        "3.5 for a count": (entry_content(leaflets=3.5), {}, 422),
        "1 for gps_poor": (entry_content(gps_poor=1), {}, 422),
        '"yes" for gps_poor': (entry_content(gps_poor="yes"), {}, 422),
        "true for a mutation id": (entry_content(), {"mutation_id": True}, 422),
        '"1" for a mutation id': (entry_content(), {"mutation_id": "1"}, 422),
        "true for deleted": (entry_content(), {"deleted": 1}, 422),
    }
    for name, (content, fields, status) in cases.items():
        response = call(
            server,
            "POST",
            "/api/v1/push",
            token=token,
            body=push_body(mutation(1, content=content) | fields),
        )
        assert response.status_code == status, (name, response.text)
    assert revisions_stored(demo_engine) == 0
    fine = mutation(1, content=entry_content(leaflets=3.0))  # 3.0 is the number 3 in JSON
    assert (
        call(server, "POST", "/api/v1/push", token=token, body=push_body(fine)).status_code == 200
    )

    plan = call(server, "GET", f"/api/v1/plans/{current_plan('lubartow')}", token=token).json()
    written = {
        k: v
        for k, v in plan.items()
        if k not in {"created_at", "updated_at", "server_version", "status", "review_note"}
    }
    for field in ("actions", "partners", "channels"):
        written[field] = [{k: v for k, v in row.items() if k != "position"} for row in plan[field]]
    for period in (
        ("2026-01-01", "9999-12-31"),
        ("1999-01-01", "1999-06-30"),
        ("2099-01-01", "2099-06-30"),
    ):
        body = {**written, "period_start": period[0], "period_end": period[1], "actions": []}
        response = call(server, "PUT", f"/api/v1/plans/{plan['id']}", token=token, body=body)
        assert response.status_code == 400, (period, response.text)
    with Session(demo_engine) as session:
        stored = session.get(Plan, plan["id"])
        assert stored is not None and stored.period_end.year < 9999


def new_plan_body(server: FastAPI, token: str, **fields: Any) -> dict:
    """A new draft plan for the officer's area, built from the Lubartów plan (no sections)."""
    plan = call(server, "GET", f"/api/v1/plans/{current_plan('lubartow')}", token=token).json()
    skip = {"id", "created_at", "updated_at", "server_version", "status", "review_note"}
    body = {k: v for k, v in plan.items() if k not in skip}
    return {**body, "actions": [], "partners": [], "channels": [], **fields}


def test_plan_periods_are_taken_only_when_sensible(server, demo_engine):
    """Property: a plan is saved iff its period is ordered, at most PLAN_MAX_SPAN long, starts
    in 2000 or later and at most PLAN_MAX_AHEAD after today; nothing is stored otherwise."""
    token = token_for(demo_engine, OFFICER)
    today = local_today()

    @PROPERTY
    @given(
        start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
        days=st.integers(-30, 3000) | st.just(int(PLAN_MAX_SPAN.days)),
    )
    def check(start: date, days: int) -> None:
        assume(abs((start - (today + PLAN_MAX_AHEAD)).days) > 1)  # the day may turn meanwhile
        end = start + timedelta(days=days)
        plan_id = str(uuid.uuid4())
        body = new_plan_body(server, token, period_start=str(start), period_end=str(end))
        response = call(server, "PUT", f"/api/v1/plans/{plan_id}", token=token, body=body)
        sensible = (
            0 <= days <= PLAN_MAX_SPAN.days
            and start >= date(2000, 1, 1)
            and start <= today + PLAN_MAX_AHEAD
        )
        assert response.status_code == (200 if sensible else 400), (start, end, response.text)
        with Session(demo_engine) as session:
            assert (session.get(Plan, plan_id) is not None) == sensible

    check()


COUNT_VALUES_REFUSED = st.one_of(
    st.text(max_size=4),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not float(x).is_integer()),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def test_counts_and_flags_take_only_their_json_types(server, demo_engine):
    """Property: a count is a JSON integer within limits (3 or 3.0), anything else 422; a flag
    is a JSON boolean; a mutation id a JSON integer."""
    token = token_for(demo_engine, OFFICER)

    @PROPERTY
    @given(
        count=st.sampled_from(["leaflets", "fines", "persons_legitimised"]),
        value=st.one_of(
            COUNT_VALUES_REFUSED,
            st.integers(0, 10_000),
            st.integers(0, 10_000).map(float),
        ),
        flag=st.one_of(st.booleans(), st.integers(0, 1), st.text(max_size=3), st.none()),
    )
    def check(count: str, value: Any, flag: Any) -> None:
        one = mutation(1, content=entry_content(**{count: value, "gps_poor": flag}))
        body = json.dumps(push_body(one, client_id=f"t-{uuid.uuid4().hex[:8]}"), allow_nan=True)
        response = call(server, "POST", "/api/v1/push", token=token, raw=body)
        number_ok = type(value) in (int, float) and float(value).is_integer()
        fine = number_ok and type(flag) is bool
        assert response.status_code == (200 if fine else 422), (value, flag, response.text)

    check()


def test_instants_are_taken_only_within_the_plausible_window(server, demo_engine):
    """Property: an entry's instant is stored iff it lies in [plan start − grace, now + skew]
    (an hour's margin either side of each limit: the clock moves while the test runs)."""
    token = token_for(demo_engine, OFFICER)
    start = datetime.combine(plan_start(demo_engine, "lubartow"), datetime.min.time(), UTC)
    earliest, latest = start - PLAN_GRACE, utcnow() + MAX_FUTURE

    @PROPERTY
    @given(
        at=st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
        offset=st.integers(-14, 14),
        field=st.sampled_from(["occurred_at", "recorded_at"]),
    )
    def check(at: datetime, offset: int, field: str) -> None:
        margin = timedelta(hours=1)
        assume(abs(at - earliest) > margin and abs(at - latest) > margin)
        sent = at.astimezone(timezone(timedelta(hours=offset))).isoformat()
        one = mutation(1)
        if field == "occurred_at":
            one["content"]["occurred_at"] = sent
        else:
            one["recorded_at"] = sent
        before = revisions_stored(demo_engine)
        body = push_body(one, client_id=f"p-{uuid.uuid4().hex[:8]}")
        response = call(server, "POST", "/api/v1/push", token=token, body=body)
        plausible = earliest < at < latest
        assert (response.status_code == 200) == plausible, (field, sent, response.text)
        assert revisions_stored(demo_engine) == before + (1 if plausible else 0)

    check()


# 5. fair sign-in limits ---------------------------------------------------------------


SERIALS = itertools.count(1)


def login(app: FastAPI, badge: str, password: str, address: str, **headers: str) -> int:
    body = {"badge": badge, "password": password}
    return call(
        app, "POST", "/api/v1/auth/login", body=body, client=(address, 40000), headers=headers
    ).status_code


def test_a_guesser_cannot_lock_an_officer_out(server, demo_engine):
    """Test limits (conftest): 3 per badge and address, 6 per badge, 5 per address."""
    token = token_for(demo_engine, OFFICER)  # a session that must survive all of this
    for _ in range(3):
        assert login(server, OFFICER, "zle", "10.0.0.66") == 401
    assert login(server, OFFICER, DEMO_PASSWORD, "10.0.0.66") == 429  # the guesser waits
    assert login(server, OFFICER, DEMO_PASSWORD, "10.0.0.7") == 200  # the officer does not
    # X-Forwarded-For from a client is not believed: the guesser cannot pose as the officer
    assert login(server, OFFICER, "zle", "10.0.0.66", **{"X-Forwarded-For": "10.0.0.7"}) == 429
    assert login(server, OFFICER, DEMO_PASSWORD, "10.0.0.7") == 200
    for address in ("10.0.1.1", "10.0.1.2", "10.0.1.3"):  # spread out: the badge's ceiling
        assert login(server, OFFICER, "zle", address) == 401
    assert login(server, OFFICER, DEMO_PASSWORD, "10.0.0.7") == 429
    assert call(server, "GET", "/api/v1/auth/me", token=token).status_code == 200


def test_serve_believes_proxy_headers_only_from_configured_proxies(monkeypatch, tmp_path):
    """``rejon serve``: proxy headers off unless proxies are named; /docs only with --docs."""
    import uvicorn

    from app.cli.main import cli
    from app.server.config import DB_URL_ENV, DOCS_ENV, TOKEN_DAYS_ENV

    for name in (DB_URL_ENV, DOCS_ENV, TOKEN_DAYS_ENV):  # restored after the test
        monkeypatch.setenv(name, "")
    seen: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.append(kwargs))
    url = f"sqlite:///{tmp_path / 'server.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["serve", "--db", url]).exit_code == 0
    assert not ServerConfig.from_env().docs
    proxies = ["--forwarded-allow-ips", "10.1.1.1, 10.1.1.2", "--docs"]
    assert runner.invoke(cli, ["serve", "--db", url, *proxies]).exit_code == 0
    assert seen[0]["proxy_headers"] is False and seen[0]["forwarded_allow_ips"] is None
    assert seen[1]["proxy_headers"] is True
    assert seen[1]["forwarded_allow_ips"] == ["10.1.1.1", "10.1.1.2"]
    assert ServerConfig.from_env().docs  # what each worker process reads


@pytest.fixture
def roomy_limits(demo_engine: Engine) -> FastAPI:
    from app.server.accounts import RateLimit

    limits = RateLimit(per_badge_and_address=2, per_badge=4, per_address=3)
    return create_app(demo_engine, ServerConfig(rate_limit=limits))


def test_sign_in_limits_follow_the_rule(roomy_limits, demo_engine):
    """Property: a sign-in waits (429) exactly when the failures within the window reach a
    limit for its badge and address together (2), its badge (4) or its address (3)."""

    @settings(PROPERTY, max_examples=10)
    @given(
        attempts=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=9)
    )
    def check(attempts: list[tuple[int, int]]) -> None:
        run, serial = uuid.uuid4().hex[:6], next(SERIALS)  # fresh badges and addresses
        failures: list[tuple[int, int]] = []
        for badge, address in attempts:
            pair = sum(1 for f in failures if f == (badge, address))
            by_badge = sum(1 for f in failures if f[0] == badge)
            by_address = sum(1 for f in failures if f[1] == address)
            expected = 429 if pair >= 2 or by_badge >= 4 or by_address >= 3 else 401
            status = login(roomy_limits, f"x{run}{badge}", "zle", f"10.{serial}.{address}.1")
            assert status == expected, (attempts, badge, address)
            if status == 401:
                failures.append((badge, address))

    check()


# 6. order and honesty of answers ------------------------------------------------------


def test_sign_in_is_checked_before_the_body(server, demo_engine):
    revoked = token_for(demo_engine, OFFICER)
    assert call(server, "POST", "/api/v1/auth/logout", token=revoked).status_code == 204
    malformed = {"client_id": "phone 1!", "mutations": "nope"}
    for token in (revoked, "x" * 40, None):
        response = call(server, "POST", "/api/v1/push", token=token, body=malformed)
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert call(server, "POST", "/api/v1/push", token=token, raw="{nope").status_code == 401
    live = token_for(demo_engine, OFFICER)
    assert call(server, "POST", "/api/v1/push", token=live, body=malformed).status_code == 422


def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)


@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5), nested, max_leaves=8
    )
)
@settings(PROPERTY)
def test_no_body_gets_past_a_revoked_token(server, demo_engine, body):
    """Property: whatever the body, a request with a revoked token is answered 401."""
    token = token_for(demo_engine, OFFICER)
    with Session(demo_engine) as session:
        accounts.revoke_all(session, officer_by_badge(session, OFFICER).id)
        session.commit()
    for path in ("/api/v1/push", f"/api/v1/plans/{current_plan('lubartow')}/review"):
        assert call(server, "POST", path, token=token, body=body).status_code == 401


class Outage:
    """Statements of the kinds listed fail as the database driver fails when it is down."""

    def __init__(self, engine: Engine, kinds: set[str]) -> None:
        self.engine, self.kinds = engine, kinds

    def _fail(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in self.kinds:
            raise self.engine.dialect.loaded_dbapi.OperationalError("the database is down")

    def __enter__(self) -> Outage:
        event.listen(self.engine, "before_cursor_execute", self._fail)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._fail)


def test_healthz_tells_readiness_and_503_says_when_to_retry(server, demo_engine):
    token = token_for(demo_engine, OFFICER)
    assert call(server, "GET", "/healthz").status_code == 200
    with Outage(demo_engine, {"UPDATE", "INSERT"}):  # reads work, every write fails
        health = call(server, "GET", "/healthz")
        pushed = call(server, "POST", "/api/v1/push", token=token, body=push_body(mutation(1)))
        assert call(server, "GET", "/api/v1/auth/me", token=token).status_code == 200
    for response in (health, pushed):
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
    assert call(server, "GET", "/healthz").status_code == 200
    assert revisions_stored(demo_engine) == 0


def test_healthz_is_200_only_when_a_write_would_work(server, demo_engine):
    """Property: in any state the database may be in (up, down, read-only, refusing one kind
    of write), /healthz answers 200 only if a push is stored, a push that the database would
    take finds /healthz 200, and every 503 carries Retry-After."""
    token = token_for(demo_engine, OFFICER)

    @PROPERTY
    @given(kinds=st.sets(st.sampled_from(["SELECT", "UPDATE", "INSERT", "DELETE"])))
    def check(kinds: set[str]) -> None:
        with Outage(demo_engine, kinds):
            health = call(server, "GET", "/healthz")
            body = push_body(mutation(1), client_id=f"p-{uuid.uuid4().hex[:8]}")
            pushed = call(server, "POST", "/api/v1/push", token=token, body=body)
        if health.status_code != 200:  # not ready: no write gets through either
            assert pushed.status_code != 200, kinds
        if not kinds & {"SELECT", "UPDATE", "INSERT"}:  # all a push needs works: both say so
            assert health.status_code == pushed.status_code == 200, kinds
        if kinds & {"UPDATE"}:  # the writers' lock cannot be taken: nothing is ready
            assert health.status_code == pushed.status_code == 503, kinds
        for response in (health, pushed):
            assert response.status_code in (200, 401, 503), response.text
            if response.status_code == 503:
                assert response.headers["Retry-After"].isdigit()

    check()


# 7. headers -----------------------------------------------------------------------------


def test_answers_carry_security_headers_and_docs_are_off(server, demo_engine):
    token = token_for(demo_engine, OFFICER)
    answers = [
        call(
            server, "POST", "/api/v1/auth/login", body={"badge": OFFICER, "password": DEMO_PASSWORD}
        ),
        call(server, "GET", "/api/v1/changes", token=token),
        call(server, "POST", "/api/v1/push", token=token, body={}),
        call(server, "GET", "/healthz"),
        call(server, "GET", "/nowhere"),
        call(server, "POST", "/api/v1/push", token=token, raw=b" " * (3 * 1024 * 1024)),
    ]
    assert [a.status_code for a in answers] == [200, 200, 422, 200, 404, 413]
    for answer in answers:
        for name, value in SECURITY.items():
            assert answer.headers[name] == value, (answer.request.url, name)
        assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert call(server, "GET", "/docs").status_code == 404
    assert call(server, "GET", "/redoc").status_code == 404


def test_docs_when_asked_for_load_nothing_from_elsewhere(demo_engine):
    app = create_app(demo_engine, ServerConfig(docs=True))
    page = call(app, "GET", "/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert call(app, "GET", f"/docs-assets/{asset}").status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    path=st.sampled_from(
        [
            "/healthz",
            "/openapi.json",
            "/api/v1/push",
            "/api/v1/changes",
            "/api/v1/auth/me",
            "/api/v1/auth/login",
            f"/api/v1/plans/{uuid.uuid4()}",
            "/api/v1/plans/x",
            "/x",
        ]
    ),
    signed_in=st.booleans(),
)
@settings(PROPERTY, max_examples=40)
def test_every_answer_carries_the_headers(server, demo_engine, method, path, signed_in):
    token = token_for(demo_engine, OFFICER) if signed_in else None
    response = call(server, method, path, token=token)
    assert response.status_code < 500
    for name, value in SECURITY.items():
        assert response.headers[name] == value, (method, path, name)


# 8. the contract says what is enforced --------------------------------------------------


def test_options_lists_every_method_of_a_path(server):
    plan = f"/api/v1/plans/{uuid.uuid4()}"
    response = call(server, "OPTIONS", plan)
    assert response.status_code == 204
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"GET", "PUT", "OPTIONS"}
    assert response.headers["cache-control"] == "no-store"
    assert call(server, "OPTIONS", "/nowhere").status_code == 404


def test_options_agrees_with_the_routes(server):
    """Property over the documented paths: OPTIONS names exactly the methods each answers."""
    paths = call(server, "GET", "/openapi.json").json()["paths"]

    @PROPERTY
    @given(path=st.sampled_from(sorted(paths)), plan_id=st.uuids().map(str))
    def check(path: str, plan_id: str) -> None:
        concrete = path.replace("{plan_id}", plan_id)
        allowed = {m.strip() for m in call(server, "OPTIONS", concrete).headers["Allow"].split(",")}
        assert allowed == {method.upper() for method in paths[path]} | {"OPTIONS"}, path
        for method in allowed - {"OPTIONS"}:  # and each of them is answered, not 405
            assert call(server, method, concrete).status_code != 405, (method, path)

    check()


def test_cross_field_rules_are_in_the_schema(server):
    schema = call(server, "GET", "/openapi.json").json()
    shapes = schema["components"]["schemas"]
    entry = json.dumps(shapes["EntryContentIn"]["allOf"])
    assert '"required": ["lat"]' in entry and '"required": ["lon"]' in entry
    action = json.dumps(shapes["ActionWriteIn"]["allOf"])
    assert '"deadline": {"const": true}' in action and '"required": ["end_date"]' in action
    assert "equals the plan id in the address" in " ".join(
        shapes["PlanWriteIn"]["description"].split()
    )
    assert shapes["MutationIn"]["properties"]["mutation_id"]["type"] == "integer"
    assert "HTTPValidationError" not in shapes
    assert shapes["EntryContentIn"]["properties"]["note"]["pattern"] == "^[^\\u0000]*$"
    for path in schema["paths"].values():
        for operation in path.values():
            if "422" in operation["responses"]:
                ref = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorOut"}


def test_reach_and_places_of_plans(server, demo_engine):
    """A plan may name only places of its own area or shared ones (so whoever reads the plan
    may read its places: a pull never has to send one beyond the reach)."""
    token = token_for(demo_engine, OFFICER)
    plan = call(server, "GET", f"/api/v1/plans/{current_plan('lubartow')}", token=token).json()
    body = {
        k: v
        for k, v in plan.items()
        if k not in {"created_at", "updated_at", "server_version", "status", "review_note"}
    }
    body["actions"] = [{k: v for k, v in row.items() if k != "position"} for row in plan["actions"]]
    body["partners"] = [
        {k: v for k, v in row.items() if k != "position"} for row in plan["partners"]
    ]
    body["channels"] = [
        {k: v for k, v in row.items() if k != "position"} for row in plan["channels"]
    ]
    body["actions"][0]["place_id"] = KRASNIK_PLACE
    response = call(server, "PUT", f"/api/v1/plans/{plan['id']}", token=token, body=body)
    assert response.status_code == 400 and "another area" in response.json()["detail"]
