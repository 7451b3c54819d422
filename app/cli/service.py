"""CLI commands of sync: ``serve``, ``user add|list|disable`` (server side), ``sync`` (device)."""

import asyncio
import os
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from app.cli.common import DbOption, ServerDbOption, server_store_url
from app.core.config import get_settings
from app.core.model import Role
from app.core.store.db import open_service_store, open_store, session_scope
from app.core.store.errors import NotFound

user_cli = typer.Typer(
    help="Officer accounts on the sync service's database.", no_args_is_help=True
)

PASSWORD_ENV = "REJON_PASSWORD"


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def serve(
    db: ServerDbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8551,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (PostgreSQL: any).")] = 1,
    token_days: Annotated[float, typer.Option(min=0.01, help="Sign-in token lifetime.")] = 30,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (costs ~10 % of throughput under load).")
    ] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed (sign-in limits count per client address). "
            "None by default: the peer's own address is used."
        ),
    ] = "",
    docs: Annotated[
        bool, typer.Option(help="Serve interactive API docs at /docs (assets served locally).")
    ] = False,
) -> None:
    """Run the sync service (API under /api/v1, OpenAPI at /openapi.json, /healthz)."""
    import uvicorn

    from app.server.config import DB_URL_ENV, DOCS_ENV, TOKEN_DAYS_ENV

    url = server_store_url(db)
    engine = open_service_store(url)  # migrate once, before any worker starts
    engine.dispose()
    os.environ[DB_URL_ENV] = url
    os.environ[TOKEN_DAYS_ENV] = str(token_days)
    os.environ[DOCS_ENV] = "1" if docs else "0"
    proxies = [address.strip() for address in forwarded_allow_ips.split(",") if address.strip()]
    typer.echo(f"Rejon sync on http://{host}:{port} — database {_shown(url)}")
    uvicorn.run(
        "app.server.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        proxy_headers=bool(proxies),  # uvicorn would believe any local peer's headers
        forwarded_allow_ips=proxies or None,
        server_header=False,
    )


def _password(given: str | None) -> str:
    return (
        given
        or os.environ.get(PASSWORD_ENV)
        or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )


@user_cli.command("add")
def user_add(
    badge: Annotated[str, typer.Argument(help="Badge number (the sign-in name).")],
    name: Annotated[str, typer.Option(help="Rank and full name.")],
    unit: Annotated[str, typer.Option(help="Unit id or exact name; created if new.")],
    role: Annotated[Role, typer.Option(help="officer, supervisor or admin.")] = Role.officer,
    area: Annotated[
        list[str] | None, typer.Option(help="Area number in the unit ('3', 'XIII') or id; repeat.")
    ] = None,
    password: Annotated[
        str | None, typer.Option(help=f"Password (else ${PASSWORD_ENV} or a prompt).")
    ] = None,
    db: ServerDbOption = None,
) -> None:
    """Create an officer account."""
    from app.server import accounts

    engine = open_service_store(server_store_url(db))
    secret = _password(password)
    try:
        with session_scope(engine) as session:
            unit_row = accounts.unit_by_ref(session, unit, create=True)
            areas = [accounts.area_by_ref(session, unit_row, a, create=True) for a in area or []]
            accounts.add_user(
                session,
                badge=badge,
                name=name,
                role=role,
                unit_id=unit_row.id,
                area_ids=[a.id for a in areas],
                password=secret,
            )
            labels = ", ".join(a.number_text for a in areas) or "none"
            typer.echo(f"Added {role.value} {badge} ({name}), {unit_row.name}, areas: {labels}")
    except ValueError as exc:
        typer.echo(f"Not added: {exc}", err=True)
        raise typer.Exit(1) from None


@user_cli.command("list")
def user_list(db: ServerDbOption = None) -> None:
    """List accounts: badge, role, state, unit, areas, name."""
    from app.core.model import Unit
    from app.core.store.org import list_officers
    from app.server.accounts import user_areas

    engine = open_service_store(server_store_url(db))
    with session_scope(engine) as session:
        officers = list_officers(session)
        areas = user_areas(session, [o.id for o in officers])
        for officer in officers:
            unit = session.get(Unit, officer.unit_id)
            state = "active" if officer.active else "disabled"
            numbers = ",".join(a.number_text for a in areas[officer.id]) or "-"
            typer.echo(
                f"{officer.badge:<10} {officer.role.value:<10} {state:<8} "
                f"{unit.name if unit else '?':<24} {numbers:<8} {officer.name}"
            )


@user_cli.command("disable")
def user_disable(
    badge: Annotated[str, typer.Argument(help="Badge number.")], db: ServerDbOption = None
) -> None:
    """Disable an account and revoke every token it holds."""
    from app.server.accounts import disable_user

    engine = open_service_store(server_store_url(db))
    try:
        with session_scope(engine) as session:
            revoked = disable_user(session, badge)
    except NotFound as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Disabled {badge}; {revoked} token(s) revoked.")


def sync(
    server: Annotated[str | None, typer.Option(help="Service address.")] = None,
    badge: Annotated[str | None, typer.Option(help="Sign in as this badge first.")] = None,
    db: DbOption = None,
) -> None:
    """Sync the local store once: send what is waiting, fetch what is new."""
    from app.device.sync import local
    from app.device.sync.client import SyncClient, SyncError

    settings = get_settings()
    engine = open_store(db or settings.local_db_url)
    client = SyncClient(engine, server or settings.server_url, local.device_id(engine))
    signed_in = bool(local.read_settings(engine, local.TOKEN)[local.TOKEN])
    if badge is None and not signed_in:
        badge = typer.prompt("Badge")
    password = None
    if badge is not None:
        password = os.environ.get(PASSWORD_ENV) or typer.prompt("Password", hide_input=True)

    async def run() -> None:
        if badge is not None and password is not None:
            await client.login(badge, password)
        result = await client.sync_once()
        typer.echo(
            f"Sent {result.pushed}, received {result.pulled}, conflicts {result.conflicts}; "
            f"{client.pending_count()} waiting."
        )
        for error in result.errors:
            typer.echo(f"Error: {error}", err=True)
        if result.errors:
            raise typer.Exit(1)

    try:
        asyncio.run(run())
    except SyncError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None


def register(cli: typer.Typer, plan_cli: typer.Typer) -> None:
    del plan_cli  # sync adds no plan commands
    cli.command()(serve)
    cli.command()(sync)
    cli.add_typer(user_cli, name="user")
