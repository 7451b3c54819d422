"""The error responses routes declare, so the OpenAPI document says what a client may get."""

from typing import Any

from app.core.sync.schemas import ErrorOut


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``ErrorOut`` for each status; every route may also answer 422 (its input refused)."""
    return {code: {"model": ErrorOut} for code in (*codes, 422)}
