"""The two real sample plans, read from ``../shared/plans`` beside the project when it is there.

They are never copied into the repository: a clone with nothing beside it skips the tests that
read them, with a message saying why.
"""

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "plans"
LUBARTOW_NAME = "000_22956f2d2e43d89d.txt"
KRASNIK_NAME = "002_476a843bdcb296a0.txt"


def sample(name: str) -> Path:
    """The sample's path; the calling test is skipped when the shared folder is absent."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample plan {name} not found in {SAMPLES} (the shared folder is absent)")
    return path
