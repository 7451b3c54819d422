"""Polish text helpers: every spelling of dates, periods, hours, weekdays and frequencies seen in
real plans is read, and anything else gives None rather than a guess."""

from datetime import date

import pytest

from app.core.plans.polish import (
    Frequency,
    Span,
    fold,
    mentions_date,
    month_end,
    month_number,
    parse_date,
    parse_frequency,
    parse_half_year,
    parse_hours,
    parse_period,
    parse_span,
    parse_weekdays,
    roman_number,
    says_whole_period,
    split_sentences,
)

H1_2024 = (date(2024, 1, 1), date(2024, 6, 30))
AUG_JAN = (date(2024, 8, 1), date(2025, 1, 31))


def test_fold_keeps_length_and_strips_diacritics():
    text = "ŁĘCZNA, Październik – ŚRODA"
    assert fold(text) == "leczna, pazdziernik – sroda"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("styczeń", 1),
        ("stycznia", 1),
        ("styczniu", 1),
        ("STYCZNIA", 1),
        ("Styczniem", 1),
        ("luty", 2),
        ("lutego", 2),
        ("marcu", 3),
        ("kwietnia", 4),
        ("maj", 5),
        ("maja", 5),
        ("czerwca", 6),
        ("LIPCU", 7),
        ("sierpień", 8),
        ("sierpnia", 8),
        ("wrzesien", 9),
        ("WRZEŚNIA", 9),
        ("października", 10),
        ("PAŹDZIERNIKU", 10),
        ("listopadzie", 11),
        ("grudnia", 12),
        ("grudniu,", 12),
    ],
)
def test_month_names_in_every_case_form(word, month):
    assert month_number(word) == month


@pytest.mark.parametrize("word", ["", "marzenie", "maja1", "grudzik"])
def test_unknown_month_names(word):
    assert month_number(word) is None


def test_month_end_uses_the_calendar():
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2023, 2) == date(2023, 2, 28)
    assert month_end(2024, 12) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "number"),
    [("I", 1), ("iv", 4), ("XII", 12), ("XIX", 19), ("xl", 40), (" MCMXCIX ", 1999)],
)
def test_roman_numerals(text, number):
    assert roman_number(text) == number


@pytest.mark.parametrize("text", ["", "IIII", "VX", "IC", "ABC", "12"])
def test_malformed_roman_numerals(text):
    assert roman_number(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01.01.2024 roku", date(2024, 1, 1)),
        ("30.06.2024r.", date(2024, 6, 30)),
        ("1.03.2019 r", date(2019, 3, 1)),
        ("01..01. 2024", date(2024, 1, 1)),
        ("dnia 1 . 3 . 2019", date(2019, 3, 1)),
        ("31/12/2024", date(2024, 12, 31)),
        ("31-12-2024", date(2024, 12, 31)),
        ("2024-01-15", date(2024, 1, 15)),
        ("1 MARCA 2019 r.", date(2019, 3, 1)),
        ("15 października2024r", date(2024, 10, 15)),
        ("od01.07.2024do31.12.2024", date(2024, 7, 1)),
    ],
)
def test_numeric_and_verbal_dates_with_noise(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["", "31.02.2024", "32.01.2024", "1.13.2024", "9.00", "1-21"])
def test_impossible_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("na okres od 01.01.2024 roku do 30.06.2024 roku", H1_2024),
        ("od 1 marca do 31 sierpnia 2019 r.", (date(2019, 3, 1), date(2019, 8, 31))),
        ("OD 1 MARCA 2019 DO 31 SIERPNIA 2019", (date(2019, 3, 1), date(2019, 8, 31))),
        ("na okres 01.02.2024r.-31.07.2024r.", (date(2024, 2, 1), date(2024, 7, 31))),
        ("od 01.08.2024 do 31.01.2025", AUG_JAN),
        ("od 1.08 do 31.01.2025 r.", AUG_JAN),
        ("na I półrocze 2024", H1_2024),
        ("II półrocze 2024 r.", (date(2024, 7, 1), date(2024, 12, 31))),
        ("w II półroczu roku 2024", (date(2024, 7, 1), date(2024, 12, 31))),
        ("drugie półrocze 2023", (date(2023, 7, 1), date(2023, 12, 31))),
        ("styczeń – czerwiec 2024 roku", H1_2024),
        ("sierpień 2024 – styczeń 2025", AUG_JAN),
        ("sierpień – styczeń 2025", AUG_JAN),
    ],
)
def test_plan_periods(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    "text", ["", "Lublin, dnia 28 lutego 2024 r.", "marzec – czerwiec", "I półrocze"]
)
def test_no_plan_period_without_a_complete_range(text):
    assert parse_period(text) is None


