"""TikTok contracts: the zipped Overview.csv (read by DuckDB) and per-video JSON (a hook)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from lake.contracts.tiktok import overview

from .support import FIXTURES, SANDBOX, duckdb_rows, expect_contract_error, hook, parse_input

ZIP = FIXTURES / "tiktok" / "Overview_2024-05-28_1748345895_zone.a0.zip"
VIDEO = SANDBOX / "tiktok" / "video_7372781234567890123.json"

parse_video = hook("tiktok", "video_stats")


def test_overview_zip_member_is_claimed() -> None:
    assert overview.claims(ZIP.name)
    with zipfile.ZipFile(ZIP) as archive:
        assert [m for m in archive.namelist() if overview.claims_member(m)] == ["Overview.csv"]


def test_overview_columns_and_rows(tmp_path: Path) -> None:
    header, rows = duckdb_rows(overview, ZIP, tmp_path)
    assert overview.match_layout(header) is not None
    assert set(header) == set(overview.columns)
    with zipfile.ZipFile(ZIP) as archive:
        text = archive.read("Overview.csv").decode("utf-8-sig")
    expected = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(expected) == 365
    assert rows[0]["Date"] == "May 28"  # no year: staging resolves it
    assert rows[-1] == {
        "Date": "May 27",
        "Video Views": "6279",
        "Profile Views": "60",
        "Likes": "414",
        "Comments": "41",
        "Shares": "22",
    }
    assert sum(int(r["Video Views"]) for r in rows) == 4_683_142


def test_video_file_gives_one_row() -> None:
    rows = parse_video(parse_input(VIDEO))
    assert rows == [json.loads(VIDEO.read_text())]
    assert rows[0]["id"] == "7372781234567890123"


def test_video_array_gives_one_row_per_video() -> None:
    videos = [{"id": "1", "create_time": 1, "views": 1, "likes": 0, "comments": 0, "shares": 0}]
    assert parse_video(parse_input(VIDEO, json.dumps(videos * 3).encode())) == videos * 3


def test_video_hook_ignores_other_json() -> None:
    assert parse_video(parse_input(VIDEO, b'{"account": "zone.a0", "followers": 10}')) is None


def test_broken_video_file_is_refused_with_a_hint() -> None:
    truncated = parse_input(VIDEO, VIDEO.read_bytes()[:40])
    expect_contract_error(parse_video, truncated, "unparseable", "extract/tiktok.py")
    numbers = parse_input(VIDEO, b"[1, 2]")
    expect_contract_error(parse_video, numbers, "unexpected_shape", "extract/tiktok.py")
