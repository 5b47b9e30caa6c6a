"""Meta Ads stand-in: the Marketing API (Graph API style), version v21.0.

API under `/meta_ads/v21.0` (access token as `?access_token=` or `Authorization: Bearer`;
default `sandbox-meta_ads-token`):

- `GET /act_<id>?fields=name,currency,timezone_name,timezone_offset_hours_utc,account_status,
  account_id` -> the ad account object (currency and time zone come from here);
- `GET /act_<id>/campaigns`, `/adsets`, `/ads` with `fields=` (default: `id` only, as the
  real API) and `limit=` (default 25, at most 500), cursor paging: `{"data": [...],
  "paging": {"cursors": {"before", "after"}, "next": "<url>"}}` (`after=<cursor>` for the next
  page; no `next` on the last page);
- `GET /act_<id>/insights?level=adset|ad&fields=...` with `date_preset=maximum` (lifetime per
  object: `date_start` = its first day with delivery, `date_stop` = yesterday, as in the real
  dump) or `time_range={"since","until"}` (`date_start`/`date_stop` = the range), and
  `time_increment=1` for one row per object and day; rows only where there was delivery.

Formats as the real API and `/work/shared/fixtures/meta_ads/`: ids are 18-digit strings,
every metric a string (`spend` without trailing zeros: "18", "11.5"), `ctr` a percentage,
budgets in cents as strings, times `2025-05-23T06:57:56+0200` in the account's time zone,
nested `targeting`. Errors are Graph API errors: `{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`: an expired token is `OAuthException` code 190 / subcode 463
(HTTP 401), rate limits code 80004 (HTTP 429 with `Retry-After`), bad parameters code 100.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import MetaAd, MetaAdAccount, MetaAdSet, MetaCampaign
from lake.sandbox.world import World

TITLE = "Meta Ads Manager"
API_VERSION = "v21.0"
DEFAULT_LIMIT = 25
MAX_LIMIT = 500
_JSON = "application/json; charset=UTF-8"
UNKNOWN_OBJECT = "Unknown object"  # a 400 title: GraphMethodException, code 100, subcode 33

# (type, code, subcode, message) per HTTP status the sandbox answers with
_ERRORS: dict[int, tuple[str, int, int | None, str]] = {
    400: ("OAuthException", 100, None, "(#100) Invalid parameter"),
    401: (
        "OAuthException",
        190,
        463,
        "Error validating access token: Session has expired on Sunday, 22-Nov-26 09:00:00 PST. "
        "The current time is Monday, 23-Nov-26 01:14:08 PST.",
    ),
    404: ("GraphMethodException", 100, 33, "Unsupported get request."),
    429: (
        "OAuthException",
        80004,
        2446079,
        "(#80004) There have been too many calls to this ad-account. Wait a bit and try again.",
    ),
    500: ("OAuthException", 1, None, "An unknown error occurred"),
    503: ("OAuthException", 2, None, "Service temporarily unavailable"),
}


def render_error(status: int, title: str, detail: str) -> Response:
    """A Graph API error body; the message is the real one for the statuses it knows."""
    kind, code, subcode, message = _ERRORS.get(status, ("OAuthException", 1, None, detail))
    if status == 400 and title == UNKNOWN_OBJECT:
        kind, code, subcode = _ERRORS[404][:3]
    if status == 400 and detail:
        message = detail
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if status >= 500:
        error["is_transient"] = True
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return Response(json.dumps({"error": error}), status=status, mimetype=_JSON)


class GraphError(Exception):
    """A request the API refuses with code 100 (bad parameter or unknown object)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


# --- formatting ---------------------------------------------------------------------------------


def graph_time(moment: datetime, zone: str) -> str:
    """`2025-05-23T06:57:56+0200`: the Graph API's time format, in the account's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S%z")


def metric(value: Decimal | float | int, places: int = 6) -> str:
    """A metric as the API writes it: a string, rounded, no trailing zeros ("18", "0.42625")."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, ROUND_HALF_UP).normalize()
    return format(rounded, "f")


def offset_hours(zone: str, day: date) -> int | float:
    """The zone's UTC offset at noon on `day`, in hours (1 or 2 for Europe/Berlin)."""
    moment = datetime.combine(day, time(12), ZoneInfo(zone))
    hours = moment.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]
    return int(hours) if hours.is_integer() else hours


# --- objects ------------------------------------------------------------------------------------


