"""Settings from the environment (prefix ``REJON_``), one place for paths and URLs."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO_ROOT = Path(__file__).resolve().parents[2]


def default_storage_dir() -> Path:
    """Flet's per-app data folder on a phone, else the project's ``storage/``."""
    flet_dir = os.environ.get("FLET_APP_STORAGE_DATA")
    if flet_dir:
        return Path(flet_dir)
    if (_REPO_ROOT / "storage").is_dir():
        return _REPO_ROOT / "storage"
    return Path.cwd() / "storage"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REJON_", extra="ignore")

    storage_dir: Path | None = None
    database_url: str | None = None
    """The device's local store. Default: SQLite ``rejon.db`` in the storage folder."""
    server_database_url: str | None = None
    """The sync service's store. Default: SQLite ``server.db`` in the storage folder."""
    server_url: str = "http://127.0.0.1:8551"
    gps_poor_threshold_m: float = 100.0
    tile_url: str = ""
    """Map tiles (``{z}/{x}/{y}``), e.g. a unit's tile server or OpenStreetMap's; empty: no
    tiles are requested and the map draws on a plain background."""

    @property
    def storage(self) -> Path:
        path = self.storage_dir or default_storage_dir()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def local_db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.storage / 'rejon.db'}"

    @property
    def server_db_url(self) -> str:
        return self.server_database_url or f"sqlite:///{self.storage / 'server.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
