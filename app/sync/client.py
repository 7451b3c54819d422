"""The app's sync client: push the outbox, pull changes, in the background or on demand.

One round (``sync_once``): send pending outbox items in mutation order, in batches, and record
the answers; then pull pages of changes from the stored cursor until there are no more. Local
database work runs in a worker thread, never on the event loop. Network failures and server
errors leave everything pending for the next round; ``run_forever`` waits between rounds with
exponential backoff and jitter after a failure.
"""

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from app.model import OutboxItem
from app.model.clock import utcnow
from app.sync import apply, local
from app.sync.backoff import Backoff
from app.sync.schemas import MAX_BATCH, ChangesOut, PushOut, TokenOut

API = "/api/v1"
BODY_BUDGET = 1024 * 1024
"""Bytes of mutations per request, well under the service's 2 MiB body limit."""
REFUSALS = frozenset({400, 403, 404, 409, 413, 422})
"""Answers that will not change on a retry: the item is settled with the reason."""


class SyncError(Exception):
    """A round could not finish; nothing is lost, the next round tries again."""


class SignInRequired(SyncError):
    """No token, or the server no longer accepts it (expired, revoked, account disabled)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The service's answer to a sign-in (401 refused, 429 too many tries), if any."""


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SyncState:
    """What the UI shows: how much is waiting, when sync last worked, what went wrong."""

    pending: int
    last_success: datetime | None
    last_error: str | None
    online: bool


JSON = {"Content-Type": "application/json"}


