"""Settings of one running sync service (what ``rejon serve`` passes to ``create_app``)."""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from app.server.accounts import TOKEN_LIFETIME, RateLimit

DB_URL_ENV = "REJON_SERVE_DB_URL"
TOKEN_DAYS_ENV = "REJON_TOKEN_DAYS"
DOCS_ENV = "REJON_SERVE_DOCS"


@dataclass(frozen=True)
class ServerConfig:
    token_lifetime: timedelta = TOKEN_LIFETIME
    max_body_bytes: int = 2 * 1024 * 1024
    """Larger requests are refused with 413 before they are parsed."""
    rate_limit: RateLimit = field(default_factory=RateLimit)
    threads: int = 3
    """Requests served at once per process, each in a worker thread with a connection of its
    own; a few beat many (GIL), see ``deps``. More processes (``--workers``) for more cores."""
    docs: bool = False
    """Interactive API docs at /docs (assets served locally); off unless asked for."""

    @classmethod
    def from_env(cls) -> "ServerConfig":
        days = os.environ.get(TOKEN_DAYS_ENV)
        lifetime = timedelta(days=float(days)) if days else TOKEN_LIFETIME
        return cls(token_lifetime=lifetime, docs=os.environ.get(DOCS_ENV) == "1")
