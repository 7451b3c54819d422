"""The app's sync client: push the outbox, pull changes, in the background or on demand.

One round (``sync_once``): send pending outbox items in mutation order, in batches, and record
the answers; then pull pages of changes from the stored cursor until there are no more. Local
database work runs in a worker thread, never on the event loop. Network failures and server
errors leave everything pending for the next round; ``run_forever`` waits between rounds with
exponential backoff and jitter after a failure.

Only the service's own refusal settles a change as not stored: an answer with a refusal
status, the ``Rejon-Refusal`` header and a JSON ``detail``. Anything else — a proxy's 502, a
captive portal's page, another server's 404, a redirect — is a failed try, retried later.
The service's address is read from the device's store at every round, so the background
loop, "Sync now" and the badge always speak of the same, current address.
"""

import asyncio
import json
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from app.core.model import OutboxItem
from app.core.model.clock import utcnow
from app.core.sync.schemas import (
    MAX_BATCH,
    REFUSAL_HEADER,
    ChangesOut,
    PlaceOut,
    PushOut,
    TokenOut,
)
from app.device.sync import apply, local
from app.device.sync.backoff import Backoff

API = "/api/v1"
BODY_BUDGET = 1024 * 1024
"""Bytes of mutations per request, well under the service's 2 MiB body limit."""
OFFICER_QUIET_S = 1.5
"""A round's next batch waits until no officer has tapped for this long: the screens' handlers
share the interpreter with the sync work (in ``rejon run``, with every browser's device)."""
OFFICER_WAIT_MAX_S = 6.0
"""…but never longer than this per batch, so a busy officer's changes still go out."""
ROUND_BATCH = 100
"""Changes per push and revisions per pulled page: a batch in flight when a tap comes (its
reading, settling or applying in a worker thread holds the interpreter too) stays short."""


@dataclass
class _Taps:
    """When an officer last tapped in this process (every device's round yields to it)."""

    last: float = -OFFICER_QUIET_S


_TAPS = _Taps()


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every round: building one (the CA store read) took tens of
    milliseconds on the event loop, for each round of each device."""
    return httpx.create_ssl_context()


REFUSALS = frozenset({400, 403, 404, 409, 413, 422})
"""Statuses of answers that will not change on a retry — when the service itself gave them."""


class Failure(StrEnum):
    """Why a round did not finish, for the officer (the app words it in their language)."""

    offline = "offline"
    """No answer: no network, the service down, a timeout."""
    bad_address = "bad_address"
    """The address set on the device is not a valid http(s) address."""
    sign_in = "sign_in"
    """No token, or the service no longer accepts it."""
    not_the_service = "not_the_service"
    """An answer that is not the service's: a wrong address, a proxy, a captive portal."""


class SyncError(Exception):
    """A round could not finish; nothing is lost, the next round tries again."""

    failure = Failure.not_the_service


class SignInRequired(SyncError):
    """No token, or the server no longer accepts it (expired, revoked, account disabled)."""

    failure = Failure.sign_in

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The service's answer to a sign-in (401 refused, 429 too many tries), if any."""


class _AddressChanged(Exception):
    """The officer set another address while a round was under way (internal)."""


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
    online: bool | None
    """Whether the service answered the latest try (``None``: no sync on this device)."""
    failure: Failure | None = None
    """Why the latest round failed (``None``: it worked, or none ran yet)."""
    unsent: int = 0
    """Changes the service would not store, still waiting for the officer to deal with."""
    others: int = 0
    """Changes of other officers of this device not in the unit's store yet: they wait for
    their own officer's sign-in (a badge never says "all sent" while any wait)."""


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


@dataclass(frozen=True)
class Refusal:
    """The service's own refusal of a request: final for the change it concerns."""

    status: int
    code: str
    detail: str

    def reason(self) -> str:
        return f"{self.status} {self.detail}"


def refusal_of(response: httpx.Response) -> Refusal | None:
    """The service's refusal, or ``None`` for any answer that is not one (see the module)."""
    code = response.headers.get(REFUSAL_HEADER, "")
    if response.status_code not in REFUSALS or not code:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("detail"), str):
        return None
    return Refusal(response.status_code, code[:32], body["detail"][:400])


