"""Mailchimp: campaign reports from the Marketing API (JSON pages).

What lands: `extract/mailchimp.py` pages through `GET https://<dc>.api.mailchimp.com/3.0/
reports?count=<n>&offset=<k>` (the sandbox in the demo) and saves each page as served, e.g.
`reports_<offset>.json`: `{"reports": [...], "total_items": N, "_links": [...]}`. No real
export was available: the layout follows Mailchimp's documentation.

One row per campaign report. The nested counters are lifted to columns under Mailchimp's own
(already unique) names: `opens` -> opens_total, unique_opens, open_rate, ...; `clicks` ->
clicks_total, unique_clicks, click_rate, ...; `bounces` -> hard_bounces, soft_bounces,
syntax_errors; `forwards` -> forwards_count, forwards_opens. Rates are fractions (0.42 =
42 %). Other nested objects (list_stats, ecommerce, delivery_status, ...) land as JSON text,
`_links` as `links`.

Path through the lake: `extract/mailchimp.py` -> `landing/mailchimp/<batch>/` ->
`raw/_source=mailchimp/_dataset=<name>/` -> `models/staging/mailchimp/`.
"""

from __future__ import annotations

import json
from typing import Any

from lake.contracts._helpers import (
    Record,
    flatten,
    load_json,
    public_keys,
    require_record,
    type_name,
)
from lake.errors import ContractError
from lake.ingest.contract import (
    Column,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "mailchimp"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Mailchimp",
    description=(
        "Mailchimp, the newsletter: campaign reports from the Marketing API (`GET /3.0/reports`),"
        " one JSON page per request, landed by `extract/mailchimp.py` and written to the raw zone"
        " by `lake ingest`, with the nested opens/clicks/bounces/forwards counters lifted to "
        "columns. The audience account a file belongs to is the landing metadata's `account`."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=8,
        error_days=15,
        why="Reports keep counting opens for weeks after a send: pulled weekly.",
    ),
)

_WHAT = "the Mailchimp reports response"
_FIX = (
    "re-run extract/mailchimp.py for this page; a 401/403 error body means the API key is "
    "wrong or revoked (set MAILCHIMP_API_KEY), a 429 that the rate limit was hit (retry later)"
)
_LIFTED = ("opens", "clicks", "bounces", "forwards")

_OPENS = ("opens_total", "unique_opens", "open_rate", "last_open")
_CLICKS = ("clicks_total", "unique_clicks", "unique_subscriber_clicks", "click_rate", "last_click")
_BOUNCES = ("hard_bounces", "soft_bounces", "syntax_errors")
_FORWARDS = ("forwards_count", "forwards_opens")


def _report_row(report: Record) -> Record:
    """Lift `opens`, `clicks`, `bounces`, `forwards` one level; keep the rest as written."""
    lifted = {k: v for k, v in report.items() if k in _LIFTED and isinstance(v, dict)}
    rest = {k: v for k, v in report.items() if k not in lifted}
    return {**public_keys(rest), **flatten(lifted, prefix=False, skip=())}


def _api_error(doc: dict[str, Any], inp: ParseInput) -> ContractError:
    detail = {k: doc.get(k) for k in ("status", "title", "detail")}
    return ContractError(
        "api_error",
        f"{inp.name}: {_WHAT} is an API error: {json.dumps(detail)}",
        _FIX,
        {"file": inp.name},
    )


def parse_reports(inp: ParseInput) -> list[Record] | None:
    """One row per element of `reports[]`; None for JSON that is not a reports page."""
    doc = load_json(inp, what=_WHAT, fix=_FIX)
    if not isinstance(doc, dict):
        return None
    if "reports" not in doc:
        if "detail" in doc and "status" in doc:
            raise _api_error(doc, inp)
        return None
    reports = doc["reports"]
    if not isinstance(reports, list):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: 'reports' should be an array, found {type_name(reports)}",
            _FIX,
            {"file": inp.name},
        )
    return [
        _report_row(require_record(r, inp, i, what=_WHAT, fix=_FIX)) for i, r in enumerate(reports)
    ]


