"""Demo data: two units (KPP) with several rejony, their officers, places, plans and history.

The two sample plans given to the project are written by us from their facts and loaded as
documented (their 2024 half-year, closed); every plan of the demo — those two and four of
other common kinds (drinking in a park, speeding near a school, vandalism at a bus stop,
illegal dumping) — also runs in the half-year before today (closed) and in the one
containing today (approved). Each period gets a seeded history
(:func:`app.core.reports.generate.store_history`) up to yesterday, so progress, the on-track
flag, charts, History and the report show real figures at once; some plans are on track,
some behind.

Ids are name-based and the history is drawn from fixed seeds, so loading again changes
nothing, and the device's store and the sync service's store get the same rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from app.core.model import (
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
from app.core.model.clock import local_day_bounds, local_today
from app.core.model.ids import stable_id
from app.core.reports.generate import Profile, store_history
from app.core.security import hash_password
from app.core.store import org
from app.core.store.places import save_place
from app.core.store.plans import save_plan

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
    area: str | None = None
    """The rejon (number) an officer looks after; supervisors see every rejon of their unit."""


ACCOUNTS = (
    DemoAccount("100301", "st. asp. Tomasz Nowak", Role.officer, "lubartow", "3"),
    DemoAccount("100300", "kom. Piotr Zieliński", Role.supervisor, "lubartow"),
    DemoAccount("200301", "asp. Anna Wiśniewska", Role.officer, "krasnik", "3"),
    DemoAccount("200300", "podkom. Ewa Lis", Role.supervisor, "krasnik"),
    DemoAccount("999000", "Administrator systemu", Role.admin, "lubartow"),
    DemoAccount("100302", "mł. asp. Katarzyna Maj", Role.officer, "lubartow", "2"),
    DemoAccount("100305", "sierż. szt. Marek Kowalczyk", Role.officer, "lubartow", "5"),
    DemoAccount("200302", "asp. Michał Kaczmarek", Role.officer, "krasnik", "1"),
    DemoAccount("200304", "st. sierż. Paweł Wójcik", Role.officer, "krasnik", "4"),
)

UNITS = {
    "lubartow": Unit(id=stable_id("unit", "lubartow"), name="KPP w Lubartowie", city="Lubartów"),
    "krasnik": Unit(id=stable_id("unit", "krasnik"), name="KPP w Kraśniku", city="Kraśnik"),
}
AREA_NUMBERS = {"lubartow": ("2", "3", "5"), "krasnik": ("1", "3", "4")}


def area_id(unit: str, number: str) -> str:
    return stable_id("area", unit, number)


AREA_IDS = {key: area_id(key, "3") for key in UNITS}
"""Rejon 3 of each unit: the areas of the two sample plans."""


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
    "park": PlaceIn(
        name="Park miejski przy ul. Cichej",
        aliases=["park", "park miejski"],
        address="ul. Cicha, Lubartów",
        lat=51.46010,
        lon=22.60250,
        radius_m=150,
        area_id=area_id("lubartow", "2"),
    ),
    "szkola": PlaceIn(
        name="Szkoła Podstawowa nr 4 — przejście przy szkole",
        aliases=["SP 4", "szkoła", "przejście przy szkole"],
        address="ul. Szaniawskiego 2, Lubartów",
        lat=51.45540,
        lon=22.61830,
        radius_m=80,
        area_id=area_id("lubartow", "5"),
    ),
    "przystanek": PlaceIn(
        name="Przystanek autobusowy ul. Urzędowska",
        aliases=["przystanek", "wiata przystankowa"],
        address="ul. Urzędowska 45, Kraśnik",
        lat=50.91960,
        lon=22.20950,
        radius_m=40,
        area_id=area_id("krasnik", "1"),
    ),
    "wysypisko": PlaceIn(
        name="Las przy ul. Piaskowej — dzikie wysypisko",
        aliases=["wysypisko", "las przy Piaskowej"],
        address="ul. Piaskowa, Kraśnik",
        lat=50.93480,
        lon=22.24610,
        radius_m=120,
        area_id=area_id("krasnik", "4"),
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


def _park(start: date, end: date) -> PlanIn:
    """Drinking in the town park on evenings at the end of the week."""
    return PlanIn(
        area_id=area_id("lubartow", "2"),
        officer_id=stable_id("officer", "100302"),
        title="Park miejski przy ul. Cichej — spożywanie alkoholu w miejscu niedozwolonym",
        period_start=start,
        period_end=end,
        threat=(
            "W parku miejskim przy ul. Cichej, w godzinach popołudniowych i wieczornych od "
            "czwartku do niedzieli, grupy osób dorosłych spożywają alkohol na ławkach przy placu "
            "zabaw i fontannie, zaśmiecają teren i zakłócają spokój mieszkańcom."
        ),
        diagnosis="Skargi mieszkańców, zgłoszenia na KMZB, własne obserwacje podczas obchodu.",
        goal="Ograniczenie spożywania alkoholu i zakłóceń porządku w parku.",
        criterion_kind=CriterionKind.reduce_by_percent,
        criterion_measures=[Measure.offences, Measure.interventions],
        criterion_target=30,
        criterion_place_id=place_id("park"),
        criterion_text=(
            "Zmniejszenie o 30 procent liczby wykroczeń i interwencji w parku w porównaniu "
            "do okresu poprzedniego."
        ),
        actions=[
            ActionIn(
                id=stable_id("action", "park", str(start), "check"),
                text="Kontrole parku od czwartku do niedzieli w godzinach 16:00–22:00",
                kind=EntryKind.place_check,
                time_from=time(16, 0),
                time_to=time(22, 0),
                weekdays=[3, 4, 5, 6],
                place_id=place_id("park"),
            ),
            ActionIn(
                id=stable_id("action", "park", str(start), "talks"),
                text="Rozmowy z mieszkańcami bloków przy parku",
                kind=EntryKind.talk,
                freq_times=1,
                freq_per=FrequencyUnit.week,
                place_id=place_id("park"),
            ),
            ActionIn(
                id=stable_id("action", "park", str(start), "request"),
                text="Wniosek do Urzędu Miasta o doświetlenie alejek i montaż kamery",
                kind=EntryKind.request_letter,
                end_date=start + relativedelta(months=2, days=-1),
                deadline=True,
            ),
        ],
        partners=[
            PartnerIn(name="Straż Miejska w Lubartowie", tasks="Wspólne patrole w weekendy."),
            PartnerIn(name="Urząd Miasta Lubartów", tasks="Oświetlenie i monitoring parku."),
        ],
        channels=[
            ChannelIn(text="Plan na stronie internetowej KPP w Lubartowie."),
            ChannelIn(text="Rozmowy z mieszkańcami podczas obchodu."),
        ],
    )


def _school(start: date, end: date) -> PlanIn:
    """Speeding near a primary school on school mornings."""
    return PlanIn(
        area_id=area_id("lubartow", "5"),
        officer_id=stable_id("officer", "100305"),
        title="Przekraczanie dozwolonej prędkości przy Szkole Podstawowej nr 4",
        period_start=start,
        period_end=end,
        threat=(
            "Na ul. Szaniawskiego przy Szkole Podstawowej nr 4 kierujący przekraczają dozwoloną "
            "prędkość w godzinach porannych, gdy dzieci idą do szkoły; rodzice parkują na "
            "przejściu dla pieszych."
        ),
        diagnosis="Zgłoszenia rodziców i dyrekcji szkoły, KMZB, obserwacje własne.",
        goal="Poprawa bezpieczeństwa dzieci w drodze do szkoły.",
        criterion_kind=CriterionKind.at_least,
        criterion_measures=[Measure.persons_legitimised],
        criterion_target=100,
        criterion_text="Kontrola co najmniej 100 kierujących w rejonie szkoły.",
        actions=[
            ActionIn(
                id=stable_id("action", "school", str(start), "check"),
                text="Kontrole przejścia przy szkole w dni nauki, 7:15–8:15",
                kind=EntryKind.place_check,
                time_from=time(7, 15),
                time_to=time(8, 15),
                weekdays=[0, 1, 2, 3, 4],
                place_id=place_id("szkola"),
            ),
            ActionIn(
                id=stable_id("action", "school", str(start), "meetings"),
                text="Spotkania z uczniami klas I–III o bezpiecznej drodze do szkoły",
                kind=EntryKind.meeting,
                end_date=end,
                deadline=True,
                place_id=place_id("szkola"),
            ),
            ActionIn(
                id=stable_id("action", "school", str(start), "leaflets"),
                text="Ulotki dla rodziców o parkowaniu przy szkole",
                kind=EntryKind.leaflets,
                end_date=end,
                deadline=True,
            ),
        ],
        partners=[
            PartnerIn(name="Dyrektor Szkoły Podstawowej nr 4", tasks="Spotkania z uczniami."),
            PartnerIn(name="Zarząd Dróg Powiatowych", tasks="Oznakowanie i progi zwalniające."),
        ],
        channels=[
            ChannelIn(text="Informacja na stronie szkoły i w dzienniku elektronicznym."),
            ChannelIn(text="Plan na stronie internetowej KPP w Lubartowie."),
        ],
    )


def _bus_stop(start: date, end: date) -> PlanIn:
    """Vandalism at a bus stop (broken shelter glass, graffiti)."""
    return PlanIn(
        area_id=area_id("krasnik", "1"),
        officer_id=stable_id("officer", "200302"),
        title="Akty wandalizmu na przystanku autobusowym przy ul. Urzędowskiej",
        period_start=start,
        period_end=end,
        threat=(
            "Na przystanku autobusowym przy ul. Urzędowskiej 45 w godzinach wieczornych "
            "niszczona jest wiata (wybite szyby, graffiti, zniszczony rozkład jazdy)."
        ),
        diagnosis="Zgłoszenia przewoźnika i mieszkańców, KMZB, interwencje.",
        goal="Ograniczenie aktów wandalizmu na przystanku.",
        criterion_kind=CriterionKind.reduce_by_percent,
        criterion_measures=[Measure.offences, Measure.interventions],
        criterion_target=40,
        criterion_place_id=place_id("przystanek"),
        criterion_text=(
            "Zmniejszenie o 40 procent liczby wykroczeń i interwencji na przystanku w "
            "porównaniu do okresu poprzedniego."
        ),
        actions=[
            ActionIn(
                id=stable_id("action", "bus_stop", str(start), "check"),
                text="Kontrole przystanku 3 razy w tygodniu w godzinach 18:00–23:00",
                kind=EntryKind.place_check,
                time_from=time(18, 0),
                time_to=time(23, 0),
                freq_times=3,
                freq_per=FrequencyUnit.week,
                place_id=place_id("przystanek"),
            ),
            ActionIn(
                id=stable_id("action", "bus_stop", str(start), "talks"),
                text="Rozmowy z młodzieżą i mieszkańcami okolicznych bloków",
                kind=EntryKind.talk,
                freq_times=2,
                freq_per=FrequencyUnit.month,
            ),
        ],
        partners=[
            PartnerIn(name="Miejski Zakład Komunikacji w Kraśniku", tasks="Naprawy wiaty."),
            PartnerIn(name="Straż Miejska w Kraśniku", tasks="Monitoring i patrole."),
        ],
        channels=[ChannelIn(text="Informacja na stronie internetowej KPP w Kraśniku.")],
    )


def _dumping(start: date, end: date) -> PlanIn:
    """Illegal dumping in the wood at the edge of town."""
    return PlanIn(
        area_id=area_id("krasnik", "4"),
        officer_id=stable_id("officer", "200304"),
        title="Dzikie wysypisko śmieci w lesie przy ul. Piaskowej",
        period_start=start,
        period_end=end,
        threat=(
            "Na skraju lasu przy ul. Piaskowej mieszkańcy i firmy remontowe porzucają odpady "
            "budowlane, opony i śmieci wielkogabarytowe."
        ),
        diagnosis="Zgłoszenia na KMZB, informacje od Nadleśnictwa, obserwacje własne.",
        goal="Uświadomienie mieszkańcom zakazu porzucania odpadów i sposobów ich oddawania.",
        criterion_kind=CriterionKind.at_least,
        criterion_measures=[Measure.leaflets],
        criterion_target=250,
        criterion_text=(
            "Przekazanie mieszkańcom co najmniej 250 ulotek o zasadach oddawania odpadów."
        ),
        actions=[
            ActionIn(
                id=stable_id("action", "dumping", str(start), "check"),
                text="Kontrole miejsca 2 razy w tygodniu",
                kind=EntryKind.place_check,
                freq_times=2,
                freq_per=FrequencyUnit.week,
                place_id=place_id("wysypisko"),
            ),
            ActionIn(
                id=stable_id("action", "dumping", str(start), "leaflets"),
                text="Kolportaż ulotek w domach przy ul. Piaskowej i Leśnej",
                kind=EntryKind.leaflets,
                end_date=end,
                deadline=True,
            ),
            ActionIn(
                id=stable_id("action", "dumping", str(start), "talks"),
                text="Rozmowy z mieszkańcami o punkcie selektywnej zbiórki odpadów",
                kind=EntryKind.talk,
                freq_times=1,
                freq_per=FrequencyUnit.week,
            ),
        ],
        partners=[
            PartnerIn(name="Nadleśnictwo Kraśnik", tasks="Wspólne kontrole, fotopułapki."),
            PartnerIn(name="Urząd Miasta Kraśnik", tasks="Uprzątnięcie odpadów."),
        ],
        channels=[
            ChannelIn(text="Ulotki i rozmowy z mieszkańcami."),
            ChannelIn(text="Informacja na stronie internetowej KPP w Kraśniku."),
        ],
    )


def half_year(day: date) -> tuple[date, date]:
    """The calendar half-year (Jan–Jun or Jul–Dec) containing ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


