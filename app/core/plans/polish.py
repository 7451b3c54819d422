"""Polish text helpers for reading hand-written plans: dates, periods, hours, weekdays, frequency.

Plans are typed by officers, so every reader here accepts the noise seen in real documents (any
letter case, missing diacritics, "r."/"roku" glued to the year, stray dots, missing spaces) and
returns None instead of guessing when the text does not say. Matching runs on a folded copy of
the text (lower case, no diacritics) that keeps every character at its index, so whatever is
returned "as written" is cut from the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from app.core.model.roman import roman_to_int as _strict_roman

_PL_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

# Word edges that work with digits glued to words ("2024r.", "marca2019").
_NL = r"(?<![^\W\d_])"
_NR = r"(?![^\W\d_])"
_DASH = r"(?:-+|–|—|÷)"


def fold(text: str) -> str:
    """Lower case without Polish diacritics, same length as the input (indices stay valid)."""
    out = text.translate(_PL_FOLD)
    lowered = out.lower()
    if len(lowered) == len(out):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in out)


def squash(text: str) -> str:
    """Collapse runs of whitespace: hand-aligned documents are full of them."""
    return re.sub(r"\s+", " ", text).strip()


def roman_number(text: str) -> int | None:
    """'XII' → 12; None for anything that is not a well-formed Roman numeral."""
    try:
        return _strict_roman(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- months

_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("styczen", "stycznia", "styczniu", "styczniem", "styczniowi"),
    2: ("luty", "lutego", "lutym", "lutemu"),
    3: ("marzec", "marca", "marcu", "marcem", "marcowi"),
    4: ("kwiecien", "kwietnia", "kwietniu", "kwietniem", "kwietniowi"),
    5: ("maj", "maja", "maju", "majem", "majowi"),
    6: ("czerwiec", "czerwca", "czerwcu", "czerwcem", "czerwcowi"),
    7: ("lipiec", "lipca", "lipcu", "lipcem", "lipcowi"),
    8: ("sierpien", "sierpnia", "sierpniu", "sierpniem", "sierpniowi"),
    9: ("wrzesien", "wrzesnia", "wrzesniu", "wrzesniem", "wrzesniowi"),
    10: ("pazdziernik", "pazdziernika", "pazdzierniku", "pazdziernikiem", "pazdziernikowi"),
    11: ("listopad", "listopada", "listopadzie", "listopadem", "listopadowi"),
    12: ("grudzien", "grudnia", "grudniu", "grudniem", "grudniowi"),
}
_MONTH_BY_FORM = {form: month for month, forms in _MONTH_FORMS.items() for form in forms}
_MONTHS = "|".join(sorted(_MONTH_BY_FORM, key=len, reverse=True))


def month_number(word: str) -> int | None:
    """Any case form of a month name, in any letter case, with or without diacritics."""
    return _MONTH_BY_FORM.get(fold(word).strip(" .,;:"))


def month_end(year: int, month: int) -> date:
    """Last day of a month (relativedelta clamps day=31 to the month's length)."""
    return date(year, month, 1) + relativedelta(day=31)


# --------------------------------------------------------------------------- date tokens

_YEAR_SUFFIX = r"(?:\s*(?:roku|rok|r)\b\.?)?"
_YEAR_GAP = r"\s*[.,]?\s*"
"""Between a month name and its year: typists leave stray dots ('31 sierpnia .2019r')."""
_ROMAN_MONTH_NUMBERS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6,
    "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12,
}  # fmt: skip
_ROMAN_MONTHS = "|".join(sorted(_ROMAN_MONTH_NUMBERS, key=len, reverse=True))
_TOKEN_RE = re.compile(
    rf"""(?<!\d)(?:
        (?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d)
      | (?P<hd>\d{{1,2}})-(?P<hm>\d{{1,2}})-(?P<hy>\d{{4}})(?!\d)
      | (?P<nd>\d{{1,2}})\s*(?:\.+\s*|/)(?P<nm>\d{{1,2}})
            (?:\s*(?:\.+|/)\s*(?P<ny>\d{{4}}|\d{{2}}(?![\d.:]))|\.(?!\d))?(?!\d)
      | (?P<rd>\d{{1,2}})\s*[.\s]\s*(?P<rm>{_ROMAN_MONTHS})\s*[.\s]\s*(?P<ry>\d{{4}})
      | (?P<vd>\d{{1,2}})\s*\.?\s*(?P<vm>{_MONTHS}){_NR}(?:{_YEAR_GAP}(?P<vy>\d{{4}}))?
      | {_NL}(?P<mm>{_MONTHS}){_NR}(?:{_YEAR_GAP}(?P<my>\d{{4}}))?
    ){_YEAR_SUFFIX}""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    """One date-like phrase: a day date (maybe without year) or a bare month (maybe with year)."""

    start: int
    end: int
    month: int
    day: int | None
    year: int | None
    numeric: bool

    @property
    def ambiguous(self) -> bool:
        """'3 Maja' without a year is as likely a street as a date."""
        return self.day is not None and self.year is None


def _token_from(match: re.Match[str]) -> _Token | None:
    """Build a token from whichever alternative matched; None when the numbers are no date."""
    g = match.groupdict()
    numeric = True
    for d, m, y in (("id", "im", "iy"), ("hd", "hm", "hy"), ("nd", "nm", "ny")):
        if g[d] is not None:
            day, month = int(g[d]), int(g[m])
            year = int(g[y]) if g[y] else None
            if year is not None and year < 100:  # '01.03.19': this century
                year += 2000
            break
    else:
        numeric = False
        if g["rm"] is not None:
            day, month, year = int(g["rd"]), _ROMAN_MONTH_NUMBERS[g["rm"]], int(g["ry"])
        elif g["vm"] is not None:
            day, month = int(g["vd"]), _MONTH_BY_FORM[g["vm"]]
            year = int(g["vy"]) if g["vy"] else None
        else:
            day, month = None, _MONTH_BY_FORM[g["mm"]]
            year = int(g["my"]) if g["my"] else None
    if not 1 <= month <= 12 or (year is not None and not 1900 <= year <= 2200):
        return None
    if day is not None and not _day_fits(day, month, year):
        return None
    return _Token(match.start(), match.end(), month, day, year, numeric)


def _day_fits(day: int, month: int, year: int | None) -> bool:
    """A day exists in the month (29 February is allowed while the year is unknown)."""
    return 1 <= day <= month_end(year or 2000, month).day


def _tokens(folded: str) -> list[_Token]:
    return [t for m in _TOKEN_RE.finditer(folded) if (t := _token_from(m)) is not None]


def parse_date(text: str) -> date | None:
    """The first complete date in the text: '30.06.2024r.', '1 MARCA 2019 r', '2024-01-01'."""
    for token in _tokens(fold(text)):
        if token.day is not None and token.year is not None:
            return date(token.year, token.month, token.day)
    return None


# --------------------------------------------------------------------------- spans

Period = tuple[date, date]


@dataclass(frozen=True)
class Span:
    """When something happens: a window, only a deadline, or the plan's whole period."""

    start: date | None
    end: date | None
    deadline: bool = False
    whole_period: bool = False


_CONNECTOR_RE = re.compile(rf"^\s*(?:{_DASH}|do|\.\.\.?|…)\s*(?:(?:dnia|dn\.)\s*)?$")
_DEADLINE_RE = re.compile(
    r"(?:\bdo(?:\s+dnia)?|\bdo\s+konca|\bnie\s+pozniej\s+niz|\btermin\w*\s*:?)\s*$"
)
_EVENT_RE = re.compile(r"(?:\bdnia|\bw\s+dniu|\btermin\w*\s*:?)\s*$")
_IN_MONTH_RE = re.compile(r"(?:\bw|\bwe)\s*$")
_HALF_RE = re.compile(
    rf"{_NL}(?<!\d)(?P<n>ii|i|2|1|pierwsz\w*|drugi\w*)\s*(?:-?\s*(?:sze|gie|ie))?\s*polrocz\w*"
    rf"(?:\s*(?:roku\s*)?(?P<y>\d{{4}}))?{_YEAR_SUFFIX}"
)
_WHOLE_RE = re.compile(
    r"\bcal(?:y|ym|ego|e)\s+(?:okres\w*|czas\w*|polrocz\w*)"
    r"|\bw\s+(?:okresie|trakcie|czasie)\s+(?:trwania|realizacji|obowiazywania)\s+planu"
    r"|\bna\s+biezaco\b"
)
_PLAN_END_RE = re.compile(r"\bdo\s+konca\s+(?:okresu\s+)?(?:trwania|realizacji|obowiazywania)")


def _pick_year(first: int, last: int, period: Period | None) -> int | None:
    """Year of a month range written without one: the one that keeps it inside the plan."""
    if period is None:
        return None
    for year in range(period[0].year, period[1].year + 1):
        start = date(year, first, 1)
        end = month_end(year + (last < first), last)
        if start >= period[0].replace(day=1) and end <= period[1]:
            return year
    return period[0].year


def _token_start(token: _Token, year: int) -> date:
    return date(year, token.month, token.day or 1)


def _token_end(token: _Token, year: int) -> date:
    return date(year, token.month, token.day) if token.day else month_end(year, token.month)


def _range_span(a: _Token, b: _Token, period: Period | None) -> Span | None:
    """Two tokens joined by a dash or 'do'; a missing year comes from the other side or plan."""
    wraps = (a.month, a.day or 1) > (b.month, b.day or 31)
    if a.year is not None and b.year is not None:
        year_a, year_b = a.year, b.year
    elif b.year is not None:
        year_a, year_b = b.year - wraps, b.year
    elif a.year is not None:
        year_a, year_b = a.year, a.year + wraps
    else:
        picked = _pick_year(a.month, b.month, period)
        if picked is None:
            return None
        year_a, year_b = picked, picked + wraps
    return Span(_token_start(a, year_a), _token_end(b, year_b))


def _find_range(folded: str, tokens: list[_Token], period: Period | None) -> Span | None:
    for a, b in pairwise(tokens):
        if not _CONNECTOR_RE.match(folded[a.end : b.start]):
            continue
        if a.numeric and b.numeric and a.year is None and b.year is None:
            continue  # "8.10–9.11" are more likely hours or numbers than a date range
        span = _range_span(a, b, period)
        if span is not None:
            return span
    return None


def _find_half_year(folded: str, _unused: list[_Token], period: Period | None) -> Span | None:
    match = _HALF_RE.search(folded)
    if not match:
        return None
    second = match["n"] in ("ii", "2") or match["n"].startswith("drug")
    year = int(match["y"]) if match["y"] else (period[0].year if period else None)
    if year is None:
        return None
    return (
        Span(date(year, 7, 1), date(year, 12, 31))
        if second
        else Span(date(year, 1, 1), date(year, 6, 30))
    )


def _resolve_year(token: _Token, period: Period | None) -> int | None:
    if token.year is not None:
        return token.year
    return _pick_year(token.month, token.month, period)


def _find_deadline(folded: str, tokens: list[_Token], period: Period | None) -> Span | None:
    for token in tokens:
        if _DEADLINE_RE.search(folded[max(0, token.start - 30) : token.start]):
            year = _resolve_year(token, period)
            if year is not None:
                return Span(None, _token_end(token, year), deadline=True)
    if period is not None and _PLAN_END_RE.search(folded):
        return Span(None, period[1], deadline=True)
    return None


def _find_single(folded: str, tokens: list[_Token], period: Period | None) -> Span | None:
    """A dated one-off event ('dnia 15.03.2024') or one month ('w marcu 2024')."""
    for token in tokens:
        before = folded[max(0, token.start - 30) : token.start]
        at_start = not folded[: token.start].strip(" -–—:.")
        if token.year is not None and token.day is not None:
            if at_start or _EVENT_RE.search(before):
                day = _token_start(token, token.year)
                return Span(day, day)
            continue
        if token.day is None and (token.year is not None or _IN_MONTH_RE.search(before)):
            year = _resolve_year(token, period)
            if year is not None:
                return Span(_token_start(token, year), _token_end(token, year))
    return None


def mentions_date(text: str) -> bool:
    """Whether the text names a date, month or half-year, read or not ('3 Maja' does not count)."""
    folded = fold(text)
    return any(not t.ambiguous for t in _tokens(folded)) or bool(_HALF_RE.search(folded))


def says_whole_period(text: str) -> bool:
    """'przez cały okres trwania planu', 'w całym okresie', 'na bieżąco' and the like."""
    return bool(_WHOLE_RE.search(fold(text)))


def parse_span(text: str, period: Period | None = None) -> Span | None:
    """When an action happens, from its text; the plan period supplies missing years.

    Ranges win over half-years, deadlines, single dates and months; a whole-period phrase
    alone gives the plan period. None when the text names no time (or only a month whose year
    cannot be known without the plan period).
    """
    folded = fold(text)
    tokens = _tokens(folded)
    whole = bool(_WHOLE_RE.search(folded))
    for finder in (_find_range, _find_half_year, _find_deadline, _find_single):
        span = finder(folded, tokens, period)
        if span is not None:
            return Span(span.start, span.end, span.deadline, whole)
    if whole:
        return (
            Span(period[0], period[1], whole_period=True)
            if period
            else Span(None, None, whole_period=True)
        )
    return None


def parse_period(text: str) -> Period | None:
    """A plan's own period: a full date or month range, or a half-year, with its year written."""
    folded = fold(text)
    tokens = _tokens(folded)
    span = _find_range(folded, tokens, None) or _find_half_year(folded, tokens, None)
    if span is None or span.start is None or span.end is None:
        return None
    return span.start, span.end


def parse_half_year(text: str, year: int | None = None) -> Period | None:
    """'I półrocze 2024' → Jan–Jun 2024, 'II półrocze 2024 r.' → Jul–Dec; year fills a gap."""
    context = (date(year, 1, 1), date(year, 12, 31)) if year else None
    span = _find_half_year(fold(text), [], context)
    return (span.start, span.end) if span and span.start and span.end else None


# --------------------------------------------------------------------------- hours

_TIME_RE = re.compile(
    r"(?:\bod\s+)?(?:godz\w*\.?\s*)?(?<![\d.:])(?P<h1>\d{1,2})(?:\s*(?P<s1>[:.])\s*(?P<m1>\d{2}))?"
    rf"\s*(?:{_DASH}|\bdo\b)\s*(?:godz\w*\.?\s*)?"
    r"(?P<h2>\d{1,2})(?:\s*(?P<s2>[:.])\s*(?P<m2>\d{2}))?(?![\d])(?!\s*[.:/]\s*\d)"
)
_HOURS_CONTEXT_RE = re.compile(r"\bgodz\w*\.?")


def _hhmm(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h % 24:02d}:{m:02d}"


def _mask_dates(folded: str) -> str:
    """Blank out complete dates so '01.03.2024' cannot be read as a time."""
    chars = list(folded)
    for token in _tokens(folded):
        if token.year is not None or not token.numeric:
            chars[token.start : token.end] = " " * (token.end - token.start)
    return "".join(chars)


def _looks_like_hours(match: re.Match[str], context: str) -> bool:
    """Bare numbers need 'godz.'; '9.00' needs 'godz.' or round minutes; '7:00' is enough."""
    if _HOURS_CONTEXT_RE.search(context):
        return True
    if match["m1"] is None or match["m2"] is None:
        return False
    if ":" in (match["s1"], match["s2"]):
        return True
    return int(match["m1"]) % 15 == 0 and int(match["m2"]) % 15 == 0


def parse_hours(text: str) -> tuple[str, str] | None:
    """Daily hours as ('HH:MM', 'HH:MM'); an end before the start means past midnight."""
    folded = _mask_dates(fold(text))
    for match in _TIME_RE.finditer(folded):
        context = folded[max(0, match.start() - 25) : match.end()]
        if not _looks_like_hours(match, context):
            continue
        start, end = _hhmm(match["h1"], match["m1"]), _hhmm(match["h2"], match["m2"])
        if start and end and start != end:
            return start, end
    return None


# --------------------------------------------------------------------------- weekdays

_DAY_FORMS: dict[int, tuple[str, ...]] = {
    0: (
        "poniedzialek",
        "poniedzialku",
        "poniedzialki",
        "poniedzialkow",
        "poniedzialkach",
        "poniedzialkami",
        "poniedzialkiem",
    ),
    1: ("wtorek", "wtorku", "wtorki", "wtorkow", "wtorkach", "wtorkami", "wtorkiem"),
    2: ("sroda", "srody", "srode", "srodzie", "srodami", "srodach", "srod"),
    3: ("czwartek", "czwartku", "czwartki", "czwartkow", "czwartkach", "czwartkami", "czwartkiem"),
    4: ("piatek", "piatku", "piatki", "piatkow", "piatkach", "piatkami", "piatkiem"),
    5: ("sobota", "soboty", "sobote", "sobocie", "sobotami", "sobotach", "sobot"),
    6: ("niedziela", "niedzieli", "niedziele", "niedzielami", "niedzielach", "niedziel"),
}
_DAY_ABBREVIATIONS: dict[int, tuple[str, ...]] = {
    0: ("pn", "pon"),
    1: ("wt", "wto"),
    2: ("sr", "sro"),
    3: ("czw",),
    4: ("pt", "pia", "piat"),
    5: ("sb", "sob"),
    6: ("nd", "ndz", "niedz"),
}
_DAY_BY_FORM = {f: d for d, forms in _DAY_FORMS.items() for f in forms}
_DAY_BY_ABBR = {f: d for d, forms in _DAY_ABBREVIATIONS.items() for f in forms}
_DAY_WORDS = "|".join(sorted(_DAY_BY_FORM, key=len, reverse=True))
_DAY_ABBRS = "|".join(sorted(_DAY_BY_ABBR, key=len, reverse=True))
_DAY_RE = re.compile(rf"{_NL}(?:{_DAY_WORDS}){_NR}")
_DAY_RANGE_RE = re.compile(
    rf"{_NL}(?P<a>{_DAY_WORDS}){_NR}\s*(?:{_DASH}|do)\s*(?P<b>{_DAY_WORDS}){_NR}"
    rf"|{_NL}(?P<x>{_DAY_WORDS}|{_DAY_ABBRS})\.?\s*{_DASH}\s*(?P<y>{_DAY_WORDS}|{_DAY_ABBRS}){_NR}"
)
_WEEKEND_RE = re.compile(r"\bweekend\w*|\bdni\s+wolne\w*|\bdni\s+wolnych")
_WORKDAYS_RE = re.compile(r"\bdni\s+(?:robocz|powszedn)\w*")


def _blank(text: str, start: int, end: int) -> str:
    """Replace a matched stretch with spaces so later searches skip it but indices hold."""
    return text[:start] + " " * (end - start) + text[end:]


def _day_code(word: str) -> int:
    return _DAY_BY_FORM.get(word, _DAY_BY_ABBR.get(word, 0))


def _day_range(first: int, last: int) -> list[int]:
    """Inclusive, wrapping past Sunday ('od piątku do poniedziałku')."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def parse_weekdays(text: str) -> list[int] | None:
    """Days of the week named in the text (0=Monday … 6=Sunday), or None when none are."""
    folded = fold(text)
    days: set[int] = set()
    for match in _DAY_RANGE_RE.finditer(folded):
        first, last = (match["a"], match["b"]) if match["a"] else (match["x"], match["y"])
        days.update(_day_range(_day_code(first), _day_code(last)))
        folded = _blank(folded, match.start(), match.end())
    days.update(_DAY_BY_FORM[m.group(0)] for m in _DAY_RE.finditer(folded))
    if _WEEKEND_RE.search(folded):
        days.update((5, 6))
    if _WORKDAYS_RE.search(folded):
        days.update(range(5))
    return sorted(days) or None


# --------------------------------------------------------------------------- frequency

_NUMBER_WORDS = {
    "jeden": 1,
    "dwa": 2,
    "trzy": 3,
    "cztery": 4,
    "piec": 5,
    "szesc": 6,
    "siedem": 7,
    "osiem": 8,
    "dziewiec": 9,
    "dziesiec": 10,
}
_MULTIPLIERS = {
    "jednokrotnie": 1,
    "dwukrotnie": 2,
    "trzykrotnie": 3,
    "czterokrotnie": 4,
    "pieciokrotnie": 5,
    "szesciokrotnie": 6,
}
_PER_WORDS = (
    ("day", r"dzien|dnia|dobe|doby|dziennie|dobowo"),
    ("week", r"tydzien|tygodniu|tygodnia|tygodniowo"),
    ("month", r"miesiac|miesiacu|miesiaca|miesiecznie"),
)
_PER = "|".join(f"(?P<{unit}>{words})" for unit, words in _PER_WORDS)
_AT_LEAST = r"(?:(?:co\s+najmniej|conajmniej|minimum|min\.|przynajmniej|nie\s+rzadziej\s+niz)\s+)?"
_COUNT = rf"(?P<n>\d{{1,2}}|{'|'.join(_NUMBER_WORDS)}|kilka|kilkanascie)"
_COUNTED_RE = re.compile(
    rf"{_NL}{_AT_LEAST}(?:{_COUNT}\s*(?:razy|x){_NR}|(?P<one>raz){_NR}"
    rf"|(?P<mult>{'|'.join(_MULTIPLIERS)}|kilkakrotnie|wielokrotnie))"
    rf"\s*(?:(?:w|na|w\s+ciagu|w\s+kazdym|w\s+kazdy)\s+)?(?:{_PER}){_NR}"
)
_EVERY_RE = re.compile(
    rf"{_NL}(?:codzienn\w*|(?P<day>co\s*dziennie|co\s+dzien|kazdego\s+dnia)"
    rf"|co\s*tygodni\w*|co\s+tydzien|co\s*miesiac\w*|co\s*miesieczn\w*"
    rf"|(?P<every_n>co\s+(?:\d+|dwa|trzy|cztery)\s+(?:dni|tygodnie|miesiace)))"
)
_VAGUE_RE = re.compile(rf"{_NL}(?:cyklicz|regularn|systematyczn|okresow)\w*")


@dataclass(frozen=True)
class Frequency:
    """How often; times/per stay None when the text only says 'cyklicznie' and the like."""

    times: int | None
    per: str | None
    text: str


def _per_unit(match: re.Match[str]) -> str | None:
    return next((unit for unit, _ in _PER_WORDS if match.groupdict().get(unit)), None)


def _counted(match: re.Match[str]) -> int | None:
    if match["one"]:
        return 1
    if match["mult"]:
        return _MULTIPLIERS.get(match["mult"])
    number = match["n"]
    if number.isdigit():
        return int(number) or None
    return _NUMBER_WORDS.get(number)


def _every(match: re.Match[str]) -> tuple[int | None, str | None]:
    word = match.group(0)
    if match["every_n"]:
        return None, None  # "co dwa tygodnie" has no count per day/week/month
    if word.startswith(("codzienn", "co dzien", "codzien")) or match["day"]:
        return 1, "day"
    return 1, "week" if "tydz" in word or "tygod" in word else "month"


def parse_frequency(text: str) -> Frequency | None:
    """'2 razy w tygodniu', 'raz w miesiącu', 'codziennie', or only 'cyklicznie'."""
    folded = fold(text)
    if match := _COUNTED_RE.search(folded):
        return Frequency(_counted(match), _per_unit(match), text[match.start() : match.end()])
    if match := _EVERY_RE.search(folded):
        times, per = _every(match)
        return Frequency(times, per, text[match.start() : match.end()])
    if match := _VAGUE_RE.search(folded):
        return Frequency(None, None, text[match.start() : match.end()])
    return None


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    {
        *("os", "ul", "al", "pl", "nr", "tj", "np", "godz", "im", "sw", "ks", "ok", "tel"),
        *("dr", "mgr", "inz", "prof", "asp", "sierz", "st", "ml", "kom", "podkom", "nadkom"),
        *("insp", "podinsp", "gen", "plk", "pplk", "woj", "pow", "gm", "tzw", "m.in", "wg"),
        *("zob", "jw", "pkt", "ust", "art", "lit", "poz", "ds", "dot", "ob", "p.o"),
    }
)
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”»)]*\s+(?=[„\"«(]?[A-ZĄĆĘŁŃÓŚŹŻ])")


def _ends_with_abbreviation(head: str) -> bool:
    words = head.split()
    if not words:
        return False
    last = words[-1].rstrip('.!?…"”»)')
    return fold(last) in _ABBREVIATIONS or (len(last) == 1 and last.isupper())


def split_sentences(text: str) -> list[str]:
    """Sentences of prose; a dot after 'os.', 'ul.', 'm.in.' or an initial does not end one."""
    text = squash(text)
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if _ends_with_abbreviation(text[start : match.start() + 1]):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]
