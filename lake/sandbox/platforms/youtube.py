"""YouTube stand-in: the YouTube Analytics API (v2 reports) and a small YouTube Studio.

API (`Authorization: Bearer <token>`, default `sandbox-youtube-token`), under `/youtube`:

- `GET /v2/reports?ids=channel==MINE|channel==<id>&startDate=&endDate=&metrics=&dimensions=
  &sort=&maxResults=` -> `{"kind": "youtubeAnalytics#resultTable", "columnHeaders": [{"name",
  "columnType", "dataType"}], "rows": [[...]]}` with `dimensions` one of `day`, `month`
  (startDate the first of a month, endDate the last day of one, as the real API demands),
  `video` (needs `sort` and `maxResults` <= 200) or `country`; metrics `views`,
  `estimatedMinutesWatched`, `averageViewDuration`, `subscribersGained`,
  `videoThumbnailImpressions`, `videoThumbnailImpressionsClickRate` (a percentage, as Studio);
  `rows` is left out when the report is empty, as the real API does.

Studio (browser, login required): `/youtube/channel/<id>/analytics?start=&end=` shows the
"Advanced mode" table of the period with an `#analytics-export` link (`#export-table` under the
`layout_change` fault) to `/youtube/channel/<id>/analytics/export.csv?start=&end=`, which
downloads `Table data.csv`: `Content,Video title,Video publish time,Views,Watch time (hours),
Subscribers,Impressions,Impressions click-through rate (%)`, LF line ends, no BOM, minimal
quoting, the `Total` row first, then one row per video with views (most viewed first), publish
time like `Jun 14, 2024`, numbers without trailing zeros (the `stall_download` fault applies).

Errors are Google API errors: `{"error": {"code", "message", "errors": [{"message", "domain",
"reason"}], "status"}}` (401 `UNAUTHENTICATED`, 403 `quotaExceeded`, 429, 5xx).
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, Response, render_template_string, request

from lake.contracts.youtube import table_data
from lake.sandbox import rng
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import YouTubeVideo
from lake.sandbox.world import COUNTRIES, World, split

TITLE = "YouTube Studio"
RESULT_TABLE = "youtubeAnalytics#resultTable"
MAX_VIDEO_RESULTS = 200
# The Studio export's header: the contract's required columns (lake/contracts/youtube.py).
TABLE_HEADER: tuple[str, ...] = table_data.layout("studio_v1").required
_JSON = "application/json; charset=UTF-8"

# status -> (Google status, reason, domain, message)
_ERRORS: dict[int, tuple[str, str, str, str]] = {
    400: ("INVALID_ARGUMENT", "badRequest", "global", ""),
    401: (
        "UNAUTHENTICATED",
        "authError",
        "global",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    ),
    403: (
        "PERMISSION_DENIED",
        "quotaExceeded",
        "youtube.quota",
        "The request cannot be completed because you have exceeded your quota.",
    ),
    404: ("NOT_FOUND", "notFound", "global", "Requested entity was not found."),
    429: ("RESOURCE_EXHAUSTED", "rateLimitExceeded", "usageLimits", "Rate limit exceeded."),
    500: ("INTERNAL", "backendError", "global", "Internal error encountered."),
    503: ("UNAVAILABLE", "backendError", "global", "The service is currently unavailable."),
}
FORBIDDEN = "Forbidden"  # a 403 title that is not the quota: no access to the channel


def render_error(status: int, title: str, detail: str) -> Response:
    """A Google API error body."""
    google, reason, domain, message = _ERRORS.get(status, ("UNKNOWN", "unknown", "global", ""))
    if status == 403 and title == FORBIDDEN:
        reason, domain, message = "forbidden", "global", detail
    message = message or detail
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
            "status": google,
        }
    }
    return Response(json.dumps(body, indent=2), status=status, mimetype=_JSON)


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, title: str = "Bad Request") -> None:
        super().__init__(message)
        self.message, self.status, self.title = message, status, title


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Sums:
    """Studio figures summed over days (and videos)."""

    views: int = 0
    hours: Decimal = Decimal("0")
    subscribers: int = 0
    impressions: int = 0
    clicks: Decimal = Decimal("0")  # impressions x ctr / 100, for a weighted ctr

    def add(self, other: Sums) -> None:
        self.views += other.views
        self.hours += other.hours
        self.subscribers += other.subscribers
        self.impressions += other.impressions
        self.clicks += other.clicks

    @property
    def minutes(self) -> int:
        return int((self.hours * 60).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def ctr(self) -> Decimal:
        """Impressions click-through rate in percent, 2 decimals."""
        if not self.impressions:
            return Decimal("0")
        return (100 * self.clicks / self.impressions).quantize(Decimal("0.01"), ROUND_HALF_UP)


class Figures:
    """Per video and day over one period, computed once per (world, period)."""

    def __init__(self, world: World, start: date, end: date) -> None:
        self.world = world
        self.days = world.days(start, min(end, world.last_day)) if start <= end else []
        self.videos = [v for v in world.youtube_videos if v.published_at.date() <= end]
        self.cells: dict[tuple[str, date], Sums] = {}
        for video in self.videos:
            for day in self.days:
                d = world.youtube_video_day(video, day)
                if d.views or d.impressions:
                    self.cells[(video.id, day)] = Sums(
                        d.views,
                        d.watch_time_hours,
                        d.subscribers,
                        d.impressions,
                        d.impressions * d.impressions_ctr / 100,
                    )

    def by(self, key: Callable[[str, date], Any]) -> dict[Any, Sums]:
        out: dict[Any, Sums] = {}
        for (video_id, day), cell in self.cells.items():
            out.setdefault(key(video_id, day), Sums()).add(cell)
        return out

    def total(self) -> Sums:
        total = Sums()
        for cell in self.cells.values():
            total.add(cell)
        return total


class FiguresCache:
    """The last few periods' figures (a report is often asked for several times a run)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], Figures] = OrderedDict()

    def get(self, world: World, start: date, end: date) -> Figures:
        key = (world.seed, world.origin, world.today, start, end)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        figures = Figures(world, start, end)
        with self._lock:
            self._items[key] = figures
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return figures


