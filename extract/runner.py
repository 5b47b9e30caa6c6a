"""The extract runner: run the chosen sources concurrently, never let one stop another.

Sources are the modules `extract/<source>.py` that define `EXTRACTOR` (see `_base.py`). Each
source runs its accounts one after another; sources run side by side (at most
`--concurrency`). A failing account is reported with its error, what to do, and the saved
screenshot/HTML for browser sources; the others carry on. `lake extract` (extract/cli.py)
and the extract stage of `lake run` (`extract_stage`) both run sources through `Runner`.
Logs (key=value, secrets redacted) go to `$LAKE_ROOT/_state/extract/runs/<run_id>.log`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import pkgutil
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from extract._base import ExtractContext, Extractor
from extract._browser import BrowserOptions, BrowserPool, SecondFactorHook
from extract._config import ConfigError, SourceConfig, env_prefix, read_environment
from extract._errors import ExtractError, ExtractTimeoutError, NothingLandedError, error_kind
from extract._http import CircuitBreaker, RetryPolicy
from extract._log import EventLog, Redactor
from extract._windows import WindowStore
from lake.config import LakePaths
from lake.errors import LakeError
from lake.landing import LandingStore

PACKAGE = "extract"
NOT_SOURCES = frozenset({"runner", "cli"})
DEFAULT_ACCOUNT_TIMEOUT = 1800.0

Listener = Callable[[str, str | None, str, dict[str, Any]], None]


# ---------------------------------------------------------------------------- discovery


def available_sources(package: str = PACKAGE) -> list[str]:
    """The platform modules present: `extract/<name>.py`, not private, not the runner."""
    module = importlib.import_module(package)
    return sorted(
        info.name
        for info in pkgutil.iter_modules(module.__path__)
        if not info.name.startswith("_") and info.name not in NOT_SOURCES
    )


def load_extractor(name: str, package: str = PACKAGE) -> Extractor:
    """Import `extract/<name>.py` and return its `EXTRACTOR` (ConfigError if it has none)."""
    module = importlib.import_module(f"{package}.{name}")
    extractor = getattr(module, "EXTRACTOR", None)
    if not isinstance(extractor, Extractor) or extractor.name != name:
        raise ConfigError(
            f"{package}/{name}.py defines no EXTRACTOR = Extractor(name={name!r}, ...)",
            "declare one as described in extract/_base.py",
        )
    return extractor


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ErrorInfo:
    kind: str
    type: str
    message: str
    hint: str
    screenshot: str | None = None
    html: str | None = None

    @classmethod
    def of(cls, error: LakeError, redact: Redactor) -> ErrorInfo:
        screenshot = getattr(error, "screenshot", None)
        html = getattr(error, "html", None)
        return cls(
            kind=error_kind(error),
            type=type(error).__name__,
            message=redact(error.message),
            hint=redact(error.hint),
            screenshot=str(screenshot) if screenshot else None,
            html=str(html) if html else None,
        )


@dataclass
class AccountResult:
    account: str
    status: str = "pending"  # pending, running, ok, failed
    window: dict[str, str] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    error: ErrorInfo | None = None
    duration_s: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(int(f["size"]) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bytes"] = self.bytes
        return data


NOT_CONFIGURED = "not_configured"


@dataclass
class SourceResult:
    source: str
    status: str = "pending"  # pending, running, ok, failed, not_configured
    accounts: list[AccountResult] = field(default_factory=list)
    error: ErrorInfo | None = None  # a failure before any account ran (import, config)
    duration_s: float = 0.0
    note: str | None = None

    @property
    def ok(self) -> bool:
        """Succeeded, or skipped because nothing configures it (not a failure)."""
        return self.status in ("ok", NOT_CONFIGURED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "ok": self.ok,
            "note": self.note,
            "files": sum(len(a.files) for a in self.accounts),
            "bytes": sum(a.bytes for a in self.accounts),
            "duration_s": round(self.duration_s, 3),
            "error": asdict(self.error) if self.error else None,
            "accounts": [a.to_dict() for a in self.accounts],
        }


@dataclass
class RunReport:
    run_id: str
    started_at: str
    since: str | None
    log: str
    sources: list[SourceResult]
    finished_at: str | None = None

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "since": self.since,
            "log": self.log,
            "sources": [s.to_dict() for s in self.sources],
        }


# ---------------------------------------------------------------------------- running


class Runner:
    """Runs extractors for one `lake extract` invocation."""

    def __init__(
        self,
        paths: LakePaths,
        *,
        env: Mapping[str, str] | None = None,
        since: date | None = None,
        today: date | None = None,
        concurrency: int = 4,
        account_timeout: float | None = None,
        browser_options: BrowserOptions | None = None,
        listener: Listener | None = None,
        second_factor: SecondFactorHook | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        browser_pool: BrowserPool | None = None,
    ) -> None:
        self.paths = paths
        self.browser_pool = browser_pool  # a caller's shared Chromium (kept open after the run)
        self.retry = retry
        self.env = dict(read_environment() if env is None else env)
        self.since = since
        self.today = today or _date_setting(self.env, "LAKE_EXTRACT_TODAY")
        self.concurrency = max(1, concurrency)
        timeout_env = self.env.get("LAKE_EXTRACT_TIMEOUT")
        self.account_timeout = account_timeout or (
            float(timeout_env) if timeout_env else DEFAULT_ACCOUNT_TIMEOUT
        )
        self.browser_options = browser_options or BrowserOptions.from_env(self.env)
        self.listener = listener
        self.second_factor = second_factor
        self.http_transport = http_transport
        self.run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        self.log_path = paths.state / "extract" / "runs" / f"{self.run_id}.log"

    def _notify(self, source: str, account: str | None, event: str, **fields: Any) -> None:
        if self.listener is not None:
            self.listener(source, account, event, fields)

    async def run(self, extractors: Mapping[str, Extractor | LakeError]) -> RunReport:
        """Run every extractor (an error in place of one is reported as that source's failure)."""
        report = RunReport(
            run_id=self.run_id,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            since=self.since.isoformat() if self.since else None,
            log=str(self.log_path),
            sources=[SourceResult(name) for name in extractors],
        )
        configs = {name: SourceConfig.from_env(name, self.env) for name in extractors}
        redact = Redactor(s for c in configs.values() for s in c.secrets())
        gate = asyncio.Semaphore(self.concurrency)
        pool = self.browser_pool or BrowserPool(self.browser_options)
        with self._run_log(redact):
            async with contextlib.AsyncExitStack() as owned:
                if self.browser_pool is None:
                    await owned.enter_async_context(pool)
                store = LandingStore(self.paths)
                try:
                    await asyncio.gather(
                        *(
                            self._guarded(
                                result,
                                extractors[result.source],
                                configs,
                                redact,
                                store,
                                pool,
                                gate,
                            )
                            for result in report.sources
                        )
                    )
                finally:
                    store.close()
        report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        return report

    async def _guarded(
        self,
        result: SourceResult,
        extractor: Extractor | LakeError,
        configs: Mapping[str, SourceConfig],
        redact: Redactor,
        store: LandingStore,
        pool: BrowserPool,
        gate: asyncio.Semaphore,
    ) -> None:
        async with gate:
            started = time.monotonic()
            result.status = "running"
            self._notify(result.source, None, "source_started")
            if isinstance(extractor, LakeError):
                result.error = ErrorInfo.of(extractor, redact)
            elif not extractor.configured(configs[result.source]):
                result.status, result.note = NOT_CONFIGURED, _not_configured_note(extractor)
                self._notify(result.source, None, "source_finished", status=result.status)
                return
            else:
                config = configs[result.source]
                breaker = CircuitBreaker(result.source)
                for account in config.accounts:
                    listener = self._listener_for(result.source, account)
                    log = EventLog(result.source, account=account, redact=redact, listener=listener)
                    outcome = await self._account(
                        extractor, config, account, store, pool, breaker, log
                    )
                    result.accounts.append(outcome)
            failed = result.error is not None or any(a.status != "ok" for a in result.accounts)
            result.status = "failed" if failed else "ok"
            result.duration_s = time.monotonic() - started
            self._notify(result.source, None, "source_finished", status=result.status)

    def _listener_for(self, source: str, account: str) -> Callable[[str, dict[str, Any]], None]:
        """Forward an account's log events to the listener, tagged with that account."""

        def forward(event: str, fields: dict[str, Any]) -> None:
            self._notify(source, account, event, **fields)

        return forward

    async def _account(
        self,
        extractor: Extractor,
        config: SourceConfig,
        account: str,
        store: LandingStore,
        pool: BrowserPool,
        breaker: CircuitBreaker,
        log: EventLog,
    ) -> AccountResult:
        result = AccountResult(account, status="running")
        started = time.monotonic()
        self._notify(extractor.name, account, "account_started")
        ctx: ExtractContext | None = None
        try:
            ctx = self._context(extractor, config, account, store, pool, breaker, log)
            result.window = ctx.window.to_dict()
            log.info("run_started", window=f"{ctx.window.start}..{ctx.window.end}")
            await self._run_with_deadline(extractor, ctx)
            self._check_landed(extractor, ctx)
            windows = WindowStore(self.paths, extractor.name)
            windows.commit(
                account, last_fetched=ctx.window.end, cursor=ctx.cursor, run_id=self.run_id
            )
            result.status, result.note = "ok", ctx.empty_reason
        except Exception as exc:  # one account's failure never stops the others
            error = self._as_lake_error(extractor, account, exc, log)
            await self._capture(ctx, error)
            result.status, result.error = "failed", ErrorInfo.of(error, log.redact)
            log.error(
                "run_failed",
                kind=result.error.kind,
                error=result.error.message,
                screenshot=result.error.screenshot,
            )
        finally:
            if ctx is not None:
                result.files = [asdict(f) for f in ctx.landed]
                await ctx.close(failed=result.status != "ok")
            result.duration_s = time.monotonic() - started
        log.info("run_finished", status=result.status, files=len(result.files), bytes=result.bytes)
        self._notify(extractor.name, account, "account_finished", status=result.status)
        return result

    @staticmethod
    async def _capture(ctx: ExtractContext | None, error: ExtractError) -> None:
        """Save the page's screenshot and HTML for a browser failure (once per error)."""
        if ctx is None or ctx.session is None:
            return
        if error.screenshot is None:
            capture = await ctx.session.capture_failure(error_kind(error))
            error.screenshot, error.html = capture.screenshot, capture.html

    def _context(
        self,
        extractor: Extractor,
        config: SourceConfig,
        account: str,
        store: LandingStore,
        pool: BrowserPool,
        breaker: CircuitBreaker,
        log: EventLog,
    ) -> ExtractContext:
        credentials = config.credentials(account)
        credentials.require(*extractor.requires)
        config.require_settings(*extractor.settings)
        windows = WindowStore(self.paths, extractor.name)
        window = windows.window(
            account,
            overlap_days=extractor.overlap_days,
            first_run_days=extractor.first_run_days,
            since=self.since,
            today=self.today,
        )
        return ExtractContext(
            extractor,
            account=account,
            config=config,
            credentials=credentials,
            base_url=extractor.base_url(config, credentials),
            paths=self.paths,
            store=store,
            window=window,
            previous_cursor=windows.read(account).get("cursor", {}),
            log=log,
            breaker=breaker,
            browser_pool=pool if extractor.kind == "browser" else None,
            run_id=self.run_id,
            second_factor=self.second_factor,
            http_transport=self.http_transport,
            retry=self.retry,
        )

    async def _run_with_deadline(self, extractor: Extractor, ctx: ExtractContext) -> None:
        try:
            await asyncio.wait_for(extractor.run(ctx), timeout=self.account_timeout)
        except TimeoutError as exc:
            raise ExtractTimeoutError(
                f"{extractor.name}: account '{ctx.account}' did not finish within "
                f"{self.account_timeout:.0f} s",
                "the source is stuck or very slow; retry later, or raise LAKE_EXTRACT_TIMEOUT",
            ) from exc

    @staticmethod
    def _check_landed(extractor: Extractor, ctx: ExtractContext) -> None:
        if ctx.landed or ctx.empty_reason is not None or not extractor.expects_data:
            return
        raise NothingLandedError(
            f"{extractor.name}: account '{ctx.account}' landed nothing for "
            f"{ctx.window.start}..{ctx.window.end}, where data was expected",
        )

    @staticmethod
    def _as_lake_error(
        extractor: Extractor, account: str, exc: Exception, log: EventLog
    ) -> ExtractError:
        if isinstance(exc, ExtractError):
            return exc
        if isinstance(exc, LakeError):  # e.g. the landing store refused a name
            return ExtractError(f"{extractor.name}: {exc.message}", exc.hint)
        if isinstance(exc, PlaywrightTimeoutError):
            return ExtractTimeoutError(
                f"{extractor.name}: a browser wait timed out: {exc.message.splitlines()[0]}",
                "the page is slow or changed; see the screenshot and HTML",
            )
        log.error("unexpected_error", traceback=traceback.format_exc().replace("\n", " | "))
        if isinstance(exc, PlaywrightError):
            return ExtractError(
                f"{extractor.name}: browser error for account '{account}': "
                f"{exc.message.splitlines()[0]}",
                "see the screenshot and HTML; retry, and check the selectors if it repeats",
            )
        return ExtractError(
            f"{extractor.name}: unexpected {type(exc).__name__} for account '{account}': {exc}",
            f"a bug in extract/{extractor.name}.py: the run log has the traceback",
        )

    @contextmanager
    def _run_log(self, redact: Redactor) -> Iterator[None]:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(self.log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.addFilter(_RedactingFilter(redact))
        logger = logging.getLogger(PACKAGE)
        level, propagate = logger.level, logger.propagate
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        # the run log only: a library that called logging.basicConfig() (dbt's tracker does,
        # at import) would otherwise echo every line to stderr under `lake run`'s display
        logger.propagate = False
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
            handler.close()


class _RedactingFilter(logging.Filter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        return True


def _not_configured_note(extractor: Extractor) -> str:
    prefix = env_prefix(extractor.name)
    wanted = [f"{prefix}_{f.upper()}" for f in (*extractor.settings, *extractor.requires)]
    what = ", ".join(wanted) if wanted else f"its {prefix}_* variables"
    return f"not configured (no {prefix}_* variable): skipped; set {what} to extract it"


def _date_setting(env: Mapping[str, str], name: str) -> date | None:
    value = env.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} is not a date", "use YYYY-MM-DD or unset it") from exc


def resolve_extractors(
    names: Sequence[str], package: str = PACKAGE
) -> dict[str, Extractor | LakeError]:
    """Load the named sources (all when empty); a module that fails to load becomes its
    source's error, so one broken module does not stop the others."""
    known = available_sources(package)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            f"unknown source(s): {', '.join(unknown)}",
            f"choose from: {', '.join(known) or 'none (no extract/<source>.py yet)'}",
        )
    if not known:
        raise ConfigError("no sources: extract/ holds no <source>.py module yet", "add one")
    chosen: dict[str, Extractor | LakeError] = {}
    for name in dict.fromkeys(names or known):
        try:
            chosen[name] = load_extractor(name, package)
        except LakeError as error:
            chosen[name] = error
        except Exception as exc:
            chosen[name] = ExtractError(
                f"extract/{name}.py failed to import: {type(exc).__name__}: {exc}",
                f"fix extract/{name}.py (python -c 'import extract.{name}' shows the traceback)",
            )
    return chosen


def extract_stage(
    paths: LakePaths, sources: Sequence[str], since: date | None, note: Callable[[str], None]
) -> dict[str, Any]:
    """The extract stage of `lake run` (entry point `lake.stages: extract`): run the sources
    (all when none are named) and return the report as a dict (`RunReport.to_dict`)."""
    extractors = resolve_extractors(sources)
    note(f"{len(extractors)} sources")
    report = asyncio.run(Runner(paths, since=since).run(extractors))
    return report.to_dict()
