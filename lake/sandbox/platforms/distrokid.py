"""DistroKid stand-in: the bank-details earnings download and the two stats pages.

Browser only (DistroKid has no public API), under `/distrokid`:

- `GET /signin` -> the shared login (`/distrokid/login`); DistroKid asks a second-factor code
  when the sandbox is configured to (`LAKE_SANDBOX_2FA=distrokid`, as the real site does) or
  under the `require_2fa` fault;
- `GET /` -> `/distrokid/bank/details/`;
- `GET /bank/details/` (login): the latest earnings rows and the link `#download-bank-details`
  "Download TSV" (under `layout_change`: `#export-earnings` "Export earnings");
- `GET /bank/details/download/` (login): `dk_bank_details_<YYYYMMDD>_<HHMMSS>.tsv`, the whole
  history every time (`World.distrokid_earnings()`): tab-separated, every line (the last too)
  ended by a CR alone, 8-decimal money, negative correction rows. The newer 16-column layout
  (`..., Earnings (USD), Date Inserted, Source Type, Recoup (USD)`) is the default; `?columns=13`
  or `LAKE_SANDBOX_DISTROKID_COLUMNS=13` (read when the app starts) serves the older 13 columns;
- `GET /stats/` (login): the daily-stats page, Spotify streams of DistroKid's catalogue in four
  amCharts charts (`AmCharts.makeChart("trendWeekly" | "trendMonthly" | "trend60day" |
  "trend365day", {... "dataProvider": [{"category": "YYYY-MM-DD", "column-1": N}, ...]})`);
- `GET /stats/applemusic/` (login): the Apple Music page, `var chartData = {"byMonth": ...,
  "byWeek": ..., "last365days": ..., "tracks1year": ..., ...};` on one line.

Every page has the sign-out link `a[href$="/logout"]` in both layouts.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, redirect, render_template_string, request

from lake.contracts.distrokid import bank_details
from lake.sandbox import rng
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import EarningsRow
from lake.sandbox.world import World, split

TITLE = "DistroKid"
COLUMNS_ENV = "LAKE_SANDBOX_DISTROKID_COLUMNS"

# The export's headers are the contract's layouts (lake/contracts/distrokid.py).
BANK_COLUMNS_13: tuple[str, ...] = bank_details.layout("v1_13_columns").required
BANK_COLUMNS_16: tuple[str, ...] = bank_details.layout("v2_16_columns").required
DOWNLOAD_STORES = frozenset({"iTunes Songs"})  # per-unit sales; every other store streams
CHARTS: tuple[tuple[str, str], ...] = (
    ("trendWeekly", "WW"),
    ("trendMonthly", "MM"),
    ("trend60day", "DD"),
    ("trend365day", "DD"),
)


# --- the bank-details TSV ------------------------------------------------------------------


def _bank_values(row: EarningsRow, columns: int) -> list[str]:
    values = [
        row.reporting_date.isoformat(),
        row.sale_month,
        row.store,
        row.artist,
        row.title,
        row.isrc,
        row.upc,
        str(row.quantity),
        str(row.team_percentage),
        row.song_or_album,
        row.country,
        f"{row.songwriter_royalties_withheld:f}",
        f"{row.earnings_usd:f}",
    ]
    if columns == 16:
        kind = "Download" if row.store in DOWNLOAD_STORES else "Streaming"
        values += [row.reporting_date.isoformat(), kind, "0"]
    return values


def bank_details_tsv(rows: Iterable[EarningsRow], columns: int = 16) -> bytes:
    """The export as DistroKid writes it: tab-separated, each line ended by a CR alone."""
    if columns not in (13, 16):
        raise ValueError(f"the bank-details export has 13 or 16 columns, not {columns}")
    header = BANK_COLUMNS_16 if columns == 16 else BANK_COLUMNS_13
    lines = ["\t".join(header), *("\t".join(_bank_values(r, columns)) for r in rows)]
    return "".join(line + "\r" for line in lines).encode("utf-8")


# --- the daily-stats page ------------------------------------------------------------------


def _window(world: World, days: int, series: Mapping[date, int]) -> list[date]:
    """The last `days` days up to last_day, from the first day with streams."""
    wanted = world.days(world.last_day - timedelta(days=days - 1))
    first = next((d for d in wanted if series.get(d, 0) > 0), None)
    return [d for d in wanted if first is not None and d >= first]


def daily_streams(world: World, platform: str = "spotify") -> dict[date, int]:
    """Streams of DistroKid's catalogue per day over the last 365 days."""
    tracks = world.tracks_distributed_by("distrokid")
    days = world.days(world.last_day - timedelta(days=364))
    return {d: sum(world.streams(t, d, platform) for t in tracks) for d in days}


