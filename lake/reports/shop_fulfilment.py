"""The shop's fulfilment report, computed from the published shop marts (schema `shop`):
parcels shipped and delivered per day, the status mix of what was shipped, late deliveries
against the promised date per carrier, and the shipments stuck now (`fct_fulfilment_daily`,
`fct_shipments`; the exposure in `models/marts/shop/_exposures_shop-products.yml`)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from lake.reports.charts import Series, line_chart, stacked_bar_chart
from lake.reports.model import Chart, Report, ReportDefinition, Table, number
from lake.reports.periods import Period, PeriodKind

STATUS_MIX = (
    ("in transit", "shipped_now_in_transit"),
    ("delivered", "shipped_now_delivered"),
    ("returned", "shipped_now_returned"),
    ("failed", "shipped_now_failed"),
    ("other", "shipped_now_other"),
)
STUCK_ROWS = 25  # the most recently stuck shipments listed; the carrier table counts all

DAILY = f"""
select
    fulfilment_date,
    carrier,
    shipped,
    delivered,
    delivered_late,
    late_share,
    {", ".join(column for _, column in STATUS_MIX)},
    shipped_now_stuck
from shop.fct_fulfilment_daily
where fulfilment_date between ? and ?
order by fulfilment_date, carrier
"""

# Medians and shares over the period from the shipments themselves (a median of daily
# medians is not the period's median).
CARRIERS = """
with

shipments as (
    select *, coalesce(carrier, '(unknown)') as carrier_name
    from shop.fct_shipments
)

select
    carrier_name,
    count(*) filter (where shipped_date between $start and $end) as shipped,
    count(*) filter (where shipped_date between $previous_start and $previous_end)
        as previous_shipped,
    count(*) filter (where delivered_date between $start and $end) as delivered,
    count(*) filter (where delivered_date between $start and $end and is_late) as late,
    round(
        count(*) filter (where delivered_date between $start and $end and is_late)
        / nullif(count(*) filter (
            where delivered_date between $start and $end and is_late is not null
        ), 0),
        4
    )::decimal(5, 4) as late_share,
    median(hours_to_ship) filter (where shipped_date between $start and $end)
        as median_hours_to_ship,
    median(hours_to_deliver) filter (where delivered_date between $start and $end)
        as median_hours_to_deliver,
    count(*) filter (where is_stuck and shipped_date <= $end) as stuck_now
from shipments
group by carrier_name
having count(*) filter (
    where shipped_date between $previous_start and $end
    or delivered_date between $start and $end
) > 0
order by shipped desc, carrier_name
"""

STUCK = """
select
    tracker_id,
    order_id,
    coalesce(carrier, '(unknown)') as carrier,
    status,
    shipped_date,
    estimated_delivery_date,
    last_tracking_event_at,
    days_since_last_update
from shop.fct_shipments
where is_stuck and shipped_date <= ?
order by days_since_last_update, tracker_id
limit ?
"""


def _fulfilment_last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select max(fulfilment_date) from shop.fct_fulfilment_daily").fetchone()
    return row[0] if row else None


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=n) for n in range(period.days)]


def _status_chart(daily: list[tuple], period: Period) -> str:
    days = _days(period)
    index = {day: i for i, day in enumerate(days)}
    stacks = {label: [0.0] * len(days) for label, _ in STATUS_MIX}
    for row in daily:
        for offset, (label, _) in enumerate(STATUS_MIX):
            stacks[label][index[row[0]]] += number(row[6 + offset])
    return stacked_bar_chart(
        "Parcels shipped per day, by their carrier status now",
        [day.isoformat() for day in days],
        stacks,
        "parcels",
    )


def _flow_chart(daily: list[tuple], period: Period) -> str:
    shipped: dict[date, float] = {}
    delivered: dict[date, float] = {}
    late: dict[date, float] = {}
    for day, _, n_shipped, n_delivered, n_late, *_ in daily:
        shipped[day] = shipped.get(day, 0.0) + number(n_shipped)
        delivered[day] = delivered.get(day, 0.0) + number(n_delivered)
        late[day] = late.get(day, 0.0) + number(n_late)
    series = [
        Series(name, sorted(values.items()))
        for name, values in (
            ("shipped", shipped),
            ("delivered", delivered),
            ("delivered late", late),
        )
    ]
    return line_chart(
        "Parcels shipped, delivered and delivered late per day",
        series,
        period.start,
        period.end,
        "parcels",
    )


def fulfilment(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    before = period.previous()
    daily = con.execute(DAILY, [period.start, period.end]).fetchall()
    carriers = con.execute(
        CARRIERS,
        {
            "start": period.start,
            "end": period.end,
            "previous_start": before.start,
            "previous_end": before.end,
        },
    ).fetchall()
    stuck = con.execute(STUCK, [period.end, STUCK_ROWS]).fetchall()
    charts = [
        Chart("shipped_delivered_late", "Shipped, delivered and late", _flow_chart(daily, period)),
        Chart("status_mix", "Status mix of the parcels shipped", _status_chart(daily, period)),
    ]
    tables = [
        Table(
            "carriers",
            "Per carrier",
            (
                "carrier",
                "shipped",
                f"shipped {before.label}",
                "delivered",
                "delivered late",
                "late share",
                "median hours to ship",
                "median hours to deliver",
                "stuck now",
            ),
            carriers,
        ),
        Table(
            "days",
            "Per day and carrier",
            (
                "day",
                "carrier",
                "shipped",
                "delivered",
                "delivered late",
                "late share",
                *(f"shipped, now {label}" for label, _ in STATUS_MIX),
                "shipped, now stuck",
            ),
            daily,
        ),
        Table(
            "stuck",
            f"The {STUCK_ROWS} most recently stuck shipments (the carrier table counts all)",
            (
                "tracker",
                "order",
                "carrier",
                "status",
                "shipped",
                "promised",
                "last tracking update (UTC)",
                "days without update",
            ),
            stuck,
        ),
    ]
    notes = (
        "Shipped: the carrier's first in-transit scan (else the order's hand-over to the "
        "carrier); delivered: the first delivered scan. Late: delivered after the date the "
        "shop promised at purchase; the late share is over deliveries with a promised date. "
        "Days are the shop's.",
        "Status and stuck are as of the latest tracking event in the data, not the period's "
        "end: a parcel shipped in the period shows the status it has now. Stuck: not "
        "delivered, returned or failed, and no tracking update for "
        "var shipment_stuck_days days (5 unless the build set another).",
    )
    return Report("fulfilment", "Fulfilment report", period, charts, tables, notes)


REPORTS = {
    "fulfilment": ReportDefinition(
        "fulfilment",
        "Fulfilment report",
        PeriodKind.week,
        _fulfilment_last_day,
        fulfilment,
        "shipped, delivered, late share and status mix per day and carrier "
        "(fct_fulfilment_daily, fct_shipments)",
    )
}
