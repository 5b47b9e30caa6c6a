"""A tiny portal for the browser-helper tests: login, optional second factor, a dashboard
with an export, a stalled export and a page that never answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.extract.conftest import Reply, Request

CSV = b"date,streams\r\n2026-11-01,12\r\n2026-11-02,15\r\n"

LOGIN_PAGE = """<html><body><h1>Sign in</h1>{error}
<form method="post" action="/login">
<input id="username" name="username"><input id="password" name="password" type="password">
<button id="submit" type="submit">Sign in</button></form></body></html>"""
OTP_PAGE = """<html><body><h1>Enter the code</h1>{error}
<form method="post" action="/otp"><input id="code" name="code">
<button id="verify" type="submit">Verify</button></form></body></html>"""
DASHBOARD = """<html><body><h1 id="welcome">Dashboard</h1>
<a id="export" href="/export.csv">Export CSV</a> <a id="stall" href="/stall.csv">Big export</a>
</body></html>"""


@dataclass
class Portal:
    username: str = "artist@example.com"
    password: str = "hunter2-secret"
    otp: str | None = None
    sessions: set[str] = field(default_factory=set)
    logins: int = 0

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def __call__(self, request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        cookie = request.headers.get("cookie", "")
        session = dict(p.strip().split("=", 1) for p in cookie.split(";") if "=" in p).get("sid")
        logged_in = session in self.sessions
        route = (request.method, request.path)
        if route == ("GET", "/login"):
            return self._html(LOGIN_PAGE.format(error=""))
        if route == ("POST", "/login"):
            if (form.get("username"), form.get("password")) != (self.username, self.password):
                return self._html(LOGIN_PAGE.format(error='<p class="error">Wrong password</p>'))
            if self.otp:
                return self._redirect("/otp", "pending=1")
            return self._new_session()
        if route == ("GET", "/otp"):
            return self._html(OTP_PAGE.format(error=""))
        if route == ("POST", "/otp"):
            if form.get("code") != self.otp:
                return self._html(OTP_PAGE.format(error='<p class="error">Invalid code</p>'))
            return self._new_session()
        if request.path == "/slow":
            return Reply(200, "<html>late</html>", {"Content-Type": "text/html"}, delay=30)
        if not logged_in:
            return self._redirect("/login")
        if request.path == "/dashboard":
            return self._html(DASHBOARD)
        if request.path == "/export.csv":
            return Reply(200, CSV, self._attachment("streams.csv"))
        if request.path == "/stall.csv":
            return Reply(200, CSV * 1000, self._attachment("big.csv"), stall_after=100)
        return Reply(404, "not found")

    def _new_session(self) -> Reply:
        self.logins += 1
        sid = secrets.token_hex(8)
        self.sessions.add(sid)
        return self._redirect("/dashboard", f"sid={sid}; Path=/; Max-Age=86400")

    @staticmethod
    def _html(text: str) -> Reply:
        return Reply(200, text, {"Content-Type": "text/html; charset=utf-8"})

    @staticmethod
    def _redirect(to: str, cookie: str | None = None) -> Reply:
        headers = {"Location": to}
        if cookie:
            headers["Set-Cookie"] = cookie
        return Reply(303, "", headers)

    @staticmethod
    def _attachment(name: str) -> dict[str, str]:
        return {"Content-Type": "text/csv", "Content-Disposition": f'attachment; filename="{name}"'}
