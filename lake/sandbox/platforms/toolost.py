"""TooLost stand-in: the portal's analytics pages (which fetch the analytics API) and the
monthly sales reports.

Browser login (the shared `/toolost/login`), then a portal token: under `/toolost`,

- `GET /` (login) -> `/toolost/analytics/spotify`;
- `GET /analytics/<spotify|apple>?startDate=YYYY-MM-DD&endDate=YYYY-MM-DD` (login): a page whose
  script takes the portal token from local storage (`toolost.token`), minting one when it has
  none or the API refuses it, then fetches the analytics API for that range and renders it;
  `#analytics-status` says "Loaded" (or the error) and `body[data-loaded]` is set when done;
- `POST /api/auth/token` (the browser session's cookie) -> `{"token": ..., "expiresIn":
  604800}`: a portal token valid 7 days (401 JSON without a live session);
- `GET /api/v1/analytics/spotify?startDate=&endDate=` (Bearer token) -> `{"streams": [{"date",
  "streams": "<string>"}], "discovery": [{"date": "YYYY-MM-01", "streams": "<string>", "fees":
  "<8 decimals>"}]}`: days in an order of their own, every complete month overlapping the range
  in `discovery`;
- `GET /api/v1/analytics/apple?startDate=&endDate=` (Bearer) -> `{"totalStreams": [{"date",
  "streams": <int>}], "totalShazam": [{"date", "streams": "<string>"}], "tracksTotal": [{"isrc",
  "streams": <int>, "track", "release", "cover"}], "countryTotal": [{"country", "streams":
  <int>}], "streamTotal": <int>}`; days with nothing are left out, as TooLost does;
- `GET /royalties` (login): the published monthly statements, one link
  `a.statement-download[data-month=YYYY-MM]` each (`layout_change`: `a.report-link`);
- `GET /royalties/<YYYY-MM>/download` (login) -> `toolost_sales_<YYYY-MM>.csv` (layout below).

The analytics are the world's (`toolost_day`, `toolost_discovery`, the tracks TooLost
distributes, ISRCs through `isrc_on`), as JSON laid out exactly like the real responses
(indent 2, no trailing newline).

Sales report (no real sample exists; the layout the lake's contract `toolost.sales` reads): a
statement per reporting month, published on the 15th of the month after; UTF-8 without BOM,
comma-separated, CRLF line ends, quotes only where needed, columns `Reporting Month, Sale
Month, Store, Country, Artist, Release, Track Title, ISRC, UPC, Quantity, Currency, Gross
Earnings, Net Earnings`: months `YYYY-MM`, each store reporting the sale month `lag` months
before the reporting month, ISO country codes, quantity an integer, currency EUR or USD per
row (the store's), money with 8 decimals, net = gross less TooLost's 10 % fee.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template_string, request

from lake.contracts.toolost import sales
from lake.sandbox import rng
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import Track
from lake.sandbox.world import World, split

TITLE = "TooLost"
TOKEN_SECONDS = 7 * 24 * 3600
STATEMENT_DAY = 15  # a reporting month's statement is published on this day of the next month
FEE = Decimal("0.10")
CENTS = Decimal("0.00000001")
SERVICES = ("spotify", "apple")
# The statement's header is the contract's layout (lake/contracts/toolost.py).
SALES_COLUMNS: tuple[str, ...] = sales.layout("v1_13_columns").required


@dataclass(frozen=True)
class SalesStore:
    """A store in TooLost's statements: the world's platform, lag, currency and rate."""

    name: str
    platform: str  # World.STREAM_SHARE key
    lag: int  # months between the sale month and the statement reporting it
    currency: str
    rate: Decimal  # per stream, in `currency`


SALES_STORES: tuple[SalesStore, ...] = (
    SalesStore("Spotify", "spotify", 2, "EUR", Decimal("0.0030")),
    SalesStore("Apple Music", "apple_music", 2, "EUR", Decimal("0.0061")),
    SalesStore("YouTube Music", "youtube", 3, "EUR", Decimal("0.0011")),
    SalesStore("Amazon Music", "amazon_music", 2, "USD", Decimal("0.0038")),
    SalesStore("Deezer", "deezer", 1, "EUR", Decimal("0.0029")),
    SalesStore("TIDAL", "tidal", 3, "USD", Decimal("0.0091")),
)


def _error(status: int, title: str, detail: str) -> Response:
    response = jsonify({"statusCode": status, "error": title, "message": detail})
    response.status_code = status
    return response


def render_error(status: int, title: str, detail: str) -> Response:
    """TooLost's API errors: `{"statusCode", "error", "message"}`."""
    return _error(status, title, detail)


