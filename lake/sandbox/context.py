"""What a platform module gets: `PlatformContext` (the world, auth, faults, downloads) and the
server's mutable `SandboxState` behind it."""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from urllib.parse import quote

from flask import Response, g, jsonify, redirect, request
from markupsafe import escape

from lake.sandbox.auth import AuthStore, SandboxConfig, Session, session_cookie
from lake.sandbox.faults import Fault, FaultBoard
from lake.sandbox.world import World

if TYPE_CHECKING:
    from lake.sandbox.shop.database import ShopDatabase
    from lake.sandbox.shop.drops import ShopDrops

P = ParamSpec("P")
R = TypeVar("R")
ErrorRenderer = Callable[[int, str, str], Response]


class RequestLog:
    """The last `limit` platform requests (method, path, query, status), for tests to assert
    what an extractor asked."""

    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, platform: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if platform in (None, e["platform"])]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class SandboxState:
    """Everything a running sandbox changes: the world's today, sessions, faults, the log."""

    def __init__(self, world: World, config: SandboxConfig) -> None:
        self.config = config
        self.initial_world = world
        self.auth = AuthStore(config)
        self.faults = FaultBoard()
        self.log = RequestLog()
        self.stopping = threading.Event()  # set on shutdown: releases stalled downloads
        self._lock = threading.Lock()
        self._world = world
        self._shop_db: ShopDatabase | None = None
        self._shop_drops: ShopDrops | None = None

    @property
    def world(self) -> World:
        return self._world

    def advance(self, days: int) -> World:
        with self._lock:
            self._world = self._world.advanced(days)
            self._write_shop_db()
            self._write_shop_drops()
            return self._world

    @property
    def shop_db(self) -> ShopDatabase:
        """The shop's application database (a SQLite file), written on first use and
        rewritten whenever today moves."""
        with self._lock:
            if self._shop_db is None:
                from lake.sandbox.shop.database import ShopDatabase

                self._shop_db = ShopDatabase()
                self._write_shop_db()
            return self._shop_db

    def _write_shop_db(self) -> None:
        if self._shop_db is not None:
            self._shop_db.write(self._world.shop)

    @property
    def shop_drops(self) -> ShopDrops:
        """The drop folders of the shop's LLM gateway and application logs, written on
        first use and rewritten whenever today moves."""
        with self._lock:
            if self._shop_drops is None:
                from lake.sandbox.shop.drops import ShopDrops

                self._shop_drops = ShopDrops()
                self._write_shop_drops()
            return self._shop_drops

    def _write_shop_drops(self) -> None:
        if self._shop_drops is not None:
            self._shop_drops.write(self._world.shop, origin=self._world.origin)

    def close(self) -> None:
        """Release what the state holds outside the process (the shop database's files)."""
        with self._lock:
            if self._shop_db is not None:
                self._shop_db.close()
            if self._shop_drops is not None:
                self._shop_drops.close()

    def reset(self) -> None:
        """Back to the world's first today, no faults, no sessions, an empty log."""
        with self._lock:
            self._world = self.initial_world
            self._write_shop_db()
            self._write_shop_drops()
        self.faults.clear()
        self.auth.reset()
        self.log.clear()


def default_error(status: int, title: str, detail: str) -> Response:
    """JSON for API-looking requests, a small HTML page for browsers."""
    wants_json = "/api/" in request.path or request.accept_mimetypes.best == "application/json"
    if wants_json:
        response = jsonify({"error": {"status": status, "title": title, "message": detail}})
    else:
        page = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
        response = Response(f"{page}<p>{escape(detail)}</p>", mimetype="text/html")
    response.status_code = status
    return response


