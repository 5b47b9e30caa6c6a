"""YouTube contracts (sandbox files in the documented layouts): Studio's Table data.csv, read
by DuckDB, and Analytics API result tables, read by a hook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from lake.contracts.youtube import table_data

from .support import (
    FIXTURES,
    SANDBOX,
    dataset,
    duckdb_rows,
    expect_contract_error,
    hook,
    parse_input,
)

TABLE = SANDBOX / "youtube" / "Table data.csv"
REPORT = SANDBOX / "youtube" / "analytics_report_daily.json"

parse_report = hook("youtube", "analytics_report")


def test_table_data_keeps_the_total_row(tmp_path: Path) -> None:
    header, rows = duckdb_rows(table_data, TABLE, tmp_path)
    layout = table_data.match_layout(header)
    assert layout is not None and set(header) == set(layout.required)
    with TABLE.open(newline="") as handle:
        assert len(rows) == len(list(csv.DictReader(handle))) == 4
    assert rows[0]["Content"] == "Total" and rows[0]["Video publish time"] is None
    assert rows[2]["Video title"] == "Bubblez, live at the lake"
    assert rows[1]["Video publish time"] == "Jun 14, 2024"


def test_report_rows_are_keyed_by_header_name() -> None:
    document = json.loads(REPORT.read_text())
    rows = parse_report(parse_input(REPORT))
    assert len(rows) == len(document["rows"]) == 3
    assert rows[0] == {
        "day": "2024-06-14",
        "views": 1203,
        "estimatedMinutesWatched": 4410,
        "averageViewDuration": 219,
        "subscribersGained": 4,
    }


def test_report_layout_follows_its_dimension() -> None:
    ds = dataset("youtube", "analytics_report")
    by_video = ds.match_layout(["video", "views", "likes"])
    assert by_video is not None and by_video.name == "by_video"
    by_day = ds.match_layout(["day", "views"])
    assert by_day is not None and by_day.name == "by_day"


def test_empty_report_has_no_rows() -> None:
    empty = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": [{"name": "day"}]}
    assert parse_report(parse_input(REPORT, json.dumps(empty).encode())) == []


def test_report_hook_ignores_other_json() -> None:
    assert parse_report(parse_input(SANDBOX / "mailchimp" / "reports_0.json")) is None
    assert parse_report(parse_input(FIXTURES / "meta_ads" / "ads.json")) is None
    assert parse_report(parse_input(REPORT, b'{"kind": "youtube#videoListResponse"}')) is None


def test_broken_report_is_refused_with_a_hint() -> None:
    document = json.loads(REPORT.read_text())
    document["rows"][1] = ["2024-06-15", 988]
    short_row = parse_input(REPORT, json.dumps(document).encode())
    err = expect_contract_error(parse_report, short_row, "unexpected_shape", "extract/youtube.py")
    assert err.where["row"] == 1
    no_headers = parse_input(REPORT, b'{"kind": "youtubeAnalytics#resultTable", "rows": [[1]]}')
    expect_contract_error(parse_report, no_headers, "unexpected_shape", "columnHeaders")
    truncated = parse_input(REPORT, REPORT.read_bytes()[:100])
    expect_contract_error(parse_report, truncated, "unparseable", "extract/youtube.py")
