"""The importer over our own documents in every format, the layouts of real published plans
(area lines, year-once periods, KMZB criteria, several plans in one file, prose), and the
field accuracy the README reports (computed by ``accuracy.py``)."""

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.i18n import set_language
from app.core.plans.importer import (
    DocumentError,
    WarningField,
    import_plans,
    parse_plan,
    parse_plans,
    read_document,
    read_document_bytes,
)
from plans.accuracy import DOCUMENTS, score_all, table
from plans.documents import DOCS, RENDERERS, render, scanned_pdf

# =========================================================================== accuracy


def test_every_document_gives_its_plans_and_the_fields_are_read():
    scores = score_all(include_shared=False)
    assert len(scores) >= 20
    assert [(s.document, s.plans_read) for s in scores] == [
        (s.document, s.plans_expected) for s in scores
    ]
    right, total = sum(s.right for s in scores), sum(s.total for s in scores)
    assert total > 400
    assert right / total >= 0.95, table(scores)
    narrative = {"proza_plan.txt", "artykul_kmzb.txt", "artykul_prasowy.txt"}
    laid_out = [s for s in scores if s.document not in narrative]
    assert [(s.document, s.missed) for s in laid_out if s.missed] == []


def test_our_documents_are_many_and_varied():
    formats = {d.render_as or Path(d.name).suffix.lstrip(".") for d in DOCUMENTS}
    assert formats == {"txt", "pdf", "odt", "docx"}
    assert len([d for d in DOCUMENTS if not d.shared]) >= 20
    assert sum(len(d.plans) > 1 for d in DOCUMENTS) >= 4


# =========================================================================== formats


def test_a_pdf_with_a_text_layer_reads_like_its_source(tmp_path):
    path = render("zrodlo_pdf_informacja.txt", "pdf", tmp_path)
    text = read_document(path)
    assert "Strona 1 z" in text  # the footer is in the text layer, and ignored by the importer
    (plan,) = import_plans(path)
    assert (plan.area_number, plan.unit) == (14, "KPP w Zamościu")
    assert plan.threat.endswith("podczas obchodu rejonu.")
    assert "\n" not in plan.threat  # wrapped lines joined again
    assert plan.messages == []


def test_a_pdf_given_as_bytes_reads_the_same(tmp_path):
    path = render("zrodlo_pdf_dwa_rejony.txt", "pdf", tmp_path)
    assert read_document_bytes(path.read_bytes(), "plany.PDF") == read_document(path)


def test_a_scanned_pdf_is_refused_with_a_polish_reason(tmp_path):
    path = scanned_pdf(tmp_path / "skan.pdf")
    with pytest.raises(DocumentError) as raised:
        read_document(path)
    assert str(raised.value) == (
        "Plik PDF skan.pdf nie ma warstwy tekstowej (wygląda na skan) — zapisz plan jako "
        ".docx, .odt lub .txt albo wpisz go w edytorze planu"
    )


def test_a_password_protected_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = render("zrodlo_odt.txt", "pdf", tmp_path)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="tajne", owner_password="tajne", algorithm="RC4-128")
    locked = tmp_path / "haslo.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(DocumentError, match=r"Plik PDF haslo\.pdf jest chroniony hasłem"):
        read_document(locked)


def test_an_odt_keeps_its_list_items_apart(tmp_path):
    path = render("zrodlo_odt.txt", "odt", tmp_path)
    text = read_document(path)
    assert "• kontrole parkingu w niedziele" in text
    (plan,) = import_plans(path)
    assert [p.name for p in plan.partners] == ["Kustosz sanktuarium", "Urząd Gminy Wąwolnica"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.odt", b"PK\x03\x04 broken", "nie jest poprawnym dokumentem .odt"),
        ("plan.pdf", b"not a pdf at all", "nie jest poprawnym dokumentem PDF"),
        ("plan.xlsx", b"PK", "Nieobsługiwany format pliku plan.xlsx: obsługiwane są .txt, .docx"),
    ],
)
def test_broken_files_are_refused_by_name(name, data, message):
    with pytest.raises(DocumentError, match=message):
        read_document_bytes(data, name)


