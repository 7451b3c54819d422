"""The plan-document importer on the two real samples, on our own variant documents and on
broken input: every field is asserted, and unreadable parts must surface as warnings."""

from datetime import date
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.plans.importer import (
    DocumentError,
    ImportedPlan,
    action_kind,
    import_file,
    parse_plan,
    read_document,
)
from plans.samples import KRASNIK_NAME, LUBARTOW_NAME, sample

DOCS = Path(__file__).resolve().parent / "docs"


def own(name: str) -> ImportedPlan:
    return import_file(DOCS / name)


@pytest.fixture(scope="module")
def lubartow() -> ImportedPlan:
    return import_file(sample(LUBARTOW_NAME))


@pytest.fixture(scope="module")
def krasnik() -> ImportedPlan:
    return import_file(sample(KRASNIK_NAME))


# =========================================================================== sample 000


def test_lubartow_header(lubartow):
    assert lubartow.area == "3"
    assert lubartow.area_number == 3
    assert lubartow.unit == "KPP w Lubartowie"
    assert lubartow.title == (
        "INFORMACJA DOTYCZĄCA REALIZACJI PLANU DZIAŁANIA PRIORYTETOWEGO "
        "DLA REJONU SŁUŻBOWEGO NUMER 3"
    )
    assert (lubartow.period_start, lubartow.period_end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert lubartow.messages == []
    assert lubartow.is_valid_plan() == (True, [])


def test_lubartow_threat_and_goal(lubartow):
    assert lubartow.threat.startswith("W rejonie służbowym numer 3")
    assert "plac zabaw Nivea" in lubartow.threat
    assert "informacji od społeczności lokalnej" in lubartow.diagnosis
    assert lubartow.diagnosis.startswith("Zagrożenie zdiagnozowano")
    assert lubartow.goal.startswith("Zwiększenie poziomu poczucia bezpieczeństwa")
    assert "Kryterium" not in lubartow.goal


def test_lubartow_criterion(lubartow):
    criterion = lubartow.criterion
    assert criterion.kind == "reduce_by_percent"
    assert criterion.target == 50
    assert criterion.measure == ["offences", "interventions"]
    assert criterion.baseline is None
    assert criterion.text.startswith("Kryterium oceny osiągniętego celu będzie zmniejszenie o 50")


def test_lubartow_actions(lubartow):
    checks, letter, talks = lubartow.actions
    assert len(lubartow.actions) == 3
    assert checks.kind == "place_check"
    assert (checks.start, checks.end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert (checks.time_from, checks.time_to) == ("07:00", "22:00")
    assert not checks.deadline
    assert letter.kind == "request_letter"
    assert (letter.start, letter.end) == (date(2024, 3, 1), date(2024, 6, 30))
    assert letter.time_from is None
    assert talks.kind == "talk"
    assert (talks.start, talks.end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert talks.text.endswith("dopuszczających się wykroczeń lub przestępstw.")
    assert "\n" not in talks.text and "  " not in talks.text


def test_lubartow_partner_and_channels(lubartow):
    (partner,) = lubartow.partners
    assert partner.name == "Spółdzielnia Mieszkaniowa w Lubartowie"
    assert "monitoringu" in partner.tasks
    assert partner.tasks.startswith("zacieśnienie współpracy")
    assert lubartow.channels == [
        "Rozmowy indywidualne z mieszkańcami osiedla Powstańców Warszawy 1-21 w Lubartowie.",
        "Zamieszczenie planu działania priorytetowego na stronie internetowej "
        "Komendy Powiatowej Policji w Lubartowie.",
    ]


def test_json_shape(lubartow):
    data = lubartow.model_dump(mode="json")
    assert list(data) == [
        "area",
        "area_number",
        "unit",
        "title",
        "period_start",
        "period_end",
        "threat",
        "diagnosis",
        "goal",
        "criterion",
        "actions",
        "partners",
        "channels",
        "warnings",
    ]
    assert data["period_start"] == "2024-01-01"
    assert data["criterion"] == {
        "kind": "reduce_by_percent",
        "measure": ["offences", "interventions"],
        "target": 50,
        "baseline": None,
        "text": lubartow.criterion.text,
    }
    assert data["actions"][0] | {"text": ""} == {
        "text": "",
        "kind": "place_check",
        "start": "2024-01-01",
        "end": "2024-06-30",
        "deadline": False,
        "whole_period": True,
        "time_from": "07:00",
        "time_to": "22:00",
        "weekdays": None,
        "frequency": None,
    }
    assert data["partners"][0]["name"] == "Spółdzielnia Mieszkaniowa w Lubartowie"
    assert ImportedPlan.model_validate(data) == lubartow


# =========================================================================== sample 002


def test_krasnik_header(krasnik):
    assert krasnik.area == "3"
    assert krasnik.area_number == 3
    assert krasnik.unit == "KPP w Kraśniku"
    assert krasnik.title == (
        "INFORMACJA dotycząca realizacji planu działania priorytetowego dla rejonu służbowego nr 3"
    )
    assert (krasnik.period_start, krasnik.period_end) == (date(2024, 7, 1), date(2024, 12, 31))
    assert krasnik.messages == []
    assert krasnik.is_valid_plan() == (True, [])


def test_krasnik_threat_goal_and_criterion(krasnik):
    assert krasnik.threat.startswith("Na podstawie informacji od społeczności lokalnej")
    assert "59 czynów" in krasnik.threat
    assert krasnik.diagnosis.startswith("Na podstawie informacji od społeczności lokalnej")
    assert "zdiagnozowane zagrożenie" in krasnik.diagnosis
    assert krasnik.goal.startswith("Zwiększenie wiedzy w zakresie ochrony przed oszustwami")
    assert "Miernikiem" not in krasnik.goal
    criterion = krasnik.criterion
    assert criterion.kind == "at_least"
    assert criterion.target == 80
    assert criterion.measure == ["residents_spoken"]
    assert criterion.baseline is None
    assert criterion.text == (
        "Miernikiem oceny realizacji zakładanego celu będzie przeprowadzenie spotkań i rozmów "
        "z co najmniej 80 mieszkańcami rejonu służbowego."
    )


def test_krasnik_actions(krasnik):
    end = date(2024, 12, 31)
    kinds = [a.kind for a in krasnik.actions]
    assert kinds == ["meeting", "foot_patrol", "talk", "leaflets", "announcement"]
    for number in (0, 2, 3, 4):
        action = krasnik.actions[number]
        assert (action.start, action.end, action.deadline) == (None, end, True)
        assert not action.whole_period
    patrols = krasnik.actions[1]
    assert patrols.whole_period and not patrols.deadline
    assert (patrols.start, patrols.end) == (date(2024, 7, 1), end)
    assert patrols.frequency.model_dump() == {"times": None, "per": None, "text": "cykliczne"}
    assert krasnik.actions[0].text.startswith("spotkania z seniorami skupionymi")


def test_krasnik_partners(krasnik):
    assert [(p.name, p.tasks) for p in krasnik.partners] == [
        (
            "Przewodniczący Polskiego Związku Emerytów, Rencistów i Inwalidów w Kraśniku",
            "udostępnianie sali na zorganizowanie spotkań",
        ),
        (
            "sołtys miejscowości Lasy",
            "przekazywanie informacji mieszkańcom o zagrożeniach w formie bezpośredniej "
            "lub poprzez kolportaż tematycznie opracowanych ulotek",
        ),
        (
            "Burmistrz Miasta Kraśnik",
            "umieszczenie zaleceń i wytycznych na łamach strony internetowej (współpraca "
            "z głównym specjalistą do spraw komunikacji społecznej Danielem Niedziałek)",
        ),
        ("przedstawiciel Radia „Eska” - oddział Kraśnik", "komunikaty medialne"),
        ("przedstawiciele parafii", "komunikaty w trakcie spotkań z wiernymi."),
    ]


def test_krasnik_channels_one_per_sentence_of_each_bullet(krasnik):
    """Rule: each bullet is a channel, and a bullet of several sentences gives one per sentence
    (the empty '-' bullet takes the prose on the following line)."""
    assert krasnik.channels == [
        "umieszczenie informacji na stronie internetowej Komendy Powiatowej Policji w Kraśniku",
        "informowanie mieszkańców rejonu o podejmowanych czynnościach będzie miało charakter "
        "bezpośredni i odbywać się będzie podczas obchodu rejonu służbowego, a także podczas "
        "spotkań z seniorami.",
        "Informacja w celach profilaktycznych zostanie również przekazana do lokalnego radia "
        "„Eska” Kraśnik.",
    ]


# =========================================================================== our documents


def test_roman_area_half_year_and_page_noise():
    plan = own("rejon_xii_polrocze.txt")
    assert (plan.area, plan.area_number) == ("XII", 12)
    assert plan.unit == "KP IV w Lublinie"  # the header's most specific unit, not the letterhead
    assert plan.title == "PLAN DZIAŁAŃ PRIORYTETOWYCH dla rejonu nr XII"
    assert (plan.period_start, plan.period_end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert plan.diagnosis.startswith("Problem zdiagnozowano na podstawie analizy interwencji")
    assert plan.criterion.model_dump() == {
        "kind": "at_least",
        "measure": ["persons_legitimised"],
        "target": 40,
        "baseline": None,
        "text": "Miernik: wylegitymowanie co najmniej 40 osób przebywających w rejonie sklepu.",
    }
    checks, patrols, talks = plan.actions
    assert checks.weekdays == [4, 5]
    assert (checks.time_from, checks.time_to) == ("18:00", "22:00")
    assert (checks.start, checks.end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert patrols.text == (
        "obchody ul. Lipowej 2 razy w tygodniu, w szczególności w porze wieczornej – "
        "przez cały okres realizacji planu"
    )  # the page break inside the item is gone
    assert patrols.frequency.model_dump() == {
        "times": 2,
        "per": "week",
        "text": "2 razy w tygodniu",
    }
    assert patrols.whole_period
    assert talks.frequency.times == 1 and talks.frequency.per == "month"
    assert (talks.start, talks.end) == (date(2024, 1, 15), date(2024, 6, 30))
    assert [p.name for p in plan.partners] == ["Straż Miejska Lublin", "właściciel sklepu"]
    assert plan.channels == [
        "spotkanie ze wspólnotą mieszkaniową ul. Lipowa 5",
        "informacja na stronie internetowej KMP w Lublinie.",
    ]  # nothing from the signature block
    assert plan.messages == []


def test_verbal_period_unnumbered_capital_headings_and_night_hours():
    plan = own("posterunek_2019.txt")
    assert (plan.area, plan.area_number) == ("7", 7)
    assert plan.unit == "PP w Baranowie"
    assert plan.title == "DZIAŁANIE PRIORYTETOWE Rejon służbowy numer 7 – gmina Baranów"
    assert (plan.period_start, plan.period_end) == (date(2019, 3, 1), date(2019, 8, 31))
    assert plan.criterion.kind == "reduce_by_percent"
    assert plan.criterion.target == 50  # "o połowę"
    assert plan.criterion.baseline == 14
    assert plan.criterion.measure == ["interventions"]
    checks, patrols, debate, letter = plan.actions
    assert checks.weekdays == [0, 1, 2, 3, 4, 5]
    assert (checks.time_from, checks.time_to) == ("09:00", "02:00")  # past midnight
    assert (checks.start, checks.end) == (date(2019, 3, 1), date(2019, 8, 31))  # year from plan
    assert patrols.frequency.model_dump() == {"times": 1, "per": "day", "text": "codziennie"}
    assert patrols.whole_period
    assert (debate.kind, debate.start, debate.end) == (
        "meeting",
        date(2019, 5, 15),
        date(2019, 5, 15),
    )
    assert (letter.kind, letter.end, letter.deadline) == ("request_letter", date(2019, 4, 30), True)
    assert [(p.name, p.tasks) for p in plan.partners] == [
        ("Wójt Gminy Baranów", "doświetlenie parkingu przy lokalu"),
        ("właściciel lokalu „Pod Lipą”", "przestrzeganie godzin sprzedaży alkoholu"),
    ]
    assert plan.channels == ["ogłoszenie na tablicy sołeckiej", "komunikat w kościele parafialnym"]
    assert plan.messages == []


def test_merged_heading_typos_and_kmzb_baseline():
    plan = own("naglowki_literowki.txt")
    assert (plan.area_number, plan.unit) == (5, "KMP w Lublinie")
    assert (plan.period_start, plan.period_end) == (date(2024, 2, 1), date(2024, 7, 31))
    assert plan.threat.startswith("Na skwerze przy ul. Nadbystrzyckiej")
    assert "Celem" not in plan.threat
    assert plan.goal == "Celem działania jest poprawa ładu na skwerze."
    assert plan.criterion.model_dump() == {
        "kind": "reduce_by_percent",
        "measure": ["kmzb_reports", "interventions"],
        "target": 30,
        "baseline": 16,
        "text": "Kryterium oceny: zmniejszenie o 30% liczby zgłoszeń KMZB i interwencji. "
        "Obecnie 12 zgłoszeń KMZB i 4 interwencje.",
    }
    checks, meeting, leaflets = plan.actions
    assert (checks.start, checks.end) == (date(2024, 2, 1), date(2024, 7, 31))
    assert (checks.time_from, checks.time_to) == ("17:00", "21:00")
    assert (meeting.kind, meeting.end, meeting.deadline) == ("meeting", date(2024, 3, 31), True)
    assert leaflets.text == "kolportaż ulotek o zagrożeniach demoralizacją – marzec- czerwiec 2024"
    assert (leaflets.start, leaflets.end) == (date(2024, 3, 1), date(2024, 6, 30))
    assert [(p.name, p.tasks) for p in plan.partners] == [
        ("Szkoła Podstawowa nr 7", "pedagogizacja rodziców"),
        ("Rada Dzielnicy", "przekazanie informacji mieszkańcom"),
    ]  # the wrapped heading line did not become a partner
    assert plan.channels == [
        "Informacje zostaną przekazane na zebraniu Rady Dzielnicy.",
        "Plan zostanie opublikowany na stronie KMP w Lublinie.",
    ]
    assert plan.messages == []


def test_qualitative_goal_undated_action_and_year_crossing_period():
    plan = own("cel_jakosciowy.txt")
    assert plan.unit == "KP w Poniatowej"
    assert (plan.period_start, plan.period_end) == (date(2024, 8, 1), date(2025, 1, 31))
    assert plan.goal == "Poprawa poczucia bezpieczeństwa działkowców."
    assert plan.criterion.model_dump() == {
        "kind": "qualitative",
        "measure": [],
        "target": None,
        "baseline": None,
        "text": "",
    }
    patrols, checks, meetings, gathering = plan.actions
    assert patrols.whole_period
    assert (patrols.start, patrols.end) == (date(2024, 8, 1), date(2025, 1, 31))
    assert (checks.start, checks.end) == (date(2024, 12, 1), date(2025, 1, 31))
    assert checks.weekdays == [5, 6]
    assert (checks.time_from, checks.time_to) == ("20:00", "00:00")
    assert meetings.whole_period and meetings.frequency.per == "month"
    assert (gathering.end, gathering.deadline) == (date(2024, 9, 30), True)
    assert plan.partners == []  # "Brak."
    assert plan.channels == ["Informacja na tablicy ogłoszeń ogródków działkowych."]
    assert plan.messages == [
        "Cel ma charakter jakościowy — brak mierzalnego kryterium oceny",
        "Działanie 1: brak terminu — przyjęto cały okres planu",
    ]
    assert plan.is_valid_plan() == (True, [])


def test_page_with_two_plans_imports_the_first():
    plan = own("dwa_plany.txt")
    assert (plan.area_number, plan.unit) == (1, "KPP w Opolu Lubelskim")
    assert plan.threat == "nieprawidłowe parkowanie przy szkole."
    assert plan.criterion.kind == "at_least"
    assert (plan.criterion.target, plan.criterion.measure) == (10, ["fines"])
    (action,) = plan.actions
    assert action.weekdays == [0, 1, 2, 3, 4]
    assert (action.time_from, action.time_to) == ("07:30", "08:30")
    assert plan.channels == ["strona internetowa KPP w Opolu Lubelskim."]
    assert plan.messages == [
        "Dokument zawiera więcej niż jeden plan (2) — tu odczytano tylko pierwszy"
    ]


def test_press_article_gives_facts_and_warnings_not_sections():
    plan = own("artykul_prasowy.txt")
    assert (plan.area_number, plan.unit) == (4, "KPP w Świdniku")
    assert (plan.period_start, plan.period_end) == (date(2024, 3, 1), date(2024, 8, 31))
    assert plan.title is None and plan.actions == []
    said = (
        "Policjant chce ograniczyć spożywanie alkoholu w rejonie dworca PKP, gdzie mieszkańcy "
        "zgłaszają zaśmiecanie i zakłócanie spokoju."
    )
    assert plan.threat == plan.goal == said  # the one sentence that states both
    assert plan.criterion is None
    assert plan.messages == [
        "Nie rozpoznano tytułu planu",
        "Nie rozpoznano układu planu — brak nagłówków sekcji",
        "Zagrożenie odczytano z tekstu ciągłego — sprawdź je",
        "Cel odczytano z tekstu ciągłego — sprawdź go",
    ]
    ok, missing = plan.is_valid_plan()
    assert not ok
    assert missing == ["brak proponowanych działań"]


def test_garbage_file_gives_only_warnings():
    plan = own("smieci.txt")
    assert plan.model_dump(exclude={"warnings"}) == ImportedPlan().model_dump(exclude={"warnings"})
    assert plan.messages == [
        "Nie rozpoznano numeru rejonu",
        "Nie rozpoznano jednostki Policji",
        "Nie rozpoznano tytułu planu",
        "Nie rozpoznano okresu planu",
        "Nie rozpoznano układu planu — brak nagłówków sekcji",
    ]


# =========================================================================== robustness

BODY = {
    "threat": "Na placu zabaw grupuje się młodzież spożywająca alkohol.",
    "goal": "Poprawa bezpieczeństwa. Kryterium oceny: zmniejszenie o 20% liczby interwencji.",
    "actions": "- kontrole placu zabaw – przez cały okres trwania planu\n- rozmowy z mieszkańcami",
    "partners": "- Urząd Gminy – monitoring placu",
    "channels": "Strona internetowa KPP w Łęcznej.",
}
HEADER = "PLAN DZIAŁANIA PRIORYTETOWEGO\nRejon nr 6\nna okres od 01.03.2024 do 31.08.2024\n"


def plan_with(headings: list[str]) -> ImportedPlan:
    parts = [HEADER]
    for heading, body in zip(headings, BODY.values(), strict=True):
        parts.append(f"{heading}\n{body}\n")
    return parse_plan("\n".join(parts))


def assert_all_sections(plan: ImportedPlan) -> None:
    assert plan.threat == BODY["threat"]
    assert plan.goal == "Poprawa bezpieczeństwa."
    assert plan.criterion.target == 20
    assert [a.kind for a in plan.actions] == ["place_check", "talk"]
    assert [(p.name, p.tasks) for p in plan.partners] == [("Urząd Gminy", "monitoring placu")]
    assert plan.channels == ["Strona internetowa KPP w Łęcznej."]
    assert plan.messages == ["Działanie 2: brak terminu — przyjęto cały okres planu"]


@pytest.mark.parametrize(
    "headings",
    [
        [
            "1. Charakterystyka zdiagnozowanego zagrożenia w rejonie służbowym:",
            "2. Zakładany cel do osiągnięcia.",
            "3. Proponowane działania wraz z terminami realizacji poszczególnych etapów/zadań:",
            "4. Podmioty współpracujące w realizacji działania priorytetowego:",
            "5. Proponowany sposób przekazania społeczności rejonu informacji o działaniu:",
        ],
        [
            "Charakterystyka zdiagnozowanego zagrożenia",
            "Zakładany cel do osiągnięcia",
            "Proponowane działania",
            "Podmioty współpracujące",
            "Sposób przekazania informacji",
        ],
        [
            "I. CHARAKTERYSTYKA ZAGROŻENIA:",
            "II. ZAKŁADANY CEL:",
            "III. PROPONOWANE DZIAŁANIA:",
            "IV. PODMIOTY WSPÓŁPRACUJĄCE:",
            "V. SPOSÓB PRZEKAZANIA INFORMACJI SPOŁECZNOŚCI:",
        ],
        [
            "1) charakterystyka zdiagnozowanego zagrozenia",
            "2) zakladany cel do osiagniecia",
            "3) proponowane dzialania wraz z terminami",
            "4) podmioty wspolpracujace",
            "5) proponowany sposob przekazania spolecznosci rejonu informacji",
        ],
        [
            "• Charakterystka zdiagnozowanego zagrożenia",
            "• Zakladany ceel do osiągniecia",
            "• Propnowane działania",
            "• Podmoty wspólpracujące",
            "• Sposob przekazania informacij",
        ],
        ["Zagrożenie:", "Cel:", "Działania:", "Partnerzy:", "Informowanie:"],
    ],
    ids=["official", "no-numbers", "roman-capitals", "no-diacritics", "typos-bullets", "short"],
)
def test_heading_variants(headings):
    assert_all_sections(plan_with(headings))


def test_heading_with_inline_content():
    plan = parse_plan(
        HEADER + "1. Charakterystyka zagrożenia: kradzieże rowerów.\n"
        "2. Zakładany cel: mniej kradzieży.\n3. Proponowane działania: obchody codziennie.\n"
    )
    assert plan.threat == "kradzieże rowerów."
    assert plan.goal == "mniej kradzieży."
    assert plan.actions[0].frequency.per == "day"


def test_body_sentence_like_an_earlier_heading_stays_body_text():
    plan = plan_with(
        [
            "1. Charakterystyka zagrożenia:",
            "2. Zakładany cel:",
            "3. Proponowane działania:",
            "4. Podmioty współpracujące:",
            "5. Sposób przekazania informacji:\nZakładany cel zostanie przedstawiony na zebraniu.",
        ]
    )
    assert plan.channels == [
        "Zakładany cel zostanie przedstawiony na zebraniu.",
        "Strona internetowa KPP w Łęcznej.",
    ]


@pytest.mark.parametrize("bullet", ["·", "-", "•", "*", "–", "1)", "1.", "a)", "(1)"])
def test_bullets_and_wrapped_items(bullet):
    text = (
        HEADER + "3. Proponowane działania:\n"
        f"{bullet} kontrole placu zabaw w godzinach 7:00 – 22:00\n"
        "w rejonie bloków – marzec – czerwiec\n"
        f"{bullet} rozmowy z mieszkańcami – przez cały okres trwania planu\n"
    )
    checks, talks = parse_plan(text).actions
    assert checks.text == (
        "kontrole placu zabaw w godzinach 7:00 – 22:00 w rejonie bloków – marzec – czerwiec"
    )
    assert (checks.start, checks.end) == (date(2024, 3, 1), date(2024, 6, 30))
    assert talks.whole_period


def test_hyphenated_line_break_is_rejoined():
    plan = parse_plan(HEADER + "3. Proponowane działania:\n- rozmowy z miesz-\nkańcami rejonu\n")
    assert plan.actions[0].text == "rozmowy z mieszkańcami rejonu"


def test_prose_actions_split_per_sentence():
    plan = parse_plan(
        HEADER + "3. Proponowane działania:\nKontrole placu w godz. 18-22 w marcu. "
        "Spotkanie z radą osiedla do 30.04.2024 r.; wniosek do zarządcy drogi.\n"
    )
    assert [a.kind for a in plan.actions] == ["place_check", "meeting", "request_letter"]
    assert plan.actions[0].start == date(2024, 3, 1)
    assert plan.actions[1].deadline


@pytest.mark.parametrize(
    ("header", "title"),
    [
        (
            "PLAN DZIAŁANIA PRIORYTETOWEGO\nna okres od 01.03.2024 do 31.08.2024",
            "PLAN DZIAŁANIA PRIORYTETOWEGO",
        ),
        (
            "Plan działań priorytetowych dla rejonu nr 4 na I półrocze 2024 r.",
            "Plan działań priorytetowych dla rejonu nr 4",
        ),
        ("DZIAŁANIE PRIORYTETOWE\nRejon nr 4\n", "DZIAŁANIE PRIORYTETOWE Rejon nr 4"),
        (
            "Informacja dotycząca realizacji planu działania priorytetowego\nw okresie od 1.03 "
            "do 31.08.2024",
            "Informacja dotycząca realizacji planu działania priorytetowego",
        ),
        (
            "KOMENDA POWIATOWA POLICJI W ŁĘCZNEJ\nZATWIERDZAM\n\nPlan działania priorytetowego",
            "Plan działania priorytetowego",
        ),
    ],
)
def test_titles(header, title):
    plan = parse_plan(header)
    assert plan.title == title


@pytest.mark.parametrize(
    ("header", "area", "number"),
    [
        ("PLAN DZIAŁANIA PRIORYTETOWEGO\nrejon służbowy numer 3", "3", 3),
        ("plan działań priorytetowych dla rejonu nr XII", "XII", 12),
        ("Działanie priorytetowe – rejonu służbowego nr 14", "14", 14),
        ("INFORMACJA DOTYCZĄCA REALIZACJI PLANU\nREJONU SŁUŻBOWEGO\n    NUMER 3", "3", 3),
        ("Plan dla rejonu służbowego IV", "IV", 4),
        ("Plan dzielnicowego nr 8", "8", 8),
        ("Plan – rejon nr3", "3", 3),
    ],
)
def test_area_numbers(header, area, number):
    plan = parse_plan(header)
    assert (plan.area, plan.area_number) == (area, number)


@pytest.mark.parametrize(
    "header",
    ["PLAN DLA REJONU SŁUŻBOWEGO I DZIELNICY", "w rejonie 3 bloków", "rejonu służbowego i okolic"],
)
def test_no_area_is_guessed(header):
    plan = parse_plan(header)
    assert plan.area is None and plan.area_number is None
    assert "Nie rozpoznano numeru rejonu" in plan.messages


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("strona Komendy Powiatowej Policji w Lubartowie.", "KPP w Lubartowie"),
        ("w Komendzie Miejskiej Policji w Lublinie", "KMP w Lublinie"),
        ("KOMENDA POWIATOWA POLICJI W ŁĘCZNEJ", "KPP w Łęcznej"),
        ("Komisariat Policji II w Lublinie", "KP II w Lublinie"),
        ("Komisariatu Policji w Nowym Mieście nad Pilicą", "KP w Nowym Mieście nad Pilicą"),
        ("Posterunek Policji w Baranowie", "PP w Baranowie"),
        ("KPP w Opolu Lubelskim", "KPP w Opolu Lubelskim"),
        ("dane KPP Kraśnik", "KPP Kraśnik"),
    ],
)
def test_units(text, unit):
    assert parse_plan(text).unit == unit


@pytest.mark.parametrize(
    ("item", "name", "tasks"),
    [
        ("Urząd Gminy – monitoring", "Urząd Gminy", "monitoring"),
        ("Urząd Gminy - monitoring", "Urząd Gminy", "monitoring"),
        ("Urząd Gminy — monitoring", "Urząd Gminy", "monitoring"),
        ("Urząd Gminy: monitoring", "Urząd Gminy", "monitoring"),
        ("Kędzierzyn-Koźle, MOPS – pomoc bezdomnym", "Kędzierzyn-Koźle, MOPS", "pomoc bezdomnym"),
        (
            "Urząd Miasta – Wydział Ochrony – usuwanie wraków",
            "Urząd Miasta – Wydział Ochrony",
            "usuwanie wraków",
        ),
    ],
)
def test_partner_name_and_tasks(item, name, tasks):
    plan = parse_plan(HEADER + f"4. Podmioty współpracujące:\n- {item}\n")
    assert [(p.name, p.tasks) for p in plan.partners] == [(name, tasks)]


def test_partner_without_tasks_is_kept_with_a_warning():
    plan = parse_plan(HEADER + "4. Podmioty współpracujące:\n- Straż Miejska\n")
    assert [(p.name, p.tasks) for p in plan.partners] == [("Straż Miejska", "")]
    assert "Nie rozpoznano zadań partnera: Straż Miejska" in plan.messages


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kontrola miejsca", "place_check"),
        ("obchód rejonu", "foot_patrol"),
        ("rozmowy z mieszkańcami", "talk"),
        ("debata społeczna", "meeting"),
        ("kolportaż ulotek", "leaflets"),
        ("podejmowanie interwencji", "intervention"),
        ("współpraca ze strażą miejską", "partner_contact"),
        ("komunikat w radiu", "announcement"),
        ("ogłoszenie w parafii", "announcement"),
        ("pismo do zarządcy", "request_letter"),
        ("wniosek o dyslokację patroli", "request_letter"),
        ("analiza zdarzeń", "other"),
    ],
)
def test_action_kinds(text, kind):
    assert action_kind(text) == kind


def test_undated_action_without_plan_period_stays_undated():
    plan = parse_plan("3. Proponowane działania:\n- kontrole placu\n- obchody w marcu\n")
    assert (plan.actions[0].start, plan.actions[0].end) == (None, None)
    assert plan.actions[0].whole_period
    marzec = plan.actions[1]
    assert (marzec.start, marzec.end, marzec.whole_period) == (
        None,
        None,
        False,
    )  # no year: no guess
    assert "Nie rozpoznano okresu planu" in plan.messages
    assert "Działanie 1: brak terminu — przyjęto cały okres planu" in plan.messages
    assert "Działanie 2: nie rozpoznano terminu" in plan.messages


def test_sub_heading_inside_the_threat_is_not_a_second_plan():
    plan = parse_plan(
        HEADER + "1. Charakterystyka zagrożenia:\nKradzieże.\nOpis problemu:\nW nocy.\n"
        "2. Zakładany cel:\nMniej kradzieży.\n"
    )
    assert plan.threat == "Kradzieże.\nOpis problemu:\nW nocy."
    assert plan.goal == "Mniej kradzieży."
    assert not any("więcej niż jeden plan" in w for w in plan.messages)


def test_second_plan_keeps_the_first_plans_last_channel():
    first = (
        HEADER + "3. Proponowane działania:\n- obchody – przez cały okres trwania planu\n"
        "5. Sposób przekazania informacji:\n"
        "Zamieszczenie planu działania priorytetowego na stronie KPP w Łęcznej.\n\n"
    )
    plan = parse_plan(first + HEADER + "1. Charakterystyka zagrożenia:\nInny plan.\n")
    assert plan.channels == [
        "Zamieszczenie planu działania priorytetowego na stronie KPP w Łęcznej."
    ]
    assert (
        "Dokument zawiera więcej niż jeden plan (2) — tu odczytano tylko pierwszy" in plan.messages
    )


def test_signature_ends_the_plan_but_a_word_like_it_does_not():
    plan = parse_plan(
        HEADER + "3. Proponowane działania:\n- spotkanie z zarządem w celu\npodpisania porozumienia"
        "\n- obchody\nopracowanie ulotek\n\nSporządził: asp. Jan Nowak\n- to nie jest działanie\n"
    )
    assert [a.text for a in plan.actions] == [
        "spotkanie z zarządem w celu podpisania porozumienia",
        "obchody opracowanie ulotek",
    ]


def test_empty_section_is_reported():
    plan = parse_plan(HEADER + "1. Charakterystyka zagrożenia:\n\n2. Zakładany cel:\nCisza.\n")
    assert "Pusta sekcja: charakterystyka zagrożenia" in plan.messages
    assert plan.threat is None


def test_action_outside_the_plan_period_is_flagged():
    plan = parse_plan(HEADER + "3. Proponowane działania:\n- debata – do 31.12.2024 r.\n")
    assert plan.actions[0].end == date(2024, 12, 31)
    assert "Działanie 1: termin wykracza poza okres planu" in plan.messages


def test_reversed_period_is_kept_but_invalid():
    plan = parse_plan("Plan działania priorytetowego\nna okres od 30.06.2024 do 01.01.2024\n")
    assert "Koniec okresu planu jest wcześniejszy niż jego początek" in plan.messages
    ok, missing = plan.is_valid_plan()
    assert not ok
    assert "koniec okresu planu jest wcześniejszy niż jego początek" in missing


@pytest.mark.parametrize(
    ("goal", "kind", "target", "measure", "baseline"),
    [
        (
            "Kryterium oceny osiągniętego celu będzie zmniejszenie o 50 procent ilości wykroczeń "
            "i interwencji Policji w porównaniu do okresu poprzedniego.",
            "reduce_by_percent",
            50,
            ["offences", "interventions"],
            None,
        ),
        (
            "Kryterium oceny: ograniczenie o 30% zgłoszeń KMZB i interwencji "
            "(obecnie 12 zgłoszeń KMZB i 4 interwencje).",
            "reduce_by_percent",
            30,
            ["kmzb_reports", "interventions"],
            16,
        ),
        (
            "Miernikiem będzie przeprowadzenie spotkań i rozmów z co najmniej 80 mieszkańcami.",
            "at_least",
            80,
            ["residents_spoken"],
            None,
        ),
        (
            "Miernik: rozdanie 300 ulotek oraz pouczenie sprawców.",
            "at_least",
            300,
            ["leaflets", "cautions"],
            None,
        ),
        (
            "Poprawa ładu. Nałożenie nie mniej niż 15 mandatów karnych.",
            "at_least",
            15,
            ["fines"],
            None,
        ),
    ],
)
def test_criteria(goal, kind, target, measure, baseline):
    plan = parse_plan(HEADER + f"2. Zakładany cel:\n{goal}\n")
    criterion = plan.criterion
    assert (criterion.kind, criterion.target, criterion.measure, criterion.baseline) == (
        kind,
        target,
        measure,
        baseline,
    )
    assert criterion.text in goal


def test_criterion_without_a_number_is_qualitative():
    plan = parse_plan(HEADER + "2. Cel:\nKryterium oceny: poprawa estetyki skweru.\n")
    assert plan.criterion.kind == "qualitative"
    assert plan.criterion.text == "Kryterium oceny: poprawa estetyki skweru."
    assert "Kryterium oceny nie podaje mierzalnej wartości — zapisano je opisowo" in plan.messages


def test_percentage_that_is_not_a_reduction_is_not_guessed():
    plan = parse_plan(HEADER + "2. Cel:\nKryterium: wzrost o 20% liczby legitymowanych.\n")
    assert plan.criterion.kind == "qualitative"
    assert plan.criterion.target is None
    assert "Nie rozpoznano rodzaju kryterium procentowego — zapisano je opisowo" in plan.messages


def test_missing_sections_are_named():
    plan = parse_plan(HEADER + "1. Charakterystyka zagrożenia:\nWandale.\n")
    assert plan.messages == [
        "Nie rozpoznano jednostki Policji",
        "Nie znaleziono sekcji: zakładany cel",
        "Nie znaleziono sekcji: proponowane działania",
        "Nie znaleziono sekcji: podmioty współpracujące",
        "Nie znaleziono sekcji: sposób przekazania informacji społeczności",
    ]


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff", "\x00\x01"])
def test_empty_input(text):
    plan = parse_plan(text)
    assert plan.actions == [] and plan.area is None
    assert plan.warnings
    assert plan.is_valid_plan()[0] is False


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=120),
            st.sampled_from(
                [
                    "1. Charakterystyka zagrożenia:",
                    "2. Zakładany cel:",
                    "3. Proponowane działania:",
                    "- kontrole 01.01.2024 – 31.02.2024 w godz. 25:00-7:99",
                    "4. Podmioty współpracujące:",
                    "· – –",
                    "rejonu nr MMMM",
                    "na okres od 31.12.2024 do",
                    "Kryterium oceny: o % co najmniej",
                ]
            ),
        ),
        max_size=25,
    )
)
def test_parse_plan_never_raises(lines):
    plan = parse_plan("\n".join(lines))
    assert isinstance(plan.warnings, list)
    plan.model_dump(mode="json")


