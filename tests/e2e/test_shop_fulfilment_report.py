"""`lake report fulfilment` on the demo lake: headless Chromium shows the charts and tables
with the figures the shop marts hold, recomputed here from `fct_shipments` (one row per
tracker) rather than read back from `fct_fulfilment_daily`, the mart the report draws."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Browser, Page

from lake.reports.shop_fulfilment import STUCK_ROWS
from lake.warehouse.layout import WarehouseLayout
from tests.e2e.test_reports import lake_report, open_report, published, table_column

PERIOD_SHIPMENTS = """
select
    count(*) filter (where shipped_date between $1 and $2),
    count(*) filter (where delivered_date between $1 and $2),
    count(*) filter (where delivered_date between $1 and $2 and is_late),
    count(*) filter (where is_stuck and shipped_date <= $2)
from shop.fct_shipments
"""


def _line_total(page: Page, series: str) -> Decimal:
    line = page.locator(f"svg.chart[data-chart=line] polyline[data-series='{series}']")
    return Decimal(line.get_attribute("data-total"))


def test_fulfilment_shows_shipped_delivered_late_and_stuck(
    layout: WarehouseLayout, browser: Browser
) -> None:
    rendered = lake_report(layout, "fulfilment")
    assert rendered["period"].count("-W") == 1, "the default period is the latest complete week"
    [(shipped, delivered, late, stuck)] = published(
        layout, PERIOD_SHIPMENTS, rendered["start"], rendered["end"]
    )
    assert shipped > 0 and delivered > 0, "the demo lake ships and delivers every week"
    page = open_report(browser, Path(rendered["path"]))
    assert page.locator("svg.chart").count() == 2
    assert _line_total(page, "shipped") == shipped
    assert _line_total(page, "delivered") == delivered
    assert _line_total(page, "delivered late") == late
    bars = page.locator("svg.chart[data-chart=stacked_bar] rect.bar")
    drawn = bars.evaluate_all("bars => bars.map(b => b.dataset.value)")
    assert sum(Decimal(v) for v in drawn) == shipped
    assert sum(table_column(page, "carriers", 2)) == shipped
    assert sum(table_column(page, "carriers", 4)) == delivered
    assert sum(table_column(page, "carriers", 5)) == late
    assert sum(table_column(page, "carriers", 9)) == stuck
    assert sum(table_column(page, "days", 3)) == shipped
    assert page.locator("#table-stuck tbody tr").count() == min(stuck, STUCK_ROWS)
    page.close()


def test_fulfilment_prints_to_pdf_for_a_named_month(layout: WarehouseLayout) -> None:
    rendered = lake_report(layout, "fulfilment", "--period", "2026-11", "--format", "pdf")
    path = Path(rendered["path"])
    assert path.name == "fulfilment_2026-11_20261130.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 2_000
