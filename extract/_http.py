"""The HTTP helper every API extractor uses: auth, timeouts, retries, a circuit breaker, paging.

```python
async with ctx.http(auth=basic_auth("anystring", creds.token)) as client:
    async for page in client.offset_pages("/3.0/reports", page_size=100, items_key="reports"):
        await ctx.land(f"reports_{page.offset}.json", page.content, "json", url=page.url)
```

- Every request has connect/read/write/pool timeouts (`Timeouts`); nothing waits forever.
- 429 and 5xx answers and transport errors are retried with exponential backoff and full
  jitter (`RetryPolicy`); a `Retry-After` header (seconds or an HTTP date) is honoured, and
  one asking for longer than `max_retry_after` fails at once with `RateLimitedError`.
- A `CircuitBreaker` per source counts consecutive failures (5xx, timeouts, refused
  connections) across all the source's requests and accounts; once open, calls fail at once
  with `CircuitOpenError` until `reset_after` has passed, then one trial call is let through.
- 401/403 raise `LoginExpiredError` (the token is wrong, revoked or lapsed), other 4xx
  `ExtractError` with the start of the body; nothing is retried that cannot succeed. A source
  whose API says more in its error body (Meta's `{"error": {"code": 190}}` with HTTP 400)
  passes `on_error`: it sees every refused answer first and may return its own typed error.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

import httpx

from extract._config import Secret, env_prefix
from extract._errors import (
    CircuitOpenError,
    ExtractError,
    ExtractTimeoutError,
    LayoutChangedError,
    LoginExpiredError,
    RateLimitedError,
    SourceUnavailableError,
)
from extract._log import EventLog

USER_AGENT = "lake-extract/1 (+https://github.com/; data lake extractor)"
_BODY_EXCERPT = 300

Sleep = Callable[[float], Awaitable[None]]
ErrorHook = Callable[[httpx.Response], "ExtractError | None"]
"""Classifies a refused (non-retried 4xx) answer; None = the default error."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds per phase of one request (httpx semantics)."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 30.0
    pool: float = 10.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Delays grow as base * 2**attempt, capped, jittered."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_retry_after: float = 300.0
    retry_statuses: frozenset[int] = field(
        default_factory=lambda: frozenset({429, 500, 502, 503, 504})
    )

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2**attempt)]."""
        return rng() * min(self.max_delay, self.base_delay * (2**attempt))


class CircuitBreaker:
    """Closed -> open after `threshold` consecutive failures -> half-open after `reset_after`
    seconds (one trial call) -> closed on success, open again on failure."""

    def __init__(
        self,
        source: str,
        *,
        threshold: int = 5,
        reset_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.threshold = threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self.reset_after else "open"

    @property
    def failures(self) -> int:
        return self._failures

    def before_call(self) -> None:
        """Raise CircuitOpenError while open; in half-open, let this one call through."""
        if self.state == "open":
            assert self._opened_at is not None
            wait = self.reset_after - (self._clock() - self._opened_at)
            raise CircuitOpenError(
                f"{self.source}: {self._failures} consecutive failures; calls to this source "
                f"are paused for another {wait:.0f} s",
                f"the source is failing; retry 'lake extract {self.source}' in a few minutes "
                "and check its status page",
            )

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._opened_at is not None or self._failures >= self.threshold:
            self._opened_at = self._clock()


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>`, the token kept as a Secret."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request


def bearer_auth(token: Secret) -> httpx.Auth:
    return BearerAuth(token)


def basic_auth(username: str, password: Secret) -> httpx.Auth:
    return httpx.BasicAuth(username, password.reveal())


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Page:
    """One page of a paged API: the response exactly as served, and where it sits."""

    number: int
    offset: int | None
    cursor: str | None
    url: str
    content: bytes
    data: Any
    response: httpx.Response = field(repr=False)


class HttpClient:
    """An async HTTP client for one source (and account): see the module docstring."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        log: EventLog | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        transport: httpx.AsyncBaseTransport | None = None,
        on_error: ErrorHook | None = None,
    ) -> None:
        self.source = source
        self.on_error = on_error
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(source)
        self.log = log or EventLog(source)
        self._sleep = sleep
        self._rng = rng
        self._client = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            timeout=(timeouts or Timeouts()).to_httpx(),
            follow_redirects=True,
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- requests ---------------------------------------------------------------------------

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send with retries; return a 2xx/3xx response or raise a typed ExtractError."""
        policy = self.retry
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            self.breaker.before_call()
            try:
                response = await self._client.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                self.breaker.record_failure()
                if last:
                    raise self._timeout(method, url, exc) from exc
                await self._wait(attempt, None, method, url, f"timeout ({type(exc).__name__})")
                continue
            except httpx.TransportError as exc:
                self.breaker.record_failure()
                if last:
                    raise self._unreachable(method, url, exc) from exc
                await self._wait(attempt, None, method, url, f"transport ({type(exc).__name__})")
                continue
            status = response.status_code
            if status < 400:
                self.breaker.record_success()
                return response
            if status not in policy.retry_statuses:
                self.breaker.record_success()  # the source answered: it is up
                raise self._refused(response)
            if status >= 500:
                self.breaker.record_failure()
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > policy.max_retry_after:
                raise (
                    self._rate_limited(response, retry_after)
                    if status == 429
                    else self._failing(response, retry_after)
                )
            if last:
                raise (
                    self._rate_limited(response, retry_after)
                    if status == 429
                    else (self._failing(response))
                )
            await self._wait(attempt, retry_after, method, url, f"status {status}")
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def get_json(self, url: str, **kwargs: Any) -> Any:
        response = await self.get(url, **kwargs)
        return self._json(response)

    async def _wait(
        self, attempt: int, retry_after: float | None, method: str, url: str, why: str
    ) -> None:
        jitter = self.retry.backoff(attempt, self._rng)
        delay = retry_after + min(jitter, 1.0) * 0.1 if retry_after is not None else jitter
        self.log.warning(
            "http_retry",
            method=method,
            url=self.log.redact.url(str(self._client.base_url.join(url))),
            why=why,
            attempt=attempt + 1,
            of=self.retry.attempts,
            wait_s=f"{delay:.2f}",
            retry_after=retry_after,
        )
        await self._sleep(delay)

    # -- paging -----------------------------------------------------------------------------

    async def offset_pages(
        self,
        url: str,
        *,
        page_size: int,
        items_key: str,
        params: Mapping[str, Any] | None = None,
        count_param: str = "count",
        offset_param: str = "offset",
        total_key: str | None = "total_items",
        max_pages: int = 10_000,
    ) -> AsyncIterator[Page]:
        """`?count=&offset=` paging. Stops after a short page, or at `total_key` when given.

        Yields every page, including an empty first one (the source said: nothing).
        """
        offset = 0
        for number in range(max_pages):
            query = {**(params or {}), count_param: page_size, offset_param: offset}
            response = await self.get(url, params=query)
            data = self._json(response)
            items = data.get(items_key) if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise self._shape(response, f"no '{items_key}' array")
            yield Page(number, offset, None, str(response.url), response.content, data, response)
            offset += len(items)
            total = data.get(total_key) if total_key else None
            if len(items) < page_size or not items or (isinstance(total, int) and offset >= total):
                return
        raise self._too_many_pages(url, max_pages)

    async def cursor_pages(
        self,
        url: str,
        *,
        next_cursor: Callable[[Any], str | None],
        params: Mapping[str, Any] | None = None,
        cursor_param: str = "after",
        max_pages: int = 10_000,
    ) -> AsyncIterator[Page]:
        """Cursor paging: `next_cursor(data)` gives the cursor of the next page or None.

        A cursor that does not move (the same one twice) ends with an error, never a loop.
        """
        cursor: str | None = None
        seen: set[str] = set()
        for number in range(max_pages):
            query = dict(params or {})
            if cursor is not None:
                query[cursor_param] = cursor
            response = await self.get(url, params=query)
            data = self._json(response)
            yield Page(number, None, cursor, str(response.url), response.content, data, response)
            cursor = next_cursor(data)
            if not cursor:
                return
            if cursor in seen:
                raise self._shape(response, f"the cursor {cursor!r} repeats (paging loop)")
            seen.add(cursor)
        raise self._too_many_pages(url, max_pages)

    # -- errors -----------------------------------------------------------------------------

    def _where(self, response: httpx.Response) -> str:
        return self.log.redact.url(str(response.url))

    def _excerpt(self, response: httpx.Response) -> str:
        text = response.content[:_BODY_EXCERPT].decode("utf-8", "replace").replace("\n", " ")
        return self.log.redact(text)

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise self._shape(response, "the body is not JSON") from exc

    def _shape(self, response: httpx.Response, what: str) -> ExtractError:
        return LayoutChangedError(
            f"{self.source}: {self._where(response)}: {what} (body starts: "
            f"{self._excerpt(response)!r})",
            f"the API changed or the base URL points elsewhere: check "
            f"{env_prefix(self.source)}_BASE_URL and the API version in extract/{self.source}.py",
        )

    def _refused(self, response: httpx.Response) -> ExtractError:
        if self.on_error is not None and (own := self.on_error(response)) is not None:
            return own
        status = response.status_code
        message = (
            f"{self.source}: {self._where(response)} answered {status} "
            f"({self._excerpt(response)!r})"
        )
        if status in (401, 403):
            return LoginExpiredError(
                message,
                f"the credentials were refused: set a valid {env_prefix(self.source)}_TOKEN "
                "(a new key if it was revoked or expired) in the environment or .env",
            )
        return ExtractError(message, f"the request was refused; check extract/{self.source}.py")

    def _failing(self, response: httpx.Response, retry_after: float | None = None) -> ExtractError:
        if retry_after is not None:
            return SourceUnavailableError(
                f"{self.source}: {self._where(response)} answered {response.status_code} and "
                f"asks to come back in {retry_after:.0f} s",
                f"the source is down for maintenance or overloaded; retry 'lake extract "
                f"{self.source}' after that",
            )
        return SourceUnavailableError(
            f"{self.source}: {self._where(response)} answered {response.status_code} "
            f"{self.retry.attempts} times",
            f"the source is failing; retry 'lake extract {self.source}' later",
        )

    def _rate_limited(self, response: httpx.Response, retry_after: float | None) -> ExtractError:
        wait = f"; it asks to wait {retry_after:.0f} s" if retry_after is not None else ""
        return RateLimitedError(
            f"{self.source}: {self._where(response)} is rate limited (429){wait}",
            f"retry 'lake extract {self.source}' after the wait; lower the request rate if "
            "this repeats",
        )

    def _timeout(self, method: str, url: str, exc: Exception) -> ExtractError:
        return ExtractTimeoutError(
            f"{self.source}: {method} {self._url(url)} timed out {self.retry.attempts} times "
            f"({type(exc).__name__})",
            f"the source is slow or stuck; retry 'lake extract {self.source}' later",
        )

    def _unreachable(self, method: str, url: str, exc: Exception) -> ExtractError:
        return SourceUnavailableError(
            f"{self.source}: {method} {self._url(url)} failed {self.retry.attempts} times "
            f"({type(exc).__name__}: {self.log.redact(str(exc))})",
            f"check the network and {env_prefix(self.source)}_BASE_URL, then retry",
        )

    def _too_many_pages(self, url: str, max_pages: int) -> ExtractError:
        return ExtractError(
            f"{self.source}: {self._url(url)} had more than {max_pages} pages",
            "narrow the window with --since, or raise max_pages in the extractor",
        )

    def _url(self, url: str) -> str:
        return self.log.redact.url(str(self._client.base_url.join(url)))


def error_object(response: httpx.Response) -> dict[str, Any] | None:
    """The `error` object of a JSON error body, as Meta's and Google's APIs answer."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return error if isinstance(error, dict) else None