def account_fields(account: MetaAdAccount, today: date) -> dict[str, Any]:
    return {
        "id": account.id,
        "account_id": account.id.removeprefix("act_"),
        "name": account.name,
        "currency": account.currency,
        "timezone_name": account.timezone_name,
        "timezone_offset_hours_utc": offset_hours(account.timezone_name, today),
        "account_status": 1,
        "business_name": account.name,
    }


def campaign_fields(world: World, c: MetaCampaign) -> dict[str, Any]:
    zone = world.meta_account.timezone_name
    status = world.meta_campaign_status(c)
    updated = (
        datetime.combine(c.stop, time(23, 14, 8), ZoneInfo(zone))
        if status == "PAUSED"
        else c.created_time + timedelta(hours=30, minutes=34, seconds=11)
    )
    return {
        "id": c.id,
        "name": c.name,
        "status": status,
        "effective_status": status,
        "objective": c.objective,
        "buying_type": "AUCTION",
        "special_ad_categories": [],
        "account_id": world.meta_account.id.removeprefix("act_"),
        "start_time": graph_time(c.created_time + timedelta(seconds=1), zone),
        "created_time": graph_time(c.created_time, zone),
        "updated_time": graph_time(updated, zone),
    }


def adset_fields(world: World, s: MetaAdSet) -> dict[str, Any]:
    zone = world.meta_account.timezone_name
    c = s.campaign
    status = world.meta_campaign_status(c)
    targeting: dict[str, Any] = {
        "age_max": s.age_max,
        "age_min": s.age_min,
        "geo_locations": {"countries": list(s.countries), "location_types": ["home", "recent"]},
        "targeting_automation": {"advantage_audience": 0},
        "publisher_platforms": list(s.publisher_platforms),
    }
    if "facebook" in s.publisher_platforms:
        targeting["facebook_positions"] = ["feed", "story", "facebook_reels"]
    targeting["instagram_positions"] = ["stream", "story", "reels"]
    targeting["device_platforms"] = ["mobile", "desktop"]
    created = c.created_time + timedelta(seconds=1)
    return {
        "id": s.id,
        "name": s.name,
        "status": status,
        "effective_status": status,
        "campaign_id": c.id,
        "account_id": world.meta_account.id.removeprefix("act_"),
        "daily_budget": str(s.daily_budget_cents),
        "lifetime_budget": "0",
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "billing_event": "IMPRESSIONS",
        "targeting": targeting,
        "optimization_goal": (
            "LINK_CLICKS" if c.objective == "OUTCOME_TRAFFIC" else "POST_ENGAGEMENT"
        ),
        "start_time": graph_time(created, zone),
        "pacing_type": ["standard"],
        "created_time": graph_time(created, zone),
        "updated_time": graph_time(created + timedelta(hours=2, minutes=7), zone),
    }


def ad_fields(world: World, a: MetaAd) -> dict[str, Any]:
    zone = world.meta_account.timezone_name
    c = a.adset.campaign
    active = world.meta_campaign_status(c) == "ACTIVE"
    created = c.created_time - timedelta(minutes=43)
    page = a.creative_id[:15]
    return {
        "id": a.id,
        "name": a.name,
        "status": "ACTIVE",
        "effective_status": "ACTIVE" if active else "ADSET_PAUSED",
        "adset_id": a.adset.id,
        "campaign_id": c.id,
        "account_id": world.meta_account.id.removeprefix("act_"),
        "creative": {"id": a.creative_id},
        "tracking_specs": [
            {"action.type": ["offsite_conversion"], "fb_pixel": [page[::-1]]},
            {"action.type": ["post_engagement"], "page": [page], "post": [a.creative_id]},
        ],
        "created_time": graph_time(created, zone),
        "updated_time": graph_time(created + timedelta(minutes=52, seconds=28), zone),
    }


# --- insights -----------------------------------------------------------------------------------


@dataclass
class Totals:
    """Delivery summed over days (and ads)."""

    first: date
    last: date
    spend: Decimal = Decimal("0")
    impressions: int = 0
    clicks: int = 0
    reach: int = 0
    days: int = 0
    peak_reach: int = 0

    def row_metrics(self, lifetime: bool) -> dict[str, str]:
        # reach over several days overlaps: fewer people than the sum of daily reach
        reach = self.reach
        if lifetime and self.days > 1:
            reach = max(self.peak_reach, round(self.reach / (1 + 0.05 * (self.days - 1))))
        out = {
            "spend": metric(self.spend, 2),
            "impressions": str(self.impressions),
            "clicks": str(self.clicks),
            "reach": str(reach),
            "frequency": metric(self.impressions / reach) if reach else "0",
            "ctr": metric(100 * self.clicks / self.impressions) if self.impressions else "0",
            "cpm": metric(1000 * self.spend / self.impressions) if self.impressions else "0",
        }
        if self.clicks:
            out["cpc"] = metric(self.spend / self.clicks)
        return out