class SyncClient:
    """Sync of one device's local store with the service at ``server_url``."""

    def __init__(
        self,
        engine: Engine,
        server_url: str,
        device_id: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        batch_size: int = ROUND_BATCH,
        page_limit: int = ROUND_BATCH,
        interval: float = 60.0,
        timeout: float = 30.0,
        backoff: Backoff | None = None,
        wants_news: Callable[[], bool] = lambda: True,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1…{MAX_BATCH}")
        self.engine = engine
        self.default_url = server_url.rstrip("/")
        """The address used until the officer sets one (``local.SERVER_URL``)."""
        self.server_url = self.default_url
        """The address of the latest round (read from the store when each round starts)."""
        self.device_id = device_id
        self.transport = transport
        self.batch_size = batch_size
        self.page_limit = page_limit
        self.interval = interval
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        self.wants_news = wants_news
        """Whether a round pulls: a browser's device with no page open sends what waits and
        leaves the others' changes on the service until a page is back (``rejon run`` serves
        every browser's device from one process: a closed tab's pulls would cost the open
        ones' taps)."""
        self._online: bool | None = None  # not known before the first try
        self._last_error: str | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()

    @staticmethod
    def officer_active() -> None:
        """An officer just tapped or typed (call from the event loop's thread): the rounds in
        progress, of every device of this process, send their next batch once they pause."""
        _TAPS.last = time.monotonic()

    # public API ------------------------------------------------------------------------

    async def login(self, badge: str, password: str) -> TokenOut:
        """Sign in; the token and the officer are kept on this device.

        Raises ``SignInRequired`` when the server refuses, ``SyncError`` when it is away.
        """
        body = {"badge": badge, "password": password, "client_id": self.device_id}
        try:
            async with await self._http(None) as http:
                response = await http.post(f"{API}/auth/login", json=body)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
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
                async with await self._http(token) as http:
                    await http.post(f"{API}/auth/logout")
            except (httpx.HTTPError, httpx.InvalidURL):
                pass  # forgotten here anyway; it expires on the server
        signed_out = {local.TOKEN: "", local.OFFICER_ID: "", local.TOKEN_EXPIRES: ""}
        await asyncio.to_thread(local.write_settings, self.engine, signed_out)

    async def sync_once(self) -> SyncResult:
        """Push everything pending, then pull everything new. Never raises for sync failures."""
        async with self._lock:
            counts = {"pushed": 0, "pulled": 0, "conflicts": 0}
            errors: list[str] = []
            failure: Failure | None = None
            try:
                token = await self._token()
                if not token:
                    raise SignInRequired("not signed in")
                while True:
                    try:
                        async with await self._http(token) as http:
                            await self._push_all(http, counts)
                            if self.wants_news():
                                await self._pull_all(http, counts)
                        break
                    except _AddressChanged:
                        continue  # the officer set a new address: the rest of the round goes there
                self._online = True
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                self._online = False
                errors.append(self._offline_message(exc))
                failure = (
                    Failure.bad_address if isinstance(exc, httpx.InvalidURL) else Failure.offline
                )
            except SyncError as exc:
                errors.append(str(exc))
                failure = exc.failure
            await asyncio.to_thread(self._record, errors, failure)
            return SyncResult(counts["pushed"], counts["pulled"], errors, counts["conflicts"])

    def pending_count(self) -> int:
        return local.pending_count(self.engine)

    def state(self, officer_id: str | None = None) -> SyncState:
        """The sync state as ``officer_id`` sees it (their changes; others' apart), or, without
        one, as the officer whose sign-in this device holds for sync."""
        saved = local.read_settings(
            self.engine, local.LAST_SUCCESS, local.LAST_ERROR, local.LAST_FAILURE, local.OFFICER_ID
        )
        counts = local.waiting(self.engine, officer_id or saved[local.OFFICER_ID] or None)
        return SyncState(
            pending=counts.pending,
            last_success=local.parse_time(saved[local.LAST_SUCCESS]),
            last_error=self._last_error or saved[local.LAST_ERROR] or None,
            online=self._online,
            failure=Failure(saved[local.LAST_FAILURE]) if saved[local.LAST_FAILURE] else None,
            unsent=counts.unsent,
            others=counts.others,
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

    async def _officer_first(self) -> None:
        """Wait until the officer pauses, at most ``OFFICER_WAIT_MAX_S``; then, before the
        round's next request, make sure the address it speaks to is still the one set: an
        entry logged after the officer changed the address is never sent to the old one."""
        deadline = time.monotonic() + OFFICER_WAIT_MAX_S
        while (wait := min(_TAPS.last + OFFICER_QUIET_S, deadline) - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        if await self._address_now() != self.server_url:
            raise _AddressChanged

    async def _address_now(self) -> str:
        saved = await asyncio.to_thread(local.read_settings, self.engine, local.SERVER_URL)
        return (saved[local.SERVER_URL] or self.default_url).rstrip("/")

    def _offline_message(self, exc: Exception) -> str:
        if isinstance(exc, httpx.InvalidURL):
            return f"the server address {self.server_url!r} is not valid"
        return f"no connection to {self.server_url}: {exc.__class__.__name__}"

    async def _http(self, token: str | None) -> httpx.AsyncClient:
        """A client for the address set on the device now (the default until one is set)."""
        self.server_url = await self._address_now()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(
            base_url=self.server_url,
            headers=headers,
            timeout=self.timeout,
            transport=self.transport,
            verify=_tls(),
        )

    async def _token(self) -> str:
        settings = await asyncio.to_thread(local.read_settings, self.engine, local.TOKEN)
        return settings[local.TOKEN]

    def _record(self, errors: list[str], failure: Failure | None) -> None:
        self._last_error = "; ".join(errors) or None
        values = {local.LAST_ERROR: self._last_error or "", local.LAST_FAILURE: failure or ""}
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

    def _check(self, response: httpx.Response) -> Refusal | None:
        """``None`` for a 200, the service's refusal, or ``SyncError`` for anything else."""
        if response.status_code == 200:
            return None
        if response.status_code == 401:
            raise SignInRequired(f"sign in again: {_detail(response)}")
        refusal = refusal_of(response)
        if refusal is None:
            raise SyncError(f"server answered {response.status_code}: {_detail(response)}")
        return refusal

    # push ------------------------------------------------------------------------------

    async def _push_all(self, http: httpx.AsyncClient, counts: dict[str, int]) -> None:
        """Everything waiting, in the order it was made: a place goes before the entries
        logged at it, a plan before what follows it."""
        while True:
            await self._officer_first()
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
            elif items[0].object_type in ("plan", "place"):
                await self._push_document(http, items[0], counts)
            else:
                reason = f"this app cannot send {items[0].object_type!r} changes"
                await asyncio.to_thread(local.settle_refused, self.engine, items[0], reason)

    async def _send(
        self, items: list[OutboxItem], request: Awaitable[httpx.Response]
    ) -> tuple[httpx.Response, Refusal | None]:
        """One request for ``items``; a failed try is recorded on them and raised."""
        try:
            response = await request
            return response, self._check(response)
        except (httpx.HTTPError, SyncError) as exc:
            await asyncio.to_thread(local.record_failure, self.engine, items, str(exc))
            raise

    async def _refused(self, item: OutboxItem, refusal: Refusal, counts: dict[str, int]) -> None:
        await asyncio.to_thread(
            local.settle_refused, self.engine, item, refusal.reason(), refusal.code
        )
        counts["conflicts"] += 1

    def _entry_batch(self, run: list[OutboxItem]) -> tuple[list[OutboxItem], bytes]:
        """The items of ``run`` that fit one request, and its body (in a worker thread: the
        revisions read and the JSON built off the event loop, in one hop); an item that
        cannot be sent as it is is settled as refused."""
        mutations: list[dict[str, Any]] = []
        sendable: list[OutboxItem] = []
        size = 0
        for item in run:
            try:
                mutation = local.entry_mutation(self.engine, item)
            except ValueError as exc:
                local.settle_refused(self.engine, item, str(exc))
                continue
            size += len(mutation.model_dump_json().encode())
            if sendable and size > BODY_BUDGET:
                break  # the rest goes in the next batch
            mutations.append(mutation.model_dump(mode="json"))
            sendable.append(item)
        body = {"client_id": self.device_id, "mutations": mutations}
        return sendable, _json(body) if sendable else b""

    async def _push_entries(
        self, http: httpx.AsyncClient, run: list[OutboxItem], counts: dict[str, int]
    ) -> None:
        sendable, body = await asyncio.to_thread(self._entry_batch, run)
        if not sendable:
            return
        response, refusal = await self._send(
            sendable, http.post(f"{API}/push", content=body, headers=JSON)
        )
        if refusal is not None:
            if len(sendable) > 1:  # find the change the service refuses; send the rest
                for item in sendable:
                    await self._push_entries(http, [item], counts)
                return
            await self._refused(sendable[0], refusal, counts)
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

    async def _push_document(
        self, http: httpx.AsyncClient, item: OutboxItem, counts: dict[str, int]
    ) -> None:
        """A whole plan or place, ``PUT`` by its id (a repeat changes nothing)."""
        read = local.plan_document if item.object_type == "plan" else local.place_document
        try:
            document = await asyncio.to_thread(read, self.engine, item.object_id)
        except (LookupError, ValidationError) as exc:
            await asyncio.to_thread(local.settle_refused, self.engine, item, str(exc))
            return
        path = f"{API}/{item.object_type}s/{item.object_id}"
        response, refusal = await self._send(
            [item], http.put(path, json=document.model_dump(mode="json"))
        )
        if refusal is not None:
            await self._refused(item, refusal, counts)
            return
        version = None
        if item.object_type == "place":
            try:
                version = PlaceOut.model_validate(response.json()).server_version
            except (ValueError, ValidationError) as exc:
                raise SyncError(f"unreadable answer: {exc}") from exc
        await asyncio.to_thread(local.settle_document, self.engine, item, version)
        counts["pushed"] += 1

    # pull ------------------------------------------------------------------------------

    async def _pull_all(self, http: httpx.AsyncClient, counts: dict[str, int]) -> None:
        saved = await asyncio.to_thread(local.read_settings, self.engine, local.CURSOR, local.SCOPE)
        cursor = int(saved[local.CURSOR] or 0)
        scope = saved[local.SCOPE]
        while True:
            await self._officer_first()
            params = {"since": cursor, "limit": self.page_limit, "client_id": self.device_id}
            response = await http.get(f"{API}/changes", params=params)
            if self._check(response) is not None:
                raise SyncError(f"pull refused ({response.status_code}): {_detail(response)}")
            try:  # a page of hundreds of rows: read off the event loop
                changes = await asyncio.to_thread(ChangesOut.model_validate_json, response.content)
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
