"""Which screen draws which route: the app hands these to its shell."""

import flet as ft

from app.device.ui import approvals, area_map, history, lock, log, plan, plan_edit, settings, today
from app.device.ui.shell import Query, Screens, Shell


async def _lock(shell: Shell, _query: Query) -> ft.View:
    return await lock.view(shell)


SCREENS = Screens(
    builders={
        "/": today.view,
        "/log": log.view,
        "/history": history.view,
        "/map": area_map.view,
        "/plan": plan.view,
        "/plan/edit": plan_edit.view,
        "/approvals": approvals.view,
        "/settings": settings.view,
    },
    lock=_lock,
    sync_notice=today.sync_notice,
)
