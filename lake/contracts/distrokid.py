"""DistroKid: the bank-details earnings export (TSV) and the stats pages (HTML with charts).

What lands: `extract/distrokid.py` logs in to distrokid.com (the sandbox in the demo) and saves
the "bank details" TSV download (`*bank_details*.tsv`), the daily-stats page
(`streams_stats_<YYYYMMDD_HHMMSS>.html`) and the Apple Music stats page
(`applemusic_stats_<YYYYMMDD_HHMMSS>.html`) exactly as served; `lake land --source distrokid`
accepts the same files dropped by hand.

The pages keep their numbers in chart scripts, so two hooks read them (never `eval`):
- the daily-stats page calls `AmCharts.makeChart("<chart>", {..., "dataProvider":
  [{"category": "YYYY-MM-DD", "column-1": N}, ...]})` once per window (`trendWeekly`,
  `trendMonthly`, `trend60day`, `trend365day`): one `streams_daily` row per chart and point;
- the Apple Music page assigns `var chartData = {"byMonth": {...}, "byWeek": {...},
  "last365days": {...}, "tracks1year": {...}, ...}`, each series with a `dataProvider` of
  `{"field": ..., "value": N}` points: one dataset per time grain plus one for the breakdowns.

Path through the lake: `extract/distrokid.py` -> `landing/distrokid/<batch>/` ->
`raw/_source=distrokid/_dataset=<name>/` -> `models/staging/distrokid/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lake.contracts._helpers import (
    JsSyntaxError,
    Record,
    parse_js_value,
    public_keys,
    skip_js_space,
    type_name,
)
from lake.errors import ContractError
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Csv,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "distrokid"

SOURCE_INFO = Source(
    name=SOURCE,
    title="DistroKid",
    description=(
        'DistroKid, the distributor: the "bank details" earnings export, landed from the '
        "DistroKid site by `extract/distrokid.py` (or dropped by hand), validated and written to "
        "the raw zone by `lake ingest`. Every raw column is text exactly as DistroKid wrote it."
    ),
    owner="label-ops",
    freshness=Freshness(
        warn_days=35,
        error_days=70,
        why=(
            "DistroKid posts earnings monthly; an export older than that means the extract stopped."
        ),
    ),
)

_RESAVE_PAGE = (
    "the saved page's chart script is cut short or changed shape: re-run extract/distrokid.py "
    "to save the page again; if a fresh page fails the same way, DistroKid changed the page "
    "and lake/contracts/distrokid.py needs updating"
)

STATS_PAGES_FRESHNESS = Freshness(
    warn_days=3,
    error_days=7,
    why="The stats pages are saved daily by the extractor, so they get a tighter freshness.",
)

# --- bank details (TSV) -----------------------------------------------------------------------

_BANK_DETAILS_2024 = (
    "Reporting Date",
    "Sale Month",
    "Store",
    "Artist",
    "Title",
    "ISRC",
    "UPC",
    "Quantity",
    "Team Percentage",
    "Song/Album",
    "Country of Sale",
    "Songwriter Royalties Withheld",
    "Earnings (USD)",
)

bank_details = Dataset(
    source=SOURCE,
    name="bank_details",
    description=(
        "The 'bank details' earnings export: one row per store, month, country and track, "
        "re-exported in full every time. Lines end with CR only; money has 8 decimals."
    ),
    pattern="*bank_details*.tsv",
    format=Csv(delimiter="\t"),
    layouts=(
        # Newer exports (2025) add three columns; the older layout is the 13-column one.
        Layout(
            "v2_16_columns",
            required=(*_BANK_DETAILS_2024, "Date Inserted", "Source Type", "Recoup (USD)"),
        ),
        Layout("v1_13_columns", required=_BANK_DETAILS_2024),
    ),
    types={
        "Reporting Date": "date:%Y-%m-%d",
        "Sale Month": "date:%Y-%m",
        "Quantity": "bigint",
        "Team Percentage": "decimal(9,4)",
        "Songwriter Royalties Withheld": "decimal(18,8)",
        "Earnings (USD)": "decimal(18,8)",
    },
    primary_key=(),
    # Despite its name the export holds no bank details and no payee: earnings per store,
    # month, country and track. `Artist` is the released artist name (public).
    schema=(
        Column(
            "Reporting Date",
            "Day DistroKid reported the sale, `YYYY-MM-DD`.",
            "internal",
            tests=NOT_NULL,
        ),
        Column("Sale Month", "Month the sale happened, `YYYY-MM`.", "internal", tests=NOT_NULL),
        Column("Store", "Store or platform name, e.g. `Spotify`, `YouTube (Ads)`.", "public"),
        Column("Artist", "Artist name as released.", "public"),
        Column("Title", "Track (or album) title as released.", "public"),
        Column("ISRC", "International Standard Recording Code of the track.", "public"),
        Column("UPC", "Universal Product Code of the release.", "public"),
        Column("Quantity", "Units (streams, downloads, views) as text.", "internal"),
        Column(
            "Team Percentage",
            "Share of the earnings paid to this account, in percent, as text.",
            "confidential",
        ),
        Column("Song/Album", "Whether the row is for a `Song` or an `Album`.", "public"),
        Column(
            "Country of Sale",
            "Two-letter country code of the sale (`OU` = other/unknown).",
            "internal",
        ),
        Column(
            "Songwriter Royalties Withheld",
            "USD withheld for songwriter royalties, 8 decimals, as text.",
            "confidential",
        ),
        Column(
            "Earnings (USD)",
            "Earnings in USD, 8 decimals, negative for corrections, as text.",
            "confidential",
            tests=NOT_NULL,
        ),
        Column(
            "Date Inserted",
            "When DistroKid added the row (16-column layout only; else null).",
            "internal",
        ),
        Column(
            "Source Type", "Kind of revenue source (16-column layout only; else null).", "internal"
        ),
        Column(
            "Recoup (USD)",
            "USD recouped against advances (16-column layout only; else null).",
            "confidential",
        ),
        Column(
            "_layout",
            "{{ doc('raw_layout') }}",
            "internal",
            tests=(
                {"accepted_values": {"arguments": {"values": ["v1_13_columns", "v2_16_columns"]}}},
            ),
        ),
    ),
)

# --- daily-stats page: AmCharts.makeChart(...) ---------------------------------------------

_MAKE_CHART = re.compile(r"""AmCharts\.makeChart\(\s*(["'])(?P<chart>[^"'\\]+)\1\s*,""")


def page_text(inp: ParseInput) -> str:
    """The page as text; the numbers are ASCII, so undecodable bytes elsewhere are tolerated."""
    return inp.content.decode("utf-8-sig", errors="replace")


def amcharts(inp: ParseInput) -> list[tuple[str, dict[str, Any]]]:
    """Every `AmCharts.makeChart("<id>", {...})` call whose config is an object literal."""
    text = page_text(inp)
    charts: list[tuple[str, dict[str, Any]]] = []
    for match in _MAKE_CHART.finditer(text):
        start = skip_js_space(text, match.end())
        if not text.startswith("{", start):
            continue  # config passed as a variable: not a saved data chart
        try:
            config, _ = parse_js_value(text, start)
        except JsSyntaxError as exc:
            raise ContractError(
                "unparseable",
                f"{inp.name}: the config of chart {match['chart']!r} does not parse ({exc})",
                _RESAVE_PAGE,
                {"file": inp.name, "chart": match["chart"], "offset": exc.pos},
            ) from exc
        charts.append((match["chart"], config))
    return charts


def _chart_points(inp: ParseInput, chart: str, config: dict[str, Any]) -> list[Record] | None:
    """One row per point of one chart, or None when the chart has no `dataProvider` array."""
    points = config.get("dataProvider")
    if not isinstance(points, list):
        return None
    category_field = config.get("categoryField") or "category"
    value_field = _first_value_field(config.get("graphs")) or "column-1"
    axis = config.get("categoryAxis")
    min_period = axis.get("minPeriod") if isinstance(axis, dict) else None
    rows = []
    for index, point in enumerate(points):
        point = _require_point(inp, chart, index, point)
        extra = {k: v for k, v in point.items() if k not in (category_field, value_field)}
        rows.append(
            {
                **public_keys(extra),
                "chart": chart,
                "category": point.get(category_field),
                "value": point.get(value_field),
                "min_period": min_period,
            }
        )
    return rows


def _first_value_field(graphs: Any) -> str | None:
    if isinstance(graphs, list) and graphs and isinstance(graphs[0], dict):
        field = graphs[0].get("valueField")
        return field if isinstance(field, str) else None
    return None


def _require_point(inp: ParseInput, chart: str, index: int, point: Any) -> dict[str, Any]:
    if not isinstance(point, dict):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: point {index} of chart {chart!r} should be an object, "
            f"found {type_name(point)}",
            _RESAVE_PAGE,
            {"file": inp.name, "chart": chart, "point": index},
        )
    return point


def parse_streams_page(inp: ParseInput) -> list[Record] | None:
    """Rows of every amCharts chart on the daily-stats page; None if the page has no chart."""
    charts = amcharts(inp)
    if not charts:
        return None
    per_chart = [_chart_points(inp, chart, config) for chart, config in charts]
    if all(points is None for points in per_chart):
        raise ContractError(
            "missing_data",
            f"{inp.name}: none of the charts ({', '.join(c for c, _ in charts)}) has a "
            "'dataProvider' array",
            _RESAVE_PAGE,
            {"file": inp.name},
        )
    return [row for points in per_chart if points for row in points]


streams_daily = Dataset(
    source=SOURCE,
    name="streams_daily",
    description=(
        "Streams from the DistroKid daily-stats page, one row per chart and point. `chart` is "
        "the amCharts id (trendWeekly, trendMonthly, trend60day, trend365day): staging picks "
        "the window it wants. `category` is the point's date (a week's or month's first day "
        "for the weekly and monthly charts), `min_period` the chart's grain (DD, WW, MM), "
        "`value` the streams. The page is re-saved each run: the windows overlap across files."
    ),
    pattern="streams_stats_*.html",
    format=Hook(parse_streams_page),
    layouts=(
        Layout(
            "amcharts_points", required=("chart", "category", "value"), optional=("min_period",)
        ),
    ),
    types={"category": "date:%Y-%m-%d", "value": "bigint"},
    primary_key=("chart", "category"),
    schema=(
        Column(
            "chart",
            (
                "The amCharts chart the point comes from: `trendWeekly`, `trendMonthly`, "
                "`trend60day` or `trend365day` (the page's windows; they overlap)."
            ),
            "internal",
        ),
        Column(
            "category",
            (
                "The point's date, `YYYY-MM-DD`: the day, or the first day of its week or month "
                "on the weekly and monthly charts."
            ),
            "internal",
        ),
        Column(
            "value",
            "Streams of the point across stores (the chart's `column-1`), an integer as text.",
            "internal",
        ),
        Column(
            "min_period",
            (
                "The chart's grain from its `categoryAxis.minPeriod`: `DD` (days), `WW` (weeks) "
                "or `MM` (months); null when the chart does not say."
            ),
            "internal",
        ),
    ),
    freshness=STATS_PAGES_FRESHNESS,
)

# --- Apple Music page: var chartData = {...} -----------------------------------------------

_CHART_DATA = re.compile(r"\bchartData\s*=\s*(?=[{])")
_TIME_SERIES = ("byMonth", "byWeek", "last365days")


def apple_chart_data(inp: ParseInput) -> dict[str, Any] | None:
    """The `chartData` object literal of the Apple Music page, or None if the page has none."""
    text = page_text(inp)
    match = _CHART_DATA.search(text)
    if not match:
        return None
    try:
        data, _ = parse_js_value(text, match.end())
    except JsSyntaxError as exc:
        raise ContractError(
            "unparseable",
            f"{inp.name}: the 'chartData' object literal does not parse ({exc})",
            _RESAVE_PAGE,
            {"file": inp.name, "offset": exc.pos},
        ) from exc
    return data


def _series_points(inp: ParseInput, name: str, series: Any) -> list[Record]:
    """One row per point of one `chartData` series (an empty series gives no rows)."""
    if not isinstance(series, dict):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: chartData[{name!r}] should be an object, found {type_name(series)}",
            _RESAVE_PAGE,
            {"file": inp.name, "series": name},
        )
    points = series.get("dataProvider") or []
    field = series.get("categoryField") or series.get("titleField") or "field"
    value = series.get("valueField") or _first_value_field(series.get("graphs")) or "value"
    rows = []
    for index, point in enumerate(points if isinstance(points, list) else []):
        point = _require_point(inp, name, index, point)
        extra = {k: v for k, v in point.items() if k not in (field, value)}
        rows.append(
            {
                **public_keys(extra),
                "series": name,
                "field": point.get(field),
                "value": point.get(value),
            }
        )
    return rows


def apple_series_hook(name: str) -> Callable[[ParseInput], list[Record] | None]:
    """A hook reading one named `chartData` series (None when the page lacks it)."""

    def parse(inp: ParseInput) -> list[Record] | None:
        data = apple_chart_data(inp)
        if data is None or name not in data:
            return None
        return _series_points(inp, name, data[name])

    parse.__name__ = f"parse_apple_{name}"
    return parse


def parse_apple_breakdowns(inp: ParseInput) -> list[Record] | None:
    """Rows of every `chartData` series that is not a time series (tracks, countries, ...)."""
    data = apple_chart_data(inp)
    if data is None:
        return None
    names = [name for name in data if name not in _TIME_SERIES]
    if not names:
        return None
    return [row for name in names for row in _series_points(inp, name, data[name])]


def _apple_dataset(
    name: str,
    series: str,
    grain: str,
    field_type: str | None,
    schema: tuple[Column, ...],
    freshness: Freshness,
) -> Dataset:
    return Dataset(
        source=SOURCE,
        name=name,
        description=(
            f"Apple Music streams by {grain} from the DistroKid Apple Music stats page "
            f"(`chartData.{series}`), one row per point: `series` ({series}), `field` (the "
            f"{grain} as the page writes it), `value` (streams)."
        ),
        pattern="applemusic_stats_*.html",
        format=Hook(apple_series_hook(series)),
        layouts=(Layout("chartdata_points", required=("series", "field", "value")),),
        types={"value": "bigint", **({"field": field_type} if field_type else {})},
        primary_key=("series", "field"),
        schema=schema,
        freshness=freshness,
    )


apple_music_monthly = _apple_dataset(
    "apple_music_monthly",
    "byMonth",
    "month (MM-YY)",
    "date:%m-%y",
    schema=(
        Column(
            "series",
            "The `chartData` series the point comes from: always `byMonth` here.",
            "internal",
        ),
        Column("field", "The month, written `MM-YY` (`11-25` = November 2025).", "internal"),
        Column("value", "Apple Music streams of the point, an integer as text.", "internal"),
    ),
    freshness=STATS_PAGES_FRESHNESS,
)
# Weeks are written `WW/YY` (`36/24`): no strptime format reads a week without its weekday.
apple_music_weekly = _apple_dataset(
    "apple_music_weekly",
    "byWeek",
    "week (WW/YY)",
    None,
    schema=(
        Column(
            "series",
            "The `chartData` series the point comes from: always `byWeek` here.",
            "internal",
        ),
        Column(
            "field",
            "The week, written `WW/YY`: ISO week number and two-digit year (`47/25`).",
            "internal",
        ),
        Column("value", "Apple Music streams of the point, an integer as text.", "internal"),
    ),
    freshness=STATS_PAGES_FRESHNESS,
)
apple_music_daily = _apple_dataset(
    "apple_music_daily",
    "last365days",
    "day (YYYY-MM-DD)",
    "date:%Y-%m-%d",
    schema=(
        Column(
            "series",
            "The `chartData` series the point comes from: always `last365days` here.",
            "internal",
        ),
        Column(
            "field",
            "The day, `YYYY-MM-DD`, within the last 365 days of the saved page.",
            "internal",
        ),
        Column("value", "Apple Music streams of the point, an integer as text.", "internal"),
    ),
    freshness=STATS_PAGES_FRESHNESS,
)

apple_music_breakdowns = Dataset(
    source=SOURCE,
    name="apple_music_breakdowns",
    description=(
        "The one-year breakdowns of the Apple Music stats page, one row per series and item: "
        "`series` is the chartData key (tracks1year, albums1year, country1year, devices1year, "
        "gender1year, age1year, listening1year, sources1year, offline1year, types1year, "
        "playlists1year), `field` the item (track title, country code, device...), `id` the "
        "item's DistroKid id where the page gives one, `value` the streams."
    ),
    pattern="applemusic_stats_*.html",
    format=Hook(parse_apple_breakdowns),
    layouts=(Layout("chartdata_items", required=("series", "field", "value"), optional=("id",)),),
    types={"value": "bigint"},
    primary_key=("series", "field"),
    schema=(
        Column(
            "series",
            (
                "The one-year breakdown the item belongs to: `tracks1year`, `albums1year`, "
                "`country1year`, `devices1year`, `gender1year`, `age1year`, `sources1year`, "
                "`listening1year`, `offline1year` or `types1year`."
            ),
            "internal",
        ),
        Column(
            "field",
            (
                "The item as the page labels it: a track or album title, a country code, a device"
                " (`Mobile`), a gender, an age bracket, a source, ..."
            ),
            "public",
        ),
        Column(
            "value",
            "Apple Music streams of the item over the last year, an integer as text.",
            "internal",
        ),
        Column(
            "id",
            (
                "The page's id of the item: DistroKid's track or album id for `tracks1year` and "
                "`albums1year`, a small category code (`0`, `1`, ...) for the other breakdowns; "
                "null where the page gives none (countries)."
            ),
            "internal",
        ),
    ),
    freshness=STATS_PAGES_FRESHNESS,
)

DATASETS = [
    bank_details,
    streams_daily,
    apple_music_monthly,
    apple_music_weekly,
    apple_music_daily,
    apple_music_breakdowns,
]
