"""The DistroKid stand-in serves files in the real formats: the bank-details TSV (CR-only
lines, 13 or 16 columns, 8-decimal money), the daily-stats page's amCharts scripts and the Apple
Music page's `chartData`, compared with the real exports programmatically, and all three ingest
with zero rejects."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.platforms.distrokid import BANK_COLUMNS_13, daily_streams
from lake.sandbox.server import Sandbox
from lake.sandbox.world import STORES, World

from .conftest import login

FIXTURES = Path(__file__).parents[1] / "fixtures" / "platforms" / "distrokid"
BANK = FIXTURES / "dk_bank_details_20250529_043711_sample.tsv"
STREAMS = FIXTURES / "streams_stats_20250527_102936.html"
APPLE = FIXTURES / "applemusic_stats_20250527_102936.html"
YEAR = timedelta(days=365)
MONEY = re.compile(r"-?\d+\.\d{8}")
SCRIPT = re.compile(r'<script type="text/javascript">\n.*?</script>', re.S)
POINT = re.compile(r'\{"category": "(\d{4}-\d{2}-\d{2})","column-1": (\d+)\}')
POINTS = re.compile(rf"{POINT.pattern}(,{POINT.pattern})*")


@pytest.fixture
def browser(client: httpx.Client) -> httpx.Client:
    response = login(client, "distrokid")
    assert response.status_code == 303
    return client


def tsv_lines(data: bytes) -> list[list[str]]:
    assert b"\n" not in data and data.endswith(b"\r")  # CR alone ends every line, the last too
    return [line.split("\t") for line in data.decode("utf-8").split("\r")[:-1]]


def test_bank_details_13_columns_match_the_real_export(browser: httpx.Client, world: World):
    got = browser.get("/distrokid/bank/details/download/", params={"columns": 13})
    assert got.status_code == 200
    real, ours = tsv_lines(BANK.read_bytes()), tsv_lines(got.content)
    assert ours[0] == real[0] == list(BANK_COLUMNS_13)
    assert {len(row) for row in ours} == {13}
    rows = world.distrokid_earnings()
    assert len(ours) - 1 == len(rows) > 5000
    for row in ours[1:]:
        reporting, sale_month, _store, *_, quantity, team, kind, country, withheld, money = row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", reporting) and re.fullmatch(
            r"\d{4}-\d{2}", sale_month
        )
        assert MONEY.fullmatch(money) and quantity.isdigit()
        assert (team, kind, withheld) == ("100", "Song", "0") and len(country) == 2
    assert {r[2] for r in ours[1:]} == {s.name for s in STORES}
    assert {r[2] for r in real[1:]} <= {s.name for s in STORES}  # the real store names
    assert sum(Decimal(r[12]) for r in ours[1:]) == sum(r.earnings_usd for r in rows)
    negative = [r for r in ours[1:] if r[12].startswith("-")]
    assert 0.005 < len(negative) / len(rows) < 0.05
    assert sum(1 for r in ours[1:] if r[5] == "") == sum(1 for r in rows if r.store == "Facebook")


def test_bank_details_default_is_the_16_column_layout(browser: httpx.Client, world: World):
    got = browser.get("/distrokid/bank/details/download/")
    name = re.search(r'filename="([^"]+)"', got.headers["content-disposition"]).group(1)
    assert re.fullmatch(r"dk_bank_details_\d{8}_\d{6}\.tsv", name)
    assert int(got.headers["content-length"]) == len(got.content)
    lines = tsv_lines(got.content)
    assert lines[0] == [*BANK_COLUMNS_13, "Date Inserted", "Source Type", "Recoup (USD)"]
    assert {len(row) for row in lines} == {16}
    assert {r[14] for r in lines[1:]} == {"Streaming", "Download"}
    assert all(r[13] == r[0] and r[15] == "0" for r in lines[1:])
    assert len(lines) - 1 == len(world.distrokid_earnings())


def scripts(html: str) -> dict[str, str]:
    found = {}
    for block in SCRIPT.findall(html):
        chart = re.search(r'AmCharts\.makeChart\("(\w+)"', block).group(1)
        found[chart] = block
    return found


def test_stats_page_chart_scripts_match_the_real_page(browser: httpx.Client, world: World):
    page = browser.get("/distrokid/stats/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    real, ours = scripts(STREAMS.read_text()), scripts(page.text)
    assert list(ours) == list(real) == ["trendWeekly", "trendMonthly", "trend60day", "trend365day"]
    for chart, block in ours.items():
        # the same script, line for line, apart from the points
        assert POINTS.sub("P", block) == POINTS.sub("P", real[chart]), chart
        provider = block.split('"dataProvider": [\n', 1)[1].split("\n", 1)[0]
        assert POINTS.fullmatch(provider), chart
    series = daily_streams(world)
    year = POINT.findall(ours["trend365day"])
    assert [d for d, _ in year] == [d.isoformat() for d in world.days(world.today - YEAR)]
    assert [int(v) for _, v in year] == [series[d] for d in world.days(world.today - YEAR)]
    days60 = POINT.findall(ours["trend60day"])
    assert len(days60) == 60 and days60 == year[-60:]
    weekly = POINT.findall(ours["trendWeekly"])
    monthly = POINT.findall(ours["trendMonthly"])
    total = sum(int(v) for _, v in year)
    assert sum(int(v) for _, v in weekly) == sum(int(v) for _, v in monthly) == total
    assert all(d.endswith("-01") for d, _ in monthly)


def chart_data(html: str) -> dict:
    line = next(x for x in html.splitlines() if x.startswith("var chartData = "))
    return json.loads(line.removeprefix("var chartData = ").removesuffix(";"))


def test_apple_music_page_chart_data_matches_the_real_page(browser: httpx.Client, world: World):
    page = browser.get("/distrokid/stats/applemusic/")
    real, ours = chart_data(APPLE.read_text()), chart_data(page.text)
    assert list(ours) == list(real)
    for name, series in ours.items():
        assert list(series) == list(real[name]), name  # the same keys in the same order
        assert type(series["dataProvider"]) is list
        for point in series["dataProvider"]:
            assert list(point) in (["field", "value"], ["field", "id", "value"]), name
            assert type(point["value"]) is int
        if real[name]["dataProvider"] and series["dataProvider"]:
            assert list(series["dataProvider"][0]) == list(real[name]["dataProvider"][0]), name
        assert series["total"] == sum(p["value"] for p in series["dataProvider"]), name
    assert all(re.fullmatch(r"\d{2}-\d{2}", p["field"]) for p in ours["byMonth"]["dataProvider"])
    assert all(re.fullmatch(r"\d{2}/\d{2}", p["field"]) for p in ours["byWeek"]["dataProvider"])
    days = ours["last365days"]["dataProvider"]
    assert [p["field"] for p in days] == [d.isoformat() for d in world.days(world.today - YEAR)]
    apple = daily_streams(world, "apple_music")
    assert [p["value"] for p in days] == [apple[date.fromisoformat(p["field"])] for p in days]
    total = sum(p["value"] for p in days)
    for name in ("byMonth", "byWeek", "country1year", "devices1year", "listening1year"):
        assert ours[name]["total"] == total, name
    assert ours["playlists1year"]["isEmpty"] == 1 and ours["playlists1year"]["dataProvider"] == []
    titles = [p["field"] for p in ours["tracks1year"]["dataProvider"]]
    assert len(titles) == len(set(titles)) == 10
    assert set(titles) <= {t.title for t in world.tracks_distributed_by("distrokid")}


def test_layout_change_renames_the_download_link_not_the_data(
    sandbox: Sandbox, browser: httpx.Client
):
    assert 'id="download-bank-details"' in browser.get("/distrokid/bank/details/").text
    sandbox.admin.set_fault("distrokid", "layout_change", times=None)
    changed = browser.get("/distrokid/bank/details/").text
    assert 'id="download-bank-details"' not in changed and 'id="export-earnings"' in changed
    assert 'href="/distrokid/logout"' in changed
    assert browser.get("/distrokid/bank/details/download/").status_code == 200


def test_pages_need_a_session_and_signin_leads_to_the_login(client: httpx.Client):
    for path in ("/distrokid/bank/details/", "/distrokid/stats/", "/distrokid/stats/applemusic/"):
        response = client.get(path)
        assert response.status_code == 302 and "/distrokid/login" in response.headers["location"]
    assert "/distrokid/login" in client.get("/distrokid/signin").headers["location"]


def test_served_files_ingest_with_zero_rejects(
    browser: httpx.Client, world: World, tmp_path: Path
) -> None:
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    served = {
        "dk_bank_details_20261123_120000.tsv": browser.get("/distrokid/bank/details/download/"),
        "dk_bank_details_20261123_120001.tsv": browser.get(
            "/distrokid/bank/details/download/", params={"columns": 13}
        ),
        "streams_stats_20261123_120000.html": browser.get("/distrokid/stats/"),
        "applemusic_stats_20261123_120000.html": browser.get("/distrokid/stats/applemusic/"),
    }
    try:
        for name, response in served.items():
            kind = name.rsplit(".", 1)[1]
            store.store(name, response.content, kind, metadata={"source": "distrokid"})
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 4
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert all(out.rescued_columns == [] for o in summary.files for out in o.outputs)
    rows: Counter[str] = Counter()
    for outcome in summary.files:
        for out in outcome.outputs:
            rows[out.dataset] += out.rows_raw
    assert rows["bank_details"] == 2 * len(world.distrokid_earnings())
    assert rows["apple_music_daily"] == 365
    points = POINT.findall(served["streams_stats_20261123_120000.html"].text)
    assert rows["streams_daily"] == len(points) > 400
