"""Linktree: the analytics page's GraphQL responses, captured from the browser.

What lands, per profile (the account, from `LAKE_LINKTREE_ACCOUNTS`, is the Linktree username):
`landing/linktree/<minute>/<username>/graphql_<YYYYMMDD>_<HHMMSS>_<micro>.json`, one file per
GraphQL response the analytics page received (`page.on("response")`), each body unchanged:
the overview time series, subscribers, links and socials, lifetime/locations/referrers/
devices, and the link titles. The names carry the capture time (UTC) only, as in the real
captures; ingest tells the queries apart by the keys under `data` (`lake/contracts/linktree.py`).

Incremental: the page offers date ranges of the last 7, 28, 90 and 365 days (up to today) at a
daily interval; the run opens the smallest range that covers its window (the last fetched day
minus 3 days of overlap, to yesterday), so a daily run captures 7 days and the first run 365
days (the most the page offers). Only responses to the page the run opened are landed.

A run that captures no GraphQL response, or not every query the page makes, fails with
`LayoutChangedError` naming what is missing (never an empty success); a 401 answer means the
session lapsed (`LoginExpiredError`), a 5xx that Linktree is failing.

How the real site is reached: `https://linktr.ee` (admin under `/admin`, the account's login;
the real GraphQL endpoint is `graph.linktr.ee/graphql`: set `LAKE_LINKTREE_GRAPHQL` to a URL
fragment that identifies it, default `/graphql`). Selector lists hold the sandbox's ids first.
`LAKE_LINKTREE_CAPTURE_TIMEOUT` (seconds, default the navigation timeout, 60) bounds the wait
for the page's queries.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from playwright.async_api import Response

from extract._base import (
    ConfigError,
    ExtractContext,
    Extractor,
    LayoutChangedError,
    LoginExpiredError,
    SourceUnavailableError,
)
from extract._browser import BrowserSession, LoginForm

SOURCE = "linktree"
VERSION = "1.0.0"
OVERLAP_DAYS = 3
RANGES = (7, 28, 90, 365)  # the page's "last N days" choices, today included
EXPECTED = (
    "getAccountAnalyticsOverview",
    "getAccountAnalyticsSubscribers",
    "getAccountAnalyticsLinks",
    "getAccountAnalyticsAudience",
    "getLinkDetails",
)
GRAPHQL = "/graphql"
ADMIN = "/admin"
ANALYTICS = "/admin/analytics"
ADMIN_APP = "#lt-admin, [data-testid='admin-layout']"
LOGIN = LoginForm(
    url="/login",
    username="#email, input[name='username']",
    password="#password, input[name='password']",
    submit="#login-button, button[type='submit']",
    logged_in=ADMIN_APP,
    otp_input="#otp-code",
    otp_submit="#verify-button",
    error="#login-error",
)


def date_range(ctx: ExtractContext) -> int:
    """The smallest offered 'last N days' (ending today) that holds the whole window."""
    today = ctx.window.end.toordinal() + 1
    needed = today - ctx.window.start.toordinal() + 1
    for days in RANGES:
        if days >= needed:
            return days
    ctx.log.info("range_capped", needed=needed, offered=RANGES[-1])
    return RANGES[-1]


class Capture:
    """GraphQL responses seen by the page, in arrival order, with their capture times."""

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment
        self.responses: list[tuple[datetime, str, Response]] = []

    def __call__(self, response: Response) -> None:
        request = response.request
        if request.method != "POST" or self.fragment not in response.url:
            return
        try:
            operation = str((request.post_data_json or {}).get("operationName", ""))
        except ValueError:
            operation = ""
        self.responses.append((datetime.now(UTC), operation, response))

    @property
    def operations(self) -> set[str]:
        return {operation for _, operation, _ in self.responses}


async def wait_for(capture: Capture, wanted: tuple[str, ...], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not set(wanted) <= capture.operations and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def _check(ctx: ExtractContext, operation: str, response: Response) -> None:
    status = response.status
    if status == 401:
        raise LoginExpiredError(
            f"{SOURCE}: the GraphQL query {operation} for '{ctx.account}' answered 401: the "
            "session lapsed",
            "run 'lake extract linktree' again (it logs in anew)",
        )
    if status == 429 or status >= 500:
        raise SourceUnavailableError(
            f"{SOURCE}: the GraphQL query {operation} answered {status}",
            "Linktree is failing; retry later",
        )
    if status != 200:
        raise LayoutChangedError(
            f"{SOURCE}: the GraphQL query {operation} answered {status}",
            f"Linktree changed its API: compare with extract/{SOURCE}.py",
        )


def landing_name(moment: datetime) -> str:
    return f"graphql_{moment:%Y%m%d_%H%M%S}_{moment:%f}.json"


async def analytics(ctx: ExtractContext, session: BrowserSession) -> int:
    """Open the analytics page for the window, capture its GraphQL answers, land them."""
    days = date_range(ctx)
    query = urlencode({"profile": ctx.account, "range": days, "interval": "DAILY"})
    capture = Capture(ctx.setting("GRAPHQL") or GRAPHQL)
    limit = float(ctx.setting("CAPTURE_TIMEOUT") or session.options.navigation_timeout)
    session.page.on("response", capture)
    try:
        response = await session.goto(f"{ANALYTICS}?{query}")
        if response is not None and response.status == 404:
            raise ConfigError(
                f"{SOURCE}: the analytics of profile '{ctx.account}' do not exist for this login",
                "check LAKE_LINKTREE_ACCOUNTS (Linktree usernames) and the login",
            )
        await session.expect(ADMIN_APP, "the Linktree admin")
        await wait_for(capture, EXPECTED, limit)
    finally:
        session.page.remove_listener("response", capture)
    missing = [op for op in EXPECTED if op not in capture.operations]
    if missing:
        seen = ", ".join(sorted(capture.operations)) or "none"
        raise LayoutChangedError(
            f"{SOURCE}: the analytics page of '{ctx.account}' made no GraphQL request for "
            f"{', '.join(missing)} within {limit:.0f} s (captured: "
            f"{seen}; matching '{capture.fragment}')",
            "the page no longer queries GraphQL as expected: compare the saved screenshot and "
            f"HTML with EXPECTED and LAKE_LINKTREE_GRAPHQL in extract/{SOURCE}.py",
        )
    for moment, operation, answer in capture.responses:
        _check(ctx, operation, answer)
        body = await answer.body()
        await ctx.land(
            landing_name(moment),
            body,
            "json",
            url=answer.url,
            extra={"graphql_operation": operation, "range_days": days},
        )
    ctx.log.info("captured", responses=len(capture.responses), range_days=days)
    return len(capture.responses)


async def extract(ctx: ExtractContext) -> None:
    session = await ctx.browser()
    await session.ensure_logged_in(ADMIN, LOGIN)
    await analytics(ctx, session)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="https://linktr.ee",
    description="Analytics GraphQL responses captured from the admin page, one JSON each",
    requires=("username", "password"),
    overlap_days=OVERLAP_DAYS,
    first_run_days=364,  # with today: the page's largest range, 365 days
)