@dataclass(frozen=True)
class PlatformContext:
    """The sandbox as one platform's code sees it. Build pages from `ctx.world`; wrap views in
    `login_required` or `token_required(...)`; serve files with `send_download`; render the
    changed layout when `layout_changed()`; return errors with `error(...)`."""

    platform: str
    title: str
    state: SandboxState
    render_error: ErrorRenderer = default_error

    @property
    def world(self) -> World:
        """The world as of now (moves when `/_admin/advance` is called)."""
        return self.state.world

    @property
    def prefix(self) -> str:
        return f"/{self.platform}"

    # --- errors ----------------------------------------------------------------------------

    def error(
        self, status: int, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> Response:
        response = self.render_error(status, title, detail)
        response.headers.update(headers or {})
        return response

    # --- auth ------------------------------------------------------------------------------

    def current_session(self) -> Session | None:
        return self.state.auth.session(self.platform, request.cookies.get(self.cookie))

    @property
    def cookie(self) -> str:
        return session_cookie(self.platform)

    def login_url(self, next_path: str | None = None) -> str:
        target = next_path if next_path is not None else _full_path()
        return f"{self.prefix}/login?next={quote(target, safe='/')}"

    def login_required(self, view: Callable[P, R]) -> Callable[P, R | Response]:
        """Browser pages: redirect to the login page without a live, verified session."""

        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            session = self.current_session()
            if session is None or not session.verified:
                return redirect(self.login_url(), code=302)
            return view(*args, **kwargs)

        return wrapper

    def token_required(
        self, scheme: str = "bearer"
    ) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
        """APIs: `bearer` (`Authorization: Bearer <token>`) or `basic` (any user, the token as
        password). A missing, wrong or expired token gets the platform's 401."""
        if scheme not in ("bearer", "basic"):
            raise ValueError(f"scheme must be 'bearer' or 'basic', not {scheme!r}")

        def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
            @functools.wraps(view)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
                if not self.state.auth.token_valid(self.platform, _presented_token(scheme)):
                    challenge = 'Basic realm="sandbox"' if scheme == "basic" else "Bearer"
                    return self.error(
                        401,
                        "Unauthorized",
                        "the access token is missing, invalid or expired",
                        {"WWW-Authenticate": challenge},
                    )
                return view(*args, **kwargs)

            return wrapper

        return decorate

    # --- faults read by platform code ------------------------------------------------------

    def take_fault(self, kind: str) -> Fault | None:
        """This request's `?_fault=<kind>`, else one use of a board fault of that kind."""
        query: Fault | None = g.get("sandbox_query_fault")
        if query is not None and query.kind == kind:
            g.sandbox_query_fault = None
            return query
        return self.state.faults.take(self.platform, kind)

    def layout_changed(self) -> bool:
        """True when this request should see the changed layout (renamed buttons and ids)."""
        return bool(g.get("sandbox_layout_changed", False))

    def send_download(self, data: bytes, filename: str, mimetype: str) -> Response:
        """A file download (attachment, exact Content-Length); under the `stall_download`
        fault it sends `after_bytes`, waits `stall` seconds, then drops the connection."""
        return self.send_body(
            data, mimetype, {"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    def send_body(
        self, data: bytes | str, mimetype: str, headers: dict[str, str] | None = None
    ) -> Response:
        """A response body with an exact Content-Length (an API page as much as a file), cut
        short and stalled under the `stall_download` fault like `send_download`."""
        body = data.encode() if isinstance(data, str) else data
        headers = {**(headers or {}), "Content-Length": str(len(body))}
        fault = self.take_fault("stall_download")
        if fault is None:
            return Response(body, mimetype=mimetype, headers=headers)
        cut = int(fault.param("after_bytes"))
        cut = len(body) // 2 if cut < 0 else min(cut, max(len(body) - 1, 0))
        return Response(
            _stalled(body[:cut], fault.param("stall"), self.state.stopping),
            mimetype=mimetype,
            headers=headers,
            direct_passthrough=True,
        )


def _stalled(head: bytes, seconds: float, stopping: threading.Event) -> Iterator[bytes]:
    yield head
    stopping.wait(seconds)  # then the generator ends short of Content-Length


def _presented_token(scheme: str) -> str | None:
    if scheme == "basic":
        return request.authorization.password if request.authorization else None
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    return token.strip() if kind.lower() == "bearer" else None


def _full_path() -> str:
    path = request.full_path
    return path[:-1] if path.endswith("?") else path
