"""The Mailchimp stand-in: paging, filters, errors, and pages that ingest with zero rejects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import MAILCHIMP_KEY, TODAY

REPORTS = "/mailchimp/3.0/reports"


def pages(http: httpx.Client, count: int, **params: str) -> list[httpx.Response]:
    """Every page of the reports, the way an extractor walks them."""
    out, offset = [], 0
    while True:
        page = http.get(
            REPORTS, params={"count": count, "offset": offset, **params}, auth=MAILCHIMP_KEY
        )
        assert page.status_code == 200, page.text
        out.append(page)
        offset += count
        if offset >= page.json()["total_items"]:
            return out


def test_pages_concatenate_to_every_campaign_once(client: httpx.Client, world: World) -> None:
    walked = pages(client, count=7)
    ids = [r["id"] for p in walked for r in p.json()["reports"]]
    expected = [c.id for c in world.mailchimp_campaigns]
    assert len(walked) == -(-len(expected) // 7)
    assert ids == expected and len(set(ids)) == len(ids) >= 22
    assert {p.json()["total_items"] for p in walked} == {len(expected)}


def test_report_shape(client: httpx.Client) -> None:
    page = client.get(REPORTS, auth=MAILCHIMP_KEY)
    assert page.headers["content-type"].startswith("application/json")
    body = page.json()
    assert len(body["reports"]) == 10  # the default count
    report = body["reports"][0]
    assert report["send_time"].endswith("+00:00")
    datetime.fromisoformat(report["send_time"])
    assert set(report["bounces"]) == {"hard_bounces", "soft_bounces", "syntax_errors"}
    assert {"opens_total", "unique_opens", "open_rate", "last_open"} <= set(report["opens"])
    assert {"clicks_total", "unique_clicks", "unique_subscriber_clicks", "click_rate"} <= set(
        report["clicks"]
    )
    assert 0 < report["opens"]["open_rate"] < 1 and 1 < report["list_stats"]["open_rate"] < 100
    assert body["_links"][1]["rel"] == "self"
    one = client.get(f"{REPORTS}/{report['id']}", auth=MAILCHIMP_KEY).json()
    assert one == report


def test_only_campaigns_sent_before_today(client: httpx.Client, world: World) -> None:
    reports = client.get(REPORTS, params={"count": 1000}, auth=MAILCHIMP_KEY).json()["reports"]
    sent = [datetime.fromisoformat(r["send_time"]) for r in reports]
    assert max(sent) < datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    assert len(reports) == len(world.mailchimp_campaigns)


def test_since_send_time_keeps_later_campaigns(client: httpx.Client, world: World) -> None:
    cutoff = world.mailchimp_campaigns[-4].send_time
    page = client.get(
        REPORTS, params={"since_send_time": cutoff.isoformat()}, auth=MAILCHIMP_KEY
    ).json()
    assert [r["id"] for r in page["reports"]] == [c.id for c in world.mailchimp_campaigns[-3:]]
    assert page["total_items"] == 3


def test_errors_are_problem_json(client: httpx.Client) -> None:
    too_many = client.get(REPORTS, params={"count": 1001}, auth=MAILCHIMP_KEY)
    assert too_many.status_code == 400
    assert too_many.headers["content-type"].startswith("application/problem+json")
    assert set(too_many.json()) == {"type", "title", "status", "detail", "instance"}
    bad_time = client.get(REPORTS, params={"since_send_time": "soon"}, auth=MAILCHIMP_KEY)
    assert bad_time.status_code == 400 and "soon" in bad_time.json()["detail"]
    missing = client.get(f"{REPORTS}/nope", auth=MAILCHIMP_KEY)
    assert (missing.status_code, missing.json()["title"]) == (404, "Resource Not Found")
    no_key = client.get(REPORTS)
    assert no_key.status_code == 401 and no_key.json()["status"] == 401
    bearer = client.get(REPORTS, headers={"Authorization": "Bearer sandbox-mailchimp-token"})
    assert bearer.status_code == 401  # Mailchimp's key goes in Basic auth


def test_pages_ingest_with_zero_rejects(
    sandbox: Sandbox, client: httpx.Client, world: World, tmp_path: Path
) -> None:
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    try:
        for offset, page in enumerate(pages(client, count=10)):
            store.store(
                f"reports_{offset * 10}.json",
                page.content,
                "json",
                metadata={"source": "mailchimp", "account": world.mailchimp_account},
            )
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 3
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert all(out.rescued_columns == [] for o in summary.files for out in o.outputs)
    glob = paths.raw / "_source=mailchimp/_dataset=reports/*/*.parquet"
    rows = duckdb.sql(
        f"select id, emails_sent, open_rate, send_time from read_parquet('{glob}')"
    ).fetchall()
    assert len(rows) == len(world.mailchimp_campaigns)
    assert sorted(r[0] for r in rows) == sorted(c.id for c in world.mailchimp_campaigns)
    sent = sum(r.emails_sent for r in world.mailchimp_reports())
    assert sum(int(r[1]) for r in rows) == sent
