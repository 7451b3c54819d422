"""Translations and Polish formatting.

Messages are written in English in code and translated through gettext catalogues
(``locale/<lang>/LC_MESSAGES/<domain>.po``), read with Babel at start-up — no compiled files
to keep in sync. One domain per package (``core``, ``ui``, ``reports``…). Polish is the
default language; English is the source text itself.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from app.core.model.clock import LOCAL_TZ

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
_BABEL_LOCALES = {"pl": "pl_PL", "en": "en_GB"}

_language: ContextVar[str] = ContextVar("rejon_language", default=DEFAULT_LANGUAGE)


def set_language(language: str) -> None:
    """Switch the language for the current context (a Flet session, a CLI run)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    _language.set(language)


def get_language() -> str:
    return _language.get()


@cache
def _catalog(language: str, domain: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def gettext(message: str, domain: str = "core", language: str | None = None) -> str:
    """The message in the current (or given) language; the English source if untranslated."""
    language = language or _language.get()
    if language == "en":
        return message
    return _catalog(language, domain).get(message, message)


def translator(domain: str) -> callable:  # type: ignore[valid-type]
    """``_ = translator("ui")`` gives a gettext bound to one domain."""

    def _(message: str, **values: object) -> str:
        text = gettext(message, domain)
        return text.format(**values) if values else text

    return _


def babel_locale(language: str | None = None) -> Locale:
    return Locale.parse(_BABEL_LOCALES[language or _language.get()])


def fmt_date(value: date, style: str = "medium", language: str | None = None) -> str:
    """'23 lis 2026' (medium), '23 listopada 2026' (long), '23.11.2026' (short)."""
    return _babel_date(value, format=style, locale=babel_locale(language))


def fmt_datetime(value: datetime, style: str = "short", language: str | None = None) -> str:
    """Local (Warsaw) date and time of a stored instant."""
    return _babel_datetime(value, format=style, tzinfo=LOCAL_TZ, locale=babel_locale(language))


def fmt_number(value: float, language: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(language))


def fmt_percent(value: float, language: str | None = None) -> str:
    """0.5 → '50%'."""
    return format_percent(value, locale=babel_locale(language))
