"""Payments: the shop's payment gateway (Stripe's API), read with the official `stripe` client.

What lands, per run, in `landing/payments/<minute>/<account>/`: every list page of
`charges`, `refunds`, `disputes`, `balance_transactions` and `events` created in the window,
as `<resource>_p<n>.json`, each the unchanged body of `GET {base}/v1/<resource>?limit=<n>&
created[gte]=<start>&created[lt]=<end>[&starting_after=<last id>]` (`{"object": "list",
"data": [...], "has_more": ...}`, newest first); then, for every charge or dispute an event
of the window is about that was created before the window (a refund or a dispute on an old
charge, a dispute closed), the object as it is now, `charge_<id>.json` / `dispute_<id>.json`.
Parsing is ingest's job (`lake/contracts/payments.py`).

How the real gateway is reached: the `stripe` client's own base (`https://api.stripe.com`)
with the secret key as a Bearer token; `LAKE_PAYMENTS_BASE_URL` points the same client at
the sandbox (`http://127.0.0.1:<port>/payments`): configuration only.

| variable | what |
|---|---|
| `LAKE_PAYMENTS_TOKEN` | the secret (or restricted read-only) key, `sk_live_...` / `rk_live_...` |
| `LAKE_PAYMENTS_BASE_URL` | another API base (the sandbox) |
| `LAKE_PAYMENTS_ACCOUNTS` | a name for the gateway account (default `default`) |
| `LAKE_PAYMENTS_PAGE_SIZE` | objects per page (`limit`, default 100, at most 100) |

Incremental by `created`: the window runs from the last fetched day minus 3 days of overlap
(balance transactions turn `available` two days after they are created) to yesterday; a first
run takes 730 days (Stripe keeps events for 30 days only, so older events do not exist).
Retries are this module's, not the client's (`max_network_retries=0`): 429 waits the
`Retry-After` the gateway sent, 5xx and connection errors back off, 401 fails at once with
`LoginExpiredError` (an expired or revoked key).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

import stripe

from extract._base import (
    ExtractContext,
    ExtractError,
    Extractor,
    LoginExpiredError,
    RateLimitedError,
    SourceUnavailableError,
)
from extract._http import retry_after_seconds

SOURCE = "payments"
VERSION = "1.0.0"
PAGE_SIZE = 100
RESOURCES = ("charges", "refunds", "disputes", "balance_transactions", "events")
DEFAULT_BASE_URL = stripe.DEFAULT_API_BASE
T = TypeVar("T")


def client_for(ctx: ExtractContext) -> stripe.StripeClient:
    """The official client on the configured base, with no retries of its own."""
    assert ctx.credentials.token is not None  # EXTRACTOR.requires checked it
    return stripe.StripeClient(
        ctx.credentials.token.reveal(),
        base_addresses={"api": ctx.base_url},
        max_network_retries=0,
        http_client=stripe.HTTPXClient(timeout=ctx.extractor.timeouts.read),
    )


def _headers(exc: stripe.StripeError) -> dict[str, str]:
    return {k.lower(): v for k, v in (exc.headers or {}).items()}


def _refused(exc: stripe.StripeError, what: str) -> ExtractError:
    detail = f"payments: {what} answered {exc.http_status}: {exc.user_message or exc}"
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return LoginExpiredError(
            detail,
            "the gateway refused the key (expired, rolled or revoked): create a new restricted "
            "key with read access and set it in LAKE_PAYMENTS_TOKEN",
        )
    return ExtractError(detail, "the request was refused; check extract/payments.py")


async def call(ctx: ExtractContext, what: str, send: Callable[[], Awaitable[T]]) -> T:
    """`send()` with the source's retry policy and circuit breaker: 429 waits `Retry-After`
    (backoff without one), 5xx and connection errors back off, anything else fails at once."""
    policy = ctx.retry
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        ctx.breaker.before_call()
        try:
            result = await send()
        except stripe.RateLimitError as exc:
            wait = retry_after_seconds(_headers(exc).get("retry-after"))
            if last or (wait is not None and wait > policy.max_retry_after):
                raise RateLimitedError(
                    f"payments: {what} is rate limited (429); it asks to wait {wait} s",
                    "retry 'lake extract payments' after the wait; run it less often if this "
                    "repeats",
                ) from exc
            delay = wait if wait is not None else policy.backoff(attempt, random.random)
        except (stripe.APIConnectionError, stripe.APIError) as exc:
            ctx.breaker.record_failure()
            if last:
                raise SourceUnavailableError(
                    f"payments: {what} failed {policy.attempts} times ({exc.http_status or exc})",
                    "the gateway is failing; retry 'lake extract payments' later",
                ) from exc
            delay = policy.backoff(attempt, random.random)
        except stripe.StripeError as exc:
            ctx.breaker.record_success()  # it answered: it is up
            raise _refused(exc, what) from exc
        else:
            ctx.breaker.record_success()
            return result
        ctx.log.warning("retry", what=what, attempt=attempt + 1, wait_s=f"{delay:.2f}")
        await asyncio.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _body(obj: stripe.StripeObject) -> bytes:
    """The response body exactly as served (the client decoded UTF-8; this is its inverse)."""
    response = obj.last_response
    if response is None:
        raise ExtractError("payments: the stripe client kept no response body", "report a bug")
    return response.body.encode("utf-8")


async def list_resource(
    ctx: ExtractContext, client: stripe.StripeClient, resource: str, created: dict[str, int]
) -> list[dict[str, Any]]:
    """Land every page of `resource` created in the window; return the objects seen."""
    service = getattr(client.v1, resource)
    limit = min(int(ctx.setting("PAGE_SIZE") or PAGE_SIZE), 100)
    params: dict[str, Any] = {"limit": limit, "created": created}
    seen: list[dict[str, Any]] = []
    for number in range(1, 100_000):
        page = await call(ctx, f"GET /v1/{resource}", lambda p=dict(params): service.list_async(p))
        await ctx.land(
            f"{resource}_p{number}.json",
            _body(page),
            "json",
            url=f"{ctx.base_url}/v1/{resource}",
            dataset=resource,
            extra={"created_gte": created["gte"], "created_lt": created["lt"]},
        )
        items = [item.to_dict() for item in page.data]
        seen += items
        if not page.has_more or not items:
            return seen
        params["starting_after"] = items[-1]["id"]
    raise ExtractError(f"payments: /v1/{resource} never ended", "narrow the window with --since")


async def refetch_changed(
    ctx: ExtractContext,
    client: stripe.StripeClient,
    events: list[dict[str, Any]],
    landed: dict[str, set[str]],
    start: int,
) -> int:
    """Land the current version of charges and disputes created before the window that an
    event of the window changed (refunded, disputed, dispute closed)."""
    wanted: dict[str, set[str]] = {"charges": set(), "disputes": set()}
    for event in events:
        obj = event.get("data", {}).get("object", {})
        if obj.get("created", start) >= start:
            continue  # landed with its own list
        resource = "disputes" if obj.get("object") == "dispute" else "charges"
        wanted[resource].add(obj["id"])
        if obj.get("object") == "dispute" and obj.get("charge"):
            wanted["charges"].add(obj["charge"])
    count = 0
    for resource, ids in wanted.items():
        service = getattr(client.v1, resource)
        for object_id in sorted(ids - landed[resource]):
            found = await call(
                ctx,
                f"GET /v1/{resource}/{object_id}",
                lambda i=object_id, s=service: s.retrieve_async(i),
            )
            noun = resource.removesuffix("s")
            await ctx.land(
                f"{noun}_{object_id}.json",
                _body(found),
                "json",
                url=f"{ctx.base_url}/v1/{resource}/{object_id}",
                dataset=resource,
            )
            count += 1
    return count


async def extract(ctx: ExtractContext) -> None:
    start = int(datetime.combine(ctx.window.start, time(), UTC).timestamp())
    end = int(datetime.combine(ctx.window.end + timedelta(days=1), time(), UTC).timestamp())
    created = {"gte": start, "lt": end}
    client = client_for(ctx)
    seen = {resource: await list_resource(ctx, client, resource, created) for resource in RESOURCES}
    landed = {r: {o["id"] for o in seen[r]} for r in ("charges", "disputes")}
    refetched = await refetch_changed(ctx, client, seen["events"], landed, start)
    for resource, objects in seen.items():
        newest = max((o["created"] for o in objects), default=None)
        if newest is not None:
            ctx.cursor[f"newest_{resource}"] = max(newest, ctx.cursor.get(f"newest_{resource}", 0))
    ctx.log.info("fetched", refetched=refetched, **{r: len(o) for r, o in seen.items()})


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="http",
    version=VERSION,
    run=extract,
    default_base_url=DEFAULT_BASE_URL,
    description="Charges, refunds, disputes, balance transactions and events (Stripe API)",
    requires=("token",),
    overlap_days=3,
    first_run_days=730,
)
