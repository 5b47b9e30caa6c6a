"""TikTok Studio stand-in: per-account analytics export (zipped CSV) and per-video stats.

Browser only, under `/tiktok`. A TikTok login is one account's: after logging in, the session
is bound to the account chosen once on the account page, and every page and API below answers
for that account only (another browser session must log in and choose for itself).

- `GET /tiktokstudio` -> the account page when the session has no account yet
  (`#account-switcher`, one `button.account-choice[data-handle="<handle>"]` per account,
  posting to `/account/select`), else a redirect to the analytics page;
- `GET /tiktokstudio/analytics` -> `#studio-app` with `#studio-account[data-handle]` and the
  export link `a#export-data-button` ("Download data": the last 365 days);
- `GET /tiktokstudio/analytics/export?range=365` -> `Overview_<start YYYY-MM-DD>_<export Unix
  seconds>_<handle>.zip` holding `Overview.csv`: UTF-8 BOM, every value double-quoted, LF
  between lines and none after the last, dates without a year (`"May 28"`, `"June 1"`), 365
  rows from `today - 364` to `today` (today's row is the day so far: 0 in the world), as the
  real export (`/work/shared/fixtures/tiktok/`); the member is stored, not deflated;
- `GET /tiktokstudio/api/content?cursor=<n>&count=<k>` -> `{"items": [{"id", "create_time"}],
  "cursor": n, "has_more": bool, "total": N}`: the account's videos, newest first;
- `GET /tiktokstudio/api/video/<id>` -> the video's lifetime stats in the sandbox layout of
  `lake/contracts/tiktok.py` (`id` a 19-digit string, `create_time` Unix seconds, `desc`,
  `views`, `likes`, `comments`, `shares`, `duration`, `share_url`).

APIs answer 401 `{"status_code": 8, "status_msg": ...}` without a live session and 403 without
a chosen account. Under `layout_change` the export link is `a#download-analytics-btn`
("Export"); `#studio-app` and `#studio-account` stay.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Response, redirect, render_template_string, request

from lake.contracts.tiktok import overview
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import TikTokAccount, TikTokVideo
from lake.sandbox.world import World

TITLE = "TikTok Studio"
WINDOW_DAYS = 365
BOM = "\ufeff"
HEADER = overview.layout("v1").required  # the contract's columns (lake/contracts/tiktok.py)
MAX_COUNT = 100


def render_error(status: int, title: str, detail: str) -> Response:
    """TikTok's API error envelope."""
    codes = {401: 8, 403: 10, 404: 4, 429: 7, 503: 9}
    body = {"status_code": codes.get(status, 1), "status_msg": f"{title}: {detail}"}
    return Response(json.dumps(body), status=status, mimetype="application/json")


def yearless(day: date) -> str:
    """TikTok's export date: full month name and day, no year ('May 28', 'June 1')."""
    return f"{day:%B} {day.day}"


def export_moment(world: World, now: datetime | None = None) -> datetime:
    """The export time: the world's today at the current UTC time of day."""
    clock = (now or datetime.now(UTC)).time().replace(microsecond=0)
    return datetime.combine(world.today, clock, UTC)


def overview_csv(world: World, account: TikTokAccount) -> bytes:
    start = world.today - timedelta(days=WINDOW_DAYS - 1)
    lines = [",".join(f'"{h}"' for h in HEADER)]
    for i in range(WINDOW_DAYS):
        day = start + timedelta(days=i)
        r = world.tiktok_account_day(account, day)
        values = (yearless(day), r.views, r.profile_views, r.likes, r.comments, r.shares)
        lines.append(",".join(f'"{v}"' for v in values))
    return (BOM + "\n".join(lines)).encode("utf-8")


def overview_zip(world: World, account: TikTokAccount, moment: datetime) -> tuple[str, bytes]:
    """(file name, zip bytes) of the Overview export made at `moment`."""
    start = world.today - timedelta(days=WINDOW_DAYS - 1)
    name = f"Overview_{start.isoformat()}_{int(moment.timestamp())}_{account.handle}.zip"
    member = zipfile.ZipInfo("Overview.csv", date_time=moment.timetuple()[:6])
    member.compress_type = zipfile.ZIP_STORED
    member.create_system = 0  # made on MS-DOS, as in the real export
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(member, overview_csv(world, account))
    return name, out.getvalue()


