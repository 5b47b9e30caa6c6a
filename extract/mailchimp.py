"""Mailchimp: campaign reports from the Marketing API, landed page by page as served.

What lands: `landing/mailchimp/<minute>/<account>/reports_<offset>.json`, each the unchanged
body of `GET {base}/3.0/reports?count=<n>&offset=<k>&since_send_time=<start>&
before_send_time=<end>`: `{"reports": [...], "total_items": N, "_links": [...]}`. Parsing is
ingest's job (`lake/contracts/mailchimp.py`).

How the real site is reached: `https://<dc>.api.mailchimp.com`, where `<dc>` is the suffix of
the API key (`...-us21` -> `us21`), with HTTP Basic auth (any user name, the key as password).

| variable | what |
|---|---|
| `LAKE_MAILCHIMP_TOKEN` | the API key (required), e.g. `0123...abcd-us21` |
| `LAKE_MAILCHIMP_BASE_URL` | another base (the sandbox: `http://127.0.0.1:<port>/mailchimp`) |
| `LAKE_MAILCHIMP_ACCOUNTS` | names of several Mailchimp accounts (default: one, "default") |
| `LAKE_MAILCHIMP__<ACCOUNT>_TOKEN` | that account's own key |
| `LAKE_MAILCHIMP_PAGE_SIZE` | reports per page (default 100, at most 1000) |

Incremental by send time: a run asks for campaigns sent in its window (from the last fetched
day minus 14 days of overlap, because opens and clicks keep arriving for about two weeks
after a send, to yesterday; `--since` overrides). The first page is landed even when it is
empty: that is what the source said. The newest send time seen is kept in the state.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from extract._base import ConfigError, ExtractContext, Extractor
from extract._config import Credentials
from extract._http import basic_auth

SOURCE = "mailchimp"
VERSION = "1.0.0"
PAGE_SIZE = 100
REPORTS_PATH = "/3.0/reports"
OVERLAP_DAYS = 14


def api_base_url(credentials: Credentials) -> str:
    """`https://<dc>.api.mailchimp.com` from the key's `-<dc>` suffix."""
    key = credentials.token.reveal() if credentials.token else ""
    _, dash, dc = key.rpartition("-")
    if not dash or not dc.isalnum():
        raise ConfigError(
            "the Mailchimp API key does not end with its data centre (like '-us21')",
            "copy the whole key from Mailchimp (Account > Extras > API keys) into "
            "LAKE_MAILCHIMP_TOKEN, or set LAKE_MAILCHIMP_BASE_URL",
        )
    return f"https://{dc}.api.mailchimp.com"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def reports(ctx: ExtractContext) -> int:
    """Land every page of campaign reports sent in the window; return the reports seen."""
    assert ctx.credentials.token is not None  # EXTRACTOR.requires checked it
    start = datetime.combine(ctx.window.start, time(), UTC)
    end = datetime.combine(ctx.window.end + timedelta(days=1), time(), UTC)
    params = {"since_send_time": _iso(start), "before_send_time": _iso(end)}
    seen, newest = 0, ctx.previous_cursor.get("newest_send_time")
    page_size = int(ctx.setting("PAGE_SIZE") or PAGE_SIZE)
    async with ctx.http(auth=basic_auth("lake", ctx.credentials.token)) as client:
        async for page in client.offset_pages(
            REPORTS_PATH, page_size=page_size, items_key="reports", params=params
        ):
            await ctx.land(
                f"reports_{page.offset}.json", page.content, "json", url=page.url, dataset="reports"
            )
            for report in page.data["reports"]:
                sent = report.get("send_time") if isinstance(report, dict) else None
                if isinstance(sent, str) and sent and (newest is None or sent > newest):
                    newest = sent
            seen += len(page.data["reports"])
    ctx.cursor["newest_send_time"] = newest
    ctx.log.info("reports_fetched", reports=seen, since=params["since_send_time"])
    return seen


async def extract(ctx: ExtractContext) -> None:
    await reports(ctx)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="http",
    version=VERSION,
    run=extract,
    default_base_url=api_base_url,
    description="Campaign reports (GET /3.0/reports), one JSON file per page",
    requires=("token",),
    overlap_days=OVERLAP_DAYS,
    first_run_days=730,
)