def stats_charts(world: World) -> dict[str, list[tuple[str, int]]]:
    """Chart id -> [(category, streams)] of the daily-stats page."""
    series = daily_streams(world)
    year = _window(world, 365, series)
    weekly: dict[date, int] = defaultdict(int)
    monthly: dict[date, int] = defaultdict(int)
    for day in year:  # weeks start on Monday; the first one at the window's first day
        weekly[max(day - timedelta(days=day.weekday()), year[0])] += series[day]
        monthly[day.replace(day=1)] += series[day]
    return {
        "trendWeekly": [(d.isoformat(), v) for d, v in sorted(weekly.items())],
        "trendMonthly": [(d.isoformat(), v) for d, v in sorted(monthly.items())],
        "trend60day": [(d.isoformat(), series[d]) for d in _window(world, 60, series)],
        "trend365day": [(d.isoformat(), series[d]) for d in year],
    }


_CHART_SCRIPT = """<script type="text/javascript">
$( document ).ready( function(){
var {id} = AmCharts.makeChart("{id}",
{
"panEventsEnabled":false,
"type": "serial",
"pathToImages": "/js/amcharts/images/",
"categoryField": "category",
"dataDateFormat": "YYYY-MM-DD",
"startDuration": 0.25,
"backgroundColor": "#f6f6f6",
"categoryAxis": {
"gridPosition": "start",
"parseDates": true,
"minPeriod": "{period}"
},
"chartCursor": {},
"chartScrollbar": {
"graph": "{id}",
"graphType": "smoothedLine"
},
"trendLines": [],
"graphs": [
{
"fillAlphas": 1,
"id": "{id}",
"title": "{id}",
"type": "column",
"valueField": "column-1"
}
],
"guides": [],
"valueAxes": [
{
"id": "ValueAxis-1",
"title": "Streams",
"min": 0
}
],
"allLabels": [],
"balloon": {},
"dataProvider": [
{points}
]
}
);
// var panelsSettings = new AmCharts.PanelsSettings();
{id}.addListener("clickGraphItem", graphClick);
});
</script>
"""


def chart_script(chart: str, period: str, points: list[tuple[str, int]]) -> str:
    """One chart's script, written as DistroKid writes it (points on one line)."""
    provider = ",".join(f'{{"category": "{c}","column-1": {v}}}' for c, v in points)
    return (
        _CHART_SCRIPT.replace("{id}", chart)
        .replace("{period}", period)
        .replace("{points}", provider)
    )


# --- the Apple Music page ------------------------------------------------------------------

_PIE_BALLOON = "[[title]]<br><span style='font-size:14px'><b>[[value]]</b> ([[percents]]%)</span>"
_BREAKDOWNS: dict[str, tuple[str, tuple[tuple[str, int, float], ...]]] = {
    # series -> (chart type, ((item, DistroKid's id, share), ...))
    "devices1year": ("pie", (("Mobile", 1, 0.9), ("Desktop", 2, 0.07), ("Other", 0, 0.03))),
    "gender1year": ("pie", (("Male", 1, 0.55), ("Female", 2, 0.45))),
    "age1year": ("serial", (("18-24", 1, 0.45), ("25-34", 2, 0.38), ("35-44", 3, 0.17))),
    "listening1year": (
        "pie",
        (
            ("Complete", 0, 0.9),
            ("Manually Changed", 3, 0.04),
            ("Skip", 1, 0.03),
            ("Paused", 4, 0.02),
            ("Other", 2, 0.01),
        ),
    ),
    "sources1year": (
        "pie",
        (
            ("Library", 1, 0.75),
            ("Search", 2, 0.1),
            ("Discovery", 3, 0.08),
            ("Radio", 5, 0.04),
            ("Now Playing", 6, 0.02),
            ("MusicKit", 4, 0.01),
        ),
    ),
    "offline1year": ("pie", (("Online", 0, 0.97), ("Offline", 1, 0.03))),
    "types1year": (
        "pie",
        (
            ("Playlist", 2, 0.45),
            ("Single Track", 0, 0.3),
            ("Album", 3, 0.22),
            ("Radio station", 1, 0.03),
        ),
    ),
}
_ORDER = (
    "byMonth",
    "tracks1year",
    "playlists1year",
    "last365days",
    "devices1year",
    "gender1year",
    "age1year",
    "listening1year",
    "sources1year",
    "byWeek",
    "offline1year",
    "types1year",
    "country1year",
    "albums1year",
)


