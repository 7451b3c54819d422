"""Demo data written by us from the facts of the two sample plans (../shared/plans/).

Each sample is loaded twice: as documented (its 2024 half-year, closed) and renewed for the
half-year that contains today (approved), so the field app has tasks to show at once.
Ids are name-based, so loading again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from functools import cache

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from app.model import (
    ActionIn,
    ChannelIn,
    CriterionKind,
    EntryKind,
    FrequencyUnit,
    Measure,
    OfficerBase,
    PartnerIn,
    PlaceIn,
    PlanIn,
    PlanStatus,
    Role,
    ServiceAreaBase,
    Unit,
)
from app.model.clock import local_today
from app.model.ids import stable_id
from app.security import hash_password
from app.store import org
from app.store.places import save_place
from app.store.plans import save_plan

DEMO_PASSWORD = "rejon-demo"
"""Password of every demo account (documented in the README)."""


@cache
def _demo_password_hash() -> str:
    """Hashed once per process: Argon2 is slow on purpose."""
    return hash_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class DemoAccount:
    badge: str
    name: str
    role: Role
    unit: str


ACCOUNTS = (
    DemoAccount("100301", "st. asp. Tomasz Nowak", Role.officer, "lubartow"),
    DemoAccount("100300", "kom. Piotr Zieliński", Role.supervisor, "lubartow"),
    DemoAccount("200301", "asp. Anna Wiśniewska", Role.officer, "krasnik"),
    DemoAccount("200300", "podkom. Ewa Lis", Role.supervisor, "krasnik"),
    DemoAccount("999000", "Administrator systemu", Role.admin, "lubartow"),
)

UNITS = {
    "lubartow": Unit(id=stable_id("unit", "lubartow"), name="KPP w Lubartowie", city="Lubartów"),
    "krasnik": Unit(id=stable_id("unit", "krasnik"), name="KPP w Kraśniku", city="Kraśnik"),
}
AREA_IDS = {key: stable_id("area", key, "3") for key in UNITS}


def place_id(key: str) -> str:
    return stable_id("place", key)


PLACES = {
    "nivea": PlaceIn(
        name="Plac zabaw Nivea",
        aliases=["plac Nivea", "plac zabaw przy Powstańców Warszawy"],
        address="os. Powstańców Warszawy 15/17/21, Lubartów",
        lat=51.46630,
        lon=22.61070,
        radius_m=60,
        area_id=AREA_IDS["lubartow"],
    ),
    "osiedle": PlaceIn(
        name="Osiedle Powstańców Warszawy 1–21",
        aliases=["os. Powstańców Warszawy"],
        address="ul. Powstańców Warszawy 1–21, Lubartów",
        lat=51.46580,
        lon=22.60920,
        radius_m=220,
        area_id=AREA_IDS["lubartow"],
    ),
    "spoldzielnia": PlaceIn(
        name="Spółdzielnia Mieszkaniowa w Lubartowie",
        aliases=["SM Lubartów", "spółdzielnia"],
        address="ul. Słowackiego 8, Lubartów",
        lat=51.46190,
        lon=22.60410,
        radius_m=40,
        area_id=AREA_IDS["lubartow"],
    ),
    "emeryci": PlaceIn(
        name="PZERiI Koło w Kraśniku",
        aliases=["Związek Emerytów", "emeryci", "sala PZERiI"],
        address="ul. Lubelska 24, Kraśnik",
        lat=50.92470,
        lon=22.22110,
        radius_m=40,
        area_id=AREA_IDS["krasnik"],
    ),
    "parafia": PlaceIn(
        name="Parafia pw. Wniebowzięcia NMP",
        aliases=["parafia", "kościół"],
        address="ul. Kościuszki 4, Kraśnik",
        lat=50.92630,
        lon=22.22790,
        radius_m=80,
        area_id=AREA_IDS["krasnik"],
    ),
    "lasy": PlaceIn(
        name="Lasy (sołectwo)",
        aliases=["Lasy", "sołtys Lasy"],
        address="Lasy, gm. Kraśnik",
        lat=50.95810,
        lon=22.17250,
        radius_m=600,
        area_id=AREA_IDS["krasnik"],
    ),
    "urzad": PlaceIn(
        name="Urząd Miasta Kraśnik",
        aliases=["urząd miasta", "burmistrz"],
        address="ul. Lubelska 84, Kraśnik",
        lat=50.92820,
        lon=22.21560,
        radius_m=50,
        area_id=AREA_IDS["krasnik"],
    ),
}


def _lubartow(start: date, end: date) -> PlanIn:
    """Youths drinking at the Nivea playground (sample 000)."""
    return PlanIn(
        area_id=AREA_IDS["lubartow"],
        officer_id=stable_id("officer", "100301"),
        title="Plac zabaw Nivea — grupowanie się młodzieży i spożywanie alkoholu",
        period_start=start,
        period_end=end,
        threat=(
            "Na placu zabaw Nivea przy blokach os. Powstańców Warszawy 15, 17, 21 w godzinach "
            "wieczornych grupuje się młodzież: spożywa alkohol, używa słów wulgarnych i zaśmieca "
            "teren. Jest to uciążliwe dla mieszkańców i może demoralizować małoletnich."
        ),
        diagnosis="Informacje od społeczności lokalnej, własne obserwacje podczas obchodu.",
        goal=(
            "Zwiększenie poczucia bezpieczeństwa mieszkańców rejonu przez prewencyjne kontrole "
            "miejsca i bezwzględną represję wobec sprawców wykroczeń uciążliwych społecznie."
        ),
        criterion_kind=CriterionKind.reduce_by_percent,
        criterion_measures=[Measure.offences, Measure.interventions],
        criterion_target=50,
        criterion_place_id=place_id("nivea"),
        criterion_text=(
            "Zmniejszenie o 50 procent ilości wykroczeń i interwencji Policji we wskazanym "
            "miejscu w porównaniu do okresu poprzedniego."
        ),
        actions=[
            ActionIn(
                id=stable_id("action", "lubartow", str(start), "check"),
                text="Kontrole placu zabaw Nivea w godzinach 7:00–22:00",
                kind=EntryKind.place_check,
                time_from=time(7, 0),
                time_to=time(22, 0),
                place_id=place_id("nivea"),
            ),
            ActionIn(
                id=stable_id("action", "lubartow", str(start), "request"),
                text=(
                    "Wniosek o dyslokację patroli prewencyjnych w rejon osiedla (legitymowanie, "
                    "reakcja na naruszenia prawa)"
                ),
                kind=EntryKind.request_letter,
                start_date=start + relativedelta(months=2),
                end_date=end,
                deadline=True,
            ),
            ActionIn(
                id=stable_id("action", "lubartow", str(start), "talks"),
                text="Rozmowy profilaktyczne z mieszkańcami rejonu",
                kind=EntryKind.talk,
                freq_times=2,
                freq_per=FrequencyUnit.week,
                place_id=place_id("osiedle"),
            ),
        ],
        partners=[
            PartnerIn(
                name="Spółdzielnia Mieszkaniowa w Lubartowie",
                tasks="Zacieśnienie współpracy z pracownikiem obsługującym monitoring Spółdzielni.",
            )
        ],
        channels=[
            ChannelIn(text="Rozmowy indywidualne z mieszkańcami os. Powstańców Warszawy 1–21."),
            ChannelIn(text="Plan na stronie internetowej KPP w Lubartowie."),
        ],
    )


def _krasnik(start: date, end: date) -> PlanIn:
    """Frauds against seniors (sample 002)."""
    return PlanIn(
        area_id=AREA_IDS["krasnik"],
        officer_id=stable_id("officer", "200301"),
        title="Oszustwa na szkodę seniorów („na wnuczka”, „na policjanta”)",
        period_start=start,
        period_end=end,
        threat=(
            "Oszustwa wykorzystujące bezradność i osamotnienie osób starszych metodami „na "
            "policjanta”, „na wnuczka”, „na paczkę”, „na kryptowalutę”, „na pracownika banku”."
        ),
        diagnosis=(
            "Informacje od społeczności lokalnej, obserwacje podczas obchodu, rozmowy z "
            "mieszkańcami, zgłoszone interwencje."
        ),
        goal=(
            "Zwiększenie wiedzy mieszkańców o ochronie przed oszustwami przez spotkania, "
            "informowanie o zagrożeniach i metodach działania oszustów."
        ),
        criterion_kind=CriterionKind.at_least,
        criterion_measures=[Measure.residents_spoken],
        criterion_target=80,
        criterion_text=(
            "Przeprowadzenie spotkań i rozmów z co najmniej 80 mieszkańcami rejonu służbowego."
        ),
        actions=[
            ActionIn(
                id=stable_id("action", "krasnik", str(start), "meetings"),
                text="Spotkania z seniorami z Polskiego Związku Emerytów, Rencistów i Inwalidów",
                kind=EntryKind.meeting,
                end_date=end,
                deadline=True,
                place_id=place_id("emeryci"),
            ),
            ActionIn(
                id=stable_id("action", "krasnik", str(start), "patrols"),
                text="Cykliczne obchody w miejscach, gdzie mieszkają osoby starsze i samotne",
                kind=EntryKind.foot_patrol,
                freq_times=3,
                freq_per=FrequencyUnit.week,
            ),
            ActionIn(
                id=stable_id("action", "krasnik", str(start), "talks"),
                text="Rozmowy z seniorami o zagrożeniach i metodach działania oszustów",
                kind=EntryKind.talk,
                end_date=end,
                deadline=True,
            ),
            ActionIn(
                id=stable_id("action", "krasnik", str(start), "leaflets"),
                text="Kolportaż ulotek informacyjnych",
                kind=EntryKind.leaflets,
                end_date=end,
                deadline=True,
            ),
            ActionIn(
                id=stable_id("action", "krasnik", str(start), "announcements"),
                text="Komunikaty przez Radio „Eska” i przedstawicieli parafii",
                kind=EntryKind.announcement,
                end_date=end,
                deadline=True,
                place_id=place_id("parafia"),
            ),
        ],
        partners=[
            PartnerIn(
                name="Przewodniczący PZERiI w Kraśniku",
                tasks="Udostępnianie sali na spotkania.",
            ),
            PartnerIn(
                name="Sołtys miejscowości Lasy",
                tasks="Przekazywanie mieszkańcom informacji o zagrożeniach, kolportaż ulotek.",
            ),
            PartnerIn(
                name="Burmistrz Miasta Kraśnik",
                tasks="Zalecenia i wytyczne na stronie internetowej miasta.",
            ),
            PartnerIn(name="Radio „Eska” — oddział Kraśnik", tasks="Komunikaty medialne."),
            PartnerIn(
                name="Przedstawiciele parafii", tasks="Komunikaty w trakcie spotkań z wiernymi."
            ),
        ],
        channels=[
            ChannelIn(text="Informacja na stronie internetowej KPP w Kraśniku."),
            ChannelIn(text="Rozmowy bezpośrednie podczas obchodu i spotkań z seniorami."),
            ChannelIn(text="Informacja profilaktyczna w lokalnym radiu „Eska” Kraśnik."),
        ],
    )


def half_year(day: date) -> tuple[date, date]:
    """The calendar half-year (Jan–Jun or Jul–Dec) containing ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