def test_an_oversized_file_is_refused_before_reading():
    with pytest.raises(DocumentError, match="jest za duży"):
        read_document_bytes(b"x" * (20 * 1024 * 1024 + 1), "ogromny.txt")


# =========================================================================== layouts


@pytest.mark.parametrize(
    ("line", "area"),
    [
        ("Rejon 4 st. asp. Marek Zając", ("4", 4)),
        ("REJON VII", ("VII", 7)),
        ("Rejon IV – mł. asp. Jan Kos", ("IV", 4)),
        ("Rejon nr 12 sierż. Ewa Lis", ("12", 12)),
        ("rejon 3", ("3", 3)),
        ("Dzielnicowy Rejonu II asp. Jan Kos", ("II", 2)),
    ],
)
def test_an_area_on_its_own_line(line, area):
    plan = parse_plan(f"Plan działania priorytetowego\n{line}\nna I półrocze 2024 r.\n")
    assert (plan.area, plan.area_number) == area


def test_a_roman_looking_word_after_rejon_is_no_area():
    plan = parse_plan("Plan działania priorytetowego\nRejon i jego okolice\nna I półrocze 2024\n")
    assert plan.area is None


@pytest.mark.parametrize(
    "written",
    [
        "od 1 marca do 31 sierpnia .2019r",
        "od 1 marca do 31 sierpnia 2019 r.",
        "od 1 MARCA do 31 SIERPNIA 2019 ROKU",
        "od dnia 01.03.2019 r. do dnia 31.08.2019 r.",
        "01.03.2019r.-31.08.2019r.",
        "od 01.03 do 31.08.2019",
        "od 01-03-2019 do 31-08-2019",
        "2019-03-01 – 2019-08-31",
        "01.III.2019 – 31.VIII.2019",
        "marzec – sierpień 2019 r.",
        "od 1 marca 2019 do 31 sierpnia",
        "od 1 marca do 31 sierpnia, 2019 roku",
        "od dn. 01.03.2019 do dn. 31.08.2019",
        "od 01.03.19 do 31.08.19",
        "od 1.3.2019 do 31.8.2019",
        "OD 01.03.2019R. DO 31.08.2019R.",
        "od 1-go marca do 31 sierpnia 2019",
    ],
)
def test_one_period_written_every_way(written):
    plan = parse_plan(f"Plan działania priorytetowego\nrejon nr 1\nna okres {written}\n")
    assert (plan.period_start, plan.period_end) == (date(2019, 3, 1), date(2019, 8, 31))


@pytest.mark.parametrize(
    ("criterion", "target", "baseline"),
    [
        (
            "Zmniejszenie ilości zgłoszeń na KMZB oraz interwencji "
            "(obecnie 9 KMZB i 6 interwencje) o 30%.",
            30,
            15,
        ),
        (
            "Kryterium: zmniejszenie liczby zgłoszeń oraz interwencji (obecnie 4 KMZB "
            "i 7 interwencji) o 15 %.",
            15,
            11,
        ),
        (
            "Kryterium oceny: zmniejszenie ilości zgłoszeń KMZB oraz interwencji o 20 procent "
            "(obecnie 2 zgłoszenia KMZB i 3 interwencje).",
            20,
            5,
        ),
        (
            "Kryterium: zmniejszenie ilości zgłoszeń KMZB dotyczących wykroczeń oraz "
            "interwencji (obecnie 9 KMZB i 6 interwencje) o 30%.",
            30,
            15,
        ),
        (
            "Zmniejszenie ilości zgłoszeń na Krajową Mapę Zagrożeń Bezpieczeństwa oraz "
            "interwencji (obecnie 9 zgłoszeń i 6 interwencji) o 30%.",
            30,
            15,
        ),
        (
            "Kryterium: zmniejszenie ilości zgłoszeń KMZB i interwencji, których obecnie jest "
            "6 KMZB i 2 interwencje, o 10%.",
            10,
            8,
        ),
    ],
)
def test_a_kmzb_criterion_with_its_baseline_inside(criterion, target, baseline):
    plan = parse_plan(
        f"Plan działania priorytetowego\nrejon nr 1\n2. Zakładany cel:\n{criterion}\n"
    )
    assert plan.criterion.model_dump(exclude={"text"}) == {
        "kind": "reduce_by_percent",
        "measure": ["kmzb_reports", "interventions"],
        "target": target,
        "baseline": baseline,
    }


