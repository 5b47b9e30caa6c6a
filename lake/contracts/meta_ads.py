"""Meta Ads: one Marketing API dump per run (campaigns, ad sets, ads, insights as JSON).

What lands: `extract/meta_ads.py` calls the Graph API (`/act_<account>/campaigns`, `/adsets`,
`/ads`, `/insights?level=adset`; the sandbox in the demo) and saves each endpoint's records as
`campaigns.json`, `adsets.json`, `ads.json`, `insights.json` (optionally with a suffix:
`campaigns_<stamp>.json`). A file holds either the bare array of records (the extractor's dump,
pages already joined) or one raw API page `{"data": [...], "paging": {...}}`; the hook accepts
both, and an `{"error": ...}` body is refused with a hint.

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

from lake.contracts._helpers import Record, load_json, public_keys, records_array
from lake.ingest.contract import Dataset, Hook, Layout, ParseInput

SOURCE = "meta_ads"

_TIMESTAMP = "timestamp:%Y-%m-%dT%H:%M:%S%z"
_FIX = (
    "re-run extract/meta_ads.py; an 'error' body usually means the access token expired "
    "(set a fresh META_ACCESS_TOKEN) or the app hit its rate limit (wait and retry)"
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

DATASETS = [campaigns, adsets, ads, insights]