def test_is_valid_plan_lists_everything_missing():
    ok, missing = ImportedPlan().is_valid_plan()
    assert not ok
    assert missing == [
        "brak numeru rejonu",
        "brak daty początku okresu planu",
        "brak daty końca okresu planu",
        "brak charakterystyki zagrożenia",
        "brak zakładanego celu",
        "brak proponowanych działań",
    ]


# =========================================================================== reading files

PLAN_TEXT = (
    "PLAN DZIAŁANIA PRIORYTETOWEGO\nrejon nr 2\nna okres od 01.03.2024 do 31.08.2024\n"
    "1. Charakterystyka zagrożenia:\nWandalizm na przystanku przy ul. Żółkiewskiego.\n"
    "2. Zakładany cel:\nOgraniczenie zniszczeń.\n3. Proponowane działania:\n"
    "- kontrole przystanku w godz. 20:00–23:00 – marzec – sierpień\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    text = PLAN_TEXT.replace("–", "-") if encoding == "iso-8859-2" else PLAN_TEXT
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path) == text
    assert import_file(path).threat == "Wandalizm na przystanku przy ul. Żółkiewskiego."


def test_windows_line_endings(tmp_path):
    path = tmp_path / "plan.TXT"
    path.write_bytes(PLAN_TEXT.replace("\n", "\r\n").encode("cp1250"))
    plan = import_file(path)
    assert plan.is_valid_plan() == (True, [])
    assert (plan.actions[0].time_from, plan.actions[0].time_to) == ("20:00", "23:00")


