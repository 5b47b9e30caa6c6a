"""The HTTP helper against a local server: retries, Retry-After, the breaker, timeouts, paging."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from extract._config import Secret
from extract._errors import (
    CircuitOpenError,
    ExtractError,
    ExtractTimeoutError,
    LayoutChangedError,
    LoginExpiredError,
    RateLimitedError,
    SourceUnavailableError,
)
from extract._http import (
    CircuitBreaker,
    HttpClient,
    RetryPolicy,
    Timeouts,
    basic_auth,
    retry_after_seconds,
)
from tests.extract.conftest import Reply, Stopwatch


class Sleeps:
    """Records the waits the client asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client(url: str, **kwargs) -> HttpClient:
    kwargs.setdefault("retry", RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05))
    kwargs.setdefault("timeouts", Timeouts(connect=2, read=2, write=2, pool=2))
    return HttpClient("demo", url, **kwargs)


def test_429_then_success_waits_what_retry_after_asks(serve):
    answers = iter([Reply(429, "slow down", {"Retry-After": "3"}), Reply(200, '{"ok": true}')])
    server = serve(lambda r: next(answers))
    sleeps = Sleeps()

    async def go():
        async with client(server.url, sleep=sleeps) as http:
            return await http.get_json("/data")

    assert asyncio.run(go()) == {"ok": True}
    assert server.hits("/data") == 2
    assert len(sleeps.waits) == 1 and 3.0 <= sleeps.waits[0] <= 3.1


def test_429_with_a_real_one_second_retry_after_really_waits(serve):
    answers = iter([Reply(429, "", {"Retry-After": "1"}), Reply(200, "[]")])
    server = serve(lambda r: next(answers))

    async def go():
        async with client(server.url) as http:
            return (await http.get("/x")).status_code

    with Stopwatch() as watch:
        assert asyncio.run(go()) == 200
    assert 1.0 <= watch.elapsed < 3.0


def test_retry_after_as_http_date_and_too_long_a_wait_fails_at_once(serve):
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later, now) == pytest.approx(90)
    assert retry_after_seconds("garbage") is None
    server = serve(lambda r: Reply(429, "", {"Retry-After": "7200"}))
    sleeps = Sleeps()

    async def go():
        async with client(server.url, sleep=sleeps) as http:
            await http.get("/x")

    with pytest.raises(RateLimitedError, match="wait 7200 s"):
        asyncio.run(go())
    assert server.hits("/x") == 1 and sleeps.waits == []


def test_backoff_grows_exponentially_with_jitter(serve):
    server = serve(lambda r: Reply(503, "down"))
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=5.0)

    async def go():
        async with client(server.url, retry=policy, sleep=sleeps, rng=lambda: 1.0) as http:
            await http.get("/x")

    with pytest.raises(SourceUnavailableError, match="answered 503 5 times"):
        asyncio.run(go())
    assert sleeps.waits == [1.0, 2.0, 4.0, 5.0]  # base * 2**n, capped at max_delay
    half = [policy.backoff(n, lambda: 0.5) for n in range(3)]
    assert half == [0.5, 1.0, 2.0]


def test_repeated_500s_open_the_breaker_then_it_recovers(serve):
    healthy = {"now": False}
    server = serve(lambda r: Reply(200, "{}") if healthy["now"] else Reply(500, "boom"))
    clock = Clock()
    breaker = CircuitBreaker("demo", threshold=5, reset_after=60, clock=clock)
    policy = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0)

    async def call():
        async with client(server.url, retry=policy, breaker=breaker, sleep=Sleeps()) as http:
            return await http.get_json("/x")

    with pytest.raises(SourceUnavailableError) as first:
        asyncio.run(call())
    assert not isinstance(first.value, CircuitOpenError) and server.hits("/x") == 3
    with pytest.raises(CircuitOpenError):
        asyncio.run(call())
    assert server.hits("/x") == 5 and breaker.state == "open"
    with pytest.raises(CircuitOpenError, match="paused"):
        asyncio.run(call())
    assert server.hits("/x") == 5  # refused without touching the source
    clock.now += 61
    healthy["now"] = True
    assert breaker.state == "half_open"
    assert asyncio.run(call()) == {}
    assert breaker.state == "closed" and breaker.failures == 0