def _dumps(document: Any) -> bytes:
    return json.dumps(document, indent=2).encode("utf-8")


def _shuffled(world: World, days: list[date]) -> list[date]:
    """The API's own order of days (not sorted), the same for the same world."""
    return sorted(days, key=lambda d: rng.unit(world.seed, "toolost-order", d))


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def discovery_months(world: World, start: date, end: date) -> list[date]:
    """Complete months (ended by last_day) overlapping start..end."""
    return [
        m
        for m in world.months(start, end)
        if _month_end(m) <= world.last_day and m <= end and _month_end(m) >= start
    ]


def spotify_response(world: World, start: date, end: date) -> dict[str, Any]:
    tracks = world.tracks_distributed_by("toolost")
    daily = {d: sum(world.streams(t, d) for t in tracks) for d in world.days(start, end)}
    days = [d for d, n in daily.items() if n > 0]
    discovery = []
    for month in discovery_months(world, start, end):
        streams, fees = world.toolost_discovery(month)
        if streams > 0:  # Discovery Mode runs once there is a release to promote
            discovery.append(
                {"date": month.isoformat(), "streams": str(streams), "fees": f"{fees:f}"}
            )
    return {
        "streams": [
            {"date": d.isoformat(), "streams": str(daily[d])} for d in _shuffled(world, days)
        ],
        "discovery": discovery,
    }


def _cover(world: World, track: Track) -> str:
    key = rng.rng(world.seed, "cover", track.upc).getrandbits(128)
    return f"https://toolost.s3.us-east-2.amazonaws.com/convertedArtwork/{key:032x}.jpg"


def apple_response(world: World, start: date, end: date) -> dict[str, Any]:
    days = world.days(start, end)
    tracks = world.tracks_distributed_by("toolost")
    totals = [(d, world.toolost_day(d)) for d in _shuffled(world, days)]
    per_track = {t: sum(world.streams(t, d, "apple_music") for d in days) for t in tracks}
    countries: dict[str, int] = defaultdict(int)
    for track in tracks:  # each track's window split over its listeners' countries
        for country, n in split(per_track[track], world.country_weights(track)).items():
            countries[country] += n
    ranked = sorted((t for t in tracks if per_track[t] > 0), key=lambda t: -per_track[t])
    return {
        "totalStreams": [
            {"date": d.isoformat(), "streams": t.apple_streams}
            for d, t in totals
            if t.apple_streams
        ],
        "totalShazam": [
            {"date": d.isoformat(), "streams": str(t.shazams)} for d, t in totals if t.shazams
        ],
        "tracksTotal": [
            {
                "isrc": world.isrc_on(t, "toolost"),
                "streams": per_track[t],
                "track": world.title_on(t, "toolost"),
                "release": t.release_title,
                "cover": _cover(world, t),
            }
            for t in ranked
        ],
        "countryTotal": [
            {"country": c, "streams": n}
            for c, n in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))
            if n > 0
        ],
        "streamTotal": sum(t.apple_streams for _, t in totals),
    }


# --- sales statements ------------------------------------------------------------------------


def _add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def published(world: World, reporting_month: date) -> bool:
    """A statement is published on STATEMENT_DAY of the month after its reporting month."""
    return _add_months(reporting_month, 1).replace(day=STATEMENT_DAY) <= world.last_day