def _delivery(world: World, ads: Iterable[MetaAd], start: date, end: date) -> Totals | None:
    totals: Totals | None = None
    for ad in ads:
        c = ad.adset.campaign
        day = max(start, c.start)
        while day <= min(end, c.stop):
            got = world.meta_ad_day(ad, day)
            if got is not None and got.impressions:
                if totals is None:
                    totals = Totals(first=day, last=day)
                totals.first, totals.last = min(totals.first, day), max(totals.last, day)
                totals.spend += got.spend
                totals.impressions += got.impressions
                totals.clicks += got.clicks
                totals.reach += got.reach
                totals.days += 1
                totals.peak_reach = max(totals.peak_reach, got.reach)
            day += timedelta(days=1)
    return totals


INSIGHT_FIELDS = (
    "account_id",
    "account_name",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "objective",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "frequency",
    "cpc",
    "cpm",
    "ctr",
)


@dataclass(frozen=True)
class InsightQuery:
    level: str  # "adset" or "ad"
    fields: tuple[str, ...]
    start: date | None  # None: date_preset=maximum (lifetime)
    end: date
    daily: bool


def insight_rows(world: World, q: InsightQuery) -> list[dict[str, Any]]:
    account = world.meta_account
    objects: list[tuple[MetaAdSet, MetaAd | None, tuple[MetaAd, ...]]]
    if q.level == "adset":
        objects = [(s, None, world.meta_ads(s)) for s in world.meta_adsets()]
    else:
        objects = [(a.adset, a, (a,)) for a in world.meta_ads()]
    first = q.start or world.origin
    spans = [(d, d) for d in _days(first, q.end)] if q.daily else [(first, q.end)]
    rows: list[tuple[date, str, dict[str, Any]]] = []
    for adset, ad, ads in objects:
        for start, end in spans:
            totals = _delivery(world, ads, start, end)
            if totals is None:
                continue
            names = {
                "account_id": account.id.removeprefix("act_"),
                "account_name": account.name,
                "campaign_id": adset.campaign.id,
                "campaign_name": adset.campaign.name,
                "adset_id": adset.id,
                "adset_name": adset.name,
                "ad_id": ad.id if ad else None,
                "ad_name": ad.name if ad else None,
                "objective": adset.campaign.objective,
            }
            values = {**names, **totals.row_metrics(lifetime=not q.daily)}
            row = {f: values[f] for f in q.fields if values.get(f) is not None}
            row["date_start"] = (start if q.start else totals.first).isoformat()
            row["date_stop"] = end.isoformat()
            rows.append((start, (ad or adset).id, row))
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# --- the blueprint ------------------------------------------------------------------------------

EDGE_FIELDS: dict[str, Callable[[World, Any], dict[str, Any]]] = {
    "campaigns": campaign_fields,
    "adsets": adset_fields,
    "ads": ad_fields,
}


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{index}".encode()).decode().rstrip("=")


