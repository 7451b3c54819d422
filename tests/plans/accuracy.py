"""Field accuracy of the importer over our own test documents (and the two shared samples
when ``../shared/plans`` is present).

Each document has its expected plans written out by hand below: per plan the area, unit,
period, the criterion's kind, target, baseline and measures, each action's kind and dates,
the partners' and channels' counts, and whether the threat and the goal were found. A field
counts as right only when it equals the expected value exactly; a plan missing or merged
counts every field of it as wrong. Narrative documents expect what a reader would take from
them, so what the importer leaves empty there is counted as missed.

Run ``python tests/plans/accuracy.py`` for the table (the README quotes it);
``test_accuracy.py`` runs the same computation.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

if __name__ == "__main__":  # run as a script: make ``plans.documents`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.plans.importer import ImportedPlan, import_plans
from plans.documents import DOCS, render

SHARED_PLANS = Path(__file__).resolve().parents[3] / "shared" / "plans"
D = date


@dataclass(frozen=True)
class A:
    """An expected action: its kind and its window (start None for a deadline)."""

    kind: str
    start: date | None
    end: date | None
    deadline: bool = False


@dataclass(frozen=True)
class Plan:
    area: int | None
    unit: str | None
    period: tuple[date, date] | None
    kind: str | None
    target: int | None = None
    baseline: int | None = None
    measures: tuple[str, ...] = ()
    actions: tuple[A, ...] = ()
    partners: int = 0
    channels: int = 0
    threat: bool = True
    goal: bool = True


@dataclass(frozen=True)
class Document:
    name: str
    """A file in docs/ (or in the shared samples folder)."""
    plans: tuple[Plan, ...]
    render_as: str | None = None
    """Made into this format (pdf, odt, docx) from the text source before importing."""
    shared: bool = False


H1 = (D(2024, 1, 1), D(2024, 6, 30))
DOCUMENTS: tuple[Document, ...] = (
    Document(
        "rejon_linia_kmzb.txt",
        (
            Plan(
                4, "KP w Łańcuchowie", (D(2019, 3, 1), D(2019, 8, 31)), "reduce_by_percent",
                30, 15, ("kmzb_reports", "interventions"),
                (
                    A("place_check", D(2019, 3, 1), D(2019, 8, 31)),
                    A("talk", D(2019, 3, 1), D(2019, 4, 30)),
                    A("request_letter", None, D(2019, 3, 15), True),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "rejon_rzymski_nazwisko.txt",
        (
            Plan(
                7, "KMP w Siedlcach", (D(2021, 3, 1), D(2021, 8, 31)), "at_least", 25, None,
                ("cautions", "fines"),
                (
                    A("place_check", D(2021, 3, 1), D(2021, 8, 31)),
                    A("meeting", None, D(2021, 3, 31), True),
                    A("leaflets", D(2021, 4, 1), D(2021, 4, 30)),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "dwa_polrocza.txt",
        (
            Plan(
                2, "KPP w Biłgoraju", (D(2022, 1, 1), D(2022, 6, 30)), "reduce_by_percent", 40,
                None, ("offences",),
                (
                    A("foot_patrol", D(2022, 1, 1), D(2022, 6, 30)),
                    A("meeting", None, D(2022, 2, 28), True),
                ),
                1, 2,
            ),
            Plan(
                2, "KPP w Biłgoraju", (D(2022, 7, 1), D(2022, 12, 31)), "at_least", 60, None,
                ("residents_spoken",),
                (
                    A("place_check", D(2022, 9, 1), D(2022, 12, 31)),
                    A("talk", None, D(2022, 11, 30), True),
                    A("meeting", D(2022, 10, 1), D(2022, 10, 31)),
                ),
                1, 1,
            ),
        ),
    ),
    Document(
        "dwa_rejony_jeden_naglowek.txt",
        (
            Plan(
                1, "KP w Kazimierzu Dolnym", (D(2023, 2, 1), D(2023, 7, 31)),
                "reduce_by_percent", 50, None, ("interventions",),
                (
                    A("place_check", D(2023, 6, 1), D(2023, 7, 31)),
                    A("other", None, D(2023, 5, 31), True),
                ),
                2, 2,
            ),
            Plan(
                2, "KP w Kazimierzu Dolnym", (D(2023, 2, 1), D(2023, 7, 31)), "at_least", 50,
                None, ("residents_spoken",),
                (
                    A("meeting", D(2023, 2, 1), D(2023, 7, 31)),
                    A("leaflets", D(2023, 2, 1), D(2023, 4, 30)),
                    A("announcement", None, D(2023, 3, 31), True),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "proza_plan.txt",
        (
            Plan(
                6, "KP w Nałęczowie", (D(2024, 3, 1), D(2024, 8, 31)), "reduce_by_percent", 20,
                None, ("kmzb_reports",),
                (
                    A("place_check", D(2024, 3, 1), D(2024, 8, 31)),
                    A("meeting", D(2024, 3, 1), D(2024, 8, 31)),
                    A("request_letter", D(2024, 3, 1), D(2024, 8, 31)),
                ),
                0, 0,
            ),
        ),
    ),
    Document(
        "artykul_kmzb.txt",
        (
            Plan(
                3, "PP w Wólce", (D(2021, 2, 1), D(2021, 7, 31)), "reduce_by_percent", 50, 8,
                ("kmzb_reports",),
                (A("place_check", D(2021, 2, 1), D(2021, 7, 31)),),
                2, 1,
            ),
        ),
    ),
    Document(
        "okres_wielkie_litery.txt",
        (
            Plan(
                11, "PP w Strzyżowicach", (D(2020, 2, 1), D(2020, 7, 31)), "qualitative",
                actions=(
                    A("foot_patrol", D(2020, 2, 1), D(2020, 7, 31)),
                    A("partner_contact", None, D(2020, 3, 31), True),
                    A("talk", D(2020, 2, 1), D(2020, 7, 31)),
                ),
                partners=2, channels=2,
            ),
        ),
    ),
    Document(
        "okres_przez_rok.txt",
        (
            Plan(
                8, "KPP w Tomaszowie Lubelskim", (D(2020, 8, 1), D(2021, 1, 31)),
                "reduce_by_percent", 25, None, ("offences",),
                (
                    A("place_check", D(2020, 9, 1), D(2021, 1, 31)),
                    A("meeting", None, D(2020, 9, 30), True),
                    A("leaflets", D(2020, 8, 1), D(2020, 9, 30)),
                ),
                1, 2,
            ),
        ),
    ),
    Document(
        "miesiace_bez_dni.txt",
        (
            Plan(
                9, "KP w Poniatowej", (D(2023, 3, 1), D(2023, 8, 31)), "reduce_by_percent", 30,
                None, ("offences",),
                (
                    A("place_check", D(2023, 3, 1), D(2023, 8, 31)),
                    A("request_letter", D(2023, 4, 1), D(2023, 4, 30)),
                    A("meeting", D(2023, 5, 1), D(2023, 5, 31)),
                ),
                1, 1,
            ),
        ),
    ),
    Document(
        "kodowanie_cp1250.txt",
        (
            Plan(
                10, "KPP w Krasnymstawie", (D(2022, 3, 1), D(2022, 8, 31)),
                "reduce_by_percent", 15, 11, ("kmzb_reports", "interventions"),
                (
                    A("place_check", D(2022, 3, 1), D(2022, 8, 31)),
                    A("meeting", None, D(2022, 3, 31), True),
                ),
                1, 1,
            ),
        ),
    ),
    Document(
        "informacja_podjete.txt",
        (
            Plan(
                2, "PP w Jabłonnie", (D(2021, 7, 1), D(2021, 12, 31)), "at_least", 30, None,
                ("persons_legitimised",),
                (
                    A("place_check", D(2021, 7, 1), D(2021, 12, 31)),
                    A("meeting", None, D(2021, 9, 30), True),
                    A("meeting", D(2021, 10, 1), D(2021, 10, 31)),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "naglowki_polaczone_kmzb.txt",
        (
            Plan(
                15, "KMP w Białej Podlaskiej", (D(2025, 1, 1), D(2025, 6, 30)),
                "reduce_by_percent", 20, 9, ("kmzb_reports", "interventions"),
                (
                    A("foot_patrol", D(2025, 1, 1), D(2025, 6, 30)),
                    A("meeting", None, D(2025, 1, 31), True),
                    A("partner_contact", D(2025, 1, 1), D(2025, 2, 28)),
                ),
                2, 1,
            ),
        ),
    ),
    Document(
        "naglowki_inne.txt",
        (
            Plan(
                4, "KPP w Łukowie", (D(2023, 9, 1), D(2024, 2, 29)), "at_least", 70, None,
                ("residents_spoken",),
                (
                    A("place_check", D(2023, 9, 1), D(2024, 2, 29)),
                    A("meeting", None, D(2023, 10, 31), True),
                    A("request_letter", None, D(2023, 9, 30), True),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "zrodlo_pdf_informacja.txt",
        (
            Plan(
                14, "KPP w Zamościu", (D(2023, 7, 1), D(2023, 12, 31)), "reduce_by_percent", 40,
                None, ("offences", "interventions"),
                (
                    A("place_check", D(2023, 7, 1), D(2023, 12, 31)),
                    A("talk", None, D(2023, 7, 31), True),
                    A("request_letter", None, D(2023, 9, 30), True),
                    A("leaflets", D(2023, 8, 1), D(2023, 8, 31)),
                ),
                3, 2,
            ),
        ),
        render_as="pdf",
    ),
    Document(
        "zrodlo_pdf_dwa_rejony.txt",
        (
            Plan(
                5, "KMP w Chełmie", (D(2024, 8, 1), D(2025, 1, 31)), "reduce_by_percent", 35,
                None, ("interventions",),
                (
                    A("place_check", D(2024, 8, 1), D(2025, 1, 31)),
                    A("meeting", None, D(2024, 8, 31), True),
                ),
                1, 1,
            ),
            Plan(
                6, "KMP w Chełmie", (D(2024, 8, 1), D(2025, 1, 31)), "at_least", 30, None,
                ("fines",),
                (
                    A("place_check", D(2024, 8, 1), D(2025, 1, 31)),
                    A("request_letter", None, D(2024, 9, 30), True),
                    A("announcement", D(2024, 8, 1), D(2024, 8, 31)),
                ),
                2, 1,
            ),
        ),
        render_as="pdf",
    ),
    Document(
        "zrodlo_odt.txt",
        (
            Plan(
                12, "PP w Wąwolnicy", (D(2022, 9, 1), D(2023, 2, 28)), "reduce_by_percent", 50,
                None, ("offences",),
                (
                    A("place_check", D(2022, 9, 1), D(2023, 2, 28)),
                    A("leaflets", D(2022, 9, 1), D(2022, 10, 31)),
                    A("announcement", None, D(2022, 9, 30), True),
                ),
                2, 2,
            ),
        ),
        render_as="odt",
    ),
    Document(
        "zrodlo_docx.txt",
        (
            Plan(
                3, "KP w Bełżycach", (D(2024, 2, 1), D(2024, 7, 31)), "at_least", 40, None,
                ("residents_spoken",),
                (
                    A("foot_patrol", D(2024, 2, 1), D(2024, 4, 30)),
                    A("talk", None, D(2024, 3, 31), True),
                ),
                1, 2,
            ),
        ),
        render_as="docx",
    ),
    Document(
        "rejon_xii_polrocze.txt",
        (
            Plan(
                12, "KP IV w Lublinie", H1, "at_least", 40, None, ("persons_legitimised",),
                (
                    A("place_check", *H1),
                    A("foot_patrol", *H1),
                    A("talk", D(2024, 1, 15), D(2024, 6, 30)),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "posterunek_2019.txt",
        (
            Plan(
                7, "PP w Baranowie", (D(2019, 3, 1), D(2019, 8, 31)), "reduce_by_percent", 50,
                14, ("interventions",),
                (
                    A("place_check", D(2019, 3, 1), D(2019, 8, 31)),
                    A("foot_patrol", D(2019, 3, 1), D(2019, 8, 31)),
                    A("meeting", D(2019, 5, 15), D(2019, 5, 15)),
                    A("request_letter", None, D(2019, 4, 30), True),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "naglowki_literowki.txt",
        (
            Plan(
                5, "KMP w Lublinie", (D(2024, 2, 1), D(2024, 7, 31)), "reduce_by_percent", 30,
                16, ("kmzb_reports", "interventions"),
                (
                    A("place_check", D(2024, 2, 1), D(2024, 7, 31)),
                    A("meeting", None, D(2024, 3, 31), True),
                    A("leaflets", D(2024, 3, 1), D(2024, 6, 30)),
                ),
                2, 2,
            ),
        ),
    ),
    Document(
        "cel_jakosciowy.txt",
        (
            Plan(
                2, "KP w Poniatowej", (D(2024, 8, 1), D(2025, 1, 31)), "qualitative",
                actions=(
                    A("foot_patrol", D(2024, 8, 1), D(2025, 1, 31)),
                    A("place_check", D(2024, 12, 1), D(2025, 1, 31)),
                    A("meeting", D(2024, 8, 1), D(2025, 1, 31)),
                    A("meeting", None, D(2024, 9, 30), True),
                ),
                partners=0, channels=1,
            ),
        ),
    ),
    Document(
        "dwa_plany.txt",
        (
            Plan(
                1, "KPP w Opolu Lubelskim", (D(2024, 3, 1), D(2024, 8, 31)), "at_least", 10,
                None, ("fines",),
                (A("place_check", D(2024, 3, 1), D(2024, 8, 31)),),
                1, 1,
            ),
            Plan(
                2, "KPP w Opolu Lubelskim", (D(2024, 3, 1), D(2024, 8, 31)), "qualitative",
                actions=(A("foot_patrol", D(2024, 3, 1), D(2024, 8, 31)),),
            ),
        ),
    ),
    Document(
        "artykul_prasowy.txt",
        (Plan(4, "KPP w Świdniku", (D(2024, 3, 1), D(2024, 8, 31)), None),),
    ),
    Document(
        "000_22956f2d2e43d89d.txt",
        (
            Plan(
                3, "KPP w Lubartowie", H1, "reduce_by_percent", 50, None,
                ("offences", "interventions"),
                (
                    A("place_check", *H1),
                    A("request_letter", D(2024, 3, 1), D(2024, 6, 30)),
                    A("talk", *H1),
                ),
                1, 2,
            ),
        ),
        shared=True,
    ),
    Document(
        "002_476a843bdcb296a0.txt",
        (
            Plan(
                3, "KPP w Kraśniku", (D(2024, 7, 1), D(2024, 12, 31)), "at_least", 80, None,
                ("residents_spoken",),
                (
                    A("meeting", None, D(2024, 12, 31), True),
                    A("foot_patrol", D(2024, 7, 1), D(2024, 12, 31)),
                    A("talk", None, D(2024, 12, 31), True),
                    A("leaflets", None, D(2024, 12, 31), True),
                    A("announcement", None, D(2024, 12, 31), True),
                ),
                5, 3,
            ),
        ),
        shared=True,
    ),
)  # fmt: skip


def _fields(expected: Plan, got: ImportedPlan | None) -> dict[str, bool]:
    """Field name → read right, for one expected plan."""
    criterion = got.criterion if got else None
    actual = {
        "area": got.area_number if got else None,
        "unit": got.unit if got else None,
        "period": (got.period_start, got.period_end) if got else None,
        "criterion kind": criterion.kind.value if criterion else None,
        "criterion target": criterion.target if criterion else None,
        "criterion baseline": criterion.baseline if criterion else None,
        "criterion measures": tuple(m.value for m in criterion.measure) if criterion else (),
        "actions": len(got.actions) if got else 0,
        "partners": len(got.partners) if got else 0,
        "channels": len(got.channels) if got else 0,
        "threat": bool(got and got.threat),
        "goal": bool(got and got.goal),
    }
    wanted = {
        "area": expected.area,
        "unit": expected.unit,
        "period": expected.period,
        "criterion kind": expected.kind,
        "criterion target": expected.target,
        "criterion baseline": expected.baseline,
        "criterion measures": expected.measures,
        "actions": len(expected.actions),
        "partners": expected.partners,
        "channels": expected.channels,
        "threat": expected.threat,
        "goal": expected.goal,
    }
    scores = {name: actual[name] == wanted[name] for name in wanted}
    got_actions = got.actions if got else []
    for number, action in enumerate(expected.actions, start=1):
        read = got_actions[number - 1] if number <= len(got_actions) else None
        scores[f"action {number} kind"] = read is not None and read.kind.value == action.kind
        scores[f"action {number} dates"] = read is not None and (
            read.start,
            read.end,
            read.deadline,
        ) == (action.start, action.end, action.deadline)
    return scores


@dataclass
class Score:
    document: str
    fmt: str
    plans_expected: int
    plans_read: int
    right: int = 0
    total: int = 0
    missed: list[str] = field(default_factory=list)


def score_document(document: Document, folder: Path) -> Score | None:
    """Import one document and compare it field by field; None when it is not available."""
    if document.shared:
        path = SHARED_PLANS / document.name
        if not path.exists():
            return None
    elif document.render_as:
        path = render(document.name, document.render_as, folder)
    else:
        path = DOCS / document.name
    plans = import_plans(path)
    score = Score(document.name, path.suffix.lstrip("."), len(document.plans), len(plans))
    score.total += 1  # the number of plans found is a field of its own
    score.right += len(plans) == len(document.plans)
    for number, expected in enumerate(document.plans):
        got = plans[number] if number < len(plans) else None
        for name, ok in _fields(expected, got).items():
            score.total += 1
            score.right += ok
            if not ok:
                score.missed.append(f"plan {number + 1}: {name}")
    return score


def score_all(include_shared: bool = True) -> list[Score]:
    with tempfile.TemporaryDirectory() as folder:
        scores = [
            score_document(d, Path(folder)) for d in DOCUMENTS if include_shared or not d.shared
        ]
    return [s for s in scores if s is not None]


def table(scores: list[Score]) -> str:
    lines = [
        "| document | format | plans (read/expected) | fields right | missed |",
        "|---|---|---|---|---|",
    ]
    for s in scores:
        missed = ", ".join(s.missed) or "—"
        lines.append(
            f"| {s.document} | {s.fmt} | {s.plans_read}/{s.plans_expected} "
            f"| {s.right}/{s.total} | {missed} |"
        )
    own = [s for s in scores if not s.document[:3].isdigit()]
    for label, group in (("our documents", own), ("all, with the shared samples", scores)):
        right, total = sum(s.right for s in group), sum(s.total for s in group)
        if total:
            lines.append(f"\n{label}: {right}/{total} fields = {right / total:.1%}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(score_all()))
