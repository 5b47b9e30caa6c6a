"""The label's three reports, computed from the published music marts (schema `music`):
the weekly streams report, the royalties statement and the campaign review (the dbt
exposures of `models/marts/music/_exposures.yml`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb

from lake.reports.charts import Point, Series, line_chart, scatter_chart, stacked_bar_chart
from lake.reports.model import Chart, Report, ReportDefinition, Table, number, percent_change
from lake.reports.periods import Period, PeriodKind, containing

TOP_SERIES = 8
TOP_STORES = 7
STATEMENT_MONTHS = 12


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> date | None:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


# --- weekly streams -------------------------------------------------------------------

TRACK_DAYS = """
select
    coalesce(dim_track.track_title, streams.track_id) as track_title,
    streams.platform,
    streams.stream_date,
    sum(streams.streams) as streams
from music.fct_streams_daily as streams
left join music.dim_track as dim_track on streams.track_id = dim_track.track_id
where streams.track_scope = 'track' and streams.stream_date between ? and ?
group by all
"""

TRACK_TOTALS = """
select
    coalesce(dim_track.track_title, streams.track_id) as track_title,
    coalesce(dim_artist.artist_name, streams.artist_id) as artist_name,
    streams.platform,
    sum(streams.streams) filter (where streams.stream_date between ? and ?) as streams,
    sum(streams.streams) filter (where streams.stream_date between ? and ?) as previous_streams
from music.fct_streams_daily as streams
left join music.dim_track as dim_track on streams.track_id = dim_track.track_id
left join music.dim_artist as dim_artist on streams.artist_id = dim_artist.artist_id
where streams.track_scope = 'track' and streams.stream_date between ? and ?
group by all
having sum(streams.streams) filter (where streams.stream_date between ? and ?) is not null
order by streams desc, track_title, streams.platform
"""

PLATFORM_TOTALS = """
select
    source,
    account,
    platform,
    sum(streams) filter (where stream_date between ? and ?) as streams,
    sum(streams) filter (where stream_date between ? and ?) as previous_streams,
    count(distinct stream_date) filter (where stream_date between ? and ?) as days_with_data
from music.fct_streams_daily
where track_scope = 'account' and stream_date between ? and ?
group by all
having sum(streams) filter (where stream_date between ? and ?) is not null
order by streams desc, source, account, platform
"""


def _streams_last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    return _one(con, "select max(stream_date) from music.fct_streams_daily")


def _series(rows: list[tuple]) -> list[Series]:
    points: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for name, day, value in rows:
        points[name].append((day, number(value)))
    ranked = sorted(points.items(), key=lambda item: (-sum(v for _, v in item[1]), item[0]))
    return [Series(name, values) for name, values in ranked[:TOP_SERIES]]


def weekly_streams(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    before = period.previous()
    window = (before.start, period.end)
    track_days = _rows(con, TRACK_DAYS, period.start, period.end)
    tracks = _rows(
        con,
        TRACK_TOTALS,
        period.start,
        period.end,
        before.start,
        before.end,
        *window,
        period.start,
        period.end,
    )
    platforms = _rows(
        con,
        PLATFORM_TOTALS,
        period.start,
        period.end,
        before.start,
        before.end,
        period.start,
        period.end,
        *window,
        period.start,
        period.end,
    )
    platform_days = _rows(
        con,
        "select platform || ' (' || source || ')', stream_date, sum(streams) "
        "from music.fct_streams_daily where track_scope = 'account' "
        "and stream_date between ? and ? group by all",
        period.start,
        period.end,
    )
    charts = [
        Chart(
            "streams_per_track_and_platform",
            "Streams per day, per track and platform",
            line_chart(
                "Streams per day, per track and platform",
                _series([(f"{t} · {p}", d, s) for t, p, d, s in track_days]),
                period.start,
                period.end,
                "streams",
            ),
        ),
        Chart(
            "streams_per_platform",
            "Streams per day, per platform (whole catalogue)",
            line_chart(
                "Streams per day, per platform (whole catalogue)",
                _series(platform_days),
                period.start,
                period.end,
                "streams",
            ),
        ),
    ]
    tables = [
        Table(
            "tracks",
            "Streams per track and platform",
            ("track", "artist", "platform", "streams", f"streams {before.label}", "change"),
            [(t, a, p, s, prev, percent_change(s, prev)) for t, a, p, s, prev in tracks],
        ),
        Table(
            "platforms",
            "Streams per platform, whole catalogue (one row per source and account)",
            ("source", "account", "platform", "streams", f"streams {before.label}", "days"),
            platforms,
        ),
    ]
    notes = (
        "Track streams come from sources that report per track (Spotify for Artists' song "
        "timelines); platform totals from the distributors' catalogue series. The two are "
        "different scopes of the same streams: never add them together.",
    )
    return Report("weekly_streams", "Weekly streams report", period, charts, tables, notes)


# --- royalties statement --------------------------------------------------------------
# By reporting month: what each monthly statement paid (fct_royalties_by_reporting_month).

STORE_MONTHS = """
select reporting_month, store, sum(earnings_usd) as earnings_usd
from music.fct_royalties_by_reporting_month
where reporting_month between ? and ?
group by all
"""

STORE_TOTALS = """
select
    store,
    platform,
    usage_type,
    sum(quantity) as quantity,
    sum(earnings_usd) as earnings_usd,
    count(*) filter (where earnings_usd is null) as rows_without_rate
