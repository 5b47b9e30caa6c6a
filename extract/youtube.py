"""YouTube: Analytics API reports (JSON) and YouTube Studio's "Table data.csv", landed as served.

What lands, per channel (`LAKE_YOUTUBE_ACCOUNTS`: channel ids `UC...`), under
`landing/youtube/<minute>/<account>/`:

| file | request (`GET /v2/reports?ids=...&metrics=...`) |
|---|---|
| `channel_daily.json` | `dimensions=day`, the window |
| `video_totals.json` | `dimensions=video&sort=-views&maxResults=200`, window totals |
| `country_totals.json` | `dimensions=country&sort=-views`, window totals |
| `channel_monthly.json` | `dimensions=month`, the whole months around the window |
| `Table data.csv` | Studio > Analytics > Advanced mode > Export current view (the window) |

The JSON files are dataset `analytics_report`, the CSV `table_data`. Each file is the
unchanged response body or download; parsing is ingest's job
(`lake/contracts/youtube.py`).

Incremental: every report asks only for the run's window (the last fetched day minus
`overlap_days`, for YouTube's late corrections, to yesterday; `--since` overrides); the
monthly report widens it to whole months (the API accepts only those), so the running month
comes again, complete so far, each run. The Studio table totals the same window.

How the real services are reached: the API at `https://youtubeanalytics.googleapis.com` with
an OAuth 2 access token (scope `yt-analytics.readonly`) as `Authorization: Bearer`; Studio at
`https://studio.youtube.com` in the browser (a Google login: log in once by hand with
`LAKE_BROWSER_HEADED=1`, the session is then reused).

| variable | what |
|---|---|
| `LAKE_YOUTUBE_TOKEN` | the OAuth access token (required); renew it when it lapses |
| `LAKE_YOUTUBE_ACCOUNTS` | channel ids (`UC...`); another name asks for `channel==MINE` |
| `LAKE_YOUTUBE_USERNAME`, `LAKE_YOUTUBE_PASSWORD` | the Studio login (for the Table data) |
| `LAKE_YOUTUBE_BASE_URL` | another API base (the sandbox: `http://127.0.0.1:<port>/youtube`) |
| `LAKE_YOUTUBE_STUDIO_URL` | another Studio (default: the base URL when set, else the real) |
| `LAKE_YOUTUBE_STUDIO` | `0` to skip the Studio download (API reports only) |

Errors are Google's `{"error": {"code", "message", "errors": [{"reason"}], "status"}}`: 401
`UNAUTHENTICATED` is an expired token (`LoginExpiredError`), 403 `quotaExceeded` the daily
quota (`RateLimitedError`); 429/5xx are retried.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import httpx

from extract._base import (
    ConfigError,
    ExtractContext,
    ExtractError,
    Extractor,
    LoginExpiredError,
    RateLimitedError,
)
from extract._browser import LoginForm
from extract._http import bearer_auth, error_object

SOURCE = "youtube"
VERSION = "1.0.0"
API = "https://youtubeanalytics.googleapis.com"
STUDIO = "https://studio.youtube.com"
REPORTS_PATH = "/v2/reports"
METRICS = (
    "views",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "subscribersGained",
    "videoThumbnailImpressions",
    "videoThumbnailImpressionsClickRate",
)
# name -> (dimension, extra parameters)
REPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "channel_daily": ("day", {"sort": "day"}),
    "video_totals": ("video", {"sort": "-views", "maxResults": "200"}),
    "country_totals": ("country", {"sort": "-views"}),
    "channel_monthly": ("month", {"sort": "month"}),
}
LOGIN = LoginForm(
    url="/login",
    username="#email",
    password="#password",
    submit="#login-button",
    logged_in="#channel-name",
    otp_input="#otp-code",
    otp_submit="#verify-button",
    error="#login-error",
)
EXPORT = "#analytics-export"

_RENEW = (
    "renew the OAuth access token (scope yt-analytics.readonly; e.g. from the refresh token "
    "with Google's token endpoint) and put it in LAKE_YOUTUBE_TOKEN (environment or .env)"
)


def google_error(response: httpx.Response) -> ExtractError | None:
    """Google's error body as a typed error: an expired token, the daily quota."""
    error = error_object(response)
    if error is None:
        return None
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    message = str(error.get("message", ""))[:200]
    where = f"{SOURCE}: {response.url.path} answered {response.status_code}"
    if response.status_code == 401 or error.get("status") == "UNAUTHENTICATED":
        return LoginExpiredError(
            f"{where} {error.get('status', '')}: the OAuth token expired or was revoked "
            f"({message})",
            _RENEW,
        )
    if reasons & {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"}:
        return RateLimitedError(
            f"{where}: the YouTube Analytics quota is used up ({message})",
            "the quota resets at midnight Pacific time: retry 'lake extract youtube' then",
        )
    return None


def channel_ids(account: str) -> str:
    return f"channel=={account}" if account.startswith("UC") else "channel==MINE"


def month_span(start: date, end: date) -> tuple[date, date]:
    """The whole months that hold `start`..`end` (the API's rule for dimensions=month)."""
    first = start.replace(day=1)
    last = (end.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


async def api_reports(ctx: ExtractContext) -> None:
    """Land the four Analytics reports for the window."""
    assert ctx.credentials.token is not None  # EXTRACTOR.requires checked it
    window = ctx.window
    async with ctx.http(auth=bearer_auth(ctx.credentials.token), on_error=google_error) as api:
        for name, (dimension, extra) in REPORTS.items():
            start, end = window.start, window.end
            if dimension == "month":
                start, end = month_span(start, end)
            params = {
                "ids": channel_ids(ctx.account),
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "metrics": ",".join(METRICS),
                "dimensions": dimension,
                **extra,
            }
            response = await api.get(REPORTS_PATH, params=params)
            await ctx.land(
                f"{name}.json", response.content, "json", url=str(response.url),
                dataset="analytics_report",
            )  # fmt: skip


def studio_url(ctx: ExtractContext) -> str:
    own = ctx.setting("STUDIO_URL")
    if own:
        return own.rstrip("/")
    return ctx.base_url if ctx.config.base_url else STUDIO


async def studio_table(ctx: ExtractContext) -> None:
    """Download Studio's Table data.csv for the window (the browser helper's timeouts)."""
    creds = ctx.credentials
    if not (creds.username and creds.password):
        raise ConfigError(
            "youtube: the Studio download needs a login and none is configured",
            "set LAKE_YOUTUBE_USERNAME and LAKE_YOUTUBE_PASSWORD, or LAKE_YOUTUBE_STUDIO=0 to "
            "land the API reports only",
        )
    root = studio_url(ctx)
    window = ctx.window
    page = (
        f"{root}/channel/{ctx.account}/analytics?start={window.start.isoformat()}"
        f"&end={window.end.isoformat()}"
    )
    session = await ctx.browser()
    form = replace(LOGIN, url=f"{root}{LOGIN.url}")
    await session.ensure_logged_in(page, form)
    await session.expect(EXPORT, "the 'Export current view' link")
    got = await session.download(lambda p: p.click(EXPORT))
    await ctx.land(got.name, got.path, "csv", url=got.url, dataset="table_data")


async def extract(ctx: ExtractContext) -> None:
    await api_reports(ctx)
    if (ctx.setting("STUDIO") or "1") != "0":
        await studio_table(ctx)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url=API,
    description="Analytics API reports (day, video, country, month) and Studio's Table data.csv",
    requires=("token",),
    overlap_days=3,
    first_run_days=365,
)