def build_docx(path: Path) -> None:
    """A plan as Word writes it: numbered list headings, a table of actions, bullet channels."""
    document = docx.Document()
    document.add_paragraph("PLAN DZIAŁANIA PRIORYTETOWEGO")
    document.add_paragraph("dla rejonu służbowego nr 9\nna II półrocze 2024 r.")
    document.add_paragraph("Charakterystyka zdiagnozowanego zagrożenia", style="List Number")
    document.add_paragraph(
        "Na parkingu przy ul. Długiej odbywają się nielegalne rajdy samochodowe. "
        "Zagrożenie zdiagnozowano na podstawie zgłoszeń KMZB."
    )
    document.add_paragraph("Zakładany cel do osiągnięcia", style="List Number")
    document.add_paragraph("Wyeliminowanie rajdów. Kryterium oceny: o 40% mniej interwencji.")
    document.add_paragraph("Proponowane działania wraz z terminami", style="List Number")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Lp.", "Działanie", "Termin"], strict=True):
        cell.text = text
    for row in [
        ("1.", "kontrole parkingu w piątki i soboty w godz. 22:00–2:00", "lipiec – grudzień"),
        ("2.", "wniosek do Urzędu Miasta o progi zwalniające", "do 30.09.2024 r."),
    ]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph("Podmioty współpracujące", style="List Number")
    partners = document.add_table(rows=2, cols=2)
    partners.rows[0].cells[0].text, partners.rows[0].cells[1].text = "Podmiot", "Zadania"
    partners.rows[1].cells[0].text = "Straż Miejska w Gdańsku"
    partners.rows[1].cells[1].text = "wspólne kontrole parkingu"
    document.add_paragraph("Sposób przekazania informacji społeczności", style="List Number")
    document.add_paragraph("strona internetowa KMP w Gdańsku", style="List Bullet")
    document.add_paragraph("komunikat w lokalnym radiu", style="List Bullet")
    document.save(str(path))


