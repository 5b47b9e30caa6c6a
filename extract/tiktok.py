"""TikTok Studio: per account, the analytics export (zipped CSV) and per-video stats (JSON).

What lands, per account (a TikTok handle from `LAKE_TIKTOK_ACCOUNTS`):
`landing/tiktok/<minute>/<handle>/Overview_<start>_<export Unix seconds>_<handle>.zip`, the
"Download data" export unchanged (`Overview.csv` inside: BOM, quoted values, dates without a
year), and `video_<video id>.json` per video, the body of TikTok Studio's per-video stats call
unchanged (the sandbox layout of `lake/contracts/tiktok.py`). Parsing is ingest's job.

The export is not incremental: it always re-sends its last 365 days, and every run lands it
whole (staging keeps the newest export per account and day). Per-video figures are lifetime
totals that keep moving while a video is young: a run lands the videos posted since its window
start minus `LAKE_TIKTOK_VIDEO_REFRESH_DAYS` (default 120); the first run's window reaches back
ten years, so it lands every video. Video calls run `LAKE_TIKTOK_CONCURRENCY` (default 4) at a
time.

Sessions: one login per account (each TikTok account has its own), kept in its own browser
profile (`$LAKE_ROOT/_state/browser/tiktok/<handle>/`); a lapsed session logs in again for that
account only. After a login the account is chosen on the account page; a session that shows
another account than the configured one is refused (never land one account's data under
another's name). Credentials per account: `LAKE_TIKTOK__<HANDLE>_USERNAME` / `_PASSWORD` /
`_OTP` (`bluefrog.music` -> `BLUEFROG_MUSIC`), else the source's `LAKE_TIKTOK_USERNAME` /
`LAKE_TIKTOK_PASSWORD`.

How the real site is reached: `https://www.tiktok.com` (TikTok Studio under `/tiktokstudio`),
the account's own login, usually with a second factor (`LAKE_TIKTOK__<HANDLE>_OTP_FILE`); the
selector lists hold the sandbox's ids first. `LAKE_TIKTOK_PAGE_SIZE` sets the videos per list
call (default 50).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urljoin

from playwright.async_api import APIResponse

from extract._base import (
    ConfigError,
    ExtractContext,
    Extractor,
    LayoutChangedError,
    LoginExpiredError,
    SourceUnavailableError,
)
from extract._browser import BrowserSession, LoginForm

SOURCE = "tiktok"
VERSION = "1.0.0"
PAGE_SIZE = 50
CONCURRENCY = 4
VIDEO_REFRESH_DAYS = 120
STUDIO = "/tiktokstudio"
ANALYTICS = "/tiktokstudio/analytics"
CONTENT_API = "/tiktokstudio/api/content"
VIDEO_API = "/tiktokstudio/api/video/{id}"

STUDIO_APP = "#studio-app"
SWITCHER = "#account-switcher"
LOGIN = LoginForm(
    url="/login",
    username="#email, input[name='username']",
    password="#password, input[type='password']",
    submit="#login-button, button[data-e2e='login-button']",
    logged_in=f"{STUDIO_APP}, {SWITCHER}",
    otp_input="#otp-code",
    otp_submit="#verify-button",
    error="#login-error",
)
ACCOUNT_BADGE = "#studio-account"
ACCOUNT_CHOICE = "button.account-choice[data-handle={handle}]"
EXPORT_BUTTON = "a#export-data-button"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def open_studio(ctx: ExtractContext) -> BrowserSession:
    """The analytics page of this account: log in if needed, choose the account, check it."""
    session = await ctx.browser()
    await session.ensure_logged_in(ANALYTICS, LOGIN)
    if await session.wait_any({"studio": STUDIO_APP, "switcher": SWITCHER}) == "switcher":
        choice = ACCOUNT_CHOICE.format(handle=_css_string(ctx.account))
        if not await session.page.locator(choice).count():
            raise ConfigError(
                f"{SOURCE}: the login for '{ctx.account}' cannot open that account",
                f"check LAKE_TIKTOK_ACCOUNTS and the credentials of '{ctx.account}' "
                "(LAKE_TIKTOK__<HANDLE>_USERNAME/_PASSWORD)",
            )
        await session.page.click(choice)
        await session.expect(STUDIO_APP, "the TikTok Studio analytics page")
    await session.expect(ACCOUNT_BADGE, "the account shown in TikTok Studio")
    shown = await session.page.locator(ACCOUNT_BADGE).first.get_attribute("data-handle")
    if shown != ctx.account:
        raise LoginExpiredError(
            f"{SOURCE}: the saved session of '{ctx.account}' shows account '{shown}'",
            f"delete {session.profile_dir} and run again to log in as '{ctx.account}'",
        )
    return session


async def overview(ctx: ExtractContext, session: BrowserSession) -> None:
    await session.expect(EXPORT_BUTTON, "the export button")
    got = await session.download(lambda page: page.click(EXPORT_BUTTON))
    await ctx.land(got.name, got.path, "zip", url=got.url, dataset="overview")


async def _get_json(ctx: ExtractContext, session: BrowserSession, path: str) -> APIResponse:
    """A Studio API call with the page's cookies; typed errors for what is not a 200."""
    url = urljoin(session.base_url + "/", path.lstrip("/"))
    response = await session.page.request.get(
        url, max_redirects=0, timeout=session.options.action_timeout * 1000
    )
    if response.status in (401, 403):
        raise LoginExpiredError(
            f"{SOURCE}: TikTok Studio refused {ctx.log.redact.url(url)} for account "
            f"'{ctx.account}' ({response.status}): the session lapsed during the run",
            "run 'lake extract tiktok' again (it logs in anew)",
        )
    if response.status == 429 or response.status >= 500:
        raise SourceUnavailableError(
            f"{SOURCE}: {ctx.log.redact.url(url)} answered {response.status}",
            "TikTok Studio is failing; retry later",
        )
    if response.status != 200 or "json" not in response.headers.get("content-type", ""):
        raise LayoutChangedError(
            f"{SOURCE}: {ctx.log.redact.url(url)} answered {response.status} "
            f"{response.headers.get('content-type', '')}, not JSON",
            f"TikTok Studio's API moved: update the paths in extract/{SOURCE}.py",
        )
    return response


