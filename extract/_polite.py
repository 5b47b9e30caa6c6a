"""Polite crawling for scrapers: a site's robots.txt and a gate every browser request goes through.

```python
rules = await fetch_robots(ctx.http(on_error=robots_missing), base_url, log=ctx.log)
gate = PoliteGate(rules, log=ctx.log, min_delay=1.0)
await gate.attach(session.page)        # every request of the page now passes the gate
await session.goto("/produtos")        # ... spaced, robots-checked, 429s waited out
gate.raise_if_failed()                 # a request the gate had to give up on
```

- **robots.txt** (`fetch_robots`): read once per run from `<base URL>/robots.txt` with the
  shared HTTP client (retries, Retry-After). A 404 or 410 means "everything allowed" (the
  robots.txt convention); any other failure stops the scrape (Google's rule: when in doubt,
  do not crawl). `Crawl-delay` for our user agent (or `*`) sets the spacing.
- **The gate** (`PoliteGate.attach(page)`): a Playwright route on every request of the page.
  A URL robots.txt disallows is aborted before it leaves the browser and recorded in
  `blocked`; images, fonts and media are not fetched; every other request to the site goes
  one at a time, `delay` seconds (the crawl delay, at least `min_delay`) after the previous
  one's answer, so scripts the page runs (XHR, infinite scroll) are spaced too. A 429 or a
  5xx is waited out (its `Retry-After`, at most `max_retry_after` seconds; without one, the
  delay times the attempt) and asked again, up to `attempts` times; then the page gets that
  answer and `raise_if_failed()` raises `RateLimitedError` (429) or `SourceUnavailableError`
  (5xx). Requests to other hosts pass untouched (scripts a site loads from a
  CDN), but are not counted as the site's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route

from extract._errors import (
    ExtractError,
    ExtractTimeoutError,
    RateLimitedError,
    SourceUnavailableError,
)
from extract._http import HttpClient, retry_after_seconds
from extract._log import EventLog

ROBOTS_AGENT = "lake-extract"
SKIPPED_RESOURCES = frozenset({"image", "font", "media"})


class _NoRobots(ExtractError):
    """robots.txt is missing (404/410): everything is allowed."""


@dataclass
class RobotsRules:
    """A site's robots.txt as read at the start of a run."""

    url: str
    text: str
    parser: urllib.robotparser.RobotFileParser
    agent: str = ROBOTS_AGENT

    def allowed(self, url: str) -> bool:
        return self.parser.can_fetch(self.agent, url)

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(self.agent)
        return float(delay) if delay is not None else None


def parse_robots(url: str, text: str, agent: str = ROBOTS_AGENT) -> RobotsRules:
    parser = urllib.robotparser.RobotFileParser(url)
    parser.parse(text.splitlines())
    return RobotsRules(url, text, parser, agent)


def robots_missing(response: httpx.Response) -> ExtractError | None:
    """The `on_error` hook for the robots.txt request: 404/410 mean "no rules"."""
    if response.status_code in (404, 410):
        return _NoRobots(f"{response.url} answered {response.status_code}")
    return None


async def fetch_robots(client: HttpClient, base_url: str, *, log: EventLog) -> RobotsRules:
    """The site's robots.txt (404/410: allow everything); other failures raise. `client` is
    built with `on_error=robots_missing`, and closed here."""
    url = f"{base_url.rstrip('/')}/robots.txt"
    try:
        async with client:
            response = await client.get(url)
    except _NoRobots:
        log.info("robots_missing", url=url)
        return parse_robots(url, "")
    except ExtractError as exc:
        raise SourceUnavailableError(
            f"{url} could not be read ({exc.message}): not crawling a site whose rules are unknown",
            "retry later; the site may be down",
        ) from exc
    rules = parse_robots(url, response.text)
    log.info("robots", url=url, crawl_delay=rules.crawl_delay)
    return rules


@dataclass
class PoliteGate:
    """Spaces, checks and retries every request a page makes to one site (module docstring)."""

    rules: RobotsRules
    log: EventLog
    min_delay: float = 1.0
    max_retry_after: float = 60.0
    attempts: int = 5
    timeout: float = 60.0  # seconds one request may take
    blocked: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    failure: ExtractError | None = None
    _last: float = field(default=float("-inf"), repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def delay(self) -> float:
        return max(self.min_delay, self.rules.crawl_delay or 0.0)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.rules.url)
        return f"{parts.scheme}://{parts.netloc}"

    def allowed(self, url: str) -> bool:
        return self.rules.allowed(url)

    async def attach(self, page: Page) -> None:
        await page.route("**/*", self._handle)

    def raise_if_failed(self) -> None:
        if self.failure is not None:
            raise self.failure

    async def _spaced(self) -> None:
        """Wait until `delay` seconds have passed since the previous answer (hold `_lock`)."""
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _handle(self, route: Route) -> None:
        request = route.request
        url = request.url
        try:
            if not url.startswith(self.origin + "/"):
                await route.continue_()
            elif request.resource_type in SKIPPED_RESOURCES:
                await route.abort("blockedbyclient")
            elif not self.allowed(url):
                self.blocked.append(url)
                self.log.info("robots_blocked", url=url)
                await route.abort("blockedbyclient")
            else:
                await self._fetch(route, url)
        except PlaywrightError as exc:  # a timeout, or the page went away (navigation, close)
            message = exc.message.splitlines()[0]
            self.log.info("route_dropped", url=url, error=message)
            if "Timeout" in message and self.failure is None:
                self.failure = ExtractTimeoutError(
                    f"{url} did not answer within {self.timeout:.0f} s",
                    "the site is slow or down; retry later",
                )
            with contextlib.suppress(PlaywrightError):
                await route.abort("timedout")  # the page fails now rather than waiting on

    async def _fetch(self, route: Route, url: str) -> None:
        """One request at a time: the next leaves `delay` seconds after this one's answer."""
        async with self._lock:
            for attempt in range(1, self.attempts + 1):
                await self._spaced()
                self.requested.append(url)
                try:
                    response = await route.fetch(max_redirects=0, timeout=self.timeout * 1000)
                finally:
                    self._last = time.monotonic()
                status = response.status
                if status != 429 and status < 500:
                    await route.fulfill(response=response)
                    return
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
                wait = self.delay * attempt if retry_after is None else retry_after
                if attempt == self.attempts or wait > self.max_retry_after:
                    self.failure = _gave_up(url, status, attempt, retry_after)
                    await route.fulfill(response=response)
                    return
                self.log.warning("retry", url=url, status=status, attempt=attempt, wait_s=wait)
                await asyncio.sleep(max(0.0, wait - self.delay))


def _gave_up(url: str, status: int, attempts: int, retry_after: float | None) -> ExtractError:
    message = f"{url} answered {status} {attempts} times (Retry-After {retry_after})"
    if status == 429:
        return RateLimitedError(
            message, "the site is limiting us harder than its robots.txt says; retry later"
        )
    return SourceUnavailableError(message, "the site is failing; retry later")