# =========================================================================== several plans


def test_consecutive_half_years_are_two_plans_never_merged():
    first, second = import_plans(DOCS / "dwa_polrocza.txt")
    assert (first.period_start, first.period_end) == (date(2022, 1, 1), date(2022, 6, 30))
    assert (second.period_start, second.period_end) == (date(2022, 7, 1), date(2022, 12, 31))
    assert first.channels == ["zebranie wiejskie", "strona internetowa KPP w Biłgoraju"]
    assert second.title == "Plan działania priorytetowego dla rejonu służbowego nr 2"
    assert "Kradzieże paliwa" in first.threat and "Kradzieże" not in second.threat
    assert first.messages == [] and second.messages == []


def test_two_areas_under_one_heading_share_its_unit_and_period():
    first, second = import_plans(DOCS / "dwa_rejony_jeden_naglowek.txt")
    assert [p.area_number for p in (first, second)] == [1, 2]
    assert {p.unit for p in (first, second)} == {"KP w Kazimierzu Dolnym"}
    assert first.period_start == second.period_start == date(2023, 2, 1)
    assert second.title == first.title
    assert [a.kind for a in second.actions] == ["meeting", "leaflets", "announcement"]


def test_a_later_plan_without_an_area_takes_the_first_ones_with_a_warning():
    text = (DOCS / "dwa_polrocza.txt").read_text(encoding="utf-8")
    first_half, second_half = text.split("\n\n", 1)
    second_half = second_half.replace("dla rejonu służbowego nr 2", "")
    _first, second = parse_plans(first_half + "\n\n" + second_half)
    assert second.area_number == 2
    assert second.warnings_for(WarningField.area) == [
        "Numer rejonu przyjęto z pierwszego planu w dokumencie — sprawdź go"
    ]


def test_parse_plan_says_there_are_more():
    plan = parse_plan((DOCS / "dwa_polrocza.txt").read_text(encoding="utf-8"))
    assert plan.messages == [
        "Dokument zawiera więcej niż jeden plan (2) — tu odczytano tylko pierwszy"
    ]


def test_a_pdf_with_two_plans(tmp_path):
    plans = import_plans(render("zrodlo_pdf_dwa_rejony.txt", "pdf", tmp_path))
    assert [(p.area, p.area_number) for p in plans] == [("V", 5), ("VI", 6)]


# =========================================================================== prose and warnings


def test_a_plan_told_in_prose_gives_its_facts_and_says_what_is_missing():
    (plan,) = import_plans(DOCS / "proza_plan.txt")
    assert (plan.area_number, plan.unit) == (6, "KP w Nałęczowie")
    assert plan.criterion.kind == "reduce_by_percent" and plan.criterion.target == 20
    assert plan.warnings_for(WarningField.criterion) == [
        "Kryterium odczytano z tekstu ciągłego — sprawdź je"
    ]
    assert plan.threat.startswith("Problemem, na który zwrócili uwagę mieszkańcy, jest nadmierna")
    assert plan.diagnosis.startswith("Zagrożenie zdiagnozowano na podstawie zgłoszeń")
    assert plan.goal == plan.criterion.text  # no goal stated apart from the criterion
    assert plan.warnings_for(WarningField.threat) == [
        "Zagrożenie odczytano z tekstu ciągłego — sprawdź je"
    ]
    assert plan.warnings_for(WarningField.document) == [
        "Nie rozpoznano układu planu — brak nagłówków sekcji"
    ]
    assert plan.is_valid_plan()[0] is False


