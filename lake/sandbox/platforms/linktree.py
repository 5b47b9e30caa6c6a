"""Linktree stand-in: the admin's analytics page, whose JavaScript queries a GraphQL endpoint.

Under `/linktree` (browser session required for everything):

- `GET /admin` -> the admin home (`#lt-admin`), a profile list (`a.profile-link[data-username]`);
- `GET /admin/analytics?profile=<username>&range=<7|28|90|365>&interval=DAILY` -> the
  analytics page (`#lt-admin`, `select#date-range`). Its script posts, on load, four GraphQL
  queries for the range (the last `range` days up to today), then the link-details query for
  the links the first answer named, and writes "loaded" into `#analytics-status`;
- `POST /graphql` `{"operationName", "variables", "query"}` -> `{"data": {...}}`, compact JSON
  exactly in the shapes of the captured real responses (`/work/shared/fixtures/linktree/`):
  - `getAccountAnalyticsOverview` -> `getAccountAnalytics.overview` (totals and
    `timeseries[]`, one row per day);
  - `getAccountAnalyticsSubscribers` -> `.subscribers` (`subscribers[]`,
    `emailSubscribers[]`, `smsSubscribers[]` per day, `total`, `interval`);
  - `getAccountAnalyticsLinks` -> `.links[]` (clicks per link), `.socials`, `.products`;
  - `getAccountAnalyticsAudience` -> `.lifetime`, `.locations` (`cities[]`, `countries[]`),
    `.referrers`, `.devices`;
  - `getLinkDetails` (`variables.ids`) -> one `link<ID>` object per link;
  every object carries its `__typename`; ids are integers; `clickThroughRate` is clicks/views
  and exceeds 1 where clicks outnumber views (desktop). A missing session answers 401
  `{"errors": [{"message", "extensions": {"code": "UNAUTHENTICATED"}}]}`.

Figures come from the world: views, unique views and clicks per day
(`World.linktree_profile_day`), clicks per link (`World.linktree_link_clicks`); the splits by
social icon, country, city, referrer and device are fixed shares of them (deterministic). The
world has no subscribers: those series are zeros, as in the real capture.

Under `layout_change` the page fetches the same figures from a REST endpoint
(`POST /api/v2/analytics`) instead of GraphQL, as after a front-end rewrite: nothing a GraphQL
capture looks for is sent.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, render_template_string, request

from lake.sandbox import rng
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import LinktreeProfile
from lake.sandbox.world import World, split

TITLE = "Linktree"
RANGES = (7, 28, 90, 365)
DEFAULT_RANGE = 7
SOCIALS = {"instagram": (0.04, 0.09), "tiktok": (0.05, 0.12)}
COUNTRIES = (
    ("United States", "US", 0.34, 0.36),
    ("Mexico", "MX", 0.12, 0.11),
    ("Germany", "DE", 0.11, 0.09),
    ("United Kingdom", "GB", 0.1, 0.1),
    ("Brazil", "BR", 0.09, 0.08),
    ("Canada", "CA", 0.08, 0.1),
    ("France", "FR", 0.07, 0.05),
    ("Spain", "ES", 0.05, 0.06),
    ("Japan", "JP", 0.04, 0.05),
)
CITIES = (
    ("Unknown", "US", ("36.1671", "-86.7861"), 0.12, 0.0),
    ("Los Angeles", "US", ("34.0522", "-118.2437"), 0.14, 0.16),
    ("New York", "US", ("40.7128", "-74.0060"), 0.1, 0.12),
    ("Mexico City", "MX", ("19.4326", "-99.1332"), 0.12, 0.11),
    ("Berlin", "DE", ("52.5200", "13.4050"), 0.11, 0.09),
    ("London", "GB", ("51.5072", "-0.1276"), 0.1, 0.12),
    ("São Paulo", "BR", ("-23.5505", "-46.6333"), 0.09, 0.08),
    ("Toronto", "CA", ("43.6532", "-79.3832"), 0.08, 0.1),
    ("Paris", "FR", ("48.8566", "2.3522"), 0.07, 0.06),
    ("Madrid", "ES", ("40.4168", "-3.7038"), 0.07, 0.16),
)
REFERRERS = (
    ("Tiktok", 0.55, 0.5),
    ("Instagram", 0.2, 0.22),
    ("Direct", 0.12, 0.18),
    ("Facebook", 0.05, 0.02),
    ("Google", 0.04, 0.04),
    ("Youtube", 0.04, 0.04),
)
DEVICES = (
    ("mobile", 0.9, 0.82),
    ("desktop", 0.06, 0.14),  # clicks outnumber views: clickThroughRate above 1
    ("tablet", 0.03, 0.04),
    ("other", 0.01, 0.0),
)
OPERATIONS = (
    "getAccountAnalyticsOverview",
    "getAccountAnalyticsSubscribers",
    "getAccountAnalyticsLinks",
    "getAccountAnalyticsAudience",
)
BENCHMARK = 80.6429


def _ctr(clicks: int, views: int, places: int | None = None) -> float | int:
    if not views:
        return 0
    value = clicks / views
    return round(value, places) if places is not None else value


def _views(total: int) -> dict[str, Any]:
    return {"total": total, "__typename": "AccountViews"}


def _clicks(total: int) -> dict[str, Any]:
    return {"total": total, "__typename": "AccountClicks"}


class Analytics:
    """The GraphQL answers for one profile over the days `start`..`end`."""

    def __init__(self, world: World, profile: LinktreeProfile, start: date, end: date) -> None:
        self.world, self.profile = world, profile
        self.days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        self.rows = [world.linktree_profile_day(profile, d) for d in self.days]
        self.views = sum(r.views for r in self.rows)
        self.clicks = sum(r.clicks for r in self.rows)

    def social_clicks(self, name: str, day: date, clicks: int) -> int:
        low, high = SOCIALS[name]
        u = rng.unit(self.world.seed, "ltsocial", self.profile.username, name, day)
        return round(clicks * rng.between(u, low, high))

    def overview(self) -> dict[str, Any]:
        series = [
            {
                "totalViews": r.views,
                "totalClicks": r.clicks,
                "uniqueViews": r.unique_views,
                "uniqueClicks": round(r.clicks * 0.55),
                "clickThroughRate": _ctr(r.clicks, r.views, 4),
                "date": r.day.isoformat(),
                "__typename": "AccountActivity",
            }
            for r in self.rows
        ]
        return {
            "overview": {
                "totalViews": self.views,
                "totalClicks": self.clicks,
                "clickThroughRate": _ctr(self.clicks, self.views, 4),
                "timeToClick": 0,
                "clickThroughBenchmark": BENCHMARK,
                "timeseries": series,
                "__typename": "AccountOverview",
            }
        }

    def subscribers(self) -> dict[str, Any]:
        def series() -> list[dict[str, Any]]:
            return [
                {
                    "date": d.isoformat(),
                    "subscribersTotal": 0,
                    "subscribersClicks": 0,
                    "notifications": [],
                    "dailyTotal": 0,
                    "__typename": "AccountSubscriber",
                }
                for d in self.days
            ]

        return {
            "subscribers": {
                "subscribers": series(),
                "emailSubscribers": series(),
                "smsSubscribers": series(),
                "total": {
                    "clicks": 0,
                    "subscribers": 0,
                    "notificationRecipients": 0,
                    "ctr": 0,
                    "__typename": "AccountSubscribersTotal",
                },
                "interval": "DAILY",
                "__typename": "AccountSubscribers",
            }
        }

    def links(self) -> dict[str, Any]:
        links = self.world.linktree_links(self.profile.username)
        totals = {
            link.id: sum(self.world.linktree_link_clicks(link, d) for d in self.days)
            for link in links
        }
        ordered = sorted(links, key=lambda link: (-totals[link.id], link.position))
        timeseries, social_totals = [], dict.fromkeys(SOCIALS, 0)
        for r in self.rows:
            for name in sorted(SOCIALS):
                clicks = self.social_clicks(name, r.day, r.clicks)
                social_totals[name] += clicks
                timeseries.append(self._social(r.day.isoformat(), name, clicks))
        socials = [self._social(None, n, c) for n, c in social_totals.items()]
        return {
            "links": [
                {
                    "id": int(link.id),
                    "clicks": _clicks(totals[link.id]),
                    "breakdown": None,
                    "__typename": "AccountLink",
                }
                for link in ordered
            ],
            "socials": {
                "socials": socials,
                "timeseries": timeseries,
                "__typename": "AccountSocials",
            },
            "products": [],
        }

    def _social(self, day: str | None, name: str, clicks: int) -> dict[str, Any]:
        return {
            "date": day,
            "name": name,
            "views": _views(self.views),
            "clicks": _clicks(clicks),
            "__typename": "AccountSocial",
        }

    def audience(self) -> dict[str, Any]:
        return {
            "lifetime": self.lifetime(),
            "locations": {
                "cities": self._cities(),
                "countries": self._split(COUNTRIES, "AccountCountry", with_code=True),
                "__typename": "AccountLocations",
            },
            "referrers": {
                "referrers": self._split(REFERRERS, "AccountReferrer"),
                "__typename": "AccountReferrers",
            },
            "devices": {
                "devices": self._split(DEVICES, "AccountDevice", clicks_first=True),
                "__typename": "AccountDevices",
            },
        }

    def lifetime(self) -> dict[str, Any]:
        every = Analytics(self.world, self.profile, self.world.origin, self.world.today)
        socials = sum(
            every.social_clicks(name, r.day, r.clicks) for r in every.rows for name in SOCIALS
        )
        return {
            "views": {"total": every.views, "__typename": "AccountLifetimeViews"},
            "clicks": {
                "total": every.clicks + socials,
                "profile": every.clicks,
                "socials": socials,
                "__typename": "AccountLifetimeClicks",
            },
            "subscribers": {"total": 0, "__typename": "AccountLifetimeSubscribers"},
            "clickThroughRate": _ctr(every.clicks + socials, every.views, 4),
            "payments": [],
            "__typename": "AccountLifetime",
        }

    def _split(
        self,
        table: tuple[tuple[Any, ...], ...],
        typename: str,
        *,
        with_code: bool = False,
        clicks_first: bool = False,
    ) -> list[dict[str, Any]]:
        """Rows of (name, [code,] views share, clicks share) as Linktree's breakdown items."""
        keyed = {row[1] if with_code else row[0]: row for row in table}
        views = split(self.views, {key: row[-2] for key, row in keyed.items()})
        clicks = split(self.clicks, {key: row[-1] for key, row in keyed.items()})
        out = []
        for key, row in keyed.items():
            item: dict[str, Any] = {"name": row[0]}
            if with_code:
                item["countryCode"] = key
            counts = {"views": _views(views[key]), "clicks": _clicks(clicks[key])}
            item.update(dict(reversed(counts.items())) if clicks_first else counts)
            item["clickThroughRate"] = _ctr(clicks[key], views[key])
            item["__typename"] = typename
            out.append(item)
        return out

    def _cities(self) -> list[dict[str, Any]]:
        keys = {f"{name}|{code}": (v, c) for name, code, _, v, c in CITIES}
        views = split(self.views, {k: w[0] for k, w in keys.items()})
        clicks = split(self.clicks, {k: w[1] for k, w in keys.items()})
        return [
            {
                "name": name,
                "countryCode": code,
                "coordinates": list(coordinates),
                "views": _views(views[f"{name}|{code}"]),
                "clicks": _clicks(clicks[f"{name}|{code}"]),
                "clickThroughRate": _ctr(clicks[f"{name}|{code}"], views[f"{name}|{code}"]),
                "__typename": "AccountCity",
            }
            for name, code, coordinates, _, _ in CITIES
        ]

    def answer(self, operation: str) -> dict[str, Any]:
        block = {
            "getAccountAnalyticsOverview": self.overview,
            "getAccountAnalyticsSubscribers": self.subscribers,
            "getAccountAnalyticsLinks": self.links,
            "getAccountAnalyticsAudience": self.audience,
        }[operation]()
        return {"data": {"getAccountAnalytics": {**block, "__typename": "AccountAnalytics"}}}