def test_half_year_takes_a_missing_year_from_the_caller():
    assert parse_half_year("I półrocze", 2024) == H1_2024
    assert parse_half_year("I półrocze") is None
    assert parse_half_year("bez półrocza w tekście", 2024) is None


@pytest.mark.parametrize(
    ("text", "period", "span"),
    [
        ("styczeń – czerwiec 2024 roku", H1_2024, Span(date(2024, 1, 1), date(2024, 6, 30))),
        ("marzec- czerwiec 2024", H1_2024, Span(date(2024, 3, 1), date(2024, 6, 30))),
        ("od marca do czerwca", H1_2024, Span(date(2024, 3, 1), date(2024, 6, 30))),
        ("grudzień – styczeń", AUG_JAN, Span(date(2024, 12, 1), date(2025, 1, 31))),
        ("wrzesień – listopad", AUG_JAN, Span(date(2024, 9, 1), date(2024, 11, 30))),
        (
            "w terminie do 31.12.2024 roku",
            None,
            Span(None, date(2024, 12, 31), deadline=True),
        ),
        ("do 31 grudnia 2024", None, Span(None, date(2024, 12, 31), deadline=True)),
        ("do końca maja", H1_2024, Span(None, date(2024, 5, 31), deadline=True)),
        ("do końca trwania planu", H1_2024, Span(None, date(2024, 6, 30), deadline=True)),
        (
            "przez cały okres trwania planu",
            H1_2024,
            Span(date(2024, 1, 1), date(2024, 6, 30), whole_period=True),
        ),
        (
            "Przez cały okres realizacji planu",
            AUG_JAN,
            Span(date(2024, 8, 1), date(2025, 1, 31), whole_period=True),
        ),
        ("przez cały okres trwania planu", None, Span(None, None, whole_period=True)),
        ("dnia 15.03.2024 debata", None, Span(date(2024, 3, 15), date(2024, 3, 15))),
        ("w marcu 2024 spotkanie", None, Span(date(2024, 3, 1), date(2024, 3, 31))),
        ("w kwietniu spotkanie", H1_2024, Span(date(2024, 4, 1), date(2024, 4, 30))),
        ("w I półroczu", H1_2024, Span(date(2024, 1, 1), date(2024, 6, 30))),
        (
            "styczeń – czerwiec 2024 roku - kontrole przez cały okres realizacji planu",
            H1_2024,
            Span(date(2024, 1, 1), date(2024, 6, 30), whole_period=True),
        ),
    ],
)
def test_action_spans(text, period, span):
    assert parse_span(text, period) == span


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("kontrole placu zabaw", H1_2024),
        ("ul. 3 Maja", H1_2024),
        ("marzec – czerwiec", None),
        ("zgodnie z zarządzeniem z 20 czerwca 2016 r.", None),
    ],
)
def test_no_span_is_invented(text, period):
    assert parse_span(text, period) is None


def test_mentions_date():
    assert mentions_date("obchody w marcu")
    assert mentions_date("w II półroczu")
    assert mentions_date("do 31.12.2024")
    assert not mentions_date("obchody ul. 3 Maja")
    assert not mentions_date("kontrole placu zabaw")