def test_warnings_name_their_field_and_action():
    plan = parse_plan(
        "Plan działania priorytetowego\nrejon nr 2\nna I półrocze 2024\n"
        "3. Proponowane działania:\n- kontrole placu\n- debata – do 31.12.2024 r.\n"
    )
    assert plan.warnings_for(WarningField.actions, action=1) == [
        "Działanie 1: brak terminu — przyjęto cały okres planu"
    ]
    assert plan.warnings_for(WarningField.actions, action=2) == [
        "Działanie 2: termin wykracza poza okres planu"
    ]
    assert plan.warnings_for(WarningField.unit) == ["Nie rozpoznano jednostki Policji"]
    assert plan.warnings_for(WarningField.threat) == [
        "Nie znaleziono sekcji: charakterystyka zagrożenia"
    ]


def test_warnings_follow_the_language(tmp_path):
    scan = scanned_pdf(tmp_path / "scan.pdf").read_bytes()
    set_language("en")
    try:
        plan = parse_plan("rejon nr 2\n")
        with pytest.raises(DocumentError, match="has no text layer"):
            read_document_bytes(scan, "scan.pdf")
        missing = plan.is_valid_plan()[1]
    finally:
        set_language("pl")
    assert "The police unit was not recognised" in plan.messages
    assert missing[0] == "no start date of the plan's period"


def test_the_plans_catalogue_is_complete():
    from string import Formatter

    from babel.messages.extract import extract_from_file

    from app.core.i18n import _catalog

    root = Path(__file__).resolve().parents[2]
    used = {
        message
        for source in ("importer.py", "drafts.py", "workflow.py")
        for _line, message, _c, _ctx in extract_from_file(
            "python",
            str(root / "app" / "core" / "plans" / source),
            keywords={"_": None, "N_": None},
        )
    }
    polish = _catalog("pl", "plans")
    assert sorted(used - polish.keys()) == []
    assert sorted(polish.keys() - used) == []

    def fields(text: str) -> list[str]:
        return sorted(name for _l, name, _s, _c in Formatter().parse(text) if name)

    for message in used:
        assert fields(message) == fields(polish[message]), message


# =========================================================================== the command line


def test_cli_imports_each_plan_of_a_file(tmp_path):
    runner = CliRunner()
    shown = runner.invoke(cli, ["plan", "import", str(DOCS / "dwa_polrocza.txt")])
    assert shown.exit_code == 0, shown.output
    assert "Plan 1 z 2" in shown.output and "Plan 2 z 2" in shown.output
    printed = runner.invoke(cli, ["plan", "import", str(DOCS / "dwa_polrocza.txt"), "--json"])
    import json

    data = json.loads(printed.stdout)
    assert [p["period_start"] for p in data] == ["2022-01-01", "2022-07-01"]
    pdf = render("zrodlo_pdf_informacja.txt", "pdf", tmp_path)
    single = json.loads(runner.invoke(cli, ["plan", "import", str(pdf), "--json"]).stdout)
    assert single["area_number"] == 14
    scan = runner.invoke(cli, ["plan", "import", str(scanned_pdf(tmp_path / "skan.pdf"))])
    assert scan.exit_code == 1
    assert "nie ma warstwy tekstowej" in scan.output


@pytest.fixture(scope="module")
def sound_files(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("sound")
    return {fmt: render("zrodlo_odt.txt", fmt, folder).read_bytes() for fmt in RENDERERS}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=20),
    keep=st.floats(0.05, 1.0),
)
def test_a_damaged_file_is_refused_never_a_crash(sound_files, fmt, flips, keep):
    """Damaged files make the readers fail in many ways (zip, zlib, XML, PDF syntax): every one
    must come out as the Polish 'not a valid document' reason, or be read."""
    data = bytearray(sound_files[fmt])
    for where, value in flips:
        data[int(where * len(data))] = value
    data = data[: max(1, int(len(data) * keep))]
    try:
        read_document_bytes(bytes(data), f"plan.{fmt}")
    except DocumentError as exc:
        assert str(exc).startswith("Plik ")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("rejon_linia_kmzb.txt", "Plan działania priorytetowego"),
        ("rejon_rzymski_nazwisko.txt", "PLAN DZIAŁAŃ PRIORYTETOWYCH REJON VII"),
        (
            "zrodlo_pdf_informacja.txt",
            "INFORMACJA DOTYCZĄCA REALIZACJI PLANU DZIAŁANIA PRIORYTETOWEGO "
            "dla rejonu służbowego nr 14",
        ),
    ],
)
def test_the_officers_name_and_the_period_are_not_the_title(name, title):
    (plan,) = import_plans(DOCS / name)
    assert plan.title == title


