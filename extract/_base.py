"""The extractor contract: what a platform module declares and what it is handed.

A platform module `extract/<source>.py` defines one module-level `EXTRACTOR`:

```python
EXTRACTOR = Extractor(
    name="mailchimp",                 # = the file name = landing/<source>/ = LAKE_MAILCHIMP_*
    kind="http",                      # or "browser", or "database" (extract/shop_db.py)
    version="1.0.0",                  # goes into every landing's metadata
    default_base_url="https://us1.api.mailchimp.com",   # or a function of the Credentials
    requires=("token",),              # checked before the run, with a message naming the vars
    run=extract,                      # async def extract(ctx: ExtractContext) -> None
)
```

The runner calls `run(ctx)` once per configured account (`LAKE_<SRC>_ACCOUNTS`, else one
account named "default"), sequentially within a source, sources concurrently. The context
gives the module everything shared:

- `ctx.land(name, content, data_type, url=...)` lands bytes unchanged through the landing
  store with metadata {source, account, extracted_at, url, extractor, extractor_version,
  run_id, window, dataset?}; the account comes from configuration, never a file name;
- `ctx.http(auth=...)` an `HttpClient` (retries, backoff, Retry-After, the source's circuit
  breaker, timeouts, paging helpers); `ctx.browser()` a logged-out or restored
  `BrowserSession` from the process's shared Chromium;
- `ctx.window` the days to fetch (incremental, with overlap, or `--since`), `ctx.cursor`
  a dict saved with the window state after success (e.g. the newest send time seen), and
  `ctx.previous_cursor` the one saved last time;
- `ctx.log.info("event", key=value)` structured, redacted logs; `ctx.setting("NAME")` any
  other `LAKE_<SRC>_NAME` variable;
- `ctx.nothing_new("why")` when an empty result is genuinely right; otherwise a run that
  lands nothing fails with `NothingLandedError`.

Raise the typed errors of `extract._errors` (re-exported here) with a message that says what
to do; any other exception is reported as an unexpected failure of the extractor.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

from extract._browser import BrowserPool, BrowserSession, SecondFactorHook, slug
from extract._config import Credentials, SourceConfig
from extract._errors import (
    CircuitOpenError,
    ConfigError,
    ExtractError,
    ExtractTimeoutError,
    LayoutChangedError,
    LoginExpiredError,
    LoginRejectedError,
    NothingLandedError,
    RateLimitedError,
    SecondFactorError,
    SourceUnavailableError,
)
from extract._http import CircuitBreaker, ErrorHook, HttpClient, RetryPolicy, Timeouts
from extract._log import EventLog
from extract._windows import Window
from lake.config import LakePaths
from lake.landing import Content, Entry, LandingStore

__all__ = [
    "CircuitOpenError",
    "ConfigError",
    "ExtractContext",
    "ExtractError",
    "ExtractTimeoutError",
    "Extractor",
    "LayoutChangedError",
    "LoginExpiredError",
    "LoginRejectedError",
    "NothingLandedError",
    "RateLimitedError",
    "SecondFactorError",
    "SourceUnavailableError",
]

Kind = Literal["http", "browser", "database"]


@dataclass(frozen=True)
class Extractor:
    """What a platform module declares (see the module docstring)."""

    name: str
    kind: Kind
    version: str
    run: Callable[[ExtractContext], Awaitable[None]]
    default_base_url: str | Callable[[Credentials], str]
    description: str = ""
    requires: tuple[str, ...] = ()
    overlap_days: int = 3
    first_run_days: int = 90
    expects_data: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)

    def base_url(self, config: SourceConfig, credentials: Credentials) -> str:
        """`LAKE_<SRC>_BASE_URL` when set, else the real site's (maybe from the credentials)."""
        if config.base_url:
            return config.base_url
        default = self.default_base_url
        return (default(credentials) if callable(default) else default).rstrip("/")


@dataclass(frozen=True)
class Landed:
    """One file an account run landed (what the report lists)."""

    name: str
    path: str
    sha256: str
    size: int
    url: str

    @classmethod
    def of(cls, entry: Entry) -> Landed:
        return cls(entry.name, entry.path, entry.sha256, entry.size, entry.metadata.get("url", ""))


