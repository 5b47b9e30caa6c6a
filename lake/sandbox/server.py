"""Run the sandbox app on a local port: `running_sandbox()` for tests, `serve()` for the CLI.

with running_sandbox(World(today=date(2026, 11, 23))) as sandbox:
    sandbox.base_url("mailchimp")          # http://127.0.0.1:<port>/mailchimp
    sandbox.admin.set_fault("mailchimp", "rate_limit", retry_after=2)
    sandbox.admin.requests("mailchimp")    # what was asked, with statuses
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from lake.sandbox.app import create_app, sandbox_state
from lake.sandbox.auth import SandboxConfig
from lake.sandbox.context import SandboxState
from lake.sandbox.world import World


@dataclass(frozen=True)
class AdminClient:
    """The `/_admin/` endpoints over HTTP."""

    url: str

    def _call(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.url}/_admin/{path}", json=json, timeout=10)
        response.raise_for_status()
        return response.json()

    def set_fault(
        self, platform: str, kind: str, times: int | None = 1, **params: float
    ) -> dict[str, Any]:
        """Add a fault (`times=None`: until cleared); see `lake/sandbox/faults.py`."""
        body = {"platform": platform, "kind": kind, "times": times, **params}
        return self._call("POST", "faults", body)["fault"]

    def clear(self) -> None:
        """Clear every fault (and accept revoked API tokens again)."""
        self._call("DELETE", "faults")

    def advance(self, days: int = 1) -> str:
        """Move the world's today forward; returns the new today (ISO)."""
        return self._call("POST", "advance", {"days": days})["today"]

    def requests(self, platform: str | None = None) -> list[dict[str, Any]]:
        query = f"?platform={platform}" if platform else ""
        return self._call("GET", f"requests{query}")["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def reset(self) -> None:
        self._call("POST", "reset")

    def state(self) -> dict[str, Any]:
        return self._call("GET", "state")

    def shop_db(self) -> dict[str, Any]:
        """The shop database: `url` (`sqlite:///...`), `path`, `today`, `refusing`."""
        return self._call("GET", "shop_db")

    def refuse_shop_db(self, seconds: float) -> None:
        """The shop database refuses readers for `seconds`."""
        self._call("POST", "shop_db/refuse", {"seconds": seconds})


@dataclass(frozen=True)
class Sandbox:
    """A running sandbox: its root URL, per-platform base URLs, admin helpers, state."""

    url: str
    state: SandboxState

    def base_url(self, platform: str) -> str:
        return f"{self.url}/{platform}"

    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.url)

    @property
    def world(self) -> World:
        return self.state.world

    @property
    def shop_db_url(self) -> str:
        """`LAKE_SHOP_DB_URL` of the shop's application database (written on first use)."""
        return self.state.shop_db.url


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr (tests read `/_admin/requests` instead)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def make_sandbox_server(
    world: World | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    config: SandboxConfig | None = None,
    quiet: bool = True,
) -> BaseWSGIServer:
    """A threaded WSGI server, already listening (port 0: a free port)."""
    app = create_app(world, config)
    handler = _QuietHandler if quiet else WSGIRequestHandler
    return make_server(host, port, app, threaded=True, request_handler=handler)


def server_url(server: BaseWSGIServer) -> str:
    host = server.host if server.host not in ("0.0.0.0", "::") else "127.0.0.1"
    return f"http://{host}:{server.port}"


@contextmanager
def running_sandbox(
    world: World | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    config: SandboxConfig | None = None,
) -> Iterator[Sandbox]:
    """Serve the sandbox in a background thread for the `with` block; shut down cleanly."""
    server = make_sandbox_server(world, host, port, config)
    state = sandbox_state(server.app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="lake-sandbox",
        daemon=True,
    )
    thread.start()
    try:
        yield Sandbox(server_url(server), state)
    finally:
        state.stopping.set()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        state.close()
