"""The TooLost stand-in: the analytics API answers in exactly the real responses' shapes
(compared with the real files programmatically), the portal token, the date range, the sales
statements in the layout of the `toolost.sales` contract, and everything ingests with zero
rejects."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.contracts.toolost import SALES_COLUMNS
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.platforms.toolost import FEE, sales_rows, statement_months
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import login

FIXTURES = Path(__file__).parents[1] / "fixtures" / "platforms" / "toolost"
SPOTIFY = FIXTURES / "toolost_spotify_20250526_141126.json"
APPLE = FIXTURES / "toolost_apple_20250526_141126.json"
API = "/toolost/api/v1/analytics"


@pytest.fixture
def portal(client: httpx.Client) -> httpx.Client:
    assert login(client, "toolost").status_code == 303
    token = client.post("/toolost/api/auth/token")
    assert token.status_code == 200 and token.json()["expiresIn"] == 7 * 24 * 3600
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    return client


def window(world: World, days: int) -> dict[str, str]:
    return {
        "startDate": (world.last_day - timedelta(days=days - 1)).isoformat(),
        "endDate": world.last_day.isoformat(),
    }


def shape(value: object) -> object:
    """The JSON skeleton: keys in order and value types, the first element of arrays."""
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_spotify_response_has_the_real_shape_and_serialisation(portal: httpx.Client, world):
    got = portal.get(f"{API}/spotify", params=window(world, 400))
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    real = json.loads(SPOTIFY.read_bytes())
    ours = json.loads(got.content)
    assert shape(ours) == shape(real)  # streams as strings, discovery with fees
    # written like the real file: indent 2, no trailing newline
    assert got.content == json.dumps(ours, indent=2).encode()
    assert SPOTIFY.read_bytes() == json.dumps(real, indent=2).encode()
    dates = [row["date"] for row in ours["streams"]]
    assert dates != sorted(dates) and len(set(dates)) == len(dates)  # unordered, like the real
    assert all(row["streams"].isdigit() for row in ours["streams"])
    assert all(re.fullmatch(r"\d+\.\d{8}", d["fees"]) for d in ours["discovery"])
    assert all(d["date"].endswith("-01") and d["streams"].isdigit() for d in ours["discovery"])
    by_day = {row["date"]: int(row["streams"]) for row in ours["streams"]}
    for day in world.days(world.last_day - timedelta(days=399)):
        assert by_day.get(day.isoformat(), 0) == world.toolost_day(day).spotify_streams


def test_apple_response_has_the_real_shape(portal: httpx.Client, world: World):
    got = portal.get(f"{API}/apple", params=window(world, 120))
    real, ours = json.loads(APPLE.read_bytes()), json.loads(got.content)
    assert shape(ours) == shape(real)  # integer streams, string Shazams, ISRC-keyed tracks
    assert got.content == json.dumps(ours, indent=2).encode()
    days = world.days(world.last_day - timedelta(days=119))
    totals = {row["date"]: row["streams"] for row in ours["totalStreams"]}
    assert totals == {
        d.isoformat(): world.toolost_day(d).apple_streams
        for d in days
        if world.toolost_day(d).apple_streams
    }
    shazam = {row["date"]: row["streams"] for row in ours["totalShazam"]}
    assert all(isinstance(v, str) and v.isdigit() for v in shazam.values())
    assert sum(map(int, shazam.values())) == sum(world.toolost_day(d).shazams for d in days)
    stream_total = ours["streamTotal"]
    assert stream_total == sum(totals.values()) > 0
    assert sum(t["streams"] for t in ours["tracksTotal"]) == stream_total
    assert sum(c["streams"] for c in ours["countryTotal"]) == stream_total
    isrcs = {t["isrc"] for t in ours["tracksTotal"]}
    assert world.isrc_on(world.hyphenated_isrc_track, "toolost") in isrcs  # the mismatch
    assert all(re.fullmatch(r"[A-Z]{2}", c["country"]) for c in ours["countryTotal"])


def test_the_api_answers_only_the_asked_range(portal: httpx.Client, world: World):
    asked = {"startDate": "2026-11-10", "endDate": "2026-11-14"}
    spotify = portal.get(f"{API}/spotify", params=asked).json()
    assert sorted(r["date"] for r in spotify["streams"]) == [f"2026-11-{d}" for d in range(10, 15)]
    assert spotify["discovery"] == []  # no month ended in that range
    month = portal.get(f"{API}/spotify", params={**asked, "startDate": "2026-10-30"}).json()
    assert [d["date"] for d in month["discovery"]] == ["2026-10-01"]
    streams, fees = world.toolost_discovery(date(2026, 10, 1))
    assert month["discovery"][0] == {
        "date": "2026-10-01",
        "streams": str(streams),
        "fees": f"{fees}",
    }
    bad = portal.get(f"{API}/apple", params={"startDate": "2026-11-14", "endDate": "2026-11-10"})
    assert bad.status_code == 400 and bad.json()["statusCode"] == 400


def test_the_api_needs_a_portal_token(client: httpx.Client, sandbox: Sandbox):
    refused = client.get(f"{API}/spotify")
    assert refused.status_code == 401 and set(refused.json()) == {"statusCode", "error", "message"}
    assert client.post("/toolost/api/auth/token").status_code == 401  # no browser session
    assert login(client, "toolost").status_code == 303
    token = client.post("/toolost/api/auth/token").json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/spotify", headers=auth).status_code == 200
    sandbox.admin.set_fault("toolost", "expire_session")
    assert client.get(f"{API}/spotify", headers=auth).status_code == 401  # the token lapsed
    assert client.get("/toolost/royalties").status_code == 302  # and the session with it


def test_analytics_page_fetches_the_api_for_its_range(portal: httpx.Client):
    page = portal.get("/toolost/analytics/apple?startDate=2026-11-01&endDate=2026-11-20")
    assert page.status_code == 200
    assert '"/toolost/api/v1/analytics/apple?startDate=2026-11-01\\u0026endDate=2026-11-20"' in (
        page.text
    )
    assert "localStorage" in page.text and 'id="analytics-status"' in page.text


def test_sales_statements_in_the_contract_layout(portal: httpx.Client, world: World):
    page = portal.get("/toolost/royalties").text
    months = re.findall(r'class="statement-download" data-month="(\d{4}-\d{2})"', page)
    assert months == [m.strftime("%Y-%m") for m in statement_months(world)]
    assert months[-1] == "2026-10"  # published on 2026-11-15, before today (2026-11-23)
    got = portal.get(f"/toolost/royalties/{months[-1]}/download")
    assert got.status_code == 200
    assert 'filename="toolost_sales_2026-10.csv"' in got.headers["content-disposition"]
    data = got.content
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    lines = data.decode("utf-8").split("\r\n")[:-1]
    assert "\n" not in "".join(lines)
    assert lines[0].split(",") == list(SALES_COLUMNS)
    rows = [dict(zip(SALES_COLUMNS, line.split(","), strict=True)) for line in lines[1:]]
    assert len(rows) == len(sales_rows(world, date(2026, 10, 1))) > 500
    assert {r["Reporting Month"] for r in rows} == {"2026-10"}
    assert {r["Sale Month"] for r in rows} == {"2026-07", "2026-08", "2026-09"}
    assert {r["Currency"] for r in rows} == {"EUR", "USD"}
    for row in rows:
        gross, net = Decimal(row["Gross Earnings"]), Decimal(row["Net Earnings"])
        assert re.fullmatch(r"\d+\.\d{8}", row["Gross Earnings"])
        assert net == (gross * (1 - FEE)).quantize(Decimal("0.00000001"), ROUND_HALF_UP)
        assert row["Quantity"].isdigit() and len(row["UPC"]) == 12
    assert world.isrc_on(world.hyphenated_isrc_track, "toolost") in {r["ISRC"] for r in rows}
    spotify = sum(int(r["Quantity"]) for r in rows if r["Store"] == "Spotify")
    tracks = world.tracks_distributed_by("toolost")
    assert spotify == sum(world.monthly_streams(t, date(2026, 8, 1)) for t in tracks)
    assert portal.get("/toolost/royalties/2026-11/download").status_code == 404  # not yet


def test_layout_change_renames_the_statement_links(sandbox: Sandbox, portal: httpx.Client):
    sandbox.admin.set_fault("toolost", "layout_change", times=None)
    page = portal.get("/toolost/royalties").text
    assert "statement-download" not in page and 'class="report-link"' in page


def test_served_files_ingest_with_zero_rejects(
    portal: httpx.Client, world: World, tmp_path: Path
) -> None:
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    asked = window(world, 730)
    served = {
        "toolost_spotify_20261123_120000.json": portal.get(f"{API}/spotify", params=asked),
        "toolost_apple_20261123_120000.json": portal.get(f"{API}/apple", params=asked),
        "toolost_sales_2026-10.csv": portal.get("/toolost/royalties/2026-10/download"),
    }
    try:
        for name, response in served.items():
            assert response.status_code == 200, name
            kind = name.rsplit(".", 1)[1]
            store.store(name, response.content, kind, metadata={"source": "toolost"})
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 3
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert all(out.rescued_columns == [] for o in summary.files for out in o.outputs)
    rows: Counter[str] = Counter()
    for outcome in summary.files:
        for out in outcome.outputs:
            rows[out.dataset] += out.rows_raw
    spotify = json.loads(served["toolost_spotify_20261123_120000.json"].content)
    apple = json.loads(served["toolost_apple_20261123_120000.json"].content)
    assert rows["spotify_streams"] == len(spotify["streams"]) > 600
    assert rows["spotify_discovery"] == len(spotify["discovery"]) > 12
    assert rows["apple_streams"] == len(apple["totalStreams"])
    assert rows["apple_shazam"] == len(apple["totalShazam"])
    assert rows["apple_tracks"] == len(world.tracks_distributed_by("toolost"))
    assert rows["apple_summary"] == 1
    assert rows["sales"] == len(sales_rows(world, date(2026, 10, 1)))