def test_docx_with_tables_and_lists(tmp_path):
    path = tmp_path / "plan.docx"
    build_docx(path)
    plan = import_file(path)
    assert (plan.area_number, plan.unit) == (9, "KMP w Gdańsku")
    assert (plan.period_start, plan.period_end) == (date(2024, 7, 1), date(2024, 12, 31))
    assert plan.diagnosis == "Zagrożenie zdiagnozowano na podstawie zgłoszeń KMZB."
    assert (plan.criterion.kind, plan.criterion.target) == ("reduce_by_percent", 40)
    checks, letter = plan.actions
    assert checks.text == (
        "kontrole parkingu w piątki i soboty w godz. 22:00–2:00 – lipiec – grudzień"
    )
    assert (checks.start, checks.end, checks.weekdays) == (
        date(2024, 7, 1),
        date(2024, 12, 31),
        [4, 5],
    )
    assert (checks.time_from, checks.time_to) == ("22:00", "02:00")
    assert (letter.kind, letter.end, letter.deadline) == ("request_letter", date(2024, 9, 30), True)
    assert [(p.name, p.tasks) for p in plan.partners] == [
        ("Straż Miejska w Gdańsku", "wspólne kontrole parkingu")
    ]
    assert plan.channels == ["strona internetowa KMP w Gdańsku", "komunikat w lokalnym radiu"]
    assert plan.messages == []


