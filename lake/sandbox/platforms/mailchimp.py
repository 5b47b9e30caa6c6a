"""Mailchimp stand-in: the Marketing API's campaign reports, plus a small logged-in dashboard.

API (HTTP Basic: any user name, the API key as password; default key
`sandbox-mailchimp-token`), under `/mailchimp`:

- `GET /3.0/ping` -> `{"health_status": "Everything's Chimpy!"}`
- `GET /3.0/reports?count=&offset=&since_send_time=` -> `{"reports": [...], "total_items": N,
  "_links": [...]}`; `count` defaults to 10, at most 1000; reports in send order (oldest
  first), only campaigns sent before the world's today; `since_send_time` (ISO 8601) keeps
  campaigns sent after it
- `GET /3.0/reports/<campaign_id>` -> one report

Errors are Mailchimp's problem JSON (`application/problem+json`): `{"type", "title",
"status", "detail", "instance"}`. Browser: `/mailchimp/` (login required) lists the reports;
`/mailchimp/reports/export.csv` downloads them as CSV (the `stall_download` fault applies).

Report fields follow Mailchimp's documented response and the lake's contract
(`lake/contracts/mailchimp.py`): rates are fractions in `opens`/`clicks` and percentages in
`list_stats`, `send_time` has a `+00:00` offset, a missing `last_open` is `""`.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template_string, request

from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import MailchimpReport

TITLE = "Mailchimp"
MAX_COUNT = 1000
DEFAULT_COUNT = 10
_ERROR_DOCS = "https://mailchimp.com/developer/marketing/docs/errors/"
_TITLES = {
    400: "Invalid Resource",
    401: "API Key Invalid",
    404: "Resource Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_DETAILS = {
    401: "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
}


def render_error(status: int, title: str, detail: str) -> Response:
    """Mailchimp's problem-JSON error."""
    body = {
        "type": _ERROR_DOCS,
        "title": _TITLES.get(status, title),
        "status": status,
        "detail": _DETAILS.get(status, detail),
        "instance": str(uuid.uuid4()),
    }
    return Response(
        json.dumps(body), status=status, mimetype="application/problem+json; charset=utf-8"
    )