class ExtractContext:
    """Everything one account's run needs; built by the runner, handed to `Extractor.run`."""

    def __init__(
        self,
        extractor: Extractor,
        *,
        account: str,
        config: SourceConfig,
        credentials: Credentials,
        base_url: str,
        paths: LakePaths,
        store: LandingStore,
        window: Window,
        previous_cursor: Mapping[str, Any],
        log: EventLog,
        breaker: CircuitBreaker,
        browser_pool: BrowserPool | None,
        run_id: str | None = None,
        second_factor: SecondFactorHook | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.extractor = extractor
        self.config = config
        self.source = extractor.name
        self.account = account
        self.credentials = credentials
        self.base_url = base_url
        self.paths = paths
        self.store = store
        self.window = window
        self.previous_cursor: dict[str, Any] = dict(previous_cursor)
        self.cursor: dict[str, Any] = dict(previous_cursor)
        self.log = log
        self.breaker = breaker
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.extracted_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.landed: list[Landed] = []
        self.empty_reason: str | None = None
        self._pool = browser_pool
        self._second_factor = second_factor
        self._transport = http_transport
        self._retry = retry or extractor.retry
        self._session: BrowserSession | None = None

    # -- landing ----------------------------------------------------------------------------

    async def land(
        self,
        name: str,
        content: Content,
        data_type: str,
        *,
        url: str,
        dataset: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Entry:
        """Land `content` unchanged as `landing/<source>/<minute>/<account>/<name>`."""
        metadata: dict[str, Any] = {
            **(extra or {}),
            "source": self.source,
            "account": self.account,
            "extracted_at": self.extracted_at,
            "url": self.log.redact.url(url),
            "extractor": f"extract/{self.source}.py",
            "extractor_version": self.extractor.version,
            "run_id": self.run_id,
            "window": self.window.to_dict(),
        }
        if dataset:
            metadata["dataset"] = dataset
        entry = await self.store.store(
            name, content, data_type, metadata=metadata, subpath=slug(self.account)
        )
        self.landed.append(Landed.of(entry))
        self.log.info("landed", name=name, path=entry.path, bytes=entry.size)
        return entry

    def nothing_new(self, reason: str) -> None:
        """Declare that landing nothing is right this time (e.g. no campaign since the last
        run); without it a run that lands nothing fails."""
        self.empty_reason = reason
        self.log.info("nothing_new", reason=reason)

    def setting(self, name: str, default: str | None = None) -> str | None:
        """Another `LAKE_<SRC>_<NAME>` setting (not a secret), e.g. a page size."""
        return self.config.setting(name, default)

    # -- shared mechanics -------------------------------------------------------------------

    def http(
        self,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        on_error: ErrorHook | None = None,
    ) -> HttpClient:
        """An HTTP client on the source's base URL, sharing the source's circuit breaker;
        `on_error` may turn a refused answer into the source's own typed error."""
        return HttpClient(
            self.source,
            base_url or self.base_url,
            auth=auth,
            headers=headers,
            timeouts=self.extractor.timeouts,
            retry=self._retry,
            breaker=self.breaker,
            log=self.log,
            transport=self._transport,
            on_error=on_error,
        )

    async def browser(self) -> BrowserSession:
        """This account's browser session (opened on first call, closed by the runner)."""
        if self._session is None:
            if self._pool is None:
                raise ExtractError(
                    f"{self.source}: no browser pool in this run",
                    "declare kind='browser' in the module's EXTRACTOR",
                )
            session = BrowserSession(
                self._pool,
                self.paths,
                source=self.source,
                account=self.account,
                base_url=self.base_url,
                credentials=self.credentials,
                log=self.log,
                second_factor=self._second_factor,
            )
            self._session = await session.open()
        return self._session

    @property
    def session(self) -> BrowserSession | None:
        """The browser session if one was opened (the runner captures failures from it)."""
        return self._session

    async def close(self, *, failed: bool) -> None:
        if self._session is not None:
            await self._session.close(save=not failed)
            self._session = None
