"""`lake report` on the demo lake: each report renders as HTML, CSV and PDF from the published
marts, and headless Chromium shows its charts and tables with the figures the marts hold
(computed here with independent queries)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page

from lake.warehouse.layout import WarehouseLayout

pytestmark = pytest.mark.xdist_group("e2e")

LAKE_BIN = Path(sys.executable).with_name("lake")
CENT = Decimal("0.01")


def lake_report(layout: WarehouseLayout, *args: str) -> dict:
    done = subprocess.run(
        [str(LAKE_BIN), "report", *args, "--root", str(layout.paths.root), "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    return json.loads(done.stdout)


def published(layout: WarehouseLayout, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(layout.published), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def open_report(browser: Browser, path: Path) -> Page:
    page = browser.new_page()
    page.goto(path.as_uri())
    return page


def table_column(page: Page, table: str, column: int) -> list[Decimal]:
    cells = page.locator(f"#table-{table} tbody tr td:nth-child({column})")
    return [Decimal(v) for v in cells.evaluate_all("cells => cells.map(c => c.dataset.value)")]


def test_weekly_streams_shows_each_track_and_platform(
    layout: WarehouseLayout, browser: Browser
) -> None:
    rendered = lake_report(layout, "weekly_streams")
    path = Path(rendered["path"])
    assert (
        path.name == f"weekly_streams_{rendered['period']}_{rendered['end'].replace('-', '')}.html"
    )
    start, end = rendered["start"], rendered["end"]
    expected = dict(
        (f"{title} · {platform}", streams)
        for title, platform, streams in published(
            layout,
            "select t.track_title, s.platform, sum(s.streams) from music.fct_track_streams_daily s "
            "join music.dim_track t using (track_id) where s.stream_date between ? and ? "
            "group by all",
            start,
            end,
        )
    )
    assert expected, "the demo lake has per-track streams in the latest complete week"
    page = open_report(browser, path)
    assert page.locator("svg.chart").count() == 2
    lines = page.locator("svg.chart[data-chart=line]").first.locator("polyline.series")
    assert 1 <= lines.count() <= 8
    for index in range(lines.count()):
        line = lines.nth(index)
        name = line.get_attribute("data-series")
        assert Decimal(line.get_attribute("data-total")) == expected[name]
        assert int(line.get_attribute("data-points")) == 7
    streams = table_column(page, "tracks", 4)
    assert len(streams) == len(expected)
    assert sum(streams) == sum(expected.values())
    page.close()


def test_royalties_statement_shows_earnings_by_month_and_store(
    layout: WarehouseLayout, browser: Browser
) -> None:
    rendered = lake_report(layout, "royalties_statement")
    [(month_total,)] = published(
        layout,
        "select sum(earnings_usd) from music.fct_royalties_by_reporting_month "
        "where reporting_month = ?",
        rendered["start"],
    )
    page = open_report(browser, Path(rendered["path"]))
    bars = page.locator(f"svg.chart rect.bar[data-category='{rendered['period']}']")
    assert bars.count() >= 1
    drawn = sum(Decimal(v) for v in bars.evaluate_all("bars => bars.map(b => b.dataset.value)"))
    assert abs(drawn - month_total) <= CENT * bars.count()
    assert sum(table_column(page, "stores", 5)) == month_total
    assert sum(table_column(page, "tracks", 5)) == month_total
    page.close()
    csv_path = Path(lake_report(layout, "royalties_statement", "--format", "csv")["path"])
    blocks = csv_path.read_text().split("\n\n")
    stores = list(csv.reader(io.StringIO(blocks[0])))
    assert stores[0] == ["# Earnings by store"]
    assert sum(Decimal(row[4]) for row in stores[2:]) == month_total


def test_campaign_review_plots_spend_against_streams(
    layout: WarehouseLayout, browser: Browser
) -> None:
    rendered = lake_report(layout, "campaign_review")
    campaigns = published(
        layout,
        "select campaign_name, spend_usd from music.fct_campaign_return "
        "where campaign_start <= ? and campaign_end >= ?",
        rendered["end"],
        rendered["start"],
    )
    assert campaigns
    page = open_report(browser, Path(rendered["path"]))
    points = page.locator("svg.chart[data-chart=scatter] circle.point")
    assert points.count() == len(campaigns)
    assert page.locator("#table-campaigns tbody tr").count() == len(campaigns)
    assert sorted(table_column(page, "campaigns", 7)) == sorted(s for _, s in campaigns)
    page.close()


def test_every_report_prints_to_pdf_for_a_named_period(layout: WarehouseLayout) -> None:
    for name in ("weekly_streams", "royalties_statement", "campaign_review"):
        rendered = lake_report(layout, name, "--period", "2026-11", "--format", "pdf")
        path = Path(rendered["path"])
        assert path.name == f"{name}_2026-11_20261130.pdf"
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 2_000
