"""The sandbox over HTTP: every fault kind, sessions, the second factor, the admin endpoints."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from lake.sandbox.auth import SandboxConfig, sandbox_otp
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World

from .conftest import MAILCHIMP_KEY, TODAY, login

REPORTS = "/mailchimp/3.0/reports"


def api(http: httpx.Client, path: str = REPORTS, **params: str) -> httpx.Response:
    return http.get(path, params=params, auth=MAILCHIMP_KEY)


def test_landing_page_lists_the_platforms(client: httpx.Client) -> None:
    page = client.get("/").text
    assert '<a href="/mailchimp/">Mailchimp</a>' in page
    assert "spotify" in page and "2026-11-23" in page


def test_slow(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.admin.set_fault("mailchimp", "slow", delay=0.6)
    started = time.monotonic()
    assert api(client).status_code == 200
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    assert api(client).status_code == 200  # times=1: used up
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    assert api(client, _fault="slow", _delay="0.4").status_code == 200
    assert time.monotonic() - started >= 0.4


def test_rate_limit_with_retry_after(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.admin.set_fault("mailchimp", "rate_limit", times=2, retry_after=3)
    first, second, third = api(client), api(client), api(client)
    assert [r.status_code for r in (first, second, third)] == [429, 429, 200]
    assert first.headers["Retry-After"] == "3"
    problem = first.json()
    assert set(problem) == {"type", "title", "status", "detail", "instance"}
    assert (problem["status"], problem["title"]) == (429, "Too Many Requests")
    by_query = api(client, _fault="rate_limit", _retry_after="7")
    assert (by_query.status_code, by_query.headers["Retry-After"]) == (429, "7")


def test_server_error(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.admin.set_fault("*", "server_error")
    assert api(client).status_code == 500
    assert api(client).status_code == 200
    assert api(client, _fault="server_error").status_code == 500


def test_down_until_cleared(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.admin.set_fault("mailchimp", "down", times=None)
    statuses = [api(client).status_code for _ in range(3)] + [client.get("/mailchimp/").status_code]
    assert statuses == [503, 503, 503, 503]
    assert api(client).headers["Retry-After"] == "30"
    sandbox.admin.clear()
    assert api(client).status_code == 200


def test_expire_session_ends_sessions_and_tokens(sandbox: Sandbox, client: httpx.Client) -> None:
    assert login(client).status_code == 303
    assert client.get("/mailchimp/").status_code == 200
    sandbox.admin.set_fault("mailchimp", "expire_session")
    expired = client.get("/mailchimp/")
    assert expired.status_code == 302
    assert expired.headers["location"] == "/mailchimp/login?next=/mailchimp/"
    refused = api(client)
    assert refused.status_code == 401 and refused.json()["title"] == "API Key Invalid"
    sandbox.admin.clear()  # a new key, as it were
    assert api(client).status_code == 200
    assert login(client).status_code == 303
    assert client.get("/mailchimp/").status_code == 200


def test_session_lifetime(world: World) -> None:
    with (
        running_sandbox(world, config=SandboxConfig(session_seconds=0.5)) as sandbox,
        httpx.Client(base_url=sandbox.url) as http,
    ):
        login(http)
        assert http.get("/mailchimp/").status_code == 200
        time.sleep(0.7)
        assert http.get("/mailchimp/").status_code == 302


def test_second_factor(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.admin.set_fault("mailchimp", "require_2fa")
    challenged = login(client)
    assert challenged.status_code == 303
    assert challenged.headers["location"].startswith("/mailchimp/login/verify")
    assert client.get("/mailchimp/").status_code == 302  # not verified yet
    assert 'id="otp-code"' in client.get("/mailchimp/login/verify").text
    wrong = client.post("/mailchimp/login/verify", data={"code": "000000", "next": "/mailchimp/"})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    code = sandbox_otp("mailchimp")
    assert len(code) == 6 and code.isdigit() and code != sandbox_otp("tiktok")
    right = client.post("/mailchimp/login/verify", data={"code": code, "next": "/mailchimp/"})
    assert (right.status_code, right.headers["location"]) == (303, "/mailchimp/")
    assert client.get("/mailchimp/").status_code == 200
    client.cookies.clear()
    assert login(client).headers["location"] == "/mailchimp/"  # the fault asked once


def test_wrong_password_is_refused(client: httpx.Client) -> None:
    bad = client.post("/mailchimp/login", data={"email": "demo@label.test", "password": "x"})
    assert bad.status_code == 401 and "Wrong e-mail or password" in bad.text


def test_layout_change(sandbox: Sandbox, client: httpx.Client) -> None:
    login(client)
    assert 'id="export-reports"' in client.get("/mailchimp/").text
    assert 'id="signin-submit"' in client.get("/mailchimp/login?_fault=layout_change").text
    sandbox.admin.set_fault("mailchimp", "layout_change", times=None)
    for _ in range(2):
        page = client.get("/mailchimp/").text
        assert 'id="download-csv"' in page and 'id="export-reports"' not in page
    sandbox.admin.clear()
    assert 'id="login-button"' in client.get("/mailchimp/login").text


def test_stall_download(sandbox: Sandbox, client: httpx.Client) -> None:
    login(client)
    whole = client.get("/mailchimp/reports/export.csv")
    assert whole.status_code == 200
    assert whole.headers["content-disposition"] == 'attachment; filename="campaign_reports.csv"'
    assert whole.content.startswith(b"Campaign ID,Title,")
    sandbox.admin.set_fault("mailchimp", "stall_download", after_bytes=40, stall=0.3)
    received = b""
    started = time.monotonic()
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("GET", "/mailchimp/reports/export.csv") as response,
    ):
        assert response.headers["content-length"] == str(len(whole.content))
        for chunk in response.iter_bytes():
            received += chunk
    assert received == whole.content[:40]
    assert time.monotonic() - started >= 0.3


def test_bad_fault_requests_are_refused(sandbox: Sandbox, client: httpx.Client) -> None:
    refused = client.post("/_admin/faults", json={"platform": "mailchimp", "kind": "explode"})
    assert refused.status_code == 400 and "explode" in refused.json()["error"]
    assert client.post("/_admin/faults", json={"platform": "nowhere", "kind": "slow"}).is_error
    assert api(client, _fault="explode").status_code == 400


def test_advance_and_request_log(sandbox: Sandbox, client: httpx.Client, world: World) -> None:
    before = api(client, count="1").json()["total_items"]
    assert before == len(world.mailchimp_campaigns)
    assert sandbox.admin.advance(62) == (TODAY + timedelta(days=62)).isoformat()
    assert api(client, count="1", offset="3").json()["total_items"] == before + 2
    log = sandbox.admin.requests("mailchimp")
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in log] == [
        ("GET", REPORTS, {"count": "1"}, 200),
        ("GET", REPORTS, {"count": "1", "offset": "3"}, 200),
    ]
    assert sandbox.admin.requests("tiktok") == []
    sandbox.admin.reset()
    assert sandbox.admin.state()["today"] == TODAY.isoformat()
    assert sandbox.admin.requests() == []