DOCUMENTED: dict[str, tuple[Callable[[date, date], PlanIn], date, date]] = {
    "lubartow": (_lubartow, date(2024, 1, 1), date(2024, 6, 30)),
    "krasnik": (_krasnik, date(2024, 7, 1), date(2024, 12, 31)),
}


def demo_plans(today: date | None = None) -> list[PlanIn]:
    """The two documented plans and their renewals for the half-year containing ``today``."""
    current = half_year(today or local_today())
    plans = []
    for key, (build, start, end) in DOCUMENTED.items():
        for period, status in (((start, end), PlanStatus.closed), (current, PlanStatus.approved)):
            plan = build(*period)
            plan.id = stable_id("plan", key, str(period[0]))
            plan.status = status
            plans.append(PlanIn.model_validate(plan.model_dump()))
    return plans


def load_demo(session: Session, today: date | None = None) -> list[str]:
    """Load units, areas, accounts, places and plans; returns the plan ids. Idempotent."""
    for key, unit in UNITS.items():
        org.upsert_unit(session, Unit.model_validate(unit.model_dump()))
        org.upsert_area(
            session,
            ServiceAreaBase(
                unit_id=unit.id, number_text="3", name=f"Rejon służbowy nr 3 — {unit.city}"
            ),
            AREA_IDS[key],
        )
    session.flush()
    for account in ACCOUNTS:
        officer_id = stable_id("officer", account.badge)
        # officers and supervisors see their unit's area; the admin sees all
        areas = list(AREA_IDS.values()) if account.role is Role.admin else [AREA_IDS[account.unit]]
        officer = org.upsert_officer(
            session,
            OfficerBase(
                badge=account.badge,
                name=account.name,
                role=account.role,
                unit_id=UNITS[account.unit].id,
            ),
            officer_id,
            areas,
        )
        if not officer.password_hash:
            officer.password_hash = _demo_password_hash()
            session.add(officer)
    for key, place in PLACES.items():
        save_place(session, place.model_copy(update={"id": place_id(key)}))
    session.flush()
    ids = []
    for plan_in in demo_plans(today):
        ids.append(save_plan(session, plan_in).id)
    session.flush()
    return ids
