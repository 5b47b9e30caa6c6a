"""Meta Ads: the Marketing API (Graph API v21.0), every response page landed as served.

What lands, per ad account (`act_<digits>` from `LAKE_META_ADS_ACCOUNTS`), under
`landing/meta_ads/<minute>/<account>/`:

| file | request | dataset |
|---|---|---|
| `ad_account.json` | `GET /act_<id>?fields=name,currency,timezone_name,...` | `ad_account` |
| `campaigns_p<n>.json` | `GET /act_<id>/campaigns?fields=...&limit=` (cursor pages) | `campaigns` |
| `adsets_p<n>.json` | `GET /act_<id>/adsets?fields=...` | `adsets` |
| `ads_p<n>.json` | `GET /act_<id>/ads?fields=...` | `ads` |
| `insights_p<n>.json` | `GET /act_<id>/insights?level=adset&date_preset=maximum` | `insights` |
| `ad_insights_daily_p<n>.json` | `.../insights?level=ad&time_increment=1` | `ad_insights_daily` |

Each file is the unchanged body `{"data": [...], "paging": {...}}`; parsing is ingest's job
(`lake/contracts/meta_ads.py`). The ad account's currency and time zone are landed with the
data: spend is in that currency and insight days are days in that zone.

Incremental: the daily per-ad insights ask only for the run's window (the last fetched day
minus `overlap_days`, for late corrections, to yesterday; `--since` overrides). The entity
lists (campaigns, ad sets, ads: a few dozen records, whose status and budgets change) and the
lifetime per-ad-set insights are small and re-sent whole every run; staging keeps the newest.

How the real API is reached: `https://graph.facebook.com/v21.0` with a long-lived access
token (system-user token, `ads_read` permission) sent as `Authorization: Bearer`.

| variable | what |
|---|---|
| `LAKE_META_ADS_TOKEN` | the access token (required); renew it before it lapses (~60 days) |
| `LAKE_META_ADS_ACCOUNTS` | ad account ids, `act_<digits>` (comma list) |
| `LAKE_META_ADS_BASE_URL` | another base (the sandbox: `http://127.0.0.1:<port>/meta_ads`) |
| `LAKE_META_ADS_PAGE_SIZE` | records per page (default 100, at most 500) |

Graph API errors come as `{"error": {"code", "error_subcode", "type", "message"}}`: code 190
(HTTP 400 or 401) is an expired or invalid token (`LoginExpiredError`), codes 4/17/32/613/80004
rate limits (`RateLimitedError`; HTTP 429 answers are retried after `Retry-After` first).
"""

from __future__ import annotations

import json
import re

import httpx

from extract._base import (
    ConfigError,
    ExtractContext,
    ExtractError,
    Extractor,
    LayoutChangedError,
    LoginExpiredError,
    RateLimitedError,
)
from extract._http import HttpClient, bearer_auth, error_object

SOURCE = "meta_ads"
VERSION = "1.0.0"
API_VERSION = "v21.0"
PAGE_SIZE = 100
ACCOUNT = re.compile(r"act_\d+")
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80000, 80003, 80004, 80014})

ACCOUNT_FIELDS = (
    "name",
    "currency",
    "timezone_name",
    "timezone_offset_hours_utc",
    "account_status",
    "account_id",
)
CAMPAIGN_FIELDS = ("id", "name", "status", "objective", "start_time", "created_time",
                   "updated_time")  # fmt: skip
ADSET_FIELDS = (
    "id",
    "name",
    "status",
    "campaign_id",
    "daily_budget",
    "lifetime_budget",
    "bid_strategy",
    "targeting",
    "optimization_goal",
    "start_time",
    "pacing_type",
    "created_time",
    "updated_time",
)
AD_FIELDS = ("id", "name", "status", "adset_id", "campaign_id", "effective_status", "creative",
             "tracking_specs", "created_time", "updated_time")  # fmt: skip
METRICS = ("spend", "impressions", "clicks", "cpc", "ctr", "reach", "frequency")
LIFETIME_FIELDS = ("campaign_id", "campaign_name", "adset_id", "adset_name", *METRICS)
DAILY_FIELDS = ("campaign_id", "adset_id", "ad_id", "ad_name", *METRICS, "cpm")

_RENEW = (
    "renew the long-lived access token (Business Settings > System users > Generate new "
    "token, with ads_read) and put it in LAKE_META_ADS_TOKEN (environment or .env)"
)


