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
from lake.ingest.contract import (
    Column,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
    warn_unless,
)

SOURCE = "meta_ads"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Meta",
    description=(
        "Meta (Facebook/Instagram) Ads, the Marketing API: campaigns, ad sets, ads and ad-set "
        "insights of one ad account, dumped each run by `extract/meta_ads.py` and written to the "
        "raw zone by `lake ingest`. Every raw column is text exactly as the API wrote it: ids are"
        " 18-digit strings, metrics are strings, `ctr` is a percentage, budgets are in cents. The"
        " account a file belongs to is the landing metadata's `account`."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=2,
        error_days=7,
        why=(
            "The extractor runs daily while campaigns run: two days without a dump means it "
            "stopped."
        ),
    ),
)

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
    schema=(
        Column(
            "id",
            (
                "Campaign id, an 18-digit number written as a JSON string (text: a double would "
                "lose the last digits)."
            ),
            "internal",
        ),
        Column(
            "name",
            (
                "Campaign name as typed in Ads Manager; the label writes `ARTIST - TRACK - "
                "AUDIENCE`, which the campaign-to-track matching reads."
            ),
            "public",
        ),
        Column(
            "status",
            (
                "Status the advertiser set on the campaign: `ACTIVE`, `PAUSED`, `DELETED` or "
                "`ARCHIVED`."
            ),
            "internal",
        ),
        Column(
            "effective_status",
            (
                "Status the campaign actually has once its parents and review apply, e.g. "
                "`ACTIVE`, `PAUSED`, `ADSET_PAUSED`, `CAMPAIGN_PAUSED`, `WITH_ISSUES`; null when "
                "the extractor's `fields` did not ask for it."
            ),
            "internal",
        ),
        Column(
            "configured_status",
            (
                "Legacy field: the status last configured on the campaign (same values as "
                "`status`); null when not requested."
            ),
            "internal",
        ),
        Column(
            "objective",
            (
                "Campaign objective, an outcome-based value such as `OUTCOME_TRAFFIC`, "
                "`OUTCOME_ENGAGEMENT`, `OUTCOME_AWARENESS` or `OUTCOME_SALES`."
            ),
            "internal",
        ),
        Column(
            "buying_type",
            "How the delivery is bought: `AUCTION` or `RESERVED`; null when not requested.",
            "internal",
        ),
        Column(
            "bid_strategy",
            (
                "Bid strategy when the budget sits on the campaign (Advantage campaign budget), "
                "e.g. `LOWEST_COST_WITHOUT_CAP`; null when the ad sets carry the budgets."
            ),
            "internal",
        ),
        Column(
            "daily_budget",
            (
                "Campaign daily budget in cents (minor units) of the ad account's currency, an "
                "integer as text; null when the budget sits on the ad sets."
            ),
            "confidential",
        ),
        Column(
            "lifetime_budget",
            (
                "Campaign lifetime budget in cents (minor units) of the ad account's currency, an"
                " integer as text; `0` or null when not used."
            ),
            "confidential",
        ),
        Column(
            "budget_remaining",
            (
                "Budget left to spend in cents (minor units) of the ad account's currency, an "
                "integer as text."
            ),
            "confidential",
        ),
        Column(
            "spend_cap",
            (
                "Spend cap of the campaign in cents (minor units) of the ad account's currency, "
                "an integer as text; null when it has none."
            ),
            "confidential",
        ),
        Column(
            "special_ad_categories",
            'Declared special ad categories as JSON array text, e.g. `[]` or `["HOUSING"]`.',
            "internal",
        ),
        Column(
            "account_id",
            (
                "Ad account id, the digits without the `act_` prefix, as text; null when not "
                "requested (the landing metadata's `account` names it too)."
            ),
            "internal",
        ),
        Column(
            "created_time",
            (
                "When the campaign was created, ISO 8601 with the UTC offset of the ad account's "
                "time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`)."
            ),
            "internal",
        ),
        Column(
            "updated_time",
            "Last change to the campaign, same format as `created_time`.",
            "internal",
        ),
        Column(
            "start_time",
            (
                "When the campaign starts delivering, ISO 8601 with the UTC offset of the ad "
                "account's time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`)."
            ),
            "internal",
        ),
        Column(
            "stop_time",
            (
                "Scheduled end of the campaign, ISO 8601 with the UTC offset of the ad account's "
                "time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`); null when"
                " it runs until stopped."
            ),
            "internal",
        ),
    ),
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
    schema=(
        Column(
            "id",
            (
                "Ad set id, an 18-digit number written as a JSON string (text: a double would "
                "lose the last digits)."
            ),
            "internal",
        ),
        Column(
            "name",
            "Ad set name as typed in Ads Manager (e.g. `FADED LETTERS - AD SET 1`).",
            "public",
        ),
        Column(
            "campaign_id",
            (
                "Id of the campaign the ad set belongs to, an 18-digit number written as a JSON "
                "string (text: a double would lose the last digits)."
            ),
            "internal",
        ),
        Column(
            "status",
            (
                "Status the advertiser set on the ad set: `ACTIVE`, `PAUSED`, `DELETED` or "
                "`ARCHIVED`."
            ),
            "internal",
        ),
        Column(
            "effective_status",
            (
                "Status the ad set actually has once its parents and review apply, e.g. `ACTIVE`,"
                " `PAUSED`, `ADSET_PAUSED`, `CAMPAIGN_PAUSED`, `WITH_ISSUES`; null when the "
                "extractor's `fields` did not ask for it."
            ),
            "internal",
        ),
        Column(
            "configured_status",
            (
                "Legacy field: the status last configured on the ad set (same values as "
                "`status`); null when not requested."
            ),
            "internal",
        ),
        Column(
            "daily_budget",
            (
                "Ad set daily budget in cents (minor units) of the ad account's currency, an "
                "integer as text (`500` = 5.00); `0` or null when the ad set has a lifetime "
                "budget or the campaign holds the budget."
            ),
            "confidential",
        ),
        Column(
            "lifetime_budget",
            (
                "Ad set lifetime budget in cents (minor units) of the ad account's currency, an "
                "integer as text; `0` when it has a daily budget."
            ),
            "confidential",
        ),
        Column(
            "budget_remaining",
            (
                "Budget left to spend in cents (minor units) of the ad account's currency, an "
                "integer as text."
            ),
            "confidential",
        ),
        Column(
            "bid_strategy",
            (
                "Bid strategy, e.g. `LOWEST_COST_WITHOUT_CAP`, `COST_CAP`, "
                "`LOWEST_COST_WITH_BID_CAP`."
            ),
            "internal",
        ),
        Column(
            "bid_amount",
            (
                "Bid cap in cents (minor units) of the ad account's currency, an integer as text,"
                " set only with a capped bid strategy."
            ),
            "confidential",
        ),
        Column(
            "billing_event",
            "What Meta charges for, e.g. `IMPRESSIONS` or `LINK_CLICKS`.",
            "internal",
        ),
        Column(
            "optimization_goal",
            (
                "What delivery optimises for, e.g. `LINK_CLICKS`, `OFFSITE_CONVERSIONS`, `REACH`,"
                " `THRUPLAY`."
            ),
            "internal",
        ),
        Column("pacing_type", 'Budget pacing as JSON array text, e.g. `["standard"]`.', "internal"),
        Column(
            "targeting",
            (
                "The audience spec as JSON text: `age_min`, `age_max`, `geo_locations.countries`,"
                " `publisher_platforms`, placements (`instagram_positions`, ...), "
                "`device_platforms`, `targeting_automation`."
            ),
            "internal",
        ),
        Column(
            "promoted_object",
            (
                "What the ad set promotes, as JSON text (e.g. the pixel and `custom_event_type` "
                "for conversions, or a page id); null when not requested."
            ),
            "internal",
        ),
        Column(
            "destination_type",
            "Where the ads send people, e.g. `WEBSITE`, `UNDEFINED`; null when not requested.",
            "internal",
        ),
        Column(
            "account_id",
            (
                "Ad account id, the digits without the `act_` prefix, as text; null when not "
                "requested (the landing metadata's `account` names it too)."
            ),
            "internal",
        ),
        Column(
            "created_time",
            (
                "When the ad set was created, ISO 8601 with the UTC offset of the ad account's "
                "time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`)."
            ),
            "internal",
        ),
        Column(
            "updated_time", "Last change to the ad set, same format as `created_time`.", "internal"
        ),
        Column(
            "start_time",
            (
                "When the ad set starts delivering, ISO 8601 with the UTC offset of the ad "
                "account's time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`)."
            ),
            "internal",
        ),
        Column(
            "end_time",
            (
                "Scheduled end of the ad set, ISO 8601 with the UTC offset of the ad account's "
                "time zone and no colon in it, as written (`2025-05-23T06:57:55-0700`); null for "
                "daily budgets that run until stopped."
            ),
            "internal",
        ),
    ),
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
    schema=(
        Column(
            "id",
            (
                "Ad id, an 18-digit number written as a JSON string (text: a double would lose "
                "the last digits)."
            ),
            "internal",
        ),
        Column("name", "Ad name as typed in Ads Manager (often just `AD1`, `AD2`, ...).", "public"),
        Column(
            "adset_id",
            (
                "Id of the ad set the ad belongs to, an 18-digit number written as a JSON string "
                "(text: a double would lose the last digits)."
            ),
            "internal",
        ),
        Column(
            "campaign_id",
            (
                "Id of the campaign the ad belongs to, an 18-digit number written as a JSON "
                "string (text: a double would lose the last digits)."
            ),
            "internal",
        ),
        Column(
            "status",
            ("Status the advertiser set on the ad: `ACTIVE`, `PAUSED`, `DELETED` or `ARCHIVED`."),
            "internal",
        ),
        Column(
            "effective_status",
            (
                "Status the ad actually has once its parents and review apply, e.g. `ACTIVE`, "
                "`PAUSED`, `ADSET_PAUSED`, `CAMPAIGN_PAUSED`, `WITH_ISSUES`; null when the "
                "extractor's `fields` did not ask for it."
            ),
            "internal",
        ),
        Column(
            "configured_status",
            (
                "Legacy field: the status last configured on the ad (same values as `status`); "
                "null when not requested."
            ),
            "internal",
        ),
        Column(
            "creative",
            'Reference to the ad creative as JSON text, `{"id": "<creative id>"}`.',
            "internal",
        ),
        Column(
            "tracking_specs",
            (
                "What the ad tracks, as JSON array text of action specs (`action.type` with the "
                "pixel, page, post or conversion ids)."
            ),
            "internal",
        ),
        Column(
            "conversion_specs",
            (
                "Conversion specs as JSON array text, same shape as `tracking_specs`; null when "
                "not requested."
            ),
            "internal",
        ),
        Column(
            "bid_amount",
            (
                "Ad-level bid in cents (minor units) of the ad account's currency, an integer as "
                "text; null unless the ad overrides its ad set's bid."
            ),
            "confidential",
        ),
        Column(
            "preview_shareable_link",
            "URL of a shareable preview of the ad (`fb.me/...`); null when not requested.",
            "internal",
        ),
        Column(
            "account_id",
            (
                "Ad account id, the digits without the `act_` prefix, as text; null when not "
                "requested (the landing metadata's `account` names it too)."
            ),
            "internal",
        ),
        Column(
            "created_time",
            (
                "When the ad was created, ISO 8601 with the UTC offset of the ad account's time "
                "zone and no colon in it, as written (`2025-05-23T06:57:55-0700`)."
            ),
            "internal",
        ),
        Column("updated_time", "Last change to the ad, same format as `created_time`.", "internal"),
    ),
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

