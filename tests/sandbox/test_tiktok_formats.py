"""The TikTok Studio stand-in serves the Overview export in the real zip's format (the fixture
in tests/fixtures/platforms/tiktok/) and per-video stats in the contract's sandbox layout; a
session answers for the one account it chose; both ingest with zero rejects."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.world import World

from .conftest import login

FIXTURE = next((Path(__file__).parents[1] / "fixtures" / "platforms" / "tiktok").glob("*.zip"))
NAME = re.compile(r"Overview_(\d{4}-\d{2}-\d{2})_(\d+)_(.+)\.zip")
QUOTED_ROW = re.compile(r'"[A-Z][a-z]+ \d{1,2}"(,"\d+"){5}')


def choose(http: httpx.Client, handle: str) -> None:
    login(http, "tiktok")
    response = http.post("/tiktok/account/select", data={"handle": handle})
    assert response.status_code == 303


def export(http: httpx.Client, handle: str) -> httpx.Response:
    choose(http, handle)
    response = http.get("/tiktok/tiktokstudio/analytics/export?range=365")
    assert response.status_code == 200, response.text
    return response


def member(blob: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        (info,) = archive.infolist()
        return info, archive.read(info)


def test_the_export_matches_the_real_zip(client, world: World):
    response = export(client, "bluefrog.music")
    name = response.headers["content-disposition"].split('filename="')[1].rstrip('"')
    real_name = NAME.fullmatch(FIXTURE.name)
    served_name = NAME.fullmatch(name)
    assert real_name and served_name and served_name[3] == "bluefrog.music"
    start, exported = served_name[1], int(served_name[2])
    assert start == (world.today - timedelta(days=364)).isoformat()
    assert datetime.fromtimestamp(exported, UTC).date() == world.today
    real_info, real = member(FIXTURE.read_bytes())
    info, data = member(response.content)
    assert info.filename == real_info.filename == "Overview.csv"
    assert info.compress_type == real_info.compress_type  # stored, not deflated
    assert info.date_time[:3] == world.today.timetuple()[:3]
    for blob in (real, data):
        assert blob.startswith(b"\xef\xbb\xbf") and b"\r" not in blob
        assert not blob.endswith(b"\n")  # no newline after the last row
    assert data.split(b"\n")[0] == real.split(b"\n")[0]  # header, quoting, BOM
    rows = data.decode("utf-8").split("\n")[1:]
    real_rows = real.decode("utf-8").split("\n")[1:]
    assert len(rows) == len(real_rows) == 365
    assert all(QUOTED_ROW.fullmatch(r) for r in rows + real_rows)
    days = [world.today - timedelta(days=364 - i) for i in range(365)]
    assert [r.split(",")[0] for r in rows] == [f'"{d:%B} {d.day}"' for d in days]
    assert rows[0].startswith(f'"{days[0]:%B} {days[0].day}"')
    assert any(r.startswith('"January 1"') for r in rows)  # the window crosses a new year
    account = world.tiktok_account("bluefrog.music")
    views = sum(world.tiktok_account_day(account, d).views for d in days)
    assert sum(int(r.split(",")[1].strip('"')) for r in rows) == views > 0


def test_video_stats_follow_the_contract_layout(client, world: World):
    choose(client, "novareyes.sounds")
    listing = client.get("/tiktok/tiktokstudio/api/content", params={"count": 100}).json()
    videos = world.tiktok_videos("novareyes.sounds")
    assert listing["total"] == len(videos) and len(listing["items"]) == min(100, len(videos))
    times = [item["create_time"] for item in listing["items"]]
    assert times == sorted(times, reverse=True)  # newest first
    one = client.get(f"/tiktok/tiktokstudio/api/video/{listing['items'][0]['id']}").json()
    assert set(one) == {
        "id", "create_time", "desc", "views", "likes", "comments", "shares", "duration",
        "share_url",
    }  # fmt: skip
    assert isinstance(one["id"], str) and re.fullmatch(r"\d{19}", one["id"])
    assert all(isinstance(one[k], int) for k in ("create_time", "views", "likes", "duration"))
    video = next(v for v in videos if v.id == one["id"])
    assert one["views"] == world.tiktok_video_totals(video).views


def test_a_session_answers_for_its_own_account_only(client, world: World):
    choose(client, "bluefrog.music")
    other = world.tiktok_videos("novareyes.sounds")[0]
    assert client.get(f"/tiktok/tiktokstudio/api/video/{other.id}").status_code == 404
    with httpx.Client(base_url=str(client.base_url)) as fresh:
        login(fresh, "tiktok")  # logged in, no account chosen yet
        refused = fresh.get("/tiktok/tiktokstudio/api/content")
        assert refused.status_code == 403 and refused.json()["status_code"] == 10
        assert (
            fresh.get("/tiktok/tiktokstudio/analytics")
            .headers["location"]
            .endswith("/tiktok/tiktokstudio")
        )


def test_exports_and_videos_ingest_with_zero_rejects(sandbox, client, world: World, tmp_path):
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    handle = "bluefrog.music"
    try:
        response = export(client, handle)
        name = response.headers["content-disposition"].split('filename="')[1].rstrip('"')
        meta = {"source": "tiktok", "account": handle}
        store.store(name, response.content, "zip", metadata=meta, subpath=handle)
        videos = world.tiktok_videos(handle)[-10:]
        for video in videos:
            body = client.get(f"/tiktok/tiktokstudio/api/video/{video.id}").content
            store.store(f"video_{video.id}.json", body, "json", metadata=meta, subpath=handle)
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 11
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert sum(o.rows_raw for o in summary.files) == 365 + len(videos)
