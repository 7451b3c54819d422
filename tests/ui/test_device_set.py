"""The phone's dependency set is enough for the device's code and holds nothing of the unit's."""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from conftest import DEVICE_ONLY

SERVICE_ONLY = ("fastapi", "starlette", "uvicorn", "typer", "psycopg", "flet_web")


def test_every_device_module_imports() -> None:
    """Everything under app.device and app.core imports with what the environment has."""
    import pkgutil

    import app.core
    import app.device

    for package in (app.core, app.device):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations." in module.name:
                continue  # alembic's scripts, loaded by alembic itself
            importlib.import_module(module.name)


@pytest.mark.skipif(not DEVICE_ONLY, reason="runs in the device-only environment (CI)")
def test_the_device_environment_has_nothing_of_the_service() -> None:
    present = [name for name in SERVICE_ONLY if importlib.util.find_spec(name) is not None]
    assert present == []