@dataclass(frozen=True)
class DemoPlan:
    """One plan of the demo and how its periods went (see :class:`Profile`)."""

    build: Callable[[date, date], PlanIn]
    documented: tuple[date, date] | None
    """The period of the sample document (loaded closed, as written), if it is one."""
    previous: Profile
    current: Profile
    previous_baseline: int | None = None
    """For a reduction goal: the figure the previous period's plan was written against."""


PLANS: dict[str, DemoPlan] = {
    "lubartow": DemoPlan(
        _lubartow,
        (date(2024, 1, 1), date(2024, 6, 30)),
        previous=Profile(),
        current=Profile(trouble=0.25),
        previous_baseline=110,
    ),
    "krasnik": DemoPlan(
        _krasnik,
        (date(2024, 7, 1), date(2024, 12, 31)),
        previous=Profile(),
        current=Profile(effort=1.1),
    ),
    "park": DemoPlan(
        _park,
        None,
        previous=Profile(trouble=2.0),
        current=Profile(trouble=2.0),
        previous_baseline=95,
    ),
    "school": DemoPlan(_school, None, previous=Profile(effort=1.3), current=Profile(effort=0.7)),
    "bus_stop": DemoPlan(
        _bus_stop,
        None,
        previous=Profile(trouble=2.0),
        current=Profile(trouble=0.6),
        previous_baseline=110,
    ),
    "dumping": DemoPlan(_dumping, None, previous=Profile(effort=1.4), current=Profile(effort=0.6)),
}
DOCUMENTED = {key: plan.documented for key, plan in PLANS.items() if plan.documented}
HISTORY_SEED = 0


