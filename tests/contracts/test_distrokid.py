"""DistroKid contracts: the bank-details TSV and the two stats pages (chart scripts)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from lake.contracts.distrokid import bank_details

from .support import FIXTURES, count, duckdb_rows, expect_contract_error, hook, parse_input

FOLDER = FIXTURES / "distrokid"
STREAMS_PAGE = FOLDER / "streams_stats_20250527_102936.html"
APPLE_PAGE = FOLDER / "applemusic_stats_20250527_102936.html"
BANK_TSV = FOLDER / "dk_bank_details_20250529_043711_sample.tsv"

streams_daily = hook("distrokid", "streams_daily")
apple_monthly = hook("distrokid", "apple_music_monthly")
apple_weekly = hook("distrokid", "apple_music_weekly")
apple_daily = hook("distrokid", "apple_music_daily")
apple_breakdowns = hook("distrokid", "apple_music_breakdowns")
APPLE_HOOKS = (apple_monthly, apple_weekly, apple_daily, apple_breakdowns)


def points_per_chart() -> dict[str, int]:
    """Count the dated points of each makeChart call straight from the page text."""
    text = STREAMS_PAGE.read_text()
    parts = re.split(r'AmCharts\.makeChart\("(\w+)"', text)[1:]
    return {
        chart: count(r'"category":\s*"\d{4}-\d{2}-\d{2}"', body)
        for chart, body in zip(parts[::2], parts[1::2], strict=True)
    }


def apple_points(series: str) -> int:
    """Count the points of one chartData series straight from the page text."""
    text = APPLE_PAGE.read_text()
    match = re.search(rf'"{series}":\{{[^\[]*?"dataProvider":\[(.*?)\]', text)
    assert match, series
    return count(r'\{"field":', match.group(1))


# --- bank details -------------------------------------------------------------------------------


def test_bank_details_reads_the_13_column_layout(tmp_path: Path) -> None:
    header, rows = duckdb_rows(bank_details, BANK_TSV, tmp_path)
    layout = bank_details.match_layout(header)
    assert layout is not None and layout.name == "v1_13_columns"
    assert len(rows) == 1440
    assert sum(Decimal(r["Earnings (USD)"]) for r in rows) == Decimal("120.17732204")
    assert sum(1 for r in rows if r["Earnings (USD)"].startswith("-")) == 214


def test_bank_details_prefers_the_16_column_layout_when_present() -> None:
    header = [*bank_details.layouts[1].required, "Date Inserted", "Source Type", "Recoup (USD)"]
    layout = bank_details.match_layout(header)
    assert layout is not None and layout.name == "v2_16_columns"


# --- daily-stats page ---------------------------------------------------------------------------


def test_streams_page_gives_one_row_per_chart_and_point() -> None:
    rows = streams_daily(parse_input(STREAMS_PAGE))
    expected = points_per_chart()
    assert expected == {"trendWeekly": 40, "trendMonthly": 10, "trend60day": 59, "trend365day": 276}
    assert len(rows) == sum(expected.values()) == 385
    for chart, n in expected.items():
        assert sum(1 for r in rows if r["chart"] == chart) == n


def test_streams_page_values() -> None:
    rows = streams_daily(parse_input(STREAMS_PAGE))
    assert rows[0] == {
        "chart": "trendWeekly",
        "category": "2024-08-23",
        "value": 63,
        "min_period": "WW",
    }
    assert rows[-1] == {
        "chart": "trend365day",
        "category": "2025-05-25",
        "value": 3395,
        "min_period": "DD",
    }
    monthly = {r["category"]: r["value"] for r in rows if r["chart"] == "trendMonthly"}
    assert monthly["2025-05-01"] == 75741
    assert {r["min_period"] for r in rows if r["chart"] == "trendMonthly"} == {"MM"}


def test_streams_hook_ignores_other_pages() -> None:
    assert streams_daily(parse_input(APPLE_PAGE)) is None
    assert streams_daily(parse_input(BANK_TSV)) is None


def test_truncated_streams_page_is_refused_with_a_hint() -> None:
    text = STREAMS_PAGE.read_text()
    cut = text.index('{"category": "2025-04-01"', text.index('makeChart("trend60day"'))
    inp = parse_input(STREAMS_PAGE, text[:cut].encode())
    err = expect_contract_error(streams_daily, inp, "unparseable", "extract/distrokid.py")
    assert err.where["chart"] == "trend60day"


def test_streams_page_without_data_is_refused() -> None:
    page = b'<script>AmCharts.makeChart("trendWeekly", {"type": "serial", "graphs": []});</script>'
    inp = parse_input(STREAMS_PAGE, page)
    expect_contract_error(streams_daily, inp, "missing_data", "extract/distrokid.py")


def test_streams_page_in_loose_javascript_is_read() -> None:
    page = """<script>
    var c = AmCharts.makeChart('trendWeekly', {
        type: 'serial', // a comment with { and [
        categoryField: "day", /* block } comment */
        graphs: [{valueField: 'n', title: "it's {not} a brace",},],
        dataProvider: [{day: '2025-01-06', n: 12,}, {"day": "2025-01-13", "n": 0x10},],
    });
    </script>"""
    rows = streams_daily(parse_input(STREAMS_PAGE, page.encode()))
    assert rows == [
        {"chart": "trendWeekly", "category": "2025-01-06", "value": 12, "min_period": None},
        {"chart": "trendWeekly", "category": "2025-01-13", "value": 16, "min_period": None},
    ]


# --- Apple Music page ---------------------------------------------------------------------------


def test_apple_series_counts_match_the_page() -> None:
    inp = parse_input(APPLE_PAGE)
    assert len(apple_monthly(inp)) == apple_points("byMonth") == 9
    assert len(apple_weekly(inp)) == apple_points("byWeek") == 39
    assert len(apple_daily(inp)) == apple_points("last365days") == 263


def test_apple_series_values() -> None:
    inp = parse_input(APPLE_PAGE)
    assert apple_monthly(inp)[0] == {"series": "byMonth", "field": "09-24", "value": 1701}
    assert apple_monthly(inp)[-1] == {"series": "byMonth", "field": "05-25", "value": 1584}
    assert apple_weekly(inp)[0] == {"series": "byWeek", "field": "36/24", "value": 72}
    assert apple_daily(inp)[0] == {"series": "last365days", "field": "2024-09-06", "value": 37}
    assert sum(r["value"] for r in apple_monthly(inp)) == 20151  # the page's own "total"


def test_apple_breakdowns_hold_every_other_series() -> None:
    rows = apple_breakdowns(parse_input(APPLE_PAGE))
    others = {
        "tracks1year": 10,
        "playlists1year": 0,
        "devices1year": 3,
        "gender1year": 1,
        "age1year": 3,
        "listening1year": 5,
        "sources1year": 6,
        "offline1year": 2,
        "types1year": 4,
        "country1year": 29,
        "albums1year": 10,
    }
    for series, n in others.items():
        assert apple_points(series) == n, series
        assert sum(1 for r in rows if r["series"] == series) == n, series
    assert len(rows) == sum(others.values()) == 73
    assert rows[0] == {"series": "tracks1year", "field": "HOLD ON I", "id": 59125706, "value": 6498}
    us = next(r for r in rows if r["series"] == "country1year" and r["field"] == "US")
    assert us == {"series": "country1year", "field": "US", "value": 10033}


def test_apple_hooks_ignore_other_pages() -> None:
    for parse in APPLE_HOOKS:
        assert parse(parse_input(STREAMS_PAGE)) is None
        assert parse(parse_input(BANK_TSV)) is None


def test_apple_page_without_a_series_gives_none_for_it() -> None:
    page = (
        b'<script>var chartData = {"byMonth": {"dataProvider": [{"field": "01-25", "value": 3}]}};'
    )
    inp = parse_input(APPLE_PAGE, page)
    assert apple_monthly(inp) == [{"series": "byMonth", "field": "01-25", "value": 3}]
    assert apple_weekly(inp) is None
    assert apple_breakdowns(inp) is None


def test_truncated_apple_page_is_refused_with_a_hint() -> None:
    text = APPLE_PAGE.read_text()
    inp = parse_input(APPLE_PAGE, text[: text.index('"byWeek"')].encode())
    for parse in APPLE_HOOKS:
        expect_contract_error(parse, inp, "unparseable", "extract/distrokid.py")
