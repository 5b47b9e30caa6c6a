"""The YouTube stand-in serves the documented formats (no real export exists; the layouts are in
`/work/shared/fixtures/README.md` and the contract's sample files): Studio's Table data.csv
(header, LF, no BOM, minimal quoting, the Total row first, `Jun 14, 2024` dates) and Analytics
API result tables, in Google's error shape; both ingest with zero rejects."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import TODAY, login

SAMPLE = Path(__file__).parents[1] / "contracts" / "data" / "youtube"
BEARER = {"Authorization": "Bearer sandbox-youtube-token"}
METRICS = "views,estimatedMinutesWatched,subscribersGained,videoThumbnailImpressions"
START, END = TODAY - timedelta(days=28), TODAY - timedelta(days=1)
PUBLISHED = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}")


def report(client: httpx.Client, **params: str) -> httpx.Response:
    query = {
        "ids": "channel==MINE",
        "startDate": START.isoformat(),
        "endDate": END.isoformat(),
        "metrics": METRICS,
        **params,
    }
    return client.get("/youtube/v2/reports", params=query, headers=BEARER)


def table_csv(client: httpx.Client, world: World) -> httpx.Response:
    assert login(client, "youtube").status_code == 303
    channel = world.youtube_channel.id
    return client.get(
        f"/youtube/channel/{channel}/analytics/export.csv",
        params={"start": START.isoformat(), "end": END.isoformat()},
    )


def test_table_data_has_the_documented_layout(client: httpx.Client, world: World) -> None:
    download = table_csv(client, world)
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="Table data.csv"'
    body = download.content
    sample = (SAMPLE / "Table data.csv").read_bytes()
    assert body.split(b"\n", 1)[0] == sample.split(b"\n", 1)[0]  # header: names and order
    assert not body.startswith(b"\xef\xbb\xbf") and b"\r" not in body and body.endswith(b"\n")
    rows = list(csv.reader(io.StringIO(body.decode())))[1:]
    assert rows[0][:3] == ["Total", "", ""]
    videos = rows[1:]
    views = [int(r[3]) for r in videos]
    assert views == sorted(views, reverse=True) and all(views)
    assert int(rows[0][3]) == sum(views)
    assert sum(int(r[6]) for r in videos) == int(rows[0][6])
    by_id = {v.id: v for v in world.youtube_videos}
    for row in videos:
        video = by_id[row[0]]
        assert row[1] == video.title and PUBLISHED.fullmatch(row[2])
        assert datetime.strptime(row[2], "%b %d, %Y").date() == video.published_at.date()
        assert not row[4].endswith("0") or "." not in row[4]  # no trailing zeros
        assert 0 < float(row[7]) < 100  # a percentage
    quoted = [line for line in body.decode().splitlines() if '"' in line]
    assert all(re.search(r'"[^"]*,[^"]*"', line) for line in quoted)  # only when needed
    expected = sum(
        world.youtube_video_day(v, d).views
        for v in world.youtube_videos
        for d in world.days(START, END)
    )
    assert int(rows[0][3]) == expected


def test_studio_export_needs_a_login(client: httpx.Client, world: World) -> None:
    channel = world.youtube_channel.id
    page = client.get(f"/youtube/channel/{channel}/analytics")
    assert page.status_code == 302 and "/youtube/login" in page.headers["location"]
    assert login(client, "youtube").status_code == 303
    page = client.get(f"/youtube/channel/{channel}/analytics")
    assert page.status_code == 200 and 'id="analytics-export"' in page.text
    changed = client.get(
        f"/youtube/channel/{channel}/analytics", params={"_fault": "layout_change"}
    )
    assert 'id="export-table"' in changed.text and 'id="analytics-export"' not in changed.text


def test_reports_are_result_tables(client: httpx.Client, world: World) -> None:
    sample = (SAMPLE / "analytics_report_daily.json").read_text()
    daily = report(client, dimensions="day", sort="day")
    assert daily.status_code == 200
    body = daily.json()
    assert set(body) == {"kind", "columnHeaders", "rows"} and '"kind"' in sample
    assert body["kind"] == "youtubeAnalytics#resultTable"
    assert [h["name"] for h in body["columnHeaders"]] == ["day", *METRICS.split(",")]
    assert all(set(h) == {"name", "columnType", "dataType"} for h in body["columnHeaders"])
    assert [r[0] for r in body["rows"]] == [d.isoformat() for d in world.days(START, END)]
    assert all(isinstance(v, int) for r in body["rows"] for v in r[1:])
    views = sum(r[1] for r in body["rows"])
    videos = report(client, dimensions="video", sort="-views", maxResults="200").json()["rows"]
    countries = report(client, dimensions="country", sort="-views").json()["rows"]
    assert sum(r[1] for r in videos) == sum(r[1] for r in countries) == views
    assert {r[0] for r in videos} <= {v.id for v in world.youtube_videos}
    assert {len(r[0]) for r in countries} == {2}
    months = report(
        client, dimensions="month", startDate="2026-10-01", endDate="2026-11-30"
    ).json()["rows"]
    assert [r[0] for r in months] == ["2026-10", "2026-11"]


def test_errors_are_google_errors(client: httpx.Client) -> None:
    no_token = client.get("/youtube/v2/reports", params={"ids": "channel==MINE"})
    assert no_token.status_code == 401
    error = no_token.json()["error"]
    assert (error["code"], error["status"]) == (401, "UNAUTHENTICATED")
    assert error["errors"][0]["reason"] == "authError"
    month = report(client, dimensions="month")  # not whole months
    assert month.status_code == 400 and month.json()["error"]["status"] == "INVALID_ARGUMENT"
    video = report(client, dimensions="video")  # no sort / maxResults
    assert video.status_code == 400
    other = report(client, dimensions="day", ids="channel==UCnotmine")
    assert other.status_code == 403 and other.json()["error"]["errors"][0]["reason"] == "forbidden"
    failing = report(client, dimensions="day", _fault="server_error")
    assert failing.status_code == 500 and failing.json()["error"]["status"] == "INTERNAL"


def test_files_ingest_with_zero_rejects(
    sandbox: Sandbox, client: httpx.Client, world: World, tmp_path: Path
) -> None:
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    meta = {"source": "youtube", "account": world.youtube_channel.id}
    try:
        for name, params in {
            "channel_daily": {"dimensions": "day"},
            "video_totals": {"dimensions": "video", "sort": "-views", "maxResults": "200"},
            "country_totals": {"dimensions": "country"},
            "channel_monthly": {
                "dimensions": "month", "startDate": "2026-10-01", "endDate": "2026-11-30"
            },
        }.items():  # fmt: skip
            store.store(f"{name}.json", report(client, **params).content, "json", metadata=meta)
        store.store("Table data.csv", table_csv(client, world).content, "csv", metadata=meta)
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 5
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert all(out.rescued_columns == [] for o in summary.files for out in o.outputs)
    layouts = sorted(out.layout for o in summary.files for out in o.outputs)
    assert layouts == ["by_country", "by_day", "by_month", "by_video", "studio_v1"]