def link_details(world: World, username: str, ids: list[int]) -> dict[str, Any]:
    links = {int(link.id): link for link in world.linktree_links(username)}
    return {
        "data": {
            f"link{i}": {
                "id": i,
                "title": links[i].title,
                "active": True,
                "modifiers": {"thumbnailUrl": None, "__typename": "LinkModifiers"},
                "__typename": "Link",
            }
            for i in ids
            if i in links
        }
    }


def compact(body: dict[str, Any]) -> Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return Response(text.encode("utf-8"), mimetype="application/json")


def graphql_error(status: int, message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}
    response = compact(body)
    response.status_code = status
    return response


def render_error(status: int, title: str, detail: str) -> Response:
    """GraphQL-style errors for the API; a small page for the browser."""
    if request.path.endswith(("/graphql", "/api/v2/analytics")):
        return graphql_error(status, f"{title}: {detail}", title.upper().replace(" ", "_"))
    page = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{detail}</p>"
    return Response(page, status=status, mimetype="text/html")


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("linktree", __name__)

    def profile(username: str) -> LinktreeProfile | None:
        return next((p for p in ctx.world.linktree_profiles if p.username == username), None)

    @bp.get("/admin")
    @ctx.login_required
    def admin() -> str:
        return render_template_string(_ADMIN, profiles=ctx.world.linktree_profiles)

    @bp.get("/admin/analytics")
    @ctx.login_required
    def analytics() -> Response | str:
        username = request.args.get("profile", "")
        if profile(username) is None:
            return ctx.error(404, "Not found", f"no Linktree profile {username!r} in this account")
        try:
            days = int(request.args.get("range", DEFAULT_RANGE))
        except ValueError:
            days = 0
        if days not in RANGES:
            return ctx.error(400, "Bad request", f"range must be one of {RANGES}")
        today = ctx.world.today
        return render_template_string(
            _ANALYTICS,
            username=username,
            ranges=RANGES,
            selected=days,
            start=(today - timedelta(days=days - 1)).isoformat(),
            end=today.isoformat(),
            endpoint=f"{ctx.prefix}/api/v2/analytics"
            if ctx.layout_changed()
            else f"{ctx.prefix}/graphql",
            operations=OPERATIONS,
        )

    def answer() -> Response:
        session = ctx.current_session()
        if session is None or not session.verified:
            return graphql_error(401, "You must be logged in", "UNAUTHENTICATED")
        body = request.get_json(silent=True) or {}
        operation = body.get("operationName")
        variables = body.get("variables") or {}
        found = profile(str(variables.get("username", "")))
        if found is None:
            return graphql_error(400, "unknown or missing variables.username", "BAD_USER_INPUT")
        if operation == "getLinkDetails":
            ids = [int(i) for i in variables.get("ids", [])]
            return compact(link_details(ctx.world, found.username, ids))
        if operation not in OPERATIONS:
            return graphql_error(400, f"unknown operation {operation!r}", "BAD_USER_INPUT")
        try:
            start = date.fromisoformat(variables["startDate"])
            end = date.fromisoformat(variables["endDate"])
        except (KeyError, TypeError, ValueError):
            return graphql_error(400, "startDate and endDate (YYYY-MM-DD)", "BAD_USER_INPUT")
        if end < start or (end - start).days >= max(RANGES):
            return graphql_error(400, f"a window of 1-{max(RANGES)} days", "BAD_USER_INPUT")
        return compact(Analytics(ctx.world, found, start, end).answer(operation))

    bp.add_url_rule("/graphql", "graphql", answer, methods=["POST"])
    bp.add_url_rule("/api/v2/analytics", "rest", answer, methods=["POST"])
    return bp