def country_weights(world: World) -> dict[str, float]:
    """Where the channel's viewers are: `COUNTRIES` tilted for the channel."""
    channel = world.youtube_channel.id
    return {
        c: w * rng.between(rng.unit(world.seed, "yt-country", channel, c), 0.6, 1.4)
        for c, w in COUNTRIES.items()
    }


# --- the Analytics API --------------------------------------------------------------------------

METRICS: dict[str, tuple[str, Callable[[Sums], Any]]] = {
    "views": ("INTEGER", lambda s: s.views),
    "estimatedMinutesWatched": ("INTEGER", lambda s: s.minutes),
    "averageViewDuration": ("INTEGER", lambda s: round(s.minutes * 60 / s.views) if s.views else 0),
    "subscribersGained": ("INTEGER", lambda s: s.subscribers),
    "videoThumbnailImpressions": ("INTEGER", lambda s: s.impressions),
    "videoThumbnailImpressionsClickRate": ("FLOAT", lambda s: float(s.ctr)),
}
DIMENSIONS = ("day", "month", "video", "country")


@dataclass(frozen=True)
class ReportQuery:
    start: date
    end: date
    metrics: tuple[str, ...]
    dimension: str
    sort: tuple[str, ...]
    max_results: int | None


def _date(name: str) -> date:
    value = request.args.get(name)
    if not value:
        raise BadRequest(f"Required parameter: {name}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"Invalid value '{value}'. Values must match 'YYYY-MM-DD'.") from exc


def parse_query(world: World) -> ReportQuery:
    ids = request.args.get("ids", "")
    if ids not in ("channel==MINE", f"channel=={world.youtube_channel.id}"):
        raise BadRequest(f"Forbidden: no access to {ids or 'no ids'}", 403, FORBIDDEN)
    start, end = _date("startDate"), _date("endDate")
    if start > end:
        raise BadRequest("The query's startDate must not be after its endDate.")
    metrics = tuple(m for m in request.args.get("metrics", "").split(",") if m)
    if not metrics:
        raise BadRequest("Required parameter: metrics")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise BadRequest(f"Unknown identifier ({unknown[0]}) given in field parameters.metrics.")
    dimension = request.args.get("dimensions", "")
    if dimension not in DIMENSIONS:
        raise BadRequest(f"The query is not supported: dimensions={dimension or '(none)'}.")
    if dimension == "month" and (start.day != 1 or (end + timedelta(days=1)).day != 1):
        raise BadRequest(
            "The query is not supported: for dimensions=month the startDate must be the first "
            "day of a month and the endDate the last day of a month."
        )
    sort = tuple(s for s in request.args.get("sort", "").split(",") if s)
    for key in sort:
        if key.lstrip("-") not in (*metrics, dimension):
            raise BadRequest(f"The sort key {key} is not a dimension or metric of the query.")
    max_results = request.args.get("maxResults")
    limit = int(max_results) if max_results and max_results.isdigit() else None
    if dimension == "video" and (not sort or limit is None or limit > MAX_VIDEO_RESULTS):
        raise BadRequest(
            "The query is not supported: dimensions=video needs sort and maxResults "
            f"(at most {MAX_VIDEO_RESULTS})."
        )
    return ReportQuery(start, end, metrics, dimension, sort, limit)


def _grouped(figures: Figures, q: ReportQuery) -> dict[str, Sums]:
    if q.dimension == "day":
        out = {day.isoformat(): Sums() for day in figures.days}
        out.update({k.isoformat(): s for k, s in figures.by(lambda _v, d: d).items()})
        return out
    if q.dimension == "month":
        return {k: s for k, s in sorted(figures.by(lambda _v, d: d.strftime("%Y-%m")).items())}
    if q.dimension == "video":
        return {k: s for k, s in figures.by(lambda v, _d: v).items() if s.views}
    total = figures.total()
    weights = country_weights(figures.world)
    parts = {
        name: split(value, weights)
        for name, value in (
            ("views", total.views),
            ("impressions", total.impressions),
            ("subscribers", total.subscribers),
            ("centihours", int((total.hours * 100).to_integral_value(ROUND_HALF_UP))),
        )
    }
    countries = {
        c: Sums(
            parts["views"][c],
            Decimal(parts["centihours"][c]) / 100,
            parts["subscribers"][c],
            parts["impressions"][c],
            parts["impressions"][c] * total.ctr / 100,
        )
        for c in weights
    }
    return {c: s for c, s in countries.items() if s.views}


def report(figures: Figures, q: ReportQuery) -> dict[str, Any]:
    headers = [{"name": q.dimension, "columnType": "DIMENSION", "dataType": "STRING"}]
    headers += [{"name": m, "columnType": "METRIC", "dataType": METRICS[m][0]} for m in q.metrics]
    rows = [
        [key, *(METRICS[m][1](s) for m in q.metrics)] for key, s in _grouped(figures, q).items()
    ]
    names = [h["name"] for h in headers]
    for key in reversed(q.sort):
        index = names.index(key.lstrip("-"))
        rows.sort(key=lambda r, i=index: r[i], reverse=key.startswith("-"))
    if q.max_results is not None:
        rows = rows[: q.max_results]
    body: dict[str, Any] = {"kind": RESULT_TABLE, "columnHeaders": headers}
    if rows:
        body["rows"] = rows
    return body


# --- Studio -------------------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A Studio number: no trailing zeros ("71.22", "812.4471", "0")."""
    return format(value.normalize(), "f") if value else "0"


def publish_time(video: YouTubeVideo) -> str:
    """`Jun 14, 2024`, `May 9, 2024` (no zero padding)."""
    day = video.published_at.date()
    return f"{day:%b} {day.day}, {day.year}"


def table_data(figures: Figures) -> bytes:
    """Studio's `Table data.csv` for the period: the `Total` row, then videos by views."""
    per_video = figures.by(lambda v, _d: v)
    videos = sorted(
        (v for v in figures.videos if per_video.get(v.id, Sums()).views),
        key=lambda v: (-per_video[v.id].views, v.id),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TABLE_HEADER)

    def numbers(s: Sums) -> list[str]:
        hours = s.hours.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        return [str(s.views), plain(hours), str(s.subscribers), str(s.impressions), plain(s.ctr)]

    writer.writerow(["Total", "", "", *numbers(figures.total())])
    for video in videos:
        row = [video.id, video.title, publish_time(video), *numbers(per_video[video.id])]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


_STUDIO = """<!doctype html>
<html><head><meta charset="utf-8"><title>Channel analytics - YouTube Studio</title></head>
<body>
<header><span id="channel-name">{{ channel.title }}</span></header>
<h1>Advanced mode</h1>
<p id="period">{{ start }} &ndash; {{ end }}</p>
<a id="{{ export_id }}" href="{{ export_url }}">{{ export_label }}</a>
<table id="analytics-table">
<tr><th>Content</th><th>Views</th></tr>
{% for video, views in rows %}
<tr data-id="{{ video.id }}"><td>{{ video.title }}</td><td>{{ views }}</td></tr>
{% endfor %}
</table>
</body></html>
"""


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("youtube", __name__)
    cache = FiguresCache()

    @bp.get("/v2/reports")
    @ctx.token_required("bearer")
    def reports() -> Response:
        world = ctx.world
        try:
            q = parse_query(world)
        except BadRequest as exc:
            return ctx.error(exc.status, exc.title, exc.message)
        body = report(cache.get(world, q.start, q.end), q)
        return Response(json.dumps(body, indent=2), mimetype=_JSON)

    def period(world: World) -> tuple[date, date]:
        try:
            end = date.fromisoformat(request.args.get("end") or world.last_day.isoformat())
            start = date.fromisoformat(
                request.args.get("start") or (end - timedelta(days=27)).isoformat()
            )
        except ValueError:
            start, end = world.last_day - timedelta(days=27), world.last_day
        return start, end

    def channel_or_404(channel_id: str) -> Response | None:
        if channel_id != ctx.world.youtube_channel.id:
            return ctx.error(404, "Not Found", f"No channel {channel_id}")
        return None

    @bp.get("/")
    @ctx.login_required
    def home() -> Response:
        channel = ctx.world.youtube_channel
        html = (
            f'<!doctype html><title>YouTube Studio</title><span id="channel-name">'
            f'{channel.title}</span><a id="analytics" href="{ctx.prefix}/channel/{channel.id}'
            f'/analytics">Analytics</a>'
        )
        return Response(html, mimetype="text/html")

    @bp.get("/channel/<channel_id>/analytics")
    @ctx.login_required
    def analytics(channel_id: str) -> Response | str:
        if (missing := channel_or_404(channel_id)) is not None:
            return missing
        world = ctx.world
        start, end = period(world)
        figures = cache.get(world, start, end)
        per_video = figures.by(lambda v, _d: v)
        rows = sorted(
            ((v, per_video[v.id].views) for v in figures.videos if v.id in per_video),
            key=lambda r: -r[1],
        )
        changed = ctx.layout_changed()
        query = f"start={start.isoformat()}&end={end.isoformat()}"
        return render_template_string(
            _STUDIO,
            channel=world.youtube_channel,
            start=start,
            end=end,
            rows=rows,
            export_id="export-table" if changed else "analytics-export",
            export_label="Download" if changed else "Export current view",
            export_url=f"{ctx.prefix}/channel/{channel_id}/analytics/export.csv?{query}",
        )

    @bp.get("/channel/<channel_id>/analytics/export.csv")
    @ctx.login_required
    def export(channel_id: str) -> Response:
        if (missing := channel_or_404(channel_id)) is not None:
            return missing
        world = ctx.world
        start, end = period(world)
        data = table_data(cache.get(world, start, end))
        return ctx.send_download(data, "Table data.csv", "text/csv")

    return bp
