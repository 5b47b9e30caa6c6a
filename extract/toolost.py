"""TooLost: the portal's analytics (captured API responses) and its monthly sales reports.

What lands, per account, in `landing/toolost/<minute>/<account>/`:

- `toolost_spotify_<YYYYMMDD>_<HHMMSS>.json` and `toolost_apple_<YYYYMMDD>_<HHMMSS>.json`: the
  bodies of the analytics API responses the portal's Spotify and Apple Music pages fetch, as
  served. The API takes a date range: the run opens each page for its window only (from the
  last fetched day minus 3 days of overlap, because the last two days are still provisional,
  to yesterday; a first run takes two years);
- `toolost_sales_<YYYY-MM>.csv`: each monthly sales statement published since the last one
  landed (the newest landed month is kept in the state; a first run takes every statement).

Parsing is ingest's job (`lake/contracts/toolost.py`).

How the real portal is reached: the TooLost portal (`https://app.toolost.com`), logging in with
e-mail and password. The portal keeps a token in local storage that lasts 7 days; the saved
browser session (cookies and local storage) carries it from run to run. When it has lapsed
the portal shows its login page: the run logs in again with the configured credentials, or,
without them, fails with `LoginExpiredError` saying what to set.

| variable | what |
|---|---|
| `LAKE_TOOLOST_USERNAME`, `LAKE_TOOLOST_PASSWORD` | the portal login |
| `LAKE_TOOLOST_BASE_URL` | another portal (the sandbox: `http://127.0.0.1:<port>/toolost`) |
| `LAKE_TOOLOST_ACCOUNTS` | names of the TooLost accounts (default one, "default") |
| `LAKE_TOOLOST_OTP` / `LAKE_TOOLOST_OTP_FILE` | a second-factor code, should the portal ask |
| `LAKE_TOOLOST_STATEMENTS_SINCE` | `YYYY-MM`: the oldest sales statement a first run fetches |
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from playwright.async_api import Response

from extract._base import (
    ConfigError,
    ExtractContext,
    Extractor,
    LayoutChangedError,
    SourceUnavailableError,
)
from extract._browser import BrowserSession, email_login, file_stamp

SOURCE = "toolost"
VERSION = "1.0.0"
OVERLAP_DAYS = 3
SERVICES = {"spotify": "Spotify", "apple": "Apple Music"}
ANALYTICS_PAGE = "/analytics/{service}"
ANALYTICS_API = "/api/v1/analytics/{service}"
ROYALTIES_PAGE = "/royalties"
STATEMENT_LINK = "a.statement-download[data-month]"
LOADED = "body[data-loaded]"
FAILED = "body[data-failed]"

LOGIN = email_login("/login")


async def open_logged_in(
    ctx: ExtractContext,
    session: BrowserSession,
    path: str,
    ready: dict[str, str],
    timeout: float | None = None,
) -> str:
    """Open `path` and wait (up to `timeout` s, default the action timeout) for one of `ready`
    (name -> selector); log in again first when the portal shows its login page (a lapsed
    token or session). Returns the name seen."""
    await session.goto(path)
    seen = await session.wait_any({**ready, "login": LOGIN.username}, timeout)
    if seen == "login":
        ctx.log.info("session_expired", page=path, action="login")
        await session.login(LOGIN)
        if not _same_page(session.page.url, session.url(path)):  # the portal went elsewhere
            await session.goto(path)
        seen = await session.wait_any(ready, timeout)
    return seen


def _same_page(current: str, wanted: str) -> bool:
    """The same path and query (the login form sends the browser back where it was going)."""
    return urlsplit(current)[2:4] == urlsplit(wanted)[2:4]


def _api_matcher(ctx: ExtractContext, service: str) -> Callable[[Response], bool]:
    wanted = urlsplit(ctx.base_url + ANALYTICS_API.format(service=service)).path
    return lambda response: urlsplit(response.url).path == wanted


async def analytics(ctx: ExtractContext, service: str) -> None:
    """Open the service's analytics page for the window and land the API response it got."""
    session = await ctx.browser()
    captured: list[Response] = []
    matches = _api_matcher(ctx, service)

    def capture(response: Response) -> None:
        if matches(response):
            captured.append(response)

    query = urlencode(
        {"startDate": ctx.window.start.isoformat(), "endDate": ctx.window.end.isoformat()}
    )
    path = f"{ANALYTICS_PAGE.format(service=service)}?{query}"
    session.page.on("response", capture)
    try:
        # the page fetches the whole window's figures: allow it a page load's time
        ready = {"loaded": LOADED, "failed": FAILED}
        limit = session.options.navigation_timeout
        seen = await open_logged_in(ctx, session, path, ready, limit)
    finally:
        session.page.remove_listener("response", capture)
    answered = [r for r in captured if r.status == 200]
    if seen == "failed" or not answered:
        statuses = ", ".join(str(r.status) for r in captured) or "no request"
        raise SourceUnavailableError(
            f"{SOURCE}: the {SERVICES[service]} analytics API answered {statuses} for "
            f"{ctx.window.start}..{ctx.window.end}",
            f"open the portal's {SERVICES[service]} analytics page to see why; retry "
            f"'lake extract {SOURCE}' later",
        )
    response = answered[-1]
    body = await response.body()
    # no `dataset`: one response feeds several datasets (the contract tells them apart)
    await ctx.land(f"toolost_{service}_{file_stamp()}.json", body, "json", url=response.url)


def statements_since(ctx: ExtractContext) -> str | None:
    """`LAKE_TOOLOST_STATEMENTS_SINCE` (YYYY-MM): the first statement a first run takes."""
    since = ctx.setting("STATEMENTS_SINCE")
    if since and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since):
        raise ConfigError(
            f"LAKE_TOOLOST_STATEMENTS_SINCE={since!r} is not a month",
            "write it as YYYY-MM (e.g. 2025-01), or unset it to take every statement",
        )
    return since or None


async def sales(ctx: ExtractContext) -> None:
    """Download every statement published after the newest one landed before."""
    last = ctx.previous_cursor.get("last_statement")
    first = statements_since(ctx) if last is None else None
    session = await ctx.browser()
    await open_logged_in(ctx, session, ROYALTIES_PAGE, {"in": LOGIN.logged_in})
    await session.expect("#statements", "the royalties statements table")
    months = await session.page.locator(STATEMENT_LINK).evaluate_all(
        "links => links.map(a => a.dataset.month)"
    )
    if not months:
        raise LayoutChangedError(
            f"{SOURCE}: the royalties page lists no statement links ({STATEMENT_LINK})",
            f"compare the saved screenshot and HTML with the selectors in extract/{SOURCE}.py",
        )
    new = sorted(m for m in months if (m > last if last else first is None or m >= first))
    for month in new:
        link = f'{STATEMENT_LINK.split("[")[0]}[data-month="{month}"]'
        got = await session.download(lambda page, link=link: page.click(link, no_wait_after=True))
        await ctx.land(got.name, got.path, "csv", url=got.url, dataset="sales")
    newest = max([*new, *([last] if last else [])], default=None)
    if newest:
        ctx.cursor["last_statement"] = newest
    ctx.log.info("statements", listed=len(months), landed=len(new))


async def extract(ctx: ExtractContext) -> None:
    await sales(ctx)  # first: a page without API calls, where a lapsed login is renewed
    for service in SERVICES:
        await analytics(ctx, service)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="https://app.toolost.com",
    description="Spotify and Apple Music analytics (captured API responses), sales statements",
    overlap_days=OVERLAP_DAYS,
    first_run_days=730,
    needs_configuration=True,  # a saved session may stand in for credentials: no `requires`
)
