"""Payment gateway stand-in with Stripe's API shape (the shop's card payments).

API under `/payments` (so the official `stripe` client's `api` base address is
`http://<sandbox>/payments`), authenticated like Stripe: `Authorization: Bearer <secret key>`
or HTTP Basic with the key as the user name (default key `sandbox-payments-token`):

- `GET /v1/charges`, `/v1/refunds`, `/v1/disputes`, `/v1/balance_transactions`,
  `/v1/events` -> `{"object": "list", "data": [...], "has_more": bool, "url": "/v1/..."}`,
  newest first; `limit` (1-100, default 10), `starting_after=<id>` / `ending_before=<id>`
  paging, `created[gte|gt|lte|lt]=<unix seconds>` (or `created=<unix seconds>`), and for
  events `type=<event type>`;
- `GET /v1/<resource>/<id>` -> one object.

Objects come from the shop world's orders and payments (`lake/sandbox/gateway.py`): amounts in
the currency's minor unit, lower-case currencies, Unix times, the shop's `order_id` in
`metadata`. Errors are Stripe's `{"error": {"type", "code", "message", ...}}`: 401
`api_key_expired` once the `expire_session` fault revoked the key (`Invalid API Key
provided` for a wrong one), 429 `rate_limit` with `Retry-After` (fault `rate_limit`), 500
`api_error` (fault `server_error`), 400/404 `resource_missing`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from lake.sandbox.context import PlatformContext
from lake.sandbox.gateway import Gateway
from lake.sandbox.platforms._api_keys import PerWorld, presented_key
from lake.sandbox.world import World

TITLE = "Payments (Stripe-shaped)"
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
_JSON = "application/json"
_DOCS = "https://stripe.com/docs/error-codes/"
_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", "parameter_invalid"),
    401: ("invalid_request_error", "api_key_expired"),
    404: ("invalid_request_error", "resource_missing"),
    429: ("invalid_request_error", "rate_limit"),
    500: ("api_error", None),
    503: ("api_error", None),
}
_RESOURCES = ("charges", "refunds", "disputes", "balance_transactions", "events")
_OPERATORS = ("gte", "gt", "lte", "lt")


def render_error(status: int, title: str, detail: str) -> Response:
    """Stripe's error body: `{"error": {"type", "code", "message", "doc_url"}}`."""
    kind, code = _ERRORS.get(status, ("api_error", None))
    error: dict[str, Any] = {"type": kind, "message": detail}
    if code:
        error["code"] = code
        error["doc_url"] = _DOCS + code.replace("_", "-")
    body = json.dumps({"error": error}, indent=2)
    headers = {"Request-Id": "req_" + uuid.uuid4().hex[:14]}
    return Response(body, status=status, mimetype=_JSON, headers=headers)


def _masked(key: str) -> str:
    return key[:8] + "*" * max(len(key) - 12, 4) + key[-4:] if len(key) > 12 else "****"


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("payments", __name__)
    models = PerWorld(ctx, Listings)

    @bp.before_request
    def authenticate() -> Response | None:
        key = presented_key()
        if ctx.state.auth.token_valid(ctx.platform, key):
            return None
        if key and key == ctx.state.config.token(ctx.platform):
            message = f"Expired API Key provided: {_masked(key)}"
        else:
            message = f"Invalid API Key provided: {_masked(key or '')}"
        return ctx.error(
            401, "Unauthorized", message, {"WWW-Authenticate": 'Bearer realm="Stripe"'}
        )

    def objects(resource: str) -> list[dict[str, Any]]:
        return models.get().objects(resource)

    def list_view(resource: str) -> Callable[[], Response]:
        def view() -> Response:
            try:
                limit = int(request.args.get("limit", DEFAULT_LIMIT))
                keep = _created_filter()
            except ValueError as exc:
                return ctx.error(400, "Bad Request", f"Invalid integer: {exc}")
            if not 1 <= limit <= MAX_LIMIT:
                return ctx.error(400, "Bad Request", f"limit must be between 1 and {MAX_LIMIT}")
            found = [o for o in objects(resource) if keep(o["created"])]
            if resource == "events" and request.args.get("type"):
                found = [o for o in found if o["type"] == request.args["type"]]
            page, has_more, error = _page(found, limit)
            if error:
                return ctx.error(400, "Bad Request", error)
            body = {
                "object": "list",
                "data": page,
                "has_more": has_more,
                "url": f"/v1/{resource}",
            }
            return ctx.send_body(json.dumps(body, indent=2), _JSON)

        view.__name__ = f"list_{resource}"
        return view

    def one_view(resource: str) -> Callable[[str], Response]:
        def view(object_id: str) -> Response:
            for found in objects(resource):
                if found["id"] == object_id:
                    return ctx.send_body(json.dumps(found, indent=2), _JSON)
            noun = resource.removesuffix("s")
            return ctx.error(404, "Not Found", f"No such {noun}: '{object_id}'")

        view.__name__ = f"one_{resource}"
        return view

    for resource in _RESOURCES:
        bp.add_url_rule(f"/v1/{resource}", view_func=list_view(resource))
        bp.add_url_rule(f"/v1/{resource}/<object_id>", view_func=one_view(resource))
    return bp


class Listings:
    """The gateway of one world and its objects per resource, newest first, each list built
    on first use (a list page is then a slice, not a rebuild)."""

    def __init__(self, world: World) -> None:
        shop = world.shop
        tables = (shop.table("orders"), shop.table("payments"), shop.table("customers"))
        self.gateway = Gateway(world.seed, world.today, *tables)
        self._built: dict[str, list[dict[str, Any]]] = {}

    def objects(self, resource: str) -> list[dict[str, Any]]:
        if resource not in self._built:
            found = _build(self.gateway, resource)
            self._built[resource] = sorted(
                found, key=lambda o: (o["created"], o["id"]), reverse=True
            )
        return self._built[resource]


def _build(gw: Gateway, resource: str) -> list[dict[str, Any]]:
    if resource == "charges":
        return [gw.charge_json(c) for c in gw.charges]
    if resource == "refunds":
        return [gw.refund_json(r) for r in gw.refunds]
    if resource == "disputes":
        return [gw.dispute_json(d) for d in gw.disputes]
    if resource == "balance_transactions":
        return gw.balance_transactions()
    return gw.events()


def _created_filter() -> Callable[[int], bool]:
    """`created[gte]=...` and friends (ValueError for a non-integer)."""
    bounds = {
        op: int(request.args[f"created[{op}]"])
        for op in _OPERATORS
        if f"created[{op}]" in request.args
    }
    exact = int(request.args["created"]) if "created" in request.args else None

    def keep(created: int) -> bool:
        return (
            (exact is None or created == exact)
            and created >= bounds.get("gte", created)
            and created > bounds.get("gt", created - 1)
            and created <= bounds.get("lte", created)
            and created < bounds.get("lt", created + 1)
        )

    return keep


def _page(found: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], bool, str]:
    """The page after `starting_after` or before `ending_before` (ids of the listed objects),
    whether more follow in the direction of paging, and an error message ("" when none)."""
    ids = [o["id"] for o in found]
    after, before = request.args.get("starting_after"), request.args.get("ending_before")
    if before:
        if before not in ids:
            return [], False, f"No such object: '{before}' (ending_before)"
        end = ids.index(before)
        return found[max(0, end - limit) : end], end - limit > 0, ""
    start = 0
    if after:
        if after not in ids:
            return [], False, f"No such object: '{after}' (starting_after)"
        start = ids.index(after) + 1
    return found[start : start + limit], start + limit < len(found), ""