_ADMIN = """<!doctype html>
<html><head><meta charset="utf-8"><title>Linktree Admin</title></head>
<body><div id="lt-admin"><h1>My Linktrees</h1>
<ul>{% for p in profiles %}
<li><a class="profile-link" data-username="{{ p.username }}"
  href="admin/analytics?profile={{ p.username }}">@{{ p.username }}</a></li>
{% endfor %}</ul></div></body></html>
"""

_ANALYTICS = """<!doctype html>
<html><head><meta charset="utf-8"><title>Linktree Admin - Analytics</title></head>
<body><div id="lt-admin">
<h1>Analytics: @{{ username }}</h1>
<label>Date range <select id="date-range">
{% for days in ranges %}
<option value="{{ days }}"{% if days == selected %} selected{% endif %}>Last {{ days }} days
</option>
{% endfor %}
</select></label>
<label>Interval <select id="interval"><option value="DAILY" selected>Daily</option></select>
</label>
<p id="analytics-status">loading</p>
<script>
const ENDPOINT = {{ endpoint | tojson }};
const VARIABLES = {username: {{ username | tojson }}, startDate: {{ start | tojson }},
                   endDate: {{ end | tojson }}, interval: "DAILY"};
async function query(operationName, variables) {
  const response = await fetch(ENDPOINT, {
    method: "POST", credentials: "same-origin",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({operationName, variables,
                          query: "query " + operationName + " { ... }"}),
  });
  return response.json();
}
async function load() {
  const answers = await Promise.all(
    {{ operations | list | tojson }}.map((op) => query(op, VARIABLES)));
  const links = answers[2].data.getAccountAnalytics.links.map((link) => link.id);
  await query("getLinkDetails", {username: VARIABLES.username, ids: links});
  document.getElementById("analytics-status").textContent = "loaded";
}
document.getElementById("date-range").addEventListener("change", (event) => {
  const params = new URLSearchParams(location.search);
  params.set("range", event.target.value);
  location.search = params.toString();
});
load().catch((error) => {
  document.getElementById("analytics-status").textContent = "failed: " + error;
});
</script>
</div></body></html>
"""