def test_docx_layout_table_with_merged_cells(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = "Plan działań priorytetowych"
    table.rows[1].cells[0].text = "1. Charakterystyka zagrożenia"
    table.rows[1].cells[1].text = "Kradzieże paliwa z maszyn budowlanych."
    table.rows[2].cells[0].text = "2. Zakładany cel"
    table.rows[2].cells[1].text = "Ograniczenie kradzieży."
    path = tmp_path / "tabela.docx"
    document.save(str(path))
    text = read_document(path)
    assert text.count("Plan działań priorytetowych") == 1
    plan = parse_plan(text)
    assert plan.threat == "Kradzieże paliwa z maszyn budowlanych."
    assert plan.goal == "Ograniczenie kradzieży."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.4", "nie jest poprawnym dokumentem PDF"),
        ("plan.rtf", b"{\\rtf1}", "Nieobsługiwany format pliku plan.rtf"),
        ("plan.doc", b"\xd0\xcf\x11\xe0", "stary format .doc"),
        ("plan.docx", b"to nie jest zip", "nie jest poprawnym dokumentem .docx"),
        ("plan.txt", b"PK\x03\x04\x00\x00binary", "nie jest plikiem tekstowym"),
    ],
)
def test_unreadable_files_raise_document_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_document(path)


def test_missing_file_raises_document_error(tmp_path):
    with pytest.raises(DocumentError, match=r"Nie można odczytać pliku brak\.txt"):
        import_file(tmp_path / "brak.txt")
    assert issubclass(DocumentError, ValueError)