from music.fct_royalties_by_reporting_month
where reporting_month between ? and ?
group by all
order by earnings_usd desc nulls last, store
"""

TRACK_EARNINGS = """
select
    coalesce(dim_track.track_title, royalties.track_id) as track_title,
    coalesce(dim_artist.artist_name, royalties.artist_id) as artist_name,
    royalties.source,
    sum(royalties.quantity) as quantity,
    sum(royalties.earnings_usd) as earnings_usd,
    royalties.currency,
    sum(royalties.earnings_in_currency) as earnings_in_currency
from music.fct_royalties_by_reporting_month as royalties
left join music.dim_track as dim_track on royalties.track_id = dim_track.track_id
left join music.dim_artist as dim_artist on royalties.artist_id = dim_artist.artist_id
where royalties.reporting_month between ? and ?
group by all
order by earnings_usd desc nulls last, track_title, royalties.source, royalties.currency
"""


def _royalties_last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last day a statement covers (DistroKid reports day by day through a month)."""
    return _one(con, "select max(last_reported_on) from music.fct_royalties_by_reporting_month")


def _month_labels(first: date, last: date) -> list[date]:
    """The first days of the months first..last."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def _store_stacks(rows: list[tuple], months: list[date]) -> dict[str, list[float]]:
    by_store: dict[str, dict[date, float]] = defaultdict(dict)
    for month, store, earnings in rows:
        by_store[store][month] = number(earnings)
    ranked = sorted(by_store, key=lambda s: (-sum(by_store[s].values()), s))
    stacks = {s: [by_store[s].get(m, 0.0) for m in months] for s in ranked[:TOP_STORES]}
    if len(ranked) > TOP_STORES:
        rest = ranked[TOP_STORES:]
        stacks["other stores"] = [sum(by_store[s].get(m, 0.0) for s in rest) for m in months]
    return stacks


def royalties_statement(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    first_month = period.start.replace(day=1)
    chart_start = containing(first_month, PeriodKind.month).shifted(STATEMENT_MONTHS - 1).start
    months = _month_labels(chart_start, first_month)
    stacks = _store_stacks(_rows(con, STORE_MONTHS, chart_start, period.end), months)
    chart = stacked_bar_chart(
        "Earnings (USD) by reporting month and store",
        [f"{m:%Y-%m}" for m in months],
        stacks,
        "USD",
    )
    stores = _rows(con, STORE_TOTALS, first_month, period.end)
    tracks = _rows(con, TRACK_EARNINGS, first_month, period.end)
    missing_rate = sum(row[5] for row in stores)
    notes = [
        "Statements whose reporting month is in the period (DistroKid's reporting date, "
        "TooLost's statement month); USD at each sale month's average rate "
        "(seeds/common/fx_rates_monthly.csv), corrections included. Earnings per stream: "
        "divide within one usage type only.",
    ]
    if missing_rate:
        notes.append(f"{missing_rate} rows have no USD rate for their month: not in the USD sums.")
    return Report(
        "royalties_statement",
        "Royalties statement",
        period,
        [Chart("earnings_by_month_and_store", "Earnings by reporting month and store", chart)],
        [
            Table(
                "stores",
                "Earnings by store",
                ("store", "platform", "usage", "quantity", "earnings USD"),
                [row[:5] for row in stores],
            ),
            Table(
                "tracks",
                "Earnings by track (USD, and in the statement's currency)",
                (
                    "track",
                    "artist",
                    "source",
                    "quantity",
                    "earnings USD",
                    "currency",
                    "earnings in currency",
                ),
                tracks,
            ),
        ],
        tuple(notes),
    )


# --- campaign review ------------------------------------------------------------------

CAMPAIGNS = """
select
    returns.campaign_name,
    coalesce(dim_track.track_title, returns.track_id) as track_title,
    returns.campaign_start,
    returns.campaign_end,
    returns.currency,
    returns.spend,
    returns.spend_usd,
    returns.campaign_streams,
    returns.baseline_streams,
    returns.incremental_streams,
    returns.cost_per_incremental_stream_usd,
    returns.streams_scope