@dataclass(frozen=True)
class _Period:
    key: str
    start: date
    end: date
    status: PlanStatus
    profile: Profile
    baseline: int | None = None


def _periods(today: date) -> list[_Period]:
    """Every plan period of the demo; a later role wins where two fall on the same dates."""
    current = half_year(today)
    previous = half_year(current[0] - timedelta(days=1))
    periods: dict[tuple[str, date], _Period] = {}
    for key, demo in PLANS.items():
        if demo.documented is not None:
            start, end = demo.documented
            periods[key, start] = _Period(key, start, end, PlanStatus.closed, Profile())
        periods[key, previous[0]] = _Period(
            key, *previous, PlanStatus.closed, demo.previous, demo.previous_baseline
        )
        periods[key, current[0]] = _Period(key, *current, PlanStatus.approved, demo.current)
    return list(periods.values())


def _plan_in(period: _Period) -> PlanIn:
    plan = PLANS[period.key].build(period.start, period.end)
    plan.id = stable_id("plan", period.key, str(period.start))
    plan.status = period.status
    if period.baseline is not None:
        plan.criterion_baseline = period.baseline
    for position, partner in enumerate(plan.partners):
        partner.id = stable_id("partner", plan.id, str(position))
    for position, channel in enumerate(plan.channels):
        channel.id = stable_id("channel", plan.id, str(position))
    return PlanIn.model_validate(plan.model_dump())