def test_a_last_channel_that_mentions_information_stays_with_its_plan():
    first = (
        "Plan działania priorytetowego\nrejon nr 1 KPP w Łukowie\nna I półrocze 2024\n"
        "1. Charakterystyka zagrożenia:\nKradzieże.\n2. Zakładany cel:\nMniej kradzieży.\n"
        "3. Proponowane działania:\n- obchody – przez cały okres realizacji planu\n"
        "5. Sposób przekazania informacji:\ninformacja na stronie internetowej KPP w Łukowie\n\n"
    )
    second = (
        "Informacja o realizacji planu działania priorytetowego\nRejon 2 asp. Jan Kos\n"
        "na II półrocze 2024\n1. Charakterystyka zagrożenia:\nWandalizm.\n"
    )
    one, two = parse_plans(first + second)
    assert one.channels == ["informacja na stronie internetowej KPP w Łukowie"]
    assert (two.area_number, two.period_start) == (2, date(2024, 7, 1))
    assert two.title == "Informacja o realizacji planu działania priorytetowego"


def test_an_odt_with_a_table_of_actions(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentText()
    for line in (
        "Plan działania priorytetowego",
        "Rejon 6 asp. Ewa Kos",
        "na okres od 1 marca do 31 sierpnia 2025 r.",
        "Proponowane działania wraz z terminami",
    ):
        document.text.addElement(P(text=line))
    table = Table(name="Dzialania")
    table.addElement(TableColumn(numbercolumnsrepeated=3))
    for row in (
        ("Lp.", "Działanie", "Termin"),
        ("1.", "kontrole parkingu w godz. 20:00–23:00", "marzec – sierpień"),
        ("2.", "spotkanie z mieszkańcami", "do 30.04.2025 r."),
    ):
        table_row = TableRow()
        for text in row:
            cell = TableCell()
            cell.addElement(P(text=text))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.text.addElement(table)
    path = tmp_path / "tabela.odt"
    document.save(str(path))
    (plan,) = import_plans(path)
    assert plan.area_number == 6
    checks, meeting = plan.actions
    assert checks.text == "kontrole parkingu w godz. 20:00–23:00 – marzec – sierpień"
    assert (checks.start, checks.end) == (date(2025, 3, 1), date(2025, 8, 31))
    assert (meeting.kind, meeting.end, meeting.deadline) == ("meeting", date(2025, 4, 30), True)


# =========================================================================== Polish throughout

ENGLISH = re.compile(
    r"\b(the|not|was|no|found|recognised|section|action|document|file|read|check it|"
    r"plan's|goal|threat|criterion|such|permission|directory)\b"
)
"""English words none of the importer's Polish texts contains."""


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.txt")))
def test_every_warning_of_every_document_is_polish(name):
    """No warning bypasses the catalogue: in Polish, not one English word."""
    set_language("pl")
    plans = parse_plans((DOCS / name).read_text(encoding="utf-8", errors="replace"))
    said = [m for plan in plans for m in plan.messages + plan.is_valid_plan()[1]]
    english = [m for m in said if ENGLISH.search(m)]
    assert not english, english


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "brak.docx", "nie ma takiego pliku"),
        (lambda tmp: tmp, "to folder, nie plik"),
    ],
)
def test_a_file_that_cannot_be_opened_is_told_in_polish(tmp_path, make, reason):
    set_language("pl")
    with pytest.raises(DocumentError) as caught:
        read_document(make(tmp_path))
    assert str(caught.value).endswith(f": {reason}") and not ENGLISH.search(reason)
