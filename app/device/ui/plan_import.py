"""Import a plan document on the Plan tab: pick the file, read it, open each plan it holds in
the plan editor as a new draft, with the importer's warnings beside the fields.

The file is picked with a client action (``ft.PickFiles``): the browser opens its file dialog
inside the officer's tap (Safari opens it nowhere else), and the file's bytes come back with
the result (``with_data``), on the phone as in the browser. Nothing is stored until the officer
saves the draft in the editor.
"""

from __future__ import annotations

import asyncio

import flet as ft

from app.core.i18n import fmt_date, translator
from app.core.plans.importer import SUPPORTED_SUFFIXES, DocumentError, ImportedPlan
from app.device.ui import controls, services
from app.device.ui.shell import Shell, route_for
from app.device.ui.state import AppState

_ = translator("ui")
EXTENSIONS = [suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES]


def import_button(shell: Shell) -> ft.Control:
    """'Import from a file': the client opens the file dialog within the tap itself."""
    button = controls.action_button(
        _("Import from a file"),
        None,
        key="import-plan",
        icon=ft.Icons.UPLOAD_FILE,
        kind="outlined",
    )
    button.action = ft.PickFiles(
        shell.state.file_picker,
        dialog_title=_("Plan document (.txt, .docx, .odt, .pdf)"),
        file_type=ft.FilePickerFileType.CUSTOM,
        allowed_extensions=EXTENSIONS,
        with_data=True,
    )
    return button


async def picked(shell: Shell, event: ft.FilePickerResultEvent) -> None:
    """The file dialog closed: read the document and open its plan (or list its plans)."""
    state = shell.state
    state.activate()
    files = event.files or []
    if not files or state.officer is None:
        return  # cancelled
    file = files[0]
    data = file.bytes
    if isinstance(data, list):  # the result event carries the bytes as a list of numbers
        data = bytes(data)
    if not data:
        shell.error(_("The file {name} arrived empty — pick it again.", name=file.name))
        shell.page.update()
        return
    try:
        imported = await asyncio.to_thread(services.import_document, state.officer, file.name, data)
    except DocumentError as exc:
        shell.error(_("Not imported: {reason}", reason=str(exc)))
        shell.page.update()
        return
    state.imported = imported
    if len(imported.plans) == 1:
        await shell.go(route_for("/plan/edit", imported="1"))
        return
    await shell.go("/plan")
    shell.toast(
        _(
            "The document holds {count} plans: open each and save it as its own draft.",
            count=len(imported.plans),
        ),
        key="import-several",
    )
    shell.page.update()


def plan_line(plan: ImportedPlan) -> str:
    """'Area no. 2 · 1 sty 2022 – 30 cze 2022' for a plan read from a document."""
    area = _("Area no. {number}", number=plan.area) if plan.area else _("area not recognised")
    if plan.period_start and plan.period_end:
        period = f"{fmt_date(plan.period_start)} – {fmt_date(plan.period_end)}"
    else:
        period = _("period not recognised")
    return f"{area} · {period}"


def current_import(state: AppState) -> services.ImportedFile | None:
    """The document the signed-in officer picked (never another officer's)."""
    imported = state.imported
    if imported is None or state.officer is None or imported.officer_id != state.officer.id:
        return None
    return imported


def imported_card(shell: Shell) -> ft.Control | None:
    """The plans of the picked document not yet saved: open each one in the editor."""
    imported = current_import(shell.state)
    if imported is None or not imported.open_numbers:
        return None

    def opener(number: int) -> controls.Handler:
        async def open_plan(_event: ft.ControlEvent) -> None:
            await shell.go(route_for("/plan/edit", imported=str(number)))

        return open_plan

    async def dismiss(_event: ft.ControlEvent) -> None:
        shell.state.imported = None
        await shell.refresh()

    rows: list[ft.Control] = [
        controls.heading(_("Imported from {name}", name=imported.name), 17),
        controls.muted(
            _("Each plan of the document becomes its own draft; none is stored until saved.")
        ),
    ]
    for number, plan in enumerate(imported.plans, start=1):
        title = _("Plan {number} of {count}", number=number, count=len(imported.plans))
        rows.append(ft.Text(f"{title}: {plan_line(plan)}", size=15, weight=ft.FontWeight.W_600))
        if number in imported.saved:
            rows.append(controls.muted(_("Saved as a draft."), key=f"import-saved-{number}"))
        else:
            rows.append(
                ft.Row(
                    [
                        controls.action_button(
                            _("Open plan {number} in the editor", number=number),
                            opener(number),
                            key=f"import-open-{number}",
                            kind="tonal",
                            expand=True,
                        )
                    ]
                )
            )
    rows.append(
        controls.action_button(
            _("Forget this document"), dismiss, key="import-dismiss", kind="outlined"
        )
    )
    return controls.card(*rows, key="imported-card", identifier="imported-card")