def demo_plans(today: date | None = None) -> list[PlanIn]:
    """Every plan of the demo: the documented ones, the previous and the current half-year's."""
    return [_plan_in(period) for period in _periods(today or local_today())]


def load_demo(session: Session, today: date | None = None, *, history: bool = True) -> list[str]:
    """Load units, areas, accounts, places, plans and (``history``) their entries up to the
    day before ``today``; returns the plan ids. Idempotent and deterministic.

    ``history=False`` leaves the plans without entries (tests that log their own).
    """
    today = today or local_today()
    for key, unit in UNITS.items():
        org.upsert_unit(session, Unit.model_validate(unit.model_dump()))
        for number in AREA_NUMBERS[key]:
            org.upsert_area(
                session,
                ServiceAreaBase(
                    unit_id=unit.id,
                    number_text=number,
                    name=f"Rejon służbowy nr {number} — {unit.city}",
                ),
                area_id(key, number),
            )
    session.flush()
    for account in ACCOUNTS:
        officer_id = stable_id("officer", account.badge)
        if account.role is Role.admin:
            areas = [area_id(u, n) for u, numbers in AREA_NUMBERS.items() for n in numbers]
        elif account.area is None:  # a supervisor: every rejon of the unit
            areas = [area_id(account.unit, n) for n in AREA_NUMBERS[account.unit]]
        else:
            areas = [area_id(account.unit, account.area)]
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
    periods = _periods(today)
    ids = [save_plan(session, _plan_in(period)).id for period in periods]
    session.flush()
    if history:
        until = local_day_bounds(today)[0]
        for plan_id, period in zip(ids, periods, strict=True):
            store_history(session, plan_id, until=until, seed=HISTORY_SEED, profile=period.profile)
    return ids
