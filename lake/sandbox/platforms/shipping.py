"""Carrier tracking stand-in with EasyPost's API shape (trackers of the shop's shipments).

API under `/shipping`, authenticated like EasyPost: `Authorization: Bearer <API key>` or HTTP
Basic with the key as the user name (default key `sandbox-shipping-token`):

- `GET /v2/trackers?page_size=&before_id=&after_id=&start_datetime=&end_datetime=` ->
  `{"trackers": [...], "has_more": bool}`, newest first; `page_size` 1-100 (default 20);
  `before_id` pages to older trackers; `start_datetime`/`end_datetime` (ISO 8601) bound
  `created_at`;
- `GET /v2/trackers/<id>` -> one tracker.

Trackers come from the shop world's shipped orders (`lake/sandbox/carrier.py`): the shop's
`order_id` in `reference`, a tracking code, `status` and dated `tracking_details`. Errors
are EasyPost's `{"error": {"code", "message", "errors": []}}`: 401 `APIKEY.INACTIVE` once the
`expire_session` fault revoked the key, 429 `RATE_LIMITED` with `Retry-After`, 500
`INTERNAL_SERVER_ERROR`, 404 `NOT_FOUND`, 422 `PARAMETER.INVALID`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request

from lake.sandbox.carrier import Carrier
from lake.sandbox.context import PlatformContext
from lake.sandbox.platforms._api_keys import PerWorld, presented_key
from lake.sandbox.world import World

TITLE = "Shipping (EasyPost-shaped)"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_JSON = "application/json; charset=utf-8"
_CODES = {
    401: "APIKEY.INACTIVE",
    404: "NOT_FOUND",
    422: "PARAMETER.INVALID",
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def render_error(status: int, title: str, detail: str) -> Response:
    """EasyPost's error body."""
    body = {"error": {"code": _CODES.get(status, "ERROR"), "message": detail, "errors": []}}
    return Response(json.dumps(body), status=status, mimetype=_JSON)


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _carrier(world: World) -> Carrier:
    shop = world.shop
    names = ("orders", "order_items", "sellers", "customers")
    return Carrier(world.seed, world.today, *(shop.table(n) for n in names))


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("shipping", __name__)
    models = PerWorld(ctx, _carrier)

    @bp.before_request
    def authenticate() -> Response | None:
        if ctx.state.auth.token_valid(ctx.platform, presented_key()):
            return None
        return ctx.error(401, "Unauthorized", "The API key provided is inactive or invalid.")

    @bp.get("/v2/trackers")
    def trackers() -> Response:
        try:
            size = int(request.args.get("page_size", DEFAULT_PAGE_SIZE))
            start = request.args.get("start_datetime")
            end = request.args.get("end_datetime")
            low = _time(start) if start else None
            high = _time(end) if end else None
        except ValueError as exc:
            return ctx.error(422, "Unprocessable", f"Invalid parameter: {exc}")
        if not 1 <= size <= MAX_PAGE_SIZE:
            return ctx.error(422, "Unprocessable", f"page_size must be 1 to {MAX_PAGE_SIZE}")
        model = models.get()
        found = [
            t
            for t in reversed(model.trackers)  # newest first
            if (low is None or t.created_at >= low) and (high is None or t.created_at <= high)
        ]
        ids = [t.id for t in found]
        before, after = request.args.get("before_id"), request.args.get("after_id")
        if before:
            if before not in ids:
                return ctx.error(404, "Not Found", f"Tracker {before} not found (before_id)")
            found = found[ids.index(before) + 1 :]
        elif after:
            if after not in ids:
                return ctx.error(404, "Not Found", f"Tracker {after} not found (after_id)")
            found = found[: ids.index(after)][-size:]
        page = found[:size]
        body: dict[str, Any] = {
            "trackers": [model.tracker_json(t) for t in page],
            "has_more": len(found) > size,
        }
        return ctx.send_body(json.dumps(body, ensure_ascii=False), _JSON)

    @bp.get("/v2/trackers/<tracker_id>")
    def one_tracker(tracker_id: str) -> Response:
        model = models.get()
        for tracker in model.trackers:
            if tracker.id == tracker_id:
                body = json.dumps(model.tracker_json(tracker), ensure_ascii=False)
                return ctx.send_body(body, _JSON)
        return ctx.error(
            404, "Not Found", f"The requested resource could not be found: {tracker_id}"
        )

    return bp
