"""DistroKid: the bank-details earnings export and the two stats pages, through the browser.

What lands, per account, in `landing/distrokid/<minute>/<account>/`:

- `dk_bank_details_<YYYYMMDD>_<HHMMSS>.tsv`: the "bank details" download, as the site names
  and sends it (tab-separated, CR-only lines, 13 or 16 columns). DistroKid re-sends the whole
  earnings history in every export and takes no date range, so every run lands it whole; the
  window only bounds nothing here (staging keeps the newest export);
- `streams_stats_<YYYYMMDD>_<HHMMSS>.html`: the daily-stats page as served (amCharts scripts);
- `applemusic_stats_<YYYYMMDD>_<HHMMSS>.html`: the Apple Music stats page as served
  (`var chartData = {...}`).

Parsing is ingest's job (`lake/contracts/distrokid.py`). The pages are the HTTP response bodies
(before any script runs), not the rendered DOM.

How the real site is reached: `https://distrokid.com`, signing in with e-mail and password at
`/signin`; DistroKid then asks for a second-factor code, taken from `LAKE_DISTROKID_OTP` or
from the file `LAKE_DISTROKID_OTP_FILE` (the run waits for it). The session is saved per
account and reused until it lapses; a login page met later in the run (a session that ended
between pages) is answered by logging in again.

| variable | what |
|---|---|
| `LAKE_DISTROKID_USERNAME`, `LAKE_DISTROKID_PASSWORD` | the DistroKid login |
| `LAKE_DISTROKID_OTP` / `LAKE_DISTROKID_OTP_FILE` | the second-factor code / a file to wait for |
| `LAKE_DISTROKID_BASE_URL` | another site (the sandbox: `http://127.0.0.1:<port>/distrokid`) |
| `LAKE_DISTROKID_ACCOUNTS` | names of the DistroKid accounts (default one, "default") |
| `LAKE_DISTROKID_BANK_PATH`, `_STATS_PATH`, `_APPLE_PATH` | page paths, if the site moves them |
| `LAKE_DISTROKID_DOWNLOAD_TIMEOUT` | seconds the export may take (default: the browser's, 300) |
"""

from __future__ import annotations

from playwright.async_api import Response

from extract._base import ConfigError, ExtractContext, Extractor, SourceUnavailableError
from extract._browser import BrowserSession, email_login, file_stamp

SOURCE = "distrokid"
VERSION = "1.0.0"
BANK_PATH = "/bank/details/"
STATS_PATH = "/stats/"
APPLE_PATH = "/stats/applemusic/"
DOWNLOAD = "#download-bank-details"

LOGIN = email_login("/signin")


async def open_page(ctx: ExtractContext, session: BrowserSession, path: str) -> Response:
    """Open a logged-in page and return its response, logging in (again) when the site shows
    the login form instead: the saved session lapsed, or ended between two pages."""
    response = await session.goto(path)
    if await session.wait_any({"in": LOGIN.logged_in, "login": LOGIN.username}) == "login":
        ctx.log.info("session_expired", page=path, action="login")
        await session.login(LOGIN)
        response = await session.goto(path)
        await session.wait_any({"in": LOGIN.logged_in})
    if response is None or not response.ok:
        status = response.status if response is not None else "no response"
        raise SourceUnavailableError(
            f"{SOURCE}: {ctx.log.redact.url(session.url(path))} answered {status}",
            f"open the page in a browser to see why; retry 'lake extract {SOURCE}' later",
        )
    return response


def download_timeout(ctx: ExtractContext) -> float | None:
    """`LAKE_DISTROKID_DOWNLOAD_TIMEOUT` seconds, else the browser's download timeout."""
    value = ctx.setting("DOWNLOAD_TIMEOUT")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ConfigError(
            f"LAKE_DISTROKID_DOWNLOAD_TIMEOUT={value!r} is not a positive number of seconds",
            "set it to e.g. 300, or unset it",
        )
    return seconds


async def bank_details(ctx: ExtractContext) -> None:
    """The whole earnings history, as the bank-details page's download link sends it."""
    session = await ctx.browser()
    await open_page(ctx, session, ctx.setting("BANK_PATH") or BANK_PATH)
    await session.expect(DOWNLOAD, "the bank-details 'Download TSV' link")
    # the export is built before it starts: the download timeout, not the click's, bounds it
    got = await session.download(
        lambda page: page.click(DOWNLOAD, no_wait_after=True), timeout=download_timeout(ctx)
    )
    await ctx.land(got.name, got.path, "tsv", url=got.url, dataset="bank_details")


async def stats_page(ctx: ExtractContext, path: str, prefix: str) -> None:
    """One stats page, landed as the site served it."""
    session = await ctx.browser()
    response = await open_page(ctx, session, path)
    body = await response.body()
    await ctx.land(f"{prefix}_{file_stamp()}.html", body, "html", url=response.url)


async def extract(ctx: ExtractContext) -> None:
    await bank_details(ctx)
    await stats_page(ctx, ctx.setting("STATS_PATH") or STATS_PATH, "streams_stats")
    await stats_page(ctx, ctx.setting("APPLE_PATH") or APPLE_PATH, "applemusic_stats")


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="https://distrokid.com",
    description="Bank-details TSV (whole history each run), daily-stats and Apple Music pages",
    overlap_days=0,
    first_run_days=1,
    needs_configuration=True,  # a saved session may stand in for credentials: no `requires`
)