def test_whole_period_phrases():
    assert says_whole_period("przez cały okres trwania planu")
    assert says_whole_period("w całym okresie")
    assert says_whole_period("w trakcie realizacji planu")
    assert says_whole_period("na bieżąco")
    assert not says_whole_period("stałe patrole")


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("w godzinach 7:00 – 22:00", ("07:00", "22:00")),
        ("godz. 8.00–21.00", ("08:00", "21:00")),
        ("od 9.00 do 2.00", ("09:00", "02:00")),
        ("w godz. 18-22", ("18:00", "22:00")),
        ("od godz. 20 do godz. 2", ("20:00", "02:00")),
        ("22:00 - 06:00", ("22:00", "06:00")),
        ("w godzinach 7:00 – 24:00", ("07:00", "00:00")),
        ("od 01.03.2024 w godz. 18.00-22.00", ("18:00", "22:00")),
        ("GODZ. 17.30 – 19.45", ("17:30", "19:45")),
    ],
)
def test_daily_hours(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    "text",
    [
        "od 18 do 22",
        "os. Powstańców Warszawy 1-21",
        "od 1.10 do 30.11",
        "w godzinach popołudniowych i wieczornych",
        "od 01.01.2024 do 30.06.2024",
        "w godz. 25:00-26:00",
    ],
)
def test_no_hours_are_invented(text):
    assert parse_hours(text) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("od poniedziałku do soboty", [0, 1, 2, 3, 4, 5]),
        ("w piątki i soboty", [4, 5]),
        ("we wtorki, czwartki", [1, 3]),
        ("weekendy", [5, 6]),
        ("w weekend", [5, 6]),
        ("pn.-pt.", [0, 1, 2, 3, 4]),
        ("Piątek – Niedziela", [4, 5, 6]),
        ("od piątku do poniedziałku", [0, 4, 5, 6]),
        ("w dni robocze", [0, 1, 2, 3, 4]),
        ("w ŚRODĘ", [2]),
    ],
)
def test_weekdays(text, days):
    assert parse_weekdays(text) == days


@pytest.mark.parametrize(
    "text", ["", "środków odurzających", "piąty dzień", "codziennie", "czwarty rejon"]
)
def test_no_weekdays(text):
    assert parse_weekdays(text) is None


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("2 razy w tygodniu", Frequency(2, "week", "2 razy w tygodniu")),
        ("raz w miesiącu", Frequency(1, "month", "raz w miesiącu")),
        ("Raz na tydzień", Frequency(1, "week", "Raz na tydzień")),
        ("codziennie", Frequency(1, "day", "codziennie")),
        ("każdego dnia", Frequency(1, "day", "każdego dnia")),
        ("co tydzień", Frequency(1, "week", "co tydzień")),
        ("co miesiąc", Frequency(1, "month", "co miesiąc")),
        ("cyklicznie", Frequency(None, None, "cyklicznie")),
        ("cykliczne obchody", Frequency(None, None, "cykliczne")),
        ("co najmniej 2 razy w tygodniu", Frequency(2, "week", "co najmniej 2 razy w tygodniu")),
        ("3x w miesiącu", Frequency(3, "month", "3x w miesiącu")),
        ("dwa razy w miesiącu", Frequency(2, "month", "dwa razy w miesiącu")),
        ("dwukrotnie w tygodniu", Frequency(2, "week", "dwukrotnie w tygodniu")),
        ("4 razy tygodniowo", Frequency(4, "week", "4 razy tygodniowo")),
        ("kilka razy w tygodniu", Frequency(None, "week", "kilka razy w tygodniu")),
        ("co 2 tygodnie", Frequency(None, None, "co 2 tygodnie")),
    ],
)
def test_frequency(text, frequency):
    assert parse_frequency(text) == frequency


@pytest.mark.parametrize("text", ["", "razem z dzielnicowym", "przez cały okres"])
def test_no_frequency(text):
    assert parse_frequency(text) is None


def test_sentences_do_not_split_after_abbreviations():
    text = (
        "Rozmowy z mieszkańcami os. Powstańców Warszawy 1-21   w Lubartowie. Zamieszczenie planu "
        "m.in. na stronie ul. Lipowej 3. Wg asp. J. Kowalskiego w 2024 r. Koniec."
    )
    assert split_sentences(text) == [
        "Rozmowy z mieszkańcami os. Powstańców Warszawy 1-21 w Lubartowie.",
        "Zamieszczenie planu m.in. na stronie ul. Lipowej 3.",
        "Wg asp. J. Kowalskiego w 2024 r.",
        "Koniec.",
    ]


def test_sentences_of_empty_text():
    assert split_sentences("   ") == []
