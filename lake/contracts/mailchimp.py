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
from lake.ingest.contract import Dataset, Hook, Layout, ParseInput

SOURCE = "mailchimp"

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
)

DATASETS = [reports]
