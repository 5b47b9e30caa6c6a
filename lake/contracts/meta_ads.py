"""Meta Ads: one Marketing API dump per run (campaigns, ad sets, ads, insights as JSON).

What lands: `extract/meta_ads.py` calls the Graph API (`/act_<account>`, `/campaigns`,
`/adsets`, `/ads`, `/insights?level=adset` lifetime, `/insights?level=ad&time_increment=1`
daily; the sandbox in the demo) and saves every response page as served:
`ad_account.json`, `campaigns_p1.json`, `adsets_p1.json`, `ads_p1.json`, `insights_p1.json`,
`ad_insights_daily_p1.json` (`_p2`...). A records file holds either the bare array of records
(a dump, pages already joined, like the real sample) or one raw API page `{"data": [...],
"paging": {...}}`; the hooks accept both, and an `{"error": ...}` body is refused with a hint.
The ad account is one object (`{"id": "act_...", "currency", "timezone_name", ...}`).

Quirks kept as written: ids are 18-digit *strings* (never cast to a number: a double loses the
last digits); every metric is a string; `ctr` is a percentage (0.605602 means 0.6 %); budgets
are in cents; timestamps carry `-0700` offsets; `targeting`, `creative`, `tracking_specs` and
`pacing_type` are nested and land as JSON text. Insights are lifetime per ad set
(`date_start`..`date_stop`), not daily.

Path through the lake: `extract/meta_ads.py` -> `landing/meta_ads/<batch>/` ->
`raw/_source=meta_ads/_dataset=<name>/` -> `models/staging/meta_ads/`.
"""

from __future__ import annotations

from collections.abc import Callable

from lake.contracts._helpers import (
    Record,
    load_json,
    public_keys,
    records_array,
    require_record,
)
from lake.ingest.contract import Dataset, Hook, Layout, ParseInput

SOURCE = "meta_ads"

_TIMESTAMP = "timestamp:%Y-%m-%dT%H:%M:%S%z"
_FIX = (
    "re-run extract/meta_ads.py; an 'error' body usually means the access token expired "
    "(set a fresh long-lived token in LAKE_META_ADS_TOKEN) or the app hit its rate limit "
    "(wait and retry)"
)


def records_hook(endpoint: str) -> Callable[[ParseInput], list[Record]]:
    """A hook returning the records of one endpoint's dump (bare array or `{"data": [...]}`)."""
    what = f"the Meta Marketing API '{endpoint}' response"

    def parse(inp: ParseInput) -> list[Record]:
        doc = load_json(inp, what=what, fix=_FIX)
        return [public_keys(record) for record in records_array(doc, inp, what=what, fix=_FIX)]

    parse.__name__ = f"parse_{endpoint}"
    return parse


def _pattern(endpoint: str) -> str:
    # `ads.json` or `ads_<stamp>.json`, but not `adsets.json`: the character after the
    # endpoint's name must be '.' or '_'.
    return f"{endpoint}[._]*json"


_COMMON_TIMES = ("created_time", "updated_time", "start_time")

campaigns = Dataset(
    source=SOURCE,
    name="campaigns",
    description=(
        "Ad campaigns (`/campaigns`): id (18-digit string), name, status, objective, times "
        "with -0700 offsets; budgets in cents when set at campaign level."
    ),
    pattern=_pattern("campaigns"),
    format=Hook(records_hook("campaigns")),
    layouts=(
        Layout(
            "v1",
            required=("id", "name"),
            optional=(
                "status",
                "effective_status",
                "configured_status",
                "objective",
                "buying_type",
                "bid_strategy",
                "daily_budget",
                "lifetime_budget",
                "budget_remaining",
                "spend_cap",
                "special_ad_categories",
                "account_id",
                *_COMMON_TIMES,
                "stop_time",
            ),
        ),
    ),
    types={
        "id": "varchar",
        "account_id": "varchar",
        "daily_budget": "bigint",
        "lifetime_budget": "bigint",
        "budget_remaining": "bigint",
        "spend_cap": "bigint",
        **dict.fromkeys((*_COMMON_TIMES, "stop_time"), _TIMESTAMP),
    },
    primary_key=("id",),
)

adsets = Dataset(
    source=SOURCE,
    name="adsets",
    description=(
        "Ad sets (`/adsets`): id and campaign_id (18-digit strings), status, daily or "
        "lifetime budget in cents (strings; the other is '0' or absent), bid strategy, "
        "optimization goal, pacing, and the nested `targeting` kept as JSON text."
    ),
    pattern=_pattern("adsets"),
    format=Hook(records_hook("adsets")),
    layouts=(
        Layout(
            "v1",
            required=("id", "name", "campaign_id"),
            optional=(
                "status",
                "effective_status",
                "configured_status",
                "daily_budget",
                "lifetime_budget",
                "budget_remaining",
                "bid_strategy",
                "bid_amount",
                "billing_event",
                "optimization_goal",
                "pacing_type",
                "targeting",
                "promoted_object",
                "destination_type",
                "account_id",
                *_COMMON_TIMES,
                "end_time",
            ),
        ),
    ),
    types={
        "id": "varchar",
        "campaign_id": "varchar",
        "account_id": "varchar",
        "daily_budget": "bigint",
        "lifetime_budget": "bigint",
        "budget_remaining": "bigint",
        "bid_amount": "bigint",
        **dict.fromkeys((*_COMMON_TIMES, "end_time"), _TIMESTAMP),
    },
    primary_key=("id",),
)