from music.fct_campaign_return as returns
left join music.dim_track as dim_track on returns.track_id = dim_track.track_id
where returns.campaign_start <= ? and returns.campaign_end >= ?
order by returns.spend_usd desc nulls last, returns.campaign_name, track_title
"""


def _campaigns_last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    return _one(con, "select max(campaign_end) from music.fct_campaign_return")


def campaign_review(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    rows = _rows(con, CAMPAIGNS, period.end, period.start)
    points = [
        Point(f"{name} · {track}", number(spend_usd if spend_usd is not None else spend), number(s))
        for name, track, _, _, _, spend, spend_usd, s, *_ in rows
    ]
    chart = scatter_chart(
        "Spend against streams per campaign",
        points,
        "spend (USD)",
        "streams in the campaign window",
    )
    return Report(
        "campaign_review",
        "Campaign review",
        period,
        [Chart("spend_against_streams", "Spend against streams per campaign", chart)],
        [
            Table(
                "campaigns",
                "Campaigns active in the period",
                (
                    "campaign",
                    "track",
                    "start",
                    "end",
                    "currency",
                    "spend",
                    "spend USD",
                    "campaign streams",
                    "baseline streams",
                    "incremental streams",
                    "USD per incremental stream",
                    "streams scope",
                ),
                rows,
            )
        ],
        (
            "Campaigns whose spend window meets the period, with the promoted track's streams "
            "over the campaign window and over a baseline of the same length just before it.",
        ),
    )


REPORTS = {
    definition.name: definition
    for definition in (
        ReportDefinition(
            "weekly_streams",
            "Weekly streams report",
            PeriodKind.week,
            _streams_last_day,
            weekly_streams,
            "streams per day per track and platform (fct_streams_daily)",
        ),
        ReportDefinition(
            "royalties_statement",
            "Royalties statement",
            PeriodKind.month,
            _royalties_last_day,
            royalties_statement,
            "earnings by month and store (fct_royalties_monthly)",
        ),
        ReportDefinition(
            "campaign_review",
            "Campaign review",
            PeriodKind.month,
            _campaigns_last_day,
            campaign_review,
            "spend against streams per campaign (fct_campaign_return)",
        ),
    )
}
