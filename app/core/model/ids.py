"""Identifiers: random UUIDs for things made on a device, name-based ones for fixed data."""

import uuid

_NAMESPACE = uuid.UUID("5b0e8a53-6c1e-4c1a-9b2f-7d0c1f3e2a10")


def new_id() -> str:
    return str(uuid.uuid4())


def stable_id(*parts: str) -> str:
    """The same id for the same name on every machine (demo data, imports)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))