ads = Dataset(
    source=SOURCE,
    name="ads",
    description=(
        "Ads (`/ads`): id, adset_id, campaign_id (18-digit strings), status and "
        "effective_status (e.g. ADSET_PAUSED), the nested `creative` reference and "
        "`tracking_specs` kept as JSON text."
    ),
    pattern=_pattern("ads"),
    format=Hook(records_hook("ads")),
    layouts=(
        Layout(
            "v1",
            required=("id", "name", "adset_id", "campaign_id"),
            optional=(
                "status",
                "effective_status",
                "configured_status",
                "creative",
                "tracking_specs",
                "conversion_specs",
                "bid_amount",
                "preview_shareable_link",
                "account_id",
                "created_time",
                "updated_time",
            ),
        ),
    ),
    types={
        "id": "varchar",
        "adset_id": "varchar",
        "campaign_id": "varchar",
        "account_id": "varchar",
        "bid_amount": "bigint",
        "created_time": _TIMESTAMP,
        "updated_time": _TIMESTAMP,
    },
    primary_key=("id",),
)

# The fields an insights report may carry besides its ids (the same for both levels).
_INSIGHT_FIELDS = (
    "objective",
    "spend",
    "impressions",
    "clicks",
    "unique_clicks",
    "inline_link_clicks",
    "reach",
    "frequency",
    "cpc",
    "cpm",
    "cpp",
    "ctr",
    "actions",
    "cost_per_action_type",
)

insights = Dataset(
    source=SOURCE,
    name="insights",
    description=(
        "Delivery insights per ad set over the run's window (`/insights?level=adset`, "
        "lifetime, not daily): spend (account currency), impressions, clicks, reach, cpc, "
        "ctr (a percentage: 0.605602 means 0.6 %), frequency, all as strings; the window is "
        "`date_start`..`date_stop`."
    ),
    pattern=_pattern("insights"),
    format=Hook(records_hook("insights")),
    layouts=(
        Layout(
            "adset_level",
            required=("adset_id", "date_start", "date_stop"),
            optional=(
                "account_id",
                "account_name",
                "campaign_id",
                "campaign_name",
                "adset_name",
                "ad_id",
                "ad_name",
                *_INSIGHT_FIELDS,
            ),
        ),
    ),
    types={
        "account_id": "varchar",
        "campaign_id": "varchar",
        "adset_id": "varchar",
        "ad_id": "varchar",
        "spend": "decimal(18,2)",
        "impressions": "bigint",
        "clicks": "bigint",
        "unique_clicks": "bigint",
        "inline_link_clicks": "bigint",
        "reach": "bigint",
        "frequency": "double",
        "cpc": "double",
        "cpm": "double",
        "cpp": "double",
        "ctr": "double",
        "date_start": "date:%Y-%m-%d",
        "date_stop": "date:%Y-%m-%d",
    },
    primary_key=("adset_id", "date_start", "date_stop"),
)


def parse_ad_account(inp: ParseInput) -> list[Record]:
    """The ad account object (`GET /act_<id>?fields=...`) as one record; an array or a
    `{"data": [...]}` page of accounts (e.g. `/me/adaccounts`) gives one record each."""
    what = "the Meta Marketing API ad account response"
    doc = load_json(inp, what=what, fix=_FIX)
    if isinstance(doc, dict) and "data" not in doc and "error" not in doc:
        return [public_keys(require_record(doc, inp, 0, what=what, fix=_FIX))]
    return [public_keys(record) for record in records_array(doc, inp, what=what, fix=_FIX)]


ad_account = Dataset(
    source=SOURCE,
    name="ad_account",
    description=(
        "The ad account (`GET /act_<id>`): id (`act_<digits>`), account_id (the digits), "
        "name, currency (ISO code: spend and budgets are in it, never assume USD), "
        "timezone_name (IANA; insight days are days in this zone), "
        "timezone_offset_hours_utc (the offset when fetched), account_status (1 = active)."
    ),
    pattern="ad_account[._]*json",
    format=Hook(parse_ad_account),
    layouts=(
        Layout(
            "v1",
            required=("id", "currency", "timezone_name"),
            optional=(
                "account_id",
                "name",
                "timezone_offset_hours_utc",
                "account_status",
                "business_name",
                "amount_spent",
                "spend_cap",
            ),
        ),
    ),
    types={
        "account_status": "bigint",
        "timezone_offset_hours_utc": "double",
        "amount_spent": "bigint",
        "spend_cap": "bigint",
    },
    primary_key=("id",),
)

ad_insights_daily = Dataset(
    source=SOURCE,
    name="ad_insights_daily",
    description=(
        "Daily delivery per ad (`/insights?level=ad&time_increment=1` over the run's window): "
        "one row per ad and day with delivery, date_start = date_stop = the day in the ad "
        "account's time zone; spend (account currency), impressions, clicks, reach, cpc, cpm, "
        "ctr (a percentage), frequency, all strings as served. Overlapping runs re-send the "
        "last days (late corrections): staging keeps the newest per ad and day."
    ),
    # not `insights_daily*`: the lifetime dataset's `insights[._]*json` would claim it
    pattern="ad_insights_daily[._]*json",
    format=Hook(records_hook("ad_insights_daily")),
    layouts=(
        Layout(
            "ad_level_daily",
            required=("ad_id", "date_start", "date_stop"),
            optional=(
                "account_id",
                "account_name",
                "campaign_id",
                "campaign_name",
                "adset_id",
                "adset_name",
                "ad_name",
                *_INSIGHT_FIELDS,
            ),
        ),
    ),
    types=insights.types,
    primary_key=("ad_id", "date_start"),
)

DATASETS = [ad_account, campaigns, adsets, ads, insights, ad_insights_daily]
