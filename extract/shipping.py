"""Shipping: the carrier's trackers of the shop's shipments (EasyPost's tracking API), HTTP.

What lands, per run, in `landing/shipping/<minute>/<account>/`:

- `trackers_p<n>.json`: every page of `GET {base}/v2/trackers?page_size=<n>&
  start_datetime=<window start>[&before_id=<last id>]` (`{"trackers": [...], "has_more":
  bool}`, newest first), unchanged: the trackers created in the window;
- `tracker_<id>.json`: `GET {base}/v2/trackers/<id>` for every tracker an earlier run saw in
  a state that is not final (`pre_transit`, `in_transit`, `out_for_delivery`, ...) and this
  run's list did not cover. Final states (`delivered`, `return_to_sender`, `failure`) are
  never polled again.

The open trackers are kept in the window state's cursor (`open_trackers`: id -> last
`updated_at`); one with no update for `LAKE_SHIPPING_GIVE_UP_DAYS` (default 45) is dropped
with a `tracker_abandoned` log line (a lost parcel the carrier stopped scanning). Parsing is
ingest's job (`lake/contracts/shipping.py`).

How the real API is reached: `https://api.easypost.com` with the API key as a Bearer token.

| variable | what |
|---|---|
| `LAKE_SHIPPING_TOKEN` | the API key (required) |
| `LAKE_SHIPPING_BASE_URL` | another base (the sandbox: `http://127.0.0.1:<port>/shipping`) |
| `LAKE_SHIPPING_ACCOUNTS` | a name for the carrier account (default `default`) |
| `LAKE_SHIPPING_PAGE_SIZE` | trackers per list page (default 100, at most 100) |
| `LAKE_SHIPPING_GIVE_UP_DAYS` | days without an update before an open tracker is dropped |
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from extract._base import ExtractContext, Extractor, LayoutChangedError
from extract._http import HttpClient, bearer_auth

SOURCE = "shipping"
VERSION = "1.0.0"
PAGE_SIZE = 100
GIVE_UP_DAYS = 45
TRACKERS_PATH = "/v2/trackers"
FINAL_STATUSES = frozenset({"delivered", "return_to_sender", "failure"})


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_page(data: Any) -> str | None:
    trackers = data.get("trackers") if isinstance(data, dict) else None
    if not isinstance(trackers, list):
        raise LayoutChangedError(
            "shipping: a trackers page has no 'trackers' array",
            "the API changed or LAKE_SHIPPING_BASE_URL points elsewhere",
        )
    return trackers[-1]["id"] if data.get("has_more") and trackers else None


def _track(open_trackers: dict[str, str], tracker: dict[str, Any]) -> None:
    """Remember a tracker not yet final; forget a final one."""
    if tracker.get("status") in FINAL_STATUSES:
        open_trackers.pop(tracker["id"], None)
    else:
        open_trackers[tracker["id"]] = str(tracker.get("updated_at") or "")


async def extract(ctx: ExtractContext) -> None:
    assert ctx.credentials.token is not None  # EXTRACTOR.requires checked it
    open_trackers: dict[str, str] = dict(ctx.previous_cursor.get("open_trackers") or {})
    start = datetime.combine(ctx.window.start, time(), UTC)
    page_size = min(int(ctx.setting("PAGE_SIZE") or PAGE_SIZE), 100)
    params = {"page_size": page_size, "start_datetime": _iso(start)}
    listed: set[str] = set()
    async with ctx.http(auth=bearer_auth(ctx.credentials.token)) as client:
        async for page in client.cursor_pages(
            TRACKERS_PATH, next_cursor=_next_page, params=params, cursor_param="before_id"
        ):
            await ctx.land(
                f"trackers_p{page.number + 1}.json",
                page.content,
                "json",
                url=page.url,
                dataset="trackers",
            )
            for tracker in page.data["trackers"]:
                listed.add(tracker["id"])
                _track(open_trackers, tracker)
        polled = await poll_open(ctx, client, open_trackers, listed)
    ctx.cursor["open_trackers"] = open_trackers
    ctx.log.info("trackers", listed=len(listed), polled=polled, still_open=len(open_trackers))


async def poll_open(
    ctx: ExtractContext, client: HttpClient, open_trackers: dict[str, str], listed: set[str]
) -> int:
    """GET each open tracker the list did not cover; land it; drop it once final or stale."""
    give_up = timedelta(days=int(ctx.setting("GIVE_UP_DAYS") or GIVE_UP_DAYS))
    today = datetime.combine(ctx.window.end + timedelta(days=1), time(), UTC)
    polled = 0
    for tracker_id in sorted(set(open_trackers) - listed):
        response = await client.get(f"{TRACKERS_PATH}/{tracker_id}")
        await ctx.land(
            f"tracker_{tracker_id}.json",
            response.content,
            "json",
            url=str(response.url),
            dataset="trackers",
        )
        polled += 1
        tracker = response.json()
        _track(open_trackers, tracker)
        updated = tracker.get("updated_at")
        if tracker_id in open_trackers and updated:
            last = datetime.fromisoformat(updated.replace("Z", "+00:00"))
            if today - last > give_up:
                del open_trackers[tracker_id]
                ctx.log.warning("tracker_abandoned", tracker=tracker_id, last_update=updated)
    return polled


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="http",
    version=VERSION,
    run=extract,
    default_base_url="https://api.easypost.com",
    description="Carrier trackers (GET /v2/trackers), polled until final",
    requires=("token",),
    overlap_days=3,
    first_run_days=730,
)