def statement_months(world: World) -> list[date]:
    """Reporting months with a published statement that has rows, oldest first."""
    tracks = world.tracks_distributed_by("toolost")
    first_sale = max(world.origin, min(t.release_date for t in tracks)).replace(day=1)
    first = _add_months(first_sale, min(s.lag for s in SALES_STORES))
    out, month = [], first
    while published(world, month):
        out.append(month)
        month = _add_months(month, 1)
    return out


def sales_rows(world: World, reporting_month: date) -> list[dict[str, str]]:
    """The rows of one statement: per store, the sale month `lag` months before, per track
    and country with sales (final figures: the statement is published after the month)."""
    rows = []
    for store in SALES_STORES:
        sale_month = _add_months(reporting_month, -store.lag)
        if sale_month < world.origin.replace(day=1):
            continue
        for track in world.tracks_distributed_by("toolost"):
            quantity = world.monthly_streams(track, sale_month, store.platform)
            title, isrc = world.title_on(track, "toolost"), world.isrc_on(track, "toolost")
            for country, units in split(quantity, world.country_weights(track)).items():
                if units <= 0:
                    continue
                u = rng.unit(
                    world.seed, "toolost-sale", store.name, track.isrc, sale_month, country
                )
                gross = (units * store.rate * Decimal(str(round(0.9 + 0.2 * u, 6)))).quantize(
                    CENTS, ROUND_HALF_UP
                )
                net = (gross * (1 - FEE)).quantize(CENTS, ROUND_HALF_UP)
                rows.append(
                    {
                        "Reporting Month": reporting_month.strftime("%Y-%m"),
                        "Sale Month": sale_month.strftime("%Y-%m"),
                        "Store": store.name,
                        "Country": country,
                        "Artist": track.artist.name,
                        "Release": track.release_title,
                        "Track Title": title,
                        "ISRC": isrc,
                        "UPC": track.upc,
                        "Quantity": str(units),
                        "Currency": store.currency,
                        "Gross Earnings": f"{gross:f}",
                        "Net Earnings": f"{net:f}",
                    }
                )
    return rows


