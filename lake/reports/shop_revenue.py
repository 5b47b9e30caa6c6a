"""The shop's revenue report, computed from the published shop marts (schema `shop`):
payments recorded per day and channel, the measures side by side per day, and tables by
channel and by category with the previous period beside (the dbt exposure
`shop_revenue_report` in models/marts/shop/_exposures_shop-orders.yml)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import duckdb

from lake.reports.charts import Series, line_chart, stacked_bar_chart
from lake.reports.model import Chart, Report, ReportDefinition, Table, number, percent_change
from lake.reports.periods import Period, PeriodKind

TOP_CATEGORIES = 15
MEASURES = ("goods_sold", "payments_recorded", "refunds", "disputes", "net_revenue")

BY_CHANNEL = """
select
    channel,
    currency,
    sum(canceled_orders) as canceled_orders,
    sum(unavailable_orders) as unavailable_orders,
    sum(goods_sold) as goods_sold,
    sum(payments_recorded) as payments_recorded,
    sum(refunds) as refunds,
    sum(disputes) as disputes,
    sum(net_revenue) as net_revenue,
    sum(voided_payments_recorded) as voided_payments_recorded
from shop.fct_revenue_daily
where purchase_date between ? and ?
group by all
order by currency, payments_recorded desc, channel
"""

ORDERS_BY_CHANNEL = """
select
    coalesce(channel, 'unknown') as channel,
    currency,
    count(*) filter (where not is_voided) as orders
from shop.fct_orders
where purchase_date between ? and ?
group by all
"""

NET_BEFORE = """
select coalesce(channel, 'unknown'), currency, sum(net_revenue)
from shop.fct_revenue_daily
where purchase_date between ? and ?
group by all
"""

BY_CATEGORY = """
select
    coalesce(category_name_en, category_id) as category,
    currency,
    sum(orders) as orders,
    sum(item_lines) as item_lines,
    sum(goods_sold) as goods_sold,
    sum(payments_recorded) as payments_recorded,
    sum(refunds) as refunds,
    sum(net_revenue) as net_revenue
from shop.fct_revenue_daily
where purchase_date between ? and ?
group by all
order by currency, payments_recorded desc, category
limit ?
"""

DAILY = """
select
    purchase_date,
    channel,
    currency,
    sum(goods_sold) as goods_sold,
    sum(payments_recorded) as payments_recorded,
    sum(refunds) as refunds,
    sum(disputes) as disputes,
    sum(net_revenue) as net_revenue
from shop.fct_revenue_daily
where purchase_date between ? and ?
group by all
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def _last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select max(purchase_date) from shop.fct_revenue_daily").fetchone()
    return row[0] if row else None


def _main_currency(daily: list[tuple]) -> str | None:
    """The currency with the most payments recorded in the period: the one charted."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, currency, _, payments, *_ in daily:
        totals[currency] += payments or Decimal(0)
    return max(sorted(totals), key=lambda c: totals[c]) if totals else None


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=i) for i in range(period.days)]


def _payments_by_channel(period: Period, daily: list[tuple], currency: str | None) -> str:
    days = _days(period)
    index = {day: i for i, day in enumerate(days)}
    stacks: dict[str, list[float]] = {}
    for day, channel, row_currency, _, payments, *_ in sorted(daily, key=lambda r: r[1]):
        if row_currency != currency:
            continue
        stacks.setdefault(channel, [0.0] * len(days))[index[day]] += number(payments)
    title = f"Payments recorded per day and channel ({currency or 'no data'})"
    return stacked_bar_chart(title, [d.isoformat() for d in days], stacks, currency or "")


def _measures_per_day(period: Period, daily: list[tuple], currency: str | None) -> str:
    points: dict[str, dict[date, float]] = {m: defaultdict(float) for m in MEASURES}
    for day, _, row_currency, *values in daily:
        if row_currency != currency:
            continue
        for measure, value in zip(MEASURES, values, strict=True):
            points[measure][day] += number(value)
    series = [Series(m, sorted(points[m].items())) for m in MEASURES if points[m]]
    title = f"Each measure per day, all channels ({currency or 'no data'})"
    return line_chart(title, series, period.start, period.end, currency or "")


def revenue(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    before = period.previous()
    daily = _rows(con, DAILY, period.start, period.end)
    currency = _main_currency(daily)
    orders = {(c, cur): n for c, cur, n in _rows(con, ORDERS_BY_CHANNEL, period.start, period.end)}
    previous = {(c, cur): n for c, cur, n in _rows(con, NET_BEFORE, before.start, before.end)}
    channels = []
    for channel, cur, *measures, voided in _rows(con, BY_CHANNEL, period.start, period.end):
        net, net_before = measures[-1], previous.get((channel, cur))
        channels.append(
            (
                channel,
                cur,
                orders.get((channel, cur), 0),
                *measures,
                net_before,
                percent_change(net, net_before),
                voided,
            )
        )
    categories = _rows(con, BY_CATEGORY, period.start, period.end, TOP_CATEGORIES)
    charts = [
        Chart(
            "payments_by_channel",
            "Payments recorded per day, stacked by channel",
            _payments_by_channel(period, daily, currency),
        ),
        Chart(
            "measures_per_day",
            "Goods sold, payments recorded, refunds, disputes and net revenue per day",
            _measures_per_day(period, daily, currency),
        ),
    ]
    tables = [
        Table(
            "channels",
            "Revenue by channel",
            (
                "channel",
                "currency",
                "orders",
                "canceled",
                "unavailable",
                "goods sold",
                "payments recorded",
                "refunds",
                "disputes",
                "net revenue",
                f"net {before.label}",
                "change",
                "payments canceled/unavail.",
            ),
            channels,
        ),
        Table(
            "categories",
            f"Revenue by category (top {TOP_CATEGORIES} by payments recorded)",
            (
                "category",
                "currency",
                "orders",
                "lines",
                "goods sold",
                "payments recorded",
                "refunds",
                "net revenue",
            ),
            categories,
        ),
    ]
    notes = (
        "Days are the shop's days of purchase; refunds and disputes the gateway reports later "
        "are shown on their order's day. Goods sold (items + freight) and payments recorded "
        "(the application's payments, every part) are different measures: installment "
        "interest, vouchers and orders without items make them differ. Net revenue = payments "
        "recorded - refunds - disputes (not won). Canceled and unavailable orders are "
        "counted apart; their payments are in the last column only. Amounts are never added "
        "across currencies; the charts show "
        f"{currency or 'the main currency'}.",
    )
    return Report("revenue", "Shop revenue", period, charts, tables, notes)


REPORTS = {
    "revenue": ReportDefinition(
        "revenue",
        "Shop revenue",
        PeriodKind.week,
        _last_day,
        revenue,
        "payments, goods sold, refunds and net revenue by day, channel and category "
        "(shop.fct_revenue_daily)",
    )
}
