"""Which screen draws which route (the shell imports this lazily to avoid a cycle)."""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from app.device.ui import approvals, area_map, history, lock, log, plan, plan_edit, settings, today

if TYPE_CHECKING:
    from app.device.ui.shell import Shell

BUILDERS: dict[str, Callable[["Shell", dict[str, str]], Awaitable[ft.View]]] = {
    "/": today.view,
    "/log": log.view,
    "/history": history.view,
    "/map": area_map.view,
    "/plan": plan.view,
    "/plan/edit": plan_edit.view,
    "/approvals": approvals.view,
    "/settings": settings.view,
}

lock_view = lock.view
"""What every route draws while the idle lock is on."""