def _index(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(text.removeprefix("cursor:"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphError(f"(#100) Invalid cursor: {cursor}") from exc


def _fields(available: Iterable[str], default: tuple[str, ...] = ("id",)) -> tuple[str, ...]:
    asked = tuple(f.strip() for f in request.args.get("fields", "").split(",") if f.strip())
    known = set(available)
    for name in asked:
        if name not in known:
            raise GraphError(f"(#100) Tried accessing nonexisting field ({name})")
    return asked or default


def _limit() -> int:
    try:
        limit = int(request.args.get("limit", DEFAULT_LIMIT))
    except ValueError as exc:
        raise GraphError("(#100) Param limit must be an integer") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise GraphError(f"(#100) Param limit must be between 1 and {MAX_LIMIT}")
    return limit


def _page(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One cursor page of `records` for this request (`limit`, `after`)."""
    limit = _limit()
    after = request.args.get("after")
    start = _index(after) + 1 if after else 0
    chunk = records[start : start + limit]
    page: dict[str, Any] = {"data": chunk}
    if chunk:
        last = start + len(chunk) - 1
        paging: dict[str, Any] = {"cursors": {"before": _cursor(start), "after": _cursor(last)}}
        if last + 1 < len(records):
            query = {k: v for k, v in request.args.items() if k != "after"}
            query["after"] = _cursor(last)
            paging["next"] = f"{request.base_url}?{urlencode(query)}"
        page["paging"] = paging
    return page


def _day(name: str, value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise GraphError(f"(#100) time_range[{name}] must be a date like 2026-11-22") from exc


def _insight_query(world: World) -> InsightQuery:
    level = request.args.get("level", "account")
    if level not in ("adset", "ad"):
        raise GraphError(f"(#100) level must be one of adset, ad (the sandbox has no {level!r})")
    fields = _fields(INSIGHT_FIELDS, ("spend", "impressions"))
    increment = request.args.get("time_increment", "all_days")
    if increment not in ("1", "all_days"):
        raise GraphError("(#100) time_increment must be 1 or all_days")
    if request.args.get("date_preset") == "maximum":
        return InsightQuery(level, fields, None, world.last_day, increment == "1")
    raw = request.args.get("time_range")
    if not raw:
        raise GraphError("(#100) give time_range={'since','until'} or date_preset=maximum")
    try:
        span = json.loads(raw)
    except ValueError as exc:
        raise GraphError("(#100) time_range must be a JSON object") from exc
    if not isinstance(span, dict) or not {"since", "until"} <= set(span):
        raise GraphError("(#100) time_range must have since and until")
    start, end = _day("since", span["since"]), _day("until", span["until"])
    if start > end:
        raise GraphError("(#100) time_range since must not be after until")
    return InsightQuery(level, fields, start, min(end, world.last_day), increment == "1")


class InsightCache:
    """The last few insight reports computed, so that walking a report page by page does not
    recompute it for every page (keyed by the world's identity and the query)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._rows: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()

    def rows(self, world: World, q: InsightQuery) -> list[dict[str, Any]]:
        key = (world.seed, world.origin, world.today, q)
        with self._lock:
            if key in self._rows:
                self._rows.move_to_end(key)
                return self._rows[key]
        rows = insight_rows(world, q)
        with self._lock:
            self._rows[key] = rows
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return rows


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("meta_ads", __name__)
    insights = InsightCache()

    def authorised() -> bool:
        token = request.args.get("access_token")
        if token is None:
            kind, _, value = request.headers.get("Authorization", "").partition(" ")
            token = value.strip() if kind.lower() in ("bearer", "oauth") else None
        return ctx.state.auth.token_valid(ctx.platform, token)

    def answer(build: Callable[[World], dict[str, Any]], account_id: str) -> Response:
        if not authorised():
            return ctx.error(401, "Unauthorized", "expired token")
        world = ctx.world
        if account_id != world.meta_account.id:
            return ctx.error(
                400,
                UNKNOWN_OBJECT,
                f"Unsupported get request. Object with ID '{account_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this "
                "operation.",
            )
        try:
            body = build(world)
        except GraphError as exc:
            return ctx.error(exc.status, "Invalid parameter", exc.message)
        return Response(json.dumps(body), mimetype=_JSON)

    @bp.get(f"/{API_VERSION}/<account_id>")
    def ad_account(account_id: str) -> Response:
        def build(world: World) -> dict[str, Any]:
            values = account_fields(world.meta_account, world.today)
            names = _fields(values, ("id",))
            out = {name: values[name] for name in names}
            out.setdefault("id", values["id"])
            return out

        return answer(build, account_id)

    @bp.get(f"/{API_VERSION}/<account_id>/<edge>")
    def edge(account_id: str, edge: str) -> Response:
        def build(world: World) -> dict[str, Any]:
            if edge == "insights":
                return _page(insights.rows(world, _insight_query(world)))
            render = EDGE_FIELDS.get(edge)
            if render is None:
                raise GraphError(f"(#100) Unknown path components: /{edge}")
            objects = {
                "campaigns": world.meta_campaigns,
                "adsets": world.meta_adsets(),
                "ads": world.meta_ads(),
            }[edge]
            full = [render(world, o) for o in objects]
            if not full:
                return _page([])
            names = _fields(full[0])
            records = []
            for values in full:
                record = {name: values[name] for name in names}
                record.setdefault("id", values["id"])
                records.append(record)
            return _page(records)

        return answer(build, account_id)

    return bp