async def video_ids(ctx: ExtractContext, session: BrowserSession, since: int) -> list[str]:
    """The ids of the account's videos posted at or after `since` (Unix seconds); the list
    is newest first, so paging stops at the first older video."""
    page_size = int(ctx.setting("PAGE_SIZE") or PAGE_SIZE)
    cursor, ids = 0, []
    while True:
        listing = await _get_json(ctx, session, f"{CONTENT_API}?cursor={cursor}&count={page_size}")
        page = json.loads(await listing.body())
        for item in page["items"]:
            if int(item["create_time"]) < since:
                return ids
            ids.append(str(item["id"]))
        if not page.get("has_more") or not page["items"]:
            return ids
        cursor = int(page["cursor"])


async def videos(ctx: ExtractContext, session: BrowserSession) -> int:
    """Land the stats of every video whose figures may still move; return how many."""
    refresh = int(ctx.setting("VIDEO_REFRESH_DAYS") or VIDEO_REFRESH_DAYS)
    oldest = ctx.window.start - timedelta(days=refresh)
    since = int(datetime.combine(oldest, time(), UTC).timestamp())
    ids = await video_ids(ctx, session, since)
    gate = asyncio.Semaphore(max(1, int(ctx.setting("CONCURRENCY") or CONCURRENCY)))

    async def one(video_id: str) -> None:
        async with gate:
            response = await _get_json(ctx, session, VIDEO_API.format(id=video_id))
            body = await response.body()
        await ctx.land(
            f"video_{video_id}.json", body, "json", url=response.url, dataset="video_stats"
        )

    await asyncio.gather(*(one(video_id) for video_id in ids))
    ctx.log.info("videos_fetched", videos=len(ids), posted_since=oldest.isoformat())
    return len(ids)


async def extract(ctx: ExtractContext) -> None:
    session = await open_studio(ctx)
    await overview(ctx, session)
    await videos(ctx, session)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="https://www.tiktok.com",
    description="TikTok Studio analytics export (365 days, whole) and per-video stats",
    requires=("username", "password"),
    first_run_days=3650,  # the first run refreshes every video
)