def sales_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SALES_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --- pages -----------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>TooLost - {{ heading }}</title></head>
<body>
<nav id="portal-nav"><a href="{{ prefix }}/analytics/spotify">Spotify</a>
<a href="{{ prefix }}/analytics/apple">Apple Music</a>
<a href="{{ prefix }}/royalties">Royalties</a>
<a class="logout" href="{{ prefix }}/logout">Log out</a></nav>
<h1>{{ heading }}</h1>
{{ body | safe }}
</body></html>
"""

_ANALYTICS = """<p id="analytics-status">Loading...</p>
<pre id="analytics-data"></pre>
<script>
const KEY = "toolost.token";
const API = {{ api | tojson }};
const PREFIX = {{ prefix | tojson }};
async function portalToken(fresh) {
  let token = fresh ? null : localStorage.getItem(KEY);
  if (!token) {
    const r = await fetch(PREFIX + "/api/auth/token", {method: "POST", credentials: "same-origin"});
    if (!r.ok) {
      const here = location.pathname + location.search;
      location.href = PREFIX + "/login?next=" + encodeURIComponent(here);
      return null;
    }
    token = (await r.json()).token;
    localStorage.setItem(KEY, token);
  }
  return token;
}
async function load() {
  const status = document.getElementById("analytics-status");
  let token = await portalToken(false);
  if (!token) return;
  let r = await fetch(API, {headers: {Authorization: "Bearer " + token}});
  if (r.status === 401) {
    token = await portalToken(true);
    if (!token) return;
    r = await fetch(API, {headers: {Authorization: "Bearer " + token}});
  }
  if (!r.ok) {
    status.textContent = "Could not load analytics (" + r.status + ")";
    status.className = "error";
    document.body.dataset.failed = String(r.status);
    return;
  }
  const data = await r.json();
  document.getElementById("analytics-data").textContent = JSON.stringify(data).slice(0, 2000);
  status.textContent = "Loaded";
  document.body.dataset.loaded = "1";
}
load();
</script>
"""

_ROYALTIES = """<table id="statements">
<tr><th>Reporting month</th><th>Report</th></tr>
{% for m in months %}<tr><td>{{ m }}</td><td><a class="{{ link_class }}" data-month="{{ m }}"
 href="{{ prefix }}/royalties/{{ m }}/download">{{ label }}</a></td></tr>
{% endfor %}</table>
"""


def _day(value: str | None, default: date) -> date:
    return date.fromisoformat(value) if value else default


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("toolost", __name__)
    api = ctx.token_required("bearer")
    statements: dict[tuple[int, date, date], bytes] = {}  # published statements are final

    def statement(month: date) -> bytes:
        world = ctx.world
        key = (world.seed, world.origin, month)
        if key not in statements:
            statements[key] = sales_csv(sales_rows(world, month))
        return statements[key]

    def page(heading: str, body: str) -> Response:
        html = render_template_string(_PAGE, heading=heading, body=body, prefix=ctx.prefix)
        return Response(html, mimetype="text/html")

    def window() -> tuple[date, date] | Response:
        world = ctx.world
        try:
            end = _day(request.args.get("endDate"), world.last_day)
            start = _day(request.args.get("startDate"), end - timedelta(days=27))
        except ValueError:
            return ctx.error(400, "Bad Request", "startDate and endDate must be YYYY-MM-DD")
        if start > end:
            return ctx.error(400, "Bad Request", "startDate must not be after endDate")
        return start, end

    @bp.get("/")
    @ctx.login_required
    def home() -> Response:
        return redirect(f"{ctx.prefix}/analytics/spotify", code=302)

    @bp.get("/analytics/<service>")
    @ctx.login_required
    def analytics(service: str) -> Response:
        if service not in SERVICES:
            return ctx.error(404, "Not Found", f"no analytics for {service!r}")
        query = request.query_string.decode("ascii", "replace")
        target = f"{ctx.prefix}/api/v1/analytics/{service}" + (f"?{query}" if query else "")
        body = render_template_string(_ANALYTICS, api=target, prefix=ctx.prefix)
        return page(f"{'Spotify' if service == 'spotify' else 'Apple Music'} analytics", body)

    @bp.post("/api/auth/token")
    def token() -> Response:
        session = ctx.current_session()
        if session is None or not session.verified:
            return ctx.error(401, "Unauthorized", "log in to the portal first")
        minted, lifetime = ctx.state.auth.issue_token(ctx.platform, TOKEN_SECONDS)
        return jsonify({"token": minted, "expiresIn": int(lifetime)})

    @bp.get("/api/v1/analytics/spotify")
    @api
    def spotify_api() -> Response:
        span = window()
        if isinstance(span, Response):
            return span
        return Response(_dumps(spotify_response(ctx.world, *span)), mimetype="application/json")

    @bp.get("/api/v1/analytics/apple")
    @api
    def apple_api() -> Response:
        span = window()
        if isinstance(span, Response):
            return span
        return Response(_dumps(apple_response(ctx.world, *span)), mimetype="application/json")

    @bp.get("/royalties")
    @ctx.login_required
    def royalties() -> Response:
        changed = ctx.layout_changed()
        body = render_template_string(
            _ROYALTIES,
            months=[m.strftime("%Y-%m") for m in statement_months(ctx.world)],
            link_class="report-link" if changed else "statement-download",
            label="Get report" if changed else "Download CSV",
            prefix=ctx.prefix,
        )
        return page("Royalties", body)

    @bp.get("/royalties/<month>/download")
    @ctx.login_required
    def sales_download(month: str) -> Response:
        try:
            wanted = date.fromisoformat(f"{month}-01")
        except ValueError:
            return ctx.error(404, "Not Found", f"no statement {month!r}")
        if wanted not in statement_months(ctx.world):
            return ctx.error(404, "Not Found", f"no statement for {month} yet")
        return ctx.send_download(statement(wanted), f"toolost_sales_{month}.csv", "text/csv")

    return bp