def _json(body: object) -> bytes:
    """Compact UTF-8 JSON: the size counted against ``BODY_BUDGET`` is the size sent."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail or response.reason_phrase or response.status_code)[:400]


class SyncClient:
    """Sync of one device's local store with the service at ``server_url``."""

    def __init__(
        self,
        engine: Engine,
        server_url: str,
        device_id: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        batch_size: int = MAX_BATCH,
        page_limit: int = 500,
        interval: float = 60.0,
        timeout: float = 30.0,
        backoff: Backoff | None = None,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1…{MAX_BATCH}")
        self.engine = engine
        self.server_url = server_url.rstrip("/")
        self.device_id = device_id
        self.transport = transport
        self.batch_size = batch_size
        self.page_limit = page_limit
        self.interval = interval
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        self._online = False
        self._last_error: str | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()

    # public API ------------------------------------------------------------------------

    async def login(self, badge: str, password: str) -> TokenOut:
        """Sign in; the token and the officer are kept on this device.

        Raises ``SignInRequired`` when the server refuses, ``SyncError`` when it is away.
        """
        body = {"badge": badge, "password": password, "client_id": self.device_id}
        try:
            async with self._http(None) as http:
                response = await http.post(f"{API}/auth/login", json=body)
        except httpx.HTTPError as exc:
            self._online = False
            raise SyncError(self._offline_message(exc)) from exc
        self._online = True
        if response.status_code != 200:
            raise SignInRequired(
                f"sign-in refused ({response.status_code}): {_detail(response)}",
                status=response.status_code,
            )
        login = TokenOut.model_validate(response.json())
        await asyncio.to_thread(apply.store_login, self.engine, login)
        return login

    async def logout(self) -> None:
        """Revoke the token on the server (when reachable) and forget it here."""
        token = await self._token()
        if token:
            try:
                async with self._http(token) as http:
                    await http.post(f"{API}/auth/logout")
            except httpx.HTTPError:
                pass  # forgotten here anyway; it expires on the server
        signed_out = {local.TOKEN: "", local.OFFICER_ID: "", local.TOKEN_EXPIRES: ""}
        await asyncio.to_thread(local.write_settings, self.engine, signed_out)

    async def sync_once(self) -> SyncResult:
        """Push everything pending, then pull everything new. Never raises for sync failures."""
        async with self._lock:
            counts = {"pushed": 0, "pulled": 0, "conflicts": 0}
            errors: list[str] = []
            try:
                token = await self._token()
                if not token:
                    raise SignInRequired("not signed in")
                async with self._http(token) as http:
                    await self._push_all(http, counts)
                    await self._pull_all(http, counts)
                self._online = True
            except httpx.HTTPError as exc:
                self._online = False
                errors.append(self._offline_message(exc))
            except SyncError as exc:
                errors.append(str(exc))
            await asyncio.to_thread(self._record, errors)
            return SyncResult(counts["pushed"], counts["pulled"], errors, counts["conflicts"])

    def pending_count(self) -> int:
        return local.pending_count(self.engine)

    def state(self) -> SyncState:
        saved = local.read_settings(self.engine, local.LAST_SUCCESS, local.LAST_ERROR)
        return SyncState(
            pending=self.pending_count(),
            last_success=local.parse_time(saved[local.LAST_SUCCESS]),
            last_error=self._last_error or saved[local.LAST_ERROR] or None,
            online=self._online,
        )

    def request_sync(self) -> None:
        """Ask the background loop for a round now (call from the event loop's thread)."""
        self._wake.set()

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Sync every ``interval`` seconds, sooner on request, backing off after failures."""
        while not stop_event.is_set():
            result = await self.sync_once()
            if result.ok:
                self.backoff.reset()
                delay = self.interval
            else:
                delay = self.backoff.next_delay()
            await self._pause(delay, stop_event)

    # rounds ----------------------------------------------------------------------------

    def _offline_message(self, exc: Exception) -> str:
        return f"no connection to {self.server_url}: {exc.__class__.__name__}"

    def _http(self, token: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(
            base_url=self.server_url,
            headers=headers,
            timeout=self.timeout,
            transport=self.transport,
        )

    async def _token(self) -> str:
        settings = await asyncio.to_thread(local.read_settings, self.engine, local.TOKEN)
        return settings[local.TOKEN]

    def _record(self, errors: list[str]) -> None:
        self._last_error = "; ".join(errors) or None
        values = {local.LAST_ERROR: self._last_error or ""}
        if not errors:
            values[local.LAST_SUCCESS] = utcnow().isoformat()
        local.write_settings(self.engine, values)

    async def _pause(self, delay: float, stop_event: asyncio.Event) -> None:
        waiters = [
            asyncio.ensure_future(stop_event.wait()),
            asyncio.ensure_future(self._wake.wait()),
        ]
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            self._wake.clear()

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            raise SignInRequired(f"sign in again: {_detail(response)}")
        if response.status_code != 200 and response.status_code not in REFUSALS:
            raise SyncError(f"server answered {response.status_code}: {_detail(response)}")

    # push ------------------------------------------------------------------------------

    async def _push_all(self, http: httpx.AsyncClient, counts: dict[str, int]) -> None:
        while True:
            items = await asyncio.to_thread(local.pending_items, self.engine, self.batch_size)
            if not items:
                return
            run = [items[0]]
            if items[0].object_type == "entry":
                for item in items[1:]:
                    if item.object_type != "entry":
                        break
                    run.append(item)
                await self._push_entries(http, run, counts)
            elif items[0].object_type == "plan":
                await self._push_plan(http, items[0], counts)
            else:
                reason = f"this app cannot send {items[0].object_type!r} changes"
                await asyncio.to_thread(local.settle_refused, self.engine, items[0], reason)

    async def _push_entries(
        self, http: httpx.AsyncClient, run: list[OutboxItem], counts: dict[str, int]
    ) -> None:
        mutations: list[dict[str, Any]] = []
        sendable: list[OutboxItem] = []
        size = 0
        for item in run:
            try:
                mutation = await asyncio.to_thread(local.entry_mutation, self.engine, item)
            except ValueError as exc:
                await asyncio.to_thread(local.settle_refused, self.engine, item, str(exc))
                continue
            size += len(mutation.model_dump_json().encode())
            if sendable and size > BODY_BUDGET:
                break  # the rest goes in the next batch
            mutations.append(mutation.model_dump(mode="json"))
            sendable.append(item)
        if not sendable:
            return
        body = {"client_id": self.device_id, "mutations": mutations}
        try:
            response = await http.post(f"{API}/push", content=_json(body), headers=JSON)
            self._check(response)
        except (httpx.HTTPError, SyncError) as exc:
            await asyncio.to_thread(local.record_failure, self.engine, sendable, str(exc))
            raise
        if response.status_code in REFUSALS:
            if len(sendable) > 1:  # find the change the server refuses; send the rest
                for item in sendable:
                    await self._push_entries(http, [item], counts)
                return
            reason = f"{response.status_code} {_detail(response)}"
            await asyncio.to_thread(local.settle_refused, self.engine, sendable[0], reason)
            counts["conflicts"] += 1
            return
        try:
            results = PushOut.model_validate(response.json()).results
        except (ValueError, ValidationError) as exc:
            raise SyncError(f"unreadable push answer: {exc}") from exc
        settled = await asyncio.to_thread(local.settle, self.engine, sendable, results)
        counts["pushed"] += settled.stored
        counts["conflicts"] += settled.conflicts
        if not settled.stored + settled.conflicts:  # no answer matched what was sent
            raise SyncError("the push answer does not match the changes sent; will retry")

    async def _push_plan(
        self, http: httpx.AsyncClient, item: OutboxItem, counts: dict[str, int]
    ) -> None:
        try:
            document = await asyncio.to_thread(local.plan_document, self.engine, item.object_id)
        except (LookupError, ValidationError) as exc:
            await asyncio.to_thread(local.settle_refused, self.engine, item, str(exc))
            return
        body = document.model_dump(mode="json")
        try:
            response = await http.put(f"{API}/plans/{item.object_id}", json=body)
            self._check(response)
        except (httpx.HTTPError, SyncError) as exc:
            await asyncio.to_thread(local.record_failure, self.engine, [item], str(exc))
            raise
        if response.status_code in REFUSALS:
            reason = f"{response.status_code} {_detail(response)}"
            await asyncio.to_thread(local.settle_refused, self.engine, item, reason)
            counts["conflicts"] += 1
            return
        await asyncio.to_thread(local.settle_plan, self.engine, item)
        counts["pushed"] += 1

    # pull ------------------------------------------------------------------------------

    async def _pull_all(self, http: httpx.AsyncClient, counts: dict[str, int]) -> None:
        saved = await asyncio.to_thread(local.read_settings, self.engine, local.CURSOR, local.SCOPE)
        cursor = int(saved[local.CURSOR] or 0)
        scope = saved[local.SCOPE]
        while True:
            params = {"since": cursor, "limit": self.page_limit, "client_id": self.device_id}
            response = await http.get(f"{API}/changes", params=params)
            self._check(response)
            if response.status_code != 200:
                raise SyncError(f"pull refused ({response.status_code}): {_detail(response)}")
            try:
                changes = ChangesOut.model_validate(response.json())
            except (ValueError, ValidationError) as exc:
                raise SyncError(f"unreadable pull answer: {exc}") from exc
            if changes.since != cursor:
                raise SyncError("the pull answer was for another cursor; will pull again")
            if cursor and (changes.scope != scope or changes.next_cursor < cursor):
                cursor, scope = 0, changes.scope  # new reach or a new server: start over
                continue
            counts["pulled"] += await asyncio.to_thread(apply.apply_page, self.engine, changes)
            cursor, scope = changes.next_cursor, changes.scope
            if not changes.has_more:
                return