_INSIGHT_COLUMNS: tuple[Column, ...] = (
    Column(
        "adset_id",
        (
            "Ad set id, an 18-digit number written as a JSON string (text: a double would "
            "lose the last digits)."
        ),
        "internal",
    ),
    Column(
        "account_id",
        "Ad account id, the digits without `act_`, as text; null when not requested.",
        "internal",
    ),
    Column("account_name", "Ad account name; null when not requested.", "restricted"),
    Column(
        "campaign_id",
        (
            "Campaign id, an 18-digit number written as a JSON string (text: a double would "
            "lose the last digits)."
        ),
        "internal",
    ),
    Column("campaign_name", "Campaign name as in Ads Manager at report time.", "public"),
    Column("adset_name", "Ad set name as in Ads Manager at report time.", "public"),
    Column(
        "objective",
        ("Objective of the row's campaign (e.g. `OUTCOME_TRAFFIC`); null when not requested."),
        "internal",
    ),
    Column(
        "frequency",
        (
            "Average impressions per person reached (impressions / reach), decimal text, e.g."
            " `1.016936`."
        ),
        "internal",
    ),
    Column(
        "cpc",
        (
            "Cost per click in the account's currency (spend / clicks), decimal text; absent "
            "when there were no clicks."
        ),
        "confidential",
    ),
    Column(
        "cpm",
        "Cost per 1,000 impressions in the account's currency, decimal text.",
        "confidential",
    ),
    Column(
        "cpp",
        (
            "Cost per 1,000 people reached in the account's currency, decimal text; null when"
            " not requested."
        ),
        "confidential",
    ),
    Column(
        "ctr",
        (
            "Click-through rate in percent (clicks / impressions x 100), decimal text: "
            "`0.605602` means 0.6 %, not 60 %."
        ),
        "internal",
    ),
    Column(
        "actions",
        (
            'Actions attributed to the ads as JSON array text, `[{"action_type": '
            '"link_click", "value": "8"}, ...]` (counts as strings); null when not requested.'
        ),
        "internal",
    ),
    Column(
        "cost_per_action_type",
        (
            'Cost per action as JSON array text, `[{"action_type": ..., "value": "<cost in '
            "the account's currency>\"}]`; null when not requested."
        ),
        "confidential",
    ),
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
    retention="personal_data",
    schema=(
        *_INSIGHT_COLUMNS,
        Column(
            "date_start",
            (
                "First day of the reporting window, `YYYY-MM-DD` in the ad account's time zone "
                "(the ad set's first delivery day or the window's start)."
            ),
            "internal",
        ),
        Column(
            "date_stop",
            (
                "Last day of the reporting window, inclusive, `YYYY-MM-DD`: the row is lifetime "
                "delivery over `date_start`..`date_stop`, not one day."
            ),
            "internal",
        ),
        Column(
            "ad_id",
            (
                "Ad id, an 18-digit number written as a JSON string (text: a double would lose "
                "the last digits). Null at `level=adset` (the only level staging reads; the "
                "source test warns when ad-level rows land)."
            ),
            "internal",
        ),
        Column(
            "ad_name", "Ad name as in Ads Manager at report time; null at `level=adset`.", "public"
        ),
        Column(
            "spend",
            (
                "Amount spent over the window in the ad account's currency (units, not cents), as"
                " text with a dot decimal, e.g. `3.41`."
            ),
            "confidential",
        ),
        Column(
            "impressions",
            "Times the ads were on screen over the window, an integer as text.",
            "internal",
        ),
        Column(
            "clicks",
            (
                "All clicks over the window (link clicks, likes, expansions, profile clicks), an "
                "integer as text."
            ),
            "internal",
        ),
        Column(
            "unique_clicks",
            (
                "People who clicked over the window, an estimate, an integer as text; null when "
                "not requested."
            ),
            "internal",
        ),
        Column(
            "inline_link_clicks",
            (
                "Clicks on links to the ad's destination over the window, an integer as text; "
                "null when not requested."
            ),
            "internal",
        ),
        Column(
            "reach",
            (
                "People who saw the ads at least once over the window, an estimate, an integer as"
                " text (not additive across days or ad sets)."
            ),
            "internal",
        ),
    ),
    tests=(
        warn_unless(
            "source_meta_ads_insights__adset_level_only",
            "ad_id is null",
            "Warns when ad-level insight rows land (`ad_id` set): they would repeat their ad "
            "set's delivery, so staging does not read them; the extractor should ask for "
            "`level=adset`, or staging needs an ad-level model.",
        ),
    ),
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
    retention="personal_data",
    schema=(
        Column(
            "id",
            "Ad account id with its prefix, `act_<digits>`: the id the Graph API paths use.",
            "internal",
        ),
        Column(
            "currency",
            (
                "ISO 4217 code of the account's currency (e.g. `EUR`): spend, budgets and costs "
                "of every Meta table are in it; never assume USD."
            ),
            "internal",
        ),
        Column(
            "timezone_name",
            (
                "IANA time zone of the account (e.g. `Europe/Berlin`): insight days are days in "
                "this zone and the API's timestamps carry its offset."
            ),
            "internal",
        ),
        Column("account_id", "Ad account id without the prefix (the digits), as text.", "internal"),
        # Restricted: Meta names a personal ad account after its holder ("Jane Doe"), and a
        # sole trader's business is their own name: personal data until shown otherwise.
        Column("name", "Ad account name.", "restricted"),
        Column(
            "timezone_offset_hours_utc",
            (
                "Offset of the account's time zone from UTC in hours when the object was fetched,"
                " a number as text (e.g. `1`; it changes with daylight saving)."
            ),
            "internal",
        ),
        Column(
            "account_status",
            (
                "Account status code as text: `1` active, `2` disabled, `3` unsettled, `7` "
                "pending risk review, `9` in grace period, `101` closed."
            ),
            "internal",
        ),
        Column(
            "business_name",
            "Name of the business that owns the account; null when not requested.",
            "restricted",
        ),
        Column(
            "amount_spent",
            (
                "Total amount the account has spent in cents (minor units) of the ad account's "
                "currency, an integer as text (counted against its spend cap); null when not "
                "requested."
            ),
            "confidential",
        ),
        Column(
            "spend_cap",
            (
                "Account spending limit in cents (minor units) of the ad account's currency, an "
                "integer as text; `0` when there is none; null when not requested."
            ),
            "confidential",
        ),
    ),
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
    retention="personal_data",
    schema=(
        Column(
            "ad_id",
            (
                "Ad id, an 18-digit number written as a JSON string (text: a double would lose "
                "the last digits)."
            ),
            "internal",
        ),
        Column(
            "date_start",
            (
                "The day of the row, `YYYY-MM-DD`, a day in the ad account's time zone "
                "(`time_increment=1`: equal to `date_stop`)."
            ),
            "internal",
        ),
        Column(
            "date_stop",
            "The day of the row again, `YYYY-MM-DD` (equal to `date_start`).",
            "internal",
        ),
        *_INSIGHT_COLUMNS,
        Column("ad_name", "Ad name as in Ads Manager at report time.", "public"),
        Column(
            "spend",
            (
                "Amount spent that day in the ad account's currency (units, not cents), as text "
                "with a dot decimal, e.g. `3.41`."
            ),
            "confidential",
        ),
        Column(
            "impressions", "Times the ads were on screen that day, an integer as text.", "internal"
        ),
        Column(
            "clicks",
            (
                "All clicks that day (link clicks, likes, expansions, profile clicks), an integer"
                " as text."
            ),
            "internal",
        ),
        Column(
            "unique_clicks",
            (
                "People who clicked that day, an estimate, an integer as text; null when not "
                "requested."
            ),
            "internal",
        ),
        Column(
            "inline_link_clicks",
            (
                "Clicks on links to the ad's destination that day, an integer as text; null when "
                "not requested."
            ),
            "internal",
        ),
        Column(
            "reach",
            (
                "People who saw the ads at least once that day, an estimate, an integer as text "
                "(not additive across days or ad sets)."
            ),
            "internal",
        ),
    ),
)

DATASETS = [ad_account, campaigns, adsets, ads, insights, ad_insights_daily]
