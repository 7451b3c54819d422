"""Settings of one running sync service (what ``rejon serve`` passes to ``create_app``)."""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from app.sync.accounts import TOKEN_LIFETIME, RateLimit

DB_URL_ENV = "REJON_SERVE_DB_URL"
TOKEN_DAYS_ENV = "REJON_TOKEN_DAYS"


@dataclass(frozen=True)
class ServerConfig:
    token_lifetime: timedelta = TOKEN_LIFETIME
    max_body_bytes: int = 2 * 1024 * 1024
    """Larger requests are refused with 413 before they are parsed."""
    rate_limit: RateLimit = field(default_factory=RateLimit)
    threads: int = 3
    """Requests served at once per process, each in a worker thread with a connection of its
    own; a few beat many (GIL), see ``deps``. More processes (``--workers``) for more cores."""

    @classmethod
    def from_env(cls) -> "ServerConfig":
        days = os.environ.get(TOKEN_DAYS_ENV)
        return cls(token_lifetime=timedelta(days=float(days))) if days else cls()