def test_a_read_timeout_fires_instead_of_hanging(serve):
    server = serve(lambda r: Reply(200, "late", delay=5))
    timeouts = Timeouts(connect=1, read=0.3, write=1, pool=1)

    async def go():
        async with client(server.url, timeouts=timeouts, sleep=Sleeps()) as http:
            await http.get("/slow")

    with Stopwatch() as watch, pytest.raises(ExtractTimeoutError, match="timed out 4 times"):
        asyncio.run(go())
    assert watch.elapsed < 3.0 and server.hits("/slow") == 4


def test_refused_connection_is_source_unavailable():
    async def go():
        async with client("http://127.0.0.1:9", sleep=Sleeps()) as http:
            await http.get("/x")

    with pytest.raises(SourceUnavailableError, match="failed 4 times"):
        asyncio.run(go())


def test_401_is_login_expired_and_never_retried(serve):
    server = serve(lambda r: Reply(401, '{"title": "API Key Invalid"}'))

    async def go():
        auth = basic_auth("lake", Secret("s3cr3t-key-us21"))
        async with client(server.url, auth=auth, sleep=Sleeps()) as http:
            await http.get("/x")

    with pytest.raises(LoginExpiredError, match="401") as error:
        asyncio.run(go())
    assert server.hits("/x") == 1
    assert "LAKE_DEMO_TOKEN" in str(error.value)
    assert server.requests[0].headers["authorization"].startswith("Basic ")


def test_on_error_lets_a_source_classify_its_refusals(serve):
    body = '{"error": {"type": "OAuthException", "code": 190}}'
    server = serve(lambda r: Reply(400 if r.path == "/expired" else 404, body))

    def meta_style(response):
        if response.status_code == 400 and response.json()["error"]["code"] == 190:
            return LoginExpiredError("demo: the token expired", "renew it")
        return None

    async def go(path: str):
        async with client(server.url, sleep=Sleeps(), on_error=meta_style) as http:
            await http.get(path)

    with pytest.raises(LoginExpiredError, match="token expired"):
        asyncio.run(go("/expired"))
    with pytest.raises(ExtractError, match="answered 404") as other:
        asyncio.run(go("/other"))  # None from the hook: the default error
    assert type(other.value) is ExtractError
    assert server.hits("/expired") == 1  # never retried


def test_offset_paging_yields_each_body_unchanged(serve):
    items = [{"id": i} for i in range(250)]

    def handler(request):
        count, offset = int(request.query["count"][0]), int(request.query["offset"][0])
        page = {"reports": items[offset : offset + count], "total_items": len(items)}
        return Reply(200, json.dumps(page, indent=1) + "\n")

    server = serve(handler)

    async def go():
        async with client(server.url) as http:
            return [
                p
                async for p in http.offset_pages(
                    "/r", page_size=100, items_key="reports", params={"since": "2026"}
                )
            ]

    pages = asyncio.run(go())
    assert [p.offset for p in pages] == [0, 100, 200]
    assert [len(p.data["reports"]) for p in pages] == [100, 100, 50]
    assert (
        pages[2].content
        == (json.dumps({"reports": items[200:], "total_items": 250}, indent=1) + "\n").encode()
    )
    assert all(r.query["since"] == ["2026"] for r in server.requests)


def test_cursor_paging_follows_and_refuses_a_loop(serve):
    chain = {"": "b", "b": "c", "c": None}
    server = serve(
        lambda r: Reply(
            200, json.dumps({"data": [1], "next": chain[r.query.get("after", [""])[0]]})
        )
    )
    looping = serve(lambda r: Reply(200, json.dumps({"data": [], "next": "same"})))

    async def go(url):
        async with client(url) as http:
            return [
                p.cursor async for p in http.cursor_pages("/c", next_cursor=lambda d: d["next"])
            ]

    assert asyncio.run(go(server.url)) == [None, "b", "c"]
    with pytest.raises(LayoutChangedError, match="repeats"):
        asyncio.run(go(looping.url))