reports = Dataset(
    source=SOURCE,
    name="reports",
    description=(
        "One row per sent campaign (`GET /3.0/reports`): id, campaign_title, type, list, "
        "subject, emails_sent, unsubscribed, abuse_reports, send_time (ISO 8601 with offset), "
        "the opens/clicks/bounces/forwards counters lifted to columns (rates are fractions), "
        "other nested objects as JSON text. A page repeats reports already landed: staging "
        "keeps the latest per id."
    ),
    pattern="*.json",
    format=Hook(parse_reports),
    layouts=(
        Layout(
            "reports_v3",
            required=("id", "emails_sent", "send_time"),
            optional=(
                "campaign_title",
                "type",
                "list_id",
                "list_is_active",
                "list_name",
                "subject_line",
                "preview_text",
                "abuse_reports",
                "unsubscribed",
                *_BOUNCES,
                *_FORWARDS,
                *_OPENS,
                *_CLICKS,
                "proxy_excluded_opens",
                "proxy_excluded_unique_opens",
                "proxy_excluded_open_rate",
                "facebook_likes",
                "industry_stats",
                "list_stats",
                "ab_split",
                "timewarp",
                "timeseries",
                "share_report",
                "ecommerce",
                "delivery_status",
                "links",
            ),
        ),
    ),
    types={
        "emails_sent": "bigint",
        "abuse_reports": "bigint",
        "unsubscribed": "bigint",
        "send_time": "timestamp:%Y-%m-%dT%H:%M:%S%z",
        **dict.fromkeys(
            (*_BOUNCES, *_FORWARDS, "opens_total", "unique_opens", "proxy_excluded_opens"),
            "bigint",
        ),
        **dict.fromkeys(("clicks_total", "unique_clicks", "unique_subscriber_clicks"), "bigint"),
        **dict.fromkeys(("open_rate", "click_rate", "proxy_excluded_open_rate"), "double"),
    },
    primary_key=("id",),
    # No personal data: the reports API gives counts per campaign, never a subscriber's
    # address or name (those are in the members API, which is not extracted).
    schema=(
        Column("id", "Mailchimp campaign id, 10 hex characters (e.g. `64812438af`).", "internal"),
        Column("emails_sent", "E-mails sent, an integer as text.", "internal"),
        Column(
            "send_time",
            ("When the campaign was sent, ISO 8601 with an offset (`2024-12-10T16:15:00+00:00`)."),
            "internal",
        ),
        Column(
            "campaign_title",
            "The campaign's internal title in Mailchimp (not the subject line).",
            "public",
        ),
        Column(
            "type",
            "Campaign type: `regular`, `plaintext`, `absplit`, `rss` or `variate`.",
            "internal",
        ),
        Column(
            "list_id",
            "Id of the audience (list) the campaign went to, 10 hex characters.",
            "internal",
        ),
        Column(
            "list_is_active", "`true` or `false`: whether that audience still exists.", "internal"
        ),
        Column("list_name", "Name of the audience.", "public"),
        Column("subject_line", "The e-mail's subject line.", "public"),
        Column(
            "preview_text",
            "The e-mail's preview text (shown after the subject in inboxes).",
            "public",
        ),
        Column("abuse_reports", "Spam complaints, an integer as text.", "internal"),
        Column(
            "unsubscribed",
            "Recipients who unsubscribed through the campaign, an integer as text.",
            "internal",
        ),
        Column(
            "hard_bounces",
            "Permanent delivery failures (`bounces.hard_bounces`), integer text.",
            "internal",
        ),
        Column(
            "soft_bounces",
            "Temporary delivery failures (`bounces.soft_bounces`), integer text.",
            "internal",
        ),
        Column(
            "syntax_errors",
            "Addresses rejected as malformed (`bounces.syntax_errors`), integer text.",
            "internal",
        ),
        Column(
            "forwards_count",
            "Times the campaign was forwarded (`forwards.forwards_count`), integer text.",
            "internal",
        ),
        Column(
            "forwards_opens",
            "Opens of forwarded copies (`forwards.forwards_opens`), integer text.",
            "internal",
        ),
        Column(
            "opens_total",
            "Opens, repeated opens included (`opens.opens_total`), integer text.",
            "internal",
        ),
        Column(
            "unique_opens",
            "Recipients who opened (`opens.unique_opens`), integer text.",
            "internal",
        ),
        Column(
            "open_rate",
            (
                "Unique opens per delivered e-mail as a fraction with full float precision "
                "(`0.4087530966143683` = 40.9 %)."
            ),
            "internal",
        ),
        Column("last_open", "Time of the last open, ISO 8601 with an offset.", "internal"),
        Column(
            "clicks_total",
            "Link clicks, repeated clicks included (`clicks.clicks_total`), integer text.",
            "internal",
        ),
        Column(
            "unique_clicks",
            "Unique link clicks (each link counted once per recipient), integer text.",
            "internal",
        ),
        Column(
            "unique_subscriber_clicks",
            "Recipients who clicked at least one link, integer text.",
            "internal",
        ),
        Column(
            "click_rate",
            "Recipients who clicked per delivered e-mail, a fraction (`0.1015` = 10.2 %).",
            "internal",
        ),
        Column("last_click", "Time of the last click, ISO 8601 with an offset.", "internal"),
        Column(
            "proxy_excluded_opens",
            (
                "Opens without machine opens (Apple Mail Privacy Protection and other proxies), "
                "integer text; null when Mailchimp does not report it."
            ),
            "internal",
        ),
        Column(
            "proxy_excluded_unique_opens",
            "Unique opens without machine opens, integer text.",
            "internal",
        ),
        Column(
            "proxy_excluded_open_rate", "Open rate without machine opens, a fraction.", "internal"
        ),
        Column(
            "facebook_likes",
            (
                "Facebook likes of the campaign as JSON text (`recipient_likes`, `unique_likes`, "
                "`facebook_likes`)."
            ),
            "internal",
        ),
        Column(
            "industry_stats",
            (
                "Benchmarks of the account's industry as JSON text (`type`, `open_rate`, "
                "`click_rate`, `bounce_rate`, ... as fractions); null when not sent."
            ),
            "internal",
        ),
        Column(
            "list_stats",
            (
                "Averages of the audience at report time as JSON text (`sub_rate`, `unsub_rate`, "
                "`open_rate`, `click_rate`), its rates in percent (`40.9`), unlike the fractions "
                "above."
            ),
            "internal",
        ),
        Column(
            "ab_split",
            (
                "A/B split results per variant (`a`, `b`) as JSON text; only for `absplit` "
                "campaigns."
            ),
            "internal",
        ),
        Column(
            "timewarp",
            "Per-time-zone sends as JSON array text; only for Timewarp campaigns.",
            "internal",
        ),
        Column(
            "timeseries",
            (
                "Hourly `emails_sent`, `unique_opens` and `recipients_clicks` of the first 24 "
                "hours as JSON array text; null when not sent."
            ),
            "internal",
        ),
        Column(
            "share_report",
            ("The public share link of the report (`share_url`, `share_password`) as JSON text."),
            "confidential",
        ),
        Column(
            "ecommerce",
            (
                "E-commerce totals (`total_orders`, `total_spent`, `total_revenue`, "
                "`currency_code`) as JSON text, when a store is connected."
            ),
            "confidential",
        ),
        Column(
            "delivery_status",
            (
                "Delivery progress as JSON text (`enabled`, and while sending `status`, "
                "`emails_sent`, ...)."
            ),
            "internal",
        ),
        Column(
            "links",
            (
                "The report's `_links` (API links to related resources, each `rel`, `href`, "
                "`method`) as JSON array text."
            ),
            "internal",
        ),
    ),
)

DATASETS = [reports]
