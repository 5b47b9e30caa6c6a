"""TooLost contracts: the arrays of the Spotify and Apple responses, read by DuckDB, and the
scalar `streamTotal` read by a hook."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from lake.contracts.toolost import (
    SALES_COLUMNS,
    apple_countries,
    apple_shazam,
    apple_streams,
    apple_tracks,
    sales,
    spotify_discovery,
    spotify_streams,
)
from lake.ingest.contract import Dataset

from .support import FIXTURES, SANDBOX, duckdb_rows, expect_contract_error, hook, parse_input

SPOTIFY = FIXTURES / "toolost" / "toolost_spotify_20250526_141126.json"
APPLE = FIXTURES / "toolost" / "toolost_apple_20250526_141126.json"
SALES = SANDBOX / "toolost" / "toolost_sales_2025-04.csv"  # the sandbox's layout: no real sample

apple_summary = hook("toolost", "apple_summary")

ARRAYS = [
    (spotify_streams, SPOTIFY, "streams"),
    (spotify_discovery, SPOTIFY, "discovery"),
    (apple_streams, APPLE, "totalStreams"),
    (apple_shazam, APPLE, "totalShazam"),
    (apple_tracks, APPLE, "tracksTotal"),
    (apple_countries, APPLE, "countryTotal"),
]


@pytest.mark.parametrize(("ds", "path", "key"), ARRAYS, ids=lambda x: getattr(x, "name", ""))
def test_array_columns_match_the_declared_layout(
    ds: Dataset, path: Path, key: str, tmp_path: Path
) -> None:
    header, rows = duckdb_rows(ds, path, tmp_path)
    document = json.loads(path.read_text())
    assert len(rows) == len(document[key])
    layout = ds.match_layout(header)
    assert layout is not None
    assert set(header) == set(layout.columns)


def test_counts_keep_their_json_types_as_text(tmp_path: Path) -> None:
    _, spotify = duckdb_rows(spotify_streams, SPOTIFY, tmp_path)
    assert spotify[0] == {"date": "2025-05-17", "streams": "1095"}  # a JSON string
    _, apple = duckdb_rows(apple_streams, APPLE, tmp_path)
    assert apple[0] == {"date": "2025-04-06", "streams": "8"}  # a JSON integer
    _, discovery = duckdb_rows(spotify_discovery, SPOTIFY, tmp_path)
    assert discovery == [{"date": "2025-04-01", "streams": "3592", "fees": "2.93076245"}]
    _, tracks = duckdb_rows(apple_tracks, APPLE, tmp_path)
    assert tracks[0]["isrc"] == "QT2VB2509864" and tracks[0]["track"] == "ANOVUS"


def test_row_counts(tmp_path: Path) -> None:
    counts = {ds.name: len(duckdb_rows(ds, path, tmp_path)[1]) for ds, path, _ in ARRAYS}
    assert counts == {
        "spotify_streams": 107,
        "spotify_discovery": 1,
        "apple_streams": 104,
        "apple_shazam": 13,
        "apple_tracks": 9,
        "apple_countries": 45,
    }


def test_apple_summary_is_one_row_with_the_stream_total() -> None:
    expected = json.loads(APPLE.read_text())["streamTotal"]
    assert apple_summary(parse_input(APPLE)) == [{"streamTotal": expected}]
    assert expected == 2655


def test_apple_summary_ignores_the_spotify_response() -> None:
    assert apple_summary(parse_input(SPOTIFY)) is None


def test_broken_apple_response_is_refused_with_a_hint() -> None:
    truncated = parse_input(APPLE, APPLE.read_bytes()[:500])
    expect_contract_error(apple_summary, truncated, "unparseable", "extract/toolost.py")
    html = parse_input(APPLE, b"<html><body>Please log in</body></html>")
    expect_contract_error(apple_summary, html, "unparseable", "session")
    array = parse_input(APPLE, b"[]")
    expect_contract_error(apple_summary, array, "unexpected_shape", "extract/toolost.py")


# --- sales statements (CSV) ---------------------------------------------------------------------


def test_sales_csv_matches_the_declared_layout_and_types(tmp_path: Path) -> None:
    assert sales.claims(SALES.name) and not sales.claims("toolost_spotify_20250526_141126.json")
    header, rows = duckdb_rows(sales, SALES, tmp_path)
    assert tuple(header) == SALES_COLUMNS
    layout = sales.match_layout(header)
    assert layout is not None and layout.name == "v1_13_columns"
    assert len(rows) == 57
    assert {r["Reporting Month"] for r in rows} == {"2025-04"}
    assert {r["Sale Month"] for r in rows} == {"2025-02", "2025-03"}
    assert {r["Currency"] for r in rows} == {"EUR", "USD"}
    gross = sum(Decimal(r["Gross Earnings"]) for r in rows)
    net = sum(Decimal(r["Net Earnings"]) for r in rows)
    assert Decimal("0") < net < gross
    assert all(len(r["Gross Earnings"].split(".")[1]) == 8 for r in rows)
    assert all(len(r["UPC"]) == 12 and r["UPC"].isdigit() for r in rows)


def test_sales_csv_quoting_keeps_commas_and_quotes_in_titles(tmp_path: Path) -> None:
    _, rows = duckdb_rows(sales, SALES, tmp_path)
    live = next(r for r in rows if r["Store"] == "Bandcamp")
    assert live["Release"] == "Quiet Orchards (Live, 2025)"
    assert live["Track Title"] == 'Quiet Orchards "Live"'
    assert live["Net Earnings"] == "2.67300000"
    assert SALES.read_bytes().count(b"\r\n") == len(rows) + 1  # CRLF after every line


def test_sales_primary_key_is_unique(tmp_path: Path) -> None:
    _, rows = duckdb_rows(sales, SALES, tmp_path)
    keys = [tuple(r[c] for c in sales.primary_key) for r in rows]
    assert len(keys) == len(set(keys)) == 57
