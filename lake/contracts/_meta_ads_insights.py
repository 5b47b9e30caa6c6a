"""Meta Ads: the lifetime and daily insights datasets (see `meta_ads.py`)."""

from __future__ import annotations

from lake.contracts._meta_ads_common import SOURCE, endpoint_pattern, records_hook
from lake.ingest.contract import (
    Column,
    Dataset,
    Hook,
    Layout,
    warn_unless,
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
    pattern=endpoint_pattern("insights"),
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