def graph_error(response: httpx.Response) -> ExtractError | None:
    """Meta's own error body, as a typed error: code 190 = the token, rate-limit codes."""
    error = error_object(response)
    if error is None:
        return None
    code, subcode = error.get("code"), error.get("error_subcode")
    message = str(error.get("message", ""))[:300]
    where = f"{SOURCE}: {response.request.method} {response.url.path} answered "
    where += f"{response.status_code}"
    if code == 190 or response.status_code == 401:
        return LoginExpiredError(
            f"{where}: the access token expired or was revoked (Graph API code {code}, "
            f"subcode {subcode}: {message})",
            _RENEW,
        )
    if code in RATE_LIMIT_CODES:
        return RateLimitedError(
            f"{where}: rate limited (Graph API code {code}: {message})",
            "wait (the limit resets within an hour) and retry 'lake extract meta_ads'; lower "
            "LAKE_META_ADS_PAGE_SIZE calls or run less often if it repeats",
        )
    if code == 100 and subcode == 33:
        return ExtractError(
            f"{where}: the ad account is unknown or not shared with the token's user ({message})",
            "check LAKE_META_ADS_ACCOUNTS (ids like act_123...) and the token's access to them",
        )
    return None


def _next_cursor(data: object) -> str | None:
    """The `after` cursor when the page says there is a next one."""
    if not isinstance(data, dict):
        return None
    paging = data.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return after if isinstance(after, str) and after else None


class MetaRun:
    """One ad account's run: the requests and what they land."""

    def __init__(self, ctx: ExtractContext) -> None:
        if not ACCOUNT.fullmatch(ctx.account):
            raise ConfigError(
                f"meta_ads: the account {ctx.account!r} is not an ad account id",
                "set LAKE_META_ADS_ACCOUNTS to ad account ids like act_1234567890 (Ads "
                "Manager > account drop-down)",
            )
        self.ctx = ctx
        self.root = f"/{API_VERSION}/{ctx.account}"
        self.page_size = int(ctx.setting("PAGE_SIZE") or PAGE_SIZE)

    async def run(self) -> None:
        assert self.ctx.credentials.token is not None  # EXTRACTOR.requires checked it
        auth = bearer_auth(self.ctx.credentials.token)
        async with self.ctx.http(auth=auth, on_error=graph_error) as client:
            await self.account(client)
            for edge, fields in (
                ("campaigns", CAMPAIGN_FIELDS),
                ("adsets", ADSET_FIELDS),
                ("ads", AD_FIELDS),
            ):
                await self.pages(client, edge, edge, {"fields": ",".join(fields)})
            lifetime = {
                "level": "adset",
                "date_preset": "maximum",
                "fields": ",".join(LIFETIME_FIELDS),
            }
            await self.pages(client, "insights", "insights", lifetime)
            window = self.ctx.window
            span = {"since": window.start.isoformat(), "until": window.end.isoformat()}
            daily = {
                "level": "ad",
                "time_increment": "1",
                "time_range": json.dumps(span, separators=(",", ":")),
                "fields": ",".join(DAILY_FIELDS),
            }
            rows = await self.pages(client, "insights", "ad_insights_daily", daily)
        self.ctx.log.info("daily_insights", rows=rows, since=span["since"], until=span["until"])

    async def account(self, client: HttpClient) -> None:
        response = await client.get(self.root, params={"fields": ",".join(ACCOUNT_FIELDS)})
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("currency"):
            raise LayoutChangedError(
                f"meta_ads: {self.root} did not answer an ad account with its currency",
                "check LAKE_META_ADS_BASE_URL and the API version in extract/meta_ads.py",
            )
        await self.ctx.land(
            "ad_account.json", response.content, "json", url=str(response.url),
            dataset="ad_account",
        )  # fmt: skip

    async def pages(
        self, client: HttpClient, edge: str, dataset: str, params: dict[str, str]
    ) -> int:
        """Land every cursor page of `edge`; return the records seen."""
        seen = 0
        query = {**params, "limit": str(self.page_size)}
        async for page in client.cursor_pages(
            f"{self.root}/{edge}", next_cursor=_next_cursor, params=query
        ):
            records = page.data.get("data") if isinstance(page.data, dict) else None
            if not isinstance(records, list):
                raise LayoutChangedError(
                    f"meta_ads: {edge} page {page.number + 1} has no 'data' array",
                    "check LAKE_META_ADS_BASE_URL and the API version in extract/meta_ads.py",
                )
            await self.ctx.land(
                f"{dataset}_p{page.number + 1}.json", page.content, "json", url=page.url,
                dataset=dataset,
            )  # fmt: skip
            seen += len(records)
        return seen


async def extract(ctx: ExtractContext) -> None:
    await MetaRun(ctx).run()


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="http",
    version=VERSION,
    run=extract,
    default_base_url="https://graph.facebook.com",
    description="Ad account, campaigns, ad sets, ads, lifetime and daily insights (Graph API)",
    requires=("token",),
    overlap_days=3,
    first_run_days=730,
)
