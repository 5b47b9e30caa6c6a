"""`lake report revenue` on the demo lake: the HTML shows the payments recorded per day and
channel and the tables by channel and category with the figures the published shop marts
hold (computed here with independent queries on fct_orders), and the PDF is written."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from lake.warehouse.layout import WarehouseLayout
from tests.e2e.test_reports import (
    CENT,
    lake_report,
    open_report,
    published,
    table_column,
)

pytestmark = pytest.mark.xdist_group("e2e")


@pytest.fixture(scope="module")
def week(layout: WarehouseLayout) -> Iterator[dict]:
    yield lake_report(layout, "revenue")


def test_revenue_report_shows_payments_by_channel_and_category(
    layout: WarehouseLayout,
    browser: Browser,
    week: dict,
) -> None:
    path = Path(week["path"])
    assert path.name == f"revenue_{week['period']}_{week['end'].replace('-', '')}.html"
    start, end = week["start"], week["end"]
    # independent of the revenue mart: the orders fact, not canceled or unavailable
    by_channel = dict(
        ((channel, currency), (orders, payments))
        for channel, currency, orders, payments in published(
            layout,
            "select channel, currency, count(*), sum(payments_recorded) from shop.fct_orders "
            "where purchase_date between ? and ? and not is_voided group by all",
            start,
            end,
        )
    )
    assert by_channel, "the demo lake has shop orders in the latest complete week"
    [(main_currency,)] = published(
        layout,
        "select currency from shop.fct_orders where purchase_date between ? and ? "
        "and not is_voided group by currency order by sum(payments_recorded) desc limit 1",
        start,
        end,
    )
    page = open_report(browser, path)
    assert page.locator("svg.chart").count() == 2
    bars = page.locator("svg.chart[data-chart=stacked_bar] rect.bar")
    drawn = sum(Decimal(v) for v in bars.evaluate_all("bars => bars.map(b => b.dataset.value)"))
    expected = sum(p for (_, cur), (_, p) in by_channel.items() if cur == main_currency)
    assert abs(drawn - expected) <= CENT * max(bars.count(), 1)
    assert {
        name
        for name in page.locator("svg.chart[data-chart=line] polyline.series").evaluate_all(
            "lines => lines.map(l => l.dataset.series)"
        )
    } >= {"goods_sold", "payments_recorded", "net_revenue"}
    assert page.locator("#table-channels tbody tr").count() == len(by_channel)
    assert sorted(table_column(page, "channels", 3)) == sorted(o for o, _ in by_channel.values())
    assert sum(table_column(page, "channels", 7)) == sum(p for _, p in by_channel.values())
    assert page.locator("#table-categories tbody tr").count() >= 1
    page.close()


def test_revenue_report_for_a_day_as_pdf(layout: WarehouseLayout, week: dict) -> None:
    rendered = lake_report(layout, "revenue", "--period", week["end"], "--format", "pdf")
    pdf = Path(rendered["path"])
    assert pdf.name == f"revenue_{week['end']}_{week['end'].replace('-', '')}.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 10_000