def _time(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def report_json(report: MailchimpReport, api_root: str) -> dict[str, Any]:
    """One element of `reports[]`, keys in Mailchimp's order."""
    c = report.campaign
    delivered = report.emails_sent - report.hard_bounces - report.soft_bounces
    href = f"{api_root}/reports/{c.id}"
    return {
        "id": c.id,
        "campaign_title": c.title,
        "type": "regular",
        "list_id": c.list.id,
        "list_is_active": True,
        "list_name": c.list.name,
        "subject_line": c.subject_line,
        "preview_text": c.preview_text,
        "emails_sent": report.emails_sent,
        "abuse_reports": report.abuse_reports,
        "unsubscribed": report.unsubscribed,
        "send_time": _time(c.send_time),
        "bounces": {
            "hard_bounces": report.hard_bounces,
            "soft_bounces": report.soft_bounces,
            "syntax_errors": report.syntax_errors,
        },
        "forwards": {
            "forwards_count": report.forwards_count,
            "forwards_opens": report.forwards_opens,
        },
        "opens": {
            "opens_total": report.opens_total,
            "proxy_excluded_opens": round(report.opens_total * 0.6),
            "unique_opens": report.unique_opens,
            "proxy_excluded_unique_opens": round(report.unique_opens * 0.6),
            "open_rate": report.open_rate,
            "proxy_excluded_open_rate": round(report.unique_opens * 0.6) / delivered,
            "last_open": _time(report.last_open),
        },
        "clicks": {
            "clicks_total": report.clicks_total,
            "unique_clicks": report.unique_clicks,
            "unique_subscriber_clicks": report.unique_subscriber_clicks,
            "click_rate": report.click_rate,
            "last_click": _time(report.last_click),
        },
        "facebook_likes": {"recipient_likes": 0, "unique_likes": 0, "facebook_likes": 0},
        "list_stats": {
            "sub_rate": 38.0,
            "unsub_rate": round(100 * report.unsubscribed / report.emails_sent, 1),
            "open_rate": round(100 * report.open_rate, 1),
            "click_rate": round(100 * report.click_rate, 1),
        },
        "delivery_status": {"enabled": False},
        "_links": [
            {"rel": "parent", "href": f"{api_root}/reports", "method": "GET"},
            {"rel": "self", "href": href, "method": "GET"},
            {"rel": "campaign", "href": f"{api_root}/campaigns/{c.id}", "method": "GET"},
        ],
    }


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("mailchimp", __name__)
    api = ctx.token_required("basic")

    def api_root() -> str:
        return request.url_root.rstrip("/") + f"{ctx.prefix}/3.0"

    def bad_request(detail: str) -> Response:
        return ctx.error(400, "Invalid Resource", detail)

    @bp.get("/3.0/ping")
    @api
    def ping() -> Response:
        return Response(json.dumps({"health_status": "Everything's Chimpy!"}), mimetype=_JSON)

    @bp.get("/3.0/reports")
    @api
    def reports() -> Response:
        try:
            count = int(request.args.get("count", DEFAULT_COUNT))
            offset = int(request.args.get("offset", 0))
        except ValueError:
            return bad_request("count and offset must be integers")
        if not 1 <= count <= MAX_COUNT or offset < 0:
            return bad_request(f"count must be between 1 and {MAX_COUNT}; offset at least 0")
        all_reports = ctx.world.mailchimp_reports()
        since = request.args.get("since_send_time")
        if since:
            try:
                cutoff = datetime.fromisoformat(since.replace("Z", "+00:00"))
            except ValueError:
                return bad_request(f"since_send_time {since!r} is not an ISO 8601 time")
            if cutoff.tzinfo is None:
                cutoff = cutoff.replace(tzinfo=UTC)
            all_reports = [r for r in all_reports if r.campaign.send_time > cutoff]
        root = api_root()
        page = {
            "reports": [report_json(r, root) for r in all_reports[offset : offset + count]],
            "total_items": len(all_reports),
            "_links": [
                {"rel": "parent", "href": f"{root}/", "method": "GET"},
                {"rel": "self", "href": f"{root}/reports", "method": "GET"},
            ],
        }
        return Response(json.dumps(page, indent=2), mimetype=_JSON)

    @bp.get("/3.0/reports/<campaign_id>")
    @api
    def one_report(campaign_id: str) -> Response:
        for report in ctx.world.mailchimp_reports():
            if report.campaign.id == campaign_id:
                return Response(json.dumps(report_json(report, api_root())), mimetype=_JSON)
        return ctx.error(404, "Resource Not Found", "The requested resource could not be found.")

    @bp.get("/")
    @ctx.login_required
    def dashboard() -> str:
        return render_template_string(
            _DASHBOARD,
            reports=ctx.world.mailchimp_reports(),
            export_id="export-reports" if not ctx.layout_changed() else "download-csv",
            export_label="Export as CSV" if not ctx.layout_changed() else "Download CSV",
        )

    @bp.get("/reports/export.csv")
    @ctx.login_required
    def export() -> Response:
        return ctx.send_download(
            _reports_csv(ctx.world.mailchimp_reports()), "campaign_reports.csv", "text/csv"
        )

    return bp


_JSON = "application/json; charset=utf-8"

_DASHBOARD = """<!doctype html>
<html><head><meta charset="utf-8"><title>Mailchimp - Reports</title></head>
<body>
<h1>Reports</h1>
<a id="{{ export_id }}" href="reports/export.csv">{{ export_label }}</a>
<table id="reports">
<tr><th>Campaign</th><th>Sent</th><th>Recipients</th><th>Open rate</th><th>Click rate</th></tr>
{% for r in reports %}
<tr data-id="{{ r.campaign.id }}"><td>{{ r.campaign.title }}</td>
<td>{{ r.campaign.send_time.isoformat() }}</td><td>{{ r.emails_sent }}</td>
<td>{{ '%.1f' % (r.open_rate * 100) }}%</td><td>{{ '%.1f' % (r.click_rate * 100) }}%</td></tr>
{% endfor %}
</table>
</body></html>
"""


def _reports_csv(reports: list[MailchimpReport]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["Campaign ID", "Title", "Send Date", "Emails Sent", "Unique Opens", "Unique Clicks"]
    )
    for r in reports:
        writer.writerow(
            [
                r.campaign.id,
                r.campaign.title,
                _time(r.campaign.send_time),
                r.emails_sent,
                r.unique_opens,
                r.unique_clicks,
            ]
        )
    return out.getvalue().encode()
