"""The sandbox web app: one blueprint per platform under `/<platform>/`, admin endpoints under
`/_admin/`, a landing page at `/`.

`create_app(world)` discovers the platform modules in `lake/sandbox/platforms/` (see its
docstring for the contract), mounts each with the shared login routes, and wraps every platform
request in the fault checks and the request log. Run it with `lake/sandbox/server.py`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, render_template_string, request

from lake.errors import ValidationError
from lake.sandbox import platforms as platform_registry
from lake.sandbox.auth import DEFAULT_PASSWORD, SandboxConfig
from lake.sandbox.context import PlatformContext, SandboxState, default_error
from lake.sandbox.entities import PLATFORMS
from lake.sandbox.faults import KINDS, make_fault, query_fault
from lake.sandbox.login import login_blueprint
from lake.sandbox.shop.admin import admin_blueprint as shop_db_admin_blueprint
from lake.sandbox.world import World

STATE_KEY = "lake_sandbox"


def create_app(
    world: World | None = None,
    config: SandboxConfig | None = None,
    platforms: Mapping[str, ModuleType] | None = None,
) -> Flask:
    """The sandbox app for `world` (default: `World()`). `platforms` replaces the discovered
    platform modules (tests mount their own)."""
    state = SandboxState(world or World(), config or SandboxConfig.from_env())
    modules = dict(platforms) if platforms is not None else platform_registry.discover()
    app = Flask(__name__)
    app.extensions[STATE_KEY] = state
    contexts = {name: _mount(app, state, name, module) for name, module in modules.items()}
    app.extensions["lake_sandbox_platforms"] = contexts
    _install_hooks(app, state, contexts)
    app.register_blueprint(_admin_blueprint(state))
    app.register_blueprint(shop_db_admin_blueprint(state))
    app.add_url_rule("/", "landing", lambda: _landing(state, contexts))
    return app


def sandbox_state(app: Flask) -> SandboxState:
    return app.extensions[STATE_KEY]


def _mount(app: Flask, state: SandboxState, name: str, module: ModuleType) -> PlatformContext:
    if name not in PLATFORMS:
        raise ValidationError(f"{name!r} is not a sandbox platform", f"use one of {PLATFORMS}")
    ctx = PlatformContext(
        platform=name,
        title=getattr(module, "TITLE", name),
        state=state,
        render_error=getattr(module, "render_error", default_error),
    )
    prefix = f"/{name}"
    app.register_blueprint(login_blueprint(ctx), url_prefix=prefix)
    blueprint: Blueprint = module.blueprint(ctx)
    app.register_blueprint(blueprint, url_prefix=prefix)
    return ctx


# --- per-request: faults and the request log ------------------------------------------------


def _install_hooks(app: Flask, state: SandboxState, contexts: dict[str, PlatformContext]) -> None:
    @app.before_request
    def apply_faults() -> Response | None:
        platform = request.path.strip("/").split("/", 1)[0]
        ctx = contexts.get(platform)
        if ctx is None:
            return None
        g.sandbox_platform = platform
        try:
            g.sandbox_query_fault = query_fault(platform, request.args)
        except ValidationError as exc:
            return ctx.error(400, "Invalid fault", str(exc))
        return _act(ctx)

    @app.after_request
    def log_request(response: Response) -> Response:
        platform = g.get("sandbox_platform")
        if platform:
            state.log.add(
                {
                    "platform": platform,
                    "method": request.method,
                    "path": request.path,
                    "query": request.args.to_dict(flat=True),
                    "status": response.status_code,
                    "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                }
            )
        return response


def _act(ctx: PlatformContext) -> Response | None:
    """Apply the faults that act before the view; set the flags views read."""
    if fault := ctx.take_fault("down"):
        retry = _seconds(fault.param("retry_after"))
        detail = f"{ctx.title} is down for maintenance"
        return ctx.error(503, "Service Unavailable", detail, {"Retry-After": retry})
    if fault := ctx.take_fault("slow"):
        ctx.state.stopping.wait(fault.param("delay"))
    if fault := ctx.take_fault("rate_limit"):
        retry = _seconds(fault.param("retry_after"))
        detail = f"You have exceeded the rate limit; retry in {retry} seconds"
        return ctx.error(429, "Too Many Requests", detail, {"Retry-After": retry})
    if ctx.take_fault("server_error"):
        return ctx.error(500, "Internal Server Error", "An unexpected error occurred")
    if ctx.take_fault("expire_session"):
        ctx.state.auth.expire(ctx.platform)
    if ctx.take_fault("layout_change"):
        g.sandbox_layout_changed = True
    return None


def _seconds(value: float) -> str:
    return str(max(0, math.ceil(value)))


# --- admin ------------------------------------------------------------------------------------


def _admin_blueprint(state: SandboxState) -> Blueprint:
    bp = Blueprint("sandbox_admin", __name__, url_prefix="/_admin")

    @bp.errorhandler(ValidationError)
    def refused(exc: ValidationError) -> tuple[Response, int]:
        return jsonify({"error": str(exc)}), 400

    @bp.get("/state")
    def show_state() -> Response:
        world = state.world
        return jsonify(
            {
                "seed": world.seed,
                "today": world.today.isoformat(),
                "origin": world.origin.isoformat(),
                "last_day": world.last_day.isoformat(),
                "faults": state.faults.active(),
                "fault_kinds": list(KINDS),
            }
        )

    @bp.get("/faults")
    def list_faults() -> Response:
        return jsonify({"faults": state.faults.active()})

    @bp.post("/faults")
    def add_fault() -> tuple[Response, int]:
        fault = make_fault(_json_body())
        state.faults.add(fault)
        return jsonify({"fault": fault.as_json()}), 201

    @bp.delete("/faults")
    def clear_faults() -> Response:
        state.faults.clear()
        state.auth.restore()
        return jsonify({"faults": []})

    @bp.post("/advance")
    def advance() -> Response:
        days = _json_body().get("days", 1)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ValidationError(f"days must be a non-negative integer, got {days!r}")
        world = state.advance(days)
        return jsonify({"today": world.today.isoformat(), "last_day": world.last_day.isoformat()})

    @bp.get("/requests")
    def requests_log() -> Response:
        return jsonify({"requests": state.log.entries(request.args.get("platform"))})

    @bp.delete("/requests")
    def clear_requests() -> Response:
        state.log.clear()
        return jsonify({"requests": []})

    @bp.post("/reset")
    def reset() -> Response:
        state.reset()
        return jsonify({"today": state.world.today.isoformat()})

    return bp


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object")
    return body


# --- landing page -------------------------------------------------------------------------------

_LANDING = """<!doctype html>
<html><head><meta charset="utf-8"><title>lake sandbox</title></head>
<body>
<h1>lake sandbox</h1>
<p>An offline stand-in for the label's platforms. World seed {{ world.seed }}, today
{{ world.today }}, data from {{ world.origin }} to {{ world.last_day }}.</p>
<p>Log in anywhere as <code>{{ username }}</code> / <code>{{ password }}</code>.</p>
<ul id="platforms">
{%- for name in names %}
{%- if name in contexts %}
  <li><a href="/{{ name }}/">{{ contexts[name].title }}</a> <code>/{{ name }}/</code></li>
{%- else %}
  <li>{{ name }} <em>(not built yet)</em></li>
{%- endif %}
{%- endfor %}
</ul>
<p>Admin: <code>/_admin/state</code>, <code>/_admin/faults</code>, <code>/_admin/advance</code>,
<code>/_admin/requests</code>, <code>/_admin/reset</code>.</p>
</body></html>
"""


def _landing(state: SandboxState, contexts: dict[str, PlatformContext]) -> str:
    return render_template_string(
        _LANDING,
        world=state.world,
        names=PLATFORMS,
        contexts=contexts,
        username=state.config.username,
        password=state.config.password if state.config.password == DEFAULT_PASSWORD else "***",
    )
