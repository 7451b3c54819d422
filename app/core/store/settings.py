"""This device's key/value settings (signed-in officer, server address, language…)."""

from sqlmodel import Session

from app.core.model import LocalSetting


def get_setting(session: Session, key: str, default: str = "") -> str:
    row = session.get(LocalSetting, key)
    return row.value if row is not None else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key) or LocalSetting(key=key)
    row.value = value
    session.add(row)
    session.flush()