def video_json(world: World, video: TikTokVideo) -> dict[str, object]:
    stats = world.tiktok_video_totals(video)
    return {
        "id": video.id,
        "create_time": int(video.create_time.timestamp()),
        "desc": video.description,
        "views": stats.views,
        "likes": stats.likes,
        "comments": stats.comments,
        "shares": stats.shares,
        "duration": video.duration_s,
        "share_url": f"https://www.tiktok.com/@{video.handle}/video/{video.id}",
    }


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("tiktok", __name__)
    chosen: dict[str, str] = {}  # session id -> handle (this app's sessions only)
    lock = threading.Lock()

    def sid() -> str:
        return request.cookies.get(ctx.cookie, "")

    def account() -> TikTokAccount | None:
        with lock:
            handle = chosen.get(sid())
        return ctx.world.tiktok_account(handle) if handle else None

    def api_session() -> TikTokAccount | Response:
        session = ctx.current_session()
        if session is None or not session.verified:
            return ctx.error(401, "Unauthorized", "log in to TikTok Studio first")
        found = account()
        if found is None:
            return ctx.error(403, "Forbidden", "choose an account in TikTok Studio first")
        return found

    @bp.get("/tiktokstudio")
    @ctx.login_required
    def studio() -> Response | str:
        if account() is not None:
            return redirect(f"{ctx.prefix}/tiktokstudio/analytics", code=302)
        return render_template_string(_SWITCHER, accounts=ctx.world.tiktok_accounts)

    @bp.post("/account/select")
    @ctx.login_required
    def select() -> Response:
        handle = request.form.get("handle", "")
        if handle not in {a.handle for a in ctx.world.tiktok_accounts}:
            return ctx.error(404, "Not found", f"no account {handle!r} for this login")
        with lock:
            chosen[sid()] = handle
        return redirect(f"{ctx.prefix}/tiktokstudio/analytics", code=303)

    @bp.get("/tiktokstudio/analytics")
    @ctx.login_required
    def analytics() -> Response | str:
        found = account()
        if found is None:
            return redirect(f"{ctx.prefix}/tiktokstudio", code=302)
        changed = ctx.layout_changed()
        return render_template_string(
            _ANALYTICS,
            account=found,
            link_id="download-analytics-btn" if changed else "export-data-button",
            label="Export" if changed else "Download data",
        )

    @bp.get("/tiktokstudio/analytics/export")
    @ctx.login_required
    def export() -> Response:
        found = account()
        if found is None:
            return ctx.error(403, "Forbidden", "choose an account in TikTok Studio first")
        if request.args.get("range", str(WINDOW_DAYS)) != str(WINDOW_DAYS):
            return ctx.error(400, "Bad request", f"the export covers the last {WINDOW_DAYS} days")
        name, data = overview_zip(ctx.world, found, export_moment(ctx.world))
        return ctx.send_download(data, name, "application/zip")

    @bp.get("/tiktokstudio/api/content")
    def content() -> Response:
        found = api_session()
        if isinstance(found, Response):
            return found
        try:
            cursor = int(request.args.get("cursor", 0))
            count = int(request.args.get("count", 20))
        except ValueError:
            return ctx.error(400, "Bad request", "cursor and count must be integers")
        if cursor < 0 or not 1 <= count <= MAX_COUNT:
            return ctx.error(400, "Bad request", f"count must be 1-{MAX_COUNT}, cursor >= 0")
        videos = sorted(ctx.world.tiktok_videos(found.handle), key=lambda v: v.create_time)[::-1]
        page = videos[cursor : cursor + count]
        body = {
            "items": [{"id": v.id, "create_time": int(v.create_time.timestamp())} for v in page],
            "cursor": cursor + len(page),
            "has_more": cursor + len(page) < len(videos),
            "total": len(videos),
        }
        return Response(json.dumps(body), mimetype="application/json")

    @bp.get("/tiktokstudio/api/video/<video_id>")
    def video(video_id: str) -> Response:
        found = api_session()
        if isinstance(found, Response):
            return found
        for v in ctx.world.tiktok_videos(found.handle):
            if v.id == video_id:
                return Response(json.dumps(video_json(ctx.world, v)), mimetype="application/json")
        return ctx.error(404, "Not found", f"no video {video_id} on @{found.handle}")

    return bp


_HEAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>TikTok Studio</title></head><body>
"""

_SWITCHER = (
    _HEAD
    + """<div id="account-switcher"><h1>Choose an account</h1>
{% for a in accounts %}
<form method="post" action="account/select">
  <input type="hidden" name="handle" value="{{ a.handle }}">
  <button class="account-choice" data-handle="{{ a.handle }}" type="submit">@{{ a.handle }}
  </button>
</form>
{% endfor %}
</div></body></html>
"""
)

_ANALYTICS = (
    _HEAD
    + """<div id="studio-app">
<header><span id="studio-account" data-handle="{{ account.handle }}">@{{ account.handle }}</span>
</header>
<h1>Analytics</h1>
<p>Overview: last 365 days</p>
<a id="{{ link_id }}" href="analytics/export?range=365" download>{{ label }}</a>
</div></body></html>
"""
)