def _graph_id(seed: int, series: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    r = rng.rng(seed, "amgraph", series)
    return "AmGraph-" + "".join(r.choice(alphabet) for _ in range(22))


def _serial(seed: int, series: str, points: list[dict[str, Any]], *, dated: bool) -> dict:
    total = sum(p["value"] for p in points)
    config: dict[str, Any] = {"isEmpty": 0 if points else 1, "categoryField": "field"}
    config["dataProvider"] = points
    config["trendLines"] = []
    if dated:
        config["dataDateFormat"] = "YYYY-MM-DD"
    config |= {
        "valueAxes": [{"id": "ValueAxis-1", "title": "streams"}],
        "chartScrollbar": {"enabled": True},
        "allLabels": [],
        "guides": [],
        "graphs": [
            {
                "valueField": "value",
                "lineThickness": 2,
                "fillAlphas": 0.7,
                "id": _graph_id(seed, series),
                "type": "line" if dated else "column",
                "title": "graph 1",
            }
        ],
        "balloon": {},
        "rotate": False,
        "total": total,
        "type": "serial",
        "chartCursor": {"enabled": True},
        "startDuration": 0,
        "categoryAxis": {
            "gridPosition": "start",
            "autoRotateAngle": 30 if dated else 0,
            "autoRotateCount": 0,
            **({"parseDates": True} if series == "last365days" else {}),
        },
    }
    return config


def _pie(points: list[dict[str, Any]]) -> dict:
    return {
        "legend": {
            "position": "right",
            "markerType": "circle",
            "enabled": False,
            "align": "center",
        },
        "isEmpty": 0 if points else 1,
        "dataProvider": points,
        "valueField": "value",
        "allLabels": [],
        "balloonText": _PIE_BALLOON,
        "balloon": {},
        "titleField": "field",
        "total": sum(p["value"] for p in points),
        "type": "pie",
        "titles": [],
        "startDuration": 0,
    }


def _item_id(seed: int, kind: str, key: str) -> int:
    return 20_000_000 + int(rng.unit(seed, "dk-id", kind, key) * 50_000_000)


def apple_chart_data(world: World) -> dict[str, Any]:
    """The Apple Music page's `chartData`: Apple Music streams of DistroKid's catalogue over
    the last 365 days, by day, ISO week (`WW/YY`), month (`MM-YY`), track, release, country
    and the listening breakdowns."""
    tracks = world.tracks_distributed_by("distrokid")
    per_track = {
        t: {
            d: world.streams(t, d, "apple_music")
            for d in world.days(world.last_day - timedelta(364))
        }
        for t in tracks
    }
    series = {d: sum(per_track[t][d] for t in tracks) for d in next(iter(per_track.values()))}
    days = _window(world, 365, series)
    weeks: dict[str, int] = {}
    months: dict[str, int] = {}
    for day in days:
        year, week, _ = day.isocalendar()
        weeks[f"{week:02d}/{year % 100:02d}"] = (
            weeks.get(f"{week:02d}/{year % 100:02d}", 0) + series[day]
        )
        key = day.strftime("%m-%y")
        months[key] = months.get(key, 0) + series[day]
    total = sum(series[d] for d in days)
    by_track = {t: sum(per_track[t][d] for d in days) for t in tracks}
    by_release: dict[str, int] = defaultdict(int)
    for t, n in by_track.items():
        by_release[t.release_title] += n
    countries: dict[str, int] = defaultdict(int)
    for t in tracks:
        for c, n in split(by_track[t], world.country_weights(t)).items():
            countries[c] += n
    seed = world.seed
    data: dict[str, Any] = {
        "byMonth": _serial(seed, "byMonth", _points(months.items()), dated=True),
        "tracks1year": _pie(
            _top(by_track.items(), lambda t: (t.title, _item_id(seed, "t", t.isrc)))
        ),
        "playlists1year": _serial(seed, "playlists1year", [], dated=False),
        "last365days": _serial(
            seed, "last365days", _points((d.isoformat(), series[d]) for d in days), dated=True
        ),
        "byWeek": _serial(seed, "byWeek", _points(weeks.items()), dated=True),
        "country1year": _serial(
            seed,
            "country1year",
            _points(sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
            dated=False,
        ),
        "albums1year": _pie(_top(by_release.items(), lambda r: (r, _item_id(seed, "a", r)))),
    }
    data["playlists1year"]["graphs"][0]["type"] = "list"
    for name, (kind, items) in _BREAKDOWNS.items():
        parts = split(total, {label: share for label, _, share in items})
        points = [{"field": label, "id": ident, "value": parts[label]} for label, ident, _ in items]
        data[name] = _pie(points) if kind == "pie" else _serial(seed, name, points, dated=False)
    return {name: data[name] for name in _ORDER}


def _points(items: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"field": field, "value": value} for field, value in items]


def _top(items: Iterable[tuple[Any, int]], label: Any, count: int = 10) -> list[dict[str, Any]]:
    ranked = sorted(((k, v) for k, v in items if v > 0), key=lambda kv: -kv[1])[:count]
    out = []
    for key, value in ranked:
        field, ident = label(key)
        out.append({"field": field, "id": ident, "value": value})
    return out


# --- pages -----------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>DistroKid - {{ heading }}</title></head><body>
<nav class="dk-nav"><a href="{{ prefix }}/bank/details/">Bank</a>
<a href="{{ prefix }}/stats/">Stats</a> <a href="{{ prefix }}/stats/applemusic/">Apple Music</a>
<a class="signout" href="{{ prefix }}/logout">Sign out</a></nav>
<h1>{{ heading }}</h1>
{{ body | safe }}
</body></html>
"""

_BANK = """<p>Every penny, in excruciating detail.</p>
<p><a id="{{ link_id }}" class="button"
  href="{{ prefix }}/bank/details/download/">{{ label }}</a></p>
<table id="bank-details">
<tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for r in rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</table>
"""


def _apple_script(chart_data: Mapping[str, Any]) -> str:
    text = json.dumps(chart_data, separators=(",", ":"))
    return (
        "<script>\n"
        f"var chartData = {text};\n"
        "var appleTrackName = '';\n"
        "</script>\n"
        '<div id="chartdiv_1"></div>\n'
    )


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("distrokid", __name__)
    default_columns = 13 if os.environ.get(COLUMNS_ENV, "").strip() == "13" else 16

    def page(heading: str, body: str) -> Response:
        html = render_template_string(_PAGE, heading=heading, body=body, prefix=ctx.prefix)
        return Response(html, mimetype="text/html")

    @bp.get("/signin")
    def signin() -> Response:
        return redirect(ctx.login_url(f"{ctx.prefix}/bank/details/"), code=302)

    @bp.get("/")
    @ctx.login_required
    def home() -> Response:
        return redirect(f"{ctx.prefix}/bank/details/", code=302)

    @bp.get("/bank/details/")
    @ctx.login_required
    def bank_details() -> Response:
        changed = ctx.layout_changed()
        rows = ctx.world.distrokid_earnings()[-50:]
        body = render_template_string(
            _BANK,
            prefix=ctx.prefix,
            link_id="export-earnings" if changed else "download-bank-details",
            label="Export earnings" if changed else "Download TSV",
            columns=BANK_COLUMNS_13,
            rows=[_bank_values(r, 13) for r in reversed(rows)],
        )
        return page("Bank details", body)

    @bp.get("/bank/details/download/")
    @ctx.login_required
    def download() -> Response:
        wanted = request.args.get("columns", str(default_columns))
        if wanted not in ("13", "16"):
            return ctx.error(400, "Bad request", "columns must be 13 or 16")
        now = datetime.now(UTC)
        data = bank_details_tsv(ctx.world.distrokid_earnings(), int(wanted))
        name = f"dk_bank_details_{now:%Y%m%d_%H%M%S}.tsv"
        return ctx.send_download(data, name, "text/tab-separated-values")

    @bp.get("/stats/")
    @ctx.login_required
    def stats() -> Response:
        charts = stats_charts(ctx.world)
        scripts = "".join(chart_script(c, period, charts[c]) for c, period in CHARTS)
        divs = "".join(f'<div id="{c}" class="chart"></div>\n' for c, _ in CHARTS)
        return page("Daily stats", divs + scripts)

    @bp.get("/stats/applemusic/")
    @ctx.login_required
    def apple_music() -> Response:
        return page("Apple Music stats", _apple_script(apple_chart_data(ctx.world)))

    return bp


__all__ = [
    "BANK_COLUMNS_13",
    "BANK_COLUMNS_16",
    "apple_chart_data",
    "bank_details_tsv",
    "blueprint",
    "daily_streams",
    "stats_charts",
]
