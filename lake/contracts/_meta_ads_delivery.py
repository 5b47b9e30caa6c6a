"""Meta Ads: the ad sets and ads datasets (see `meta_ads.py`)."""

from __future__ import annotations

from lake.contracts._meta_ads_common import (
    ACCOUNT_ID,
    COMMON_TIMES,
    SOURCE,
    TIMESTAMP,
    endpoint_pattern,
    records_hook,
)
from lake.ingest.contract import (
    Column,
    Dataset,
    Hook,
    Layout,
)

adsets = Dataset(
    source=SOURCE,
    name="adsets",
    description=(
        "Ad sets (`/adsets`): id and campaign_id (18-digit strings), status, daily or "
        "lifetime budget in cents (strings; the other is '0' or absent), bid strategy, "
        "optimization goal, pacing, and the nested `targeting` kept as JSON text."
    ),
    pattern=endpoint_pattern("adsets"),
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
                *COMMON_TIMES,
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
        **dict.fromkeys((*COMMON_TIMES, "end_time"), TIMESTAMP),
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
        ACCOUNT_ID,
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
    pattern=endpoint_pattern("ads"),
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
        "created_time": TIMESTAMP,
        "updated_time": TIMESTAMP,
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
        ACCOUNT_ID,
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
