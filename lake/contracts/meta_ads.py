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

from lake.contracts._helpers import (
    Record,
    load_json,
    public_keys,
    records_array,
    require_record,
)
from lake.contracts._meta_ads_common import (
    ACCOUNT_ID,
    COMMON_TIMES,
    FIX,
    SOURCE,
    TIMESTAMP,
    endpoint_pattern,
    records_hook,
)
from lake.contracts._meta_ads_delivery import ads, adsets
from lake.contracts._meta_ads_insights import ad_insights_daily, insights
from lake.ingest.contract import (
    Column,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
)

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

campaigns = Dataset(
    source=SOURCE,
    name="campaigns",
    description=(
        "Ad campaigns (`/campaigns`): id (18-digit string), name, status, objective, times "
        "with -0700 offsets; budgets in cents when set at campaign level."
    ),
    pattern=endpoint_pattern("campaigns"),
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
                *COMMON_TIMES,
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
        **dict.fromkeys((*COMMON_TIMES, "stop_time"), TIMESTAMP),
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
        ACCOUNT_ID,
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


def parse_ad_account(inp: ParseInput) -> list[Record]:
    """The ad account object (`GET /act_<id>?fields=...`) as one record; an array or a
    `{"data": [...]}` page of accounts (e.g. `/me/adaccounts`) gives one record each."""
    what = "the Meta Marketing API ad account response"
    doc = load_json(inp, what=what, fix=FIX)
    if isinstance(doc, dict) and "data" not in doc and "error" not in doc:
        return [public_keys(require_record(doc, inp, 0, what=what, fix=FIX))]
    return [public_keys(record) for record in records_array(doc, inp, what=what, fix=FIX)]


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

DATASETS = [ad_account, campaigns, adsets, ads, insights, ad_insights_daily]
