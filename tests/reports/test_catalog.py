"""Every message of the progress, report and export code has its Polish translation."""

from pathlib import Path

from babel.messages.extract import extract_from_file

from app.core.i18n import _catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "app" / "core" / "plans" / "progress.py",
    *sorted(
        path
        for path in (ROOT / "app" / "core" / "reports").glob("*.py")
        if path.name != "ical.py"  # the calendar speaks the schedule's catalogue
    ),
    ROOT / "app" / "cli" / "reports.py",
]


def test_reports_catalogue_is_complete() -> None:
    polish = _catalog("pl", "reports")
    used = {
        message
        for source in SOURCES
        for _line, message, _comments, _context in extract_from_file(
            "python", str(source), keywords={"_": None}
        )
    }
    assert len(used) > 100
    assert sorted(used - polish.keys()) == []
    assert sorted(polish.keys() - used) == []  # nothing stale
    for message in used:  # the same {placeholders}, or .format() would fail at run time
        assert sorted(_fields(message)) == sorted(_fields(polish[message])), message


def _fields(text: str) -> list[str]:
    from string import Formatter

    return [name for _lit, name, _spec, _conv in Formatter().parse(text) if name]
