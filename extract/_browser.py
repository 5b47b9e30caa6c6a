"""The browser helper every portal extractor uses (async Playwright, Debian's Chromium).

```python
session = await ctx.browser()                       # one per (source, account), reused
await session.ensure_logged_in("/dashboard", LOGIN) # reuses saved cookies, else logs in
await session.page.click("text=Export")
download = await session.download(lambda page: page.click("#export-csv"))
await ctx.land(download.name, download.path, "csv", url=download.url)
```

- **One Chromium per process.** `BrowserPool` launches it lazily and shares it between every
  browser source of a run; each (source, account) gets its own isolated context.
- **Sessions persist per account.** Cookies, local storage and IndexedDB are saved after each
  login and at the end of a run (`storage_state.json`, mode 0600) in the profile directory
  `$LAKE_ROOT/_state/browser/<source>/<account>/` (mode 0700, git-ignored with the lake
  root), and loaded into the next run's context. Separate contexts in one browser, not one
  browser per persistent profile, keep a run with eight accounts to one Chromium process.
- **Headless unless `LAKE_BROWSER_HEADED=1`.** Every action, navigation, download and code
  wait has a timeout (`BrowserOptions`); nothing waits forever.
- **Login** (`LoginForm`, `ensure_logged_in`): credentials from the environment; a second
  factor from `LAKE_<SRC>_OTP` or polled from `LAKE_<SRC>_OTP_FILE` (`SecondFactor`), or any
  async hook. A login page where the dashboard was expected means the session lapsed: the
  helper logs in again, or raises `LoginExpiredError` saying what to set.
- **Failures leave evidence.** `capture_failure()` saves a full-page screenshot and the page
  HTML under `$LAKE_ROOT/_state/extract/failures/<source>/`; the runner calls it for any error
  and reports the paths. File names hold a time stamp, the account and the error kind only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Response,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from extract._config import Credentials, Secret, env_prefix
from extract._errors import (
    ExtractTimeoutError,
    LayoutChangedError,
    LoginExpiredError,
    LoginRejectedError,
    RateLimitedError,
    SecondFactorError,
    SourceUnavailableError,
)
from extract._log import EventLog
from lake.browser import CHROMIUM_ARGS, chromium_executable
from lake.browser import DEBIAN_CHROMIUM as DEBIAN_CHROMIUM  # re-exported (tests/docs)
from lake.config import LakePaths
from lake.fsutil import atomic_write_bytes

STATE_FILE = "storage_state.json"
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")

SecondFactorHook = Callable[[str], Awaitable[Secret]]


def slug(text: str) -> str:
    """A file-name-safe form of an account or reason: `Blue Frog` -> `Blue_Frog`."""
    return _SLUG.sub("_", text).strip("._") or "_"


def private_dir(path: Path, *, below: Path) -> Path:
    """Create `path` and every folder between `below` and it with mode 0700."""
    path.mkdir(parents=True, exist_ok=True)
    current = path
    while True:
        current.chmod(0o700)
        if current == below or current.parent == current or below not in current.parents:
            break
        current = current.parent
    return path


@dataclass(frozen=True)
class BrowserOptions:
    """Where Chromium is and how long each kind of wait may take (seconds)."""

    executable: str | None = None
    headed: bool = False
    action_timeout: float = 30.0
    navigation_timeout: float = 60.0
    download_timeout: float = 300.0
    second_factor_timeout: float = 300.0

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> BrowserOptions:
        executable = chromium_executable(env)
        headed = env.get("LAKE_BROWSER_HEADED", "").lower() in ("1", "true", "yes")
        return cls(executable=executable, headed=headed, **overrides)


class BrowserPool:
    """One Chromium for the whole process, launched on first use, shared by all sessions."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.options.executable,
                    headless=not self.options.headed,
                    args=list(CHROMIUM_ARGS),
                    timeout=self.options.navigation_timeout * 1000,
                )
            return self._browser

    async def aclose(self) -> None:
        async with self._lock:
            if self._browser is not None:
                with contextlib.suppress(PlaywrightError):
                    await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()
            self._browser = self._playwright = None

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class SecondFactor:
    """Supplies a second-factor code: the configured one, or one written into a file.

    With `LAKE_<SRC>_OTP_FILE`, the file is polled until it holds a code (or the timeout
    passes); the code is read and the file removed, so a stale code is never entered twice.
    """

    def __init__(
        self,
        source: str,
        *,
        code: Secret | None = None,
        file: Path | None = None,
        timeout: float = 300.0,
        poll: float = 0.2,
        log: EventLog | None = None,
    ) -> None:
        self.source, self.code, self.file = source, code, file
        self.timeout, self.poll = timeout, poll
        self.log = log or EventLog(source)

    @classmethod
    def from_credentials(
        cls, credentials: Credentials, *, timeout: float = 300.0, log: EventLog | None = None
    ) -> SecondFactor:
        return cls(
            credentials.source,
            code=credentials.otp,
            file=credentials.otp_file,
            timeout=timeout,
            log=log,
        )

    async def __call__(self, prompt: str) -> Secret:
        prefix = env_prefix(self.source)
        if self.code:
            self.log.info("second_factor", via="environment")
            return self.code
        if self.file is None:
            raise SecondFactorError(
                f"{self.source}: the site asks for a second factor ({prompt}) and none is "
                "configured",
                f"set {prefix}_OTP to a fresh code, or {prefix}_OTP_FILE to a file the run "
                "waits for and write the code into it",
            )
        self.log.info("second_factor_wait", file=str(self.file), timeout_s=self.timeout)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self._read_file()
            if code:
                self.log.info("second_factor", via="file")
                return Secret(code)
            await asyncio.sleep(self.poll)
        raise SecondFactorError(
            f"{self.source}: no second-factor code appeared in {self.file} within "
            f"{self.timeout:.0f} s ({prompt})",
            f"write the code into {self.file} while 'lake extract {self.source}' waits, or set "
            f"{prefix}_OTP",
        )

    def _read_file(self) -> str | None:
        assert self.file is not None
        try:
            code = self.file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if code:
            self.file.unlink(missing_ok=True)
        return code or None


@dataclass(frozen=True)
class LoginForm:
    """The selectors of a site's login flow (any Playwright selector)."""

    url: str
    username: str
    password: str
    submit: str
    logged_in: str
    otp_input: str | None = None
    otp_submit: str | None = None
    error: str | None = None


def email_login(url: str) -> LoginForm:
    """The login flow DistroKid's and TooLost's portals share: e-mail and password, then a
    code form when a second factor is asked for, errors in `.error`."""
    return LoginForm(
        url=url,
        username="input[name=email]",
        password="input[name=password]",
        submit="form:has(input[name=password]) button[type=submit]",
        logged_in="a[href$='/logout']",
        otp_input="input[name=code]",
        otp_submit="form:has(input[name=code]) button[type=submit]",
        error=".error",
    )


def file_stamp() -> str:
    """The UTC time for a landed file's name, e.g. 20261123_120000."""
    return datetime.now(UTC).strftime("%Y%m%d_%H%M%S")


@dataclass(frozen=True)
class Downloaded:
    """A finished download saved under the lake's scratch folder until it is landed."""

    name: str
    path: Path
    url: str


@dataclass(frozen=True)
class FailureCapture:
    screenshot: Path | None
    html: Path | None


class BrowserSession:
    """One browser context and page for one (source, account), with its saved session."""

    def __init__(
        self,
        pool: BrowserPool,
        paths: LakePaths,
        *,
        source: str,
        account: str,
        base_url: str,
        credentials: Credentials,
        log: EventLog,
        second_factor: SecondFactorHook | None = None,
    ) -> None:
        self.pool, self.paths = pool, paths
        self.source, self.account, self.base_url = source, account, base_url.rstrip("/")
        self.credentials = credentials
        self.log = log
        self.options = pool.options
        self.second_factor: SecondFactorHook = second_factor or SecondFactor.from_credentials(
            credentials, timeout=self.options.second_factor_timeout, log=log
        )
        browser_root = paths.state / "browser"
        self.profile_dir = private_dir(
            browser_root / slug(source) / slug(account), below=browser_root
        )
        self._downloads = paths.tmp / f"extract-downloads-{uuid.uuid4().hex[:12]}"
        self._context: BrowserContext | None = None
        self._page: Page | None = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.profile_dir / STATE_FILE

    @property
    def page(self) -> Page:
        if self._page is None:
            raise RuntimeError("BrowserSession.open() was not awaited")
        return self._page

    async def open(self) -> BrowserSession:
        browser = await self.pool.browser()
        state = str(self.state_file) if self.state_file.exists() else None
        self._context = await browser.new_context(
            storage_state=state, accept_downloads=True, base_url=self.base_url + "/"
        )
        self._context.set_default_timeout(self.options.action_timeout * 1000)
        self._context.set_default_navigation_timeout(self.options.navigation_timeout * 1000)
        self._page = await self._context.new_page()
        self.log.info("browser_open", saved_session=state is not None)
        return self

    async def save_state(self) -> None:
        """Save cookies, local storage and IndexedDB to the profile directory (0600)."""
        if self._context is None:
            return
        state = await self._context.storage_state(indexed_db=True)
        atomic_write_bytes(self.state_file, json.dumps(state).encode("utf-8"))
        self.state_file.chmod(0o600)

    async def close(self, *, save: bool = True) -> None:
        if self._context is not None:
            with contextlib.suppress(PlaywrightError):
                if save:
                    await self.save_state()
                await self._context.close()
        self._context = self._page = None
        shutil.rmtree(self._downloads, ignore_errors=True)

    def url(self, path: str) -> str:
        """An absolute URL on the source's base URL."""
        return path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"

    # -- navigation and waiting ---------------------------------------------------------------

    async def goto(self, path: str) -> Response | None:
        """Open `path` (relative to the base URL); returns the main response (its `body()` is
        the page as served, before any script ran), None for same-document navigations."""
        try:
            response = await self.page.goto(self.url(path), wait_until="domcontentloaded")
        except PlaywrightTimeoutError as exc:
            raise ExtractTimeoutError(
                f"{self.source}: {self.log.redact.url(self.url(path))} did not load within "
                f"{self.options.navigation_timeout:.0f} s",
                f"the site is slow or down; retry 'lake extract {self.source}' later",
            ) from exc
        if response is not None and (response.status == 429 or response.status >= 500):
            raise _unavailable(self.source, self.log.redact.url(self.url(path)), response)
        return response

    async def wait_any(self, selectors: Mapping[str, str], timeout: float | None = None) -> str:
        """Wait until one of `selectors` (name -> selector) is visible; return its name.

        Raises LayoutChangedError naming them all when none shows within the timeout.
        """
        limit = self.options.action_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            for name, selector in selectors.items():
                with contextlib.suppress(PlaywrightError):
                    if await self.page.locator(selector).first.is_visible():
                        return name
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.1)
        wanted = ", ".join(f"{n} ({s})" for n, s in selectors.items())
        raise LayoutChangedError(
            f"{self.source}: none of {wanted} appeared on {self.log.redact.url(self.page.url)} "
            f"within {limit:.0f} s",
            f"the page changed or did not finish loading: compare the saved screenshot and HTML "
            f"with the selectors in extract/{self.source}.py",
        )

    async def expect(self, selector: str, what: str, timeout: float | None = None) -> None:
        """Wait for one element the extractor relies on; LayoutChangedError if it never shows."""
        await self.wait_any({what: selector}, timeout)

    # -- login --------------------------------------------------------------------------------

    async def ensure_logged_in(self, start: str, form: LoginForm) -> str:
        """Open `start`; reuse the saved session when it is still valid, else log in.

        Returns "session" (the saved cookies worked) or "login" (logged in anew).
        """
        await self.goto(start)
        seen = await self.wait_any({"in": form.logged_in, "login": form.username})
        if seen == "in":
            self.log.info("session_valid")
            return "session"
        self.log.info("session_expired", action="login")
        await self.login(form)
        await self.goto(start)
        await self.wait_any({"in": form.logged_in})
        return "login"

    async def login(self, form: LoginForm) -> None:
        """Fill the login form, answer a second factor if asked, and save the session."""
        creds, prefix = self.credentials, env_prefix(self.source)
        if not (creds.username and creds.password):
            raise LoginExpiredError(
                f"{self.source}: the saved session for account '{self.account}' is missing or "
                "expired and no username/password is configured to log in again",
                f"set {prefix}_USERNAME and {prefix}_PASSWORD (environment or .env), or run "
                f"once with LAKE_BROWSER_HEADED=1 to log in by hand",
            )
        if not await self._visible(form.username):
            await self.goto(form.url)
        await self.page.fill(form.username, creds.username)
        await self.page.fill(form.password, creds.password.reveal())
        await self.page.click(form.submit)
        outcome = await self.wait_any(self._after_submit(form))
        if outcome == "otp":
            outcome = await self._second_factor(form)
        if outcome == "error":
            raise LoginRejectedError(
                f"{self.source}: the login for account '{self.account}' was refused: "
                f"{await self._error_text(form)}",
                f"check {prefix}_USERNAME and {prefix}_PASSWORD",
            )
        await self.save_state()
        self.log.info("login_ok")

    def _after_submit(self, form: LoginForm) -> dict[str, str]:
        choices = {"in": form.logged_in}
        if form.otp_input:
            choices["otp"] = form.otp_input
        if form.error:
            choices["error"] = form.error
        return choices

    async def _second_factor(self, form: LoginForm) -> str:
        assert form.otp_input is not None
        code = await self.second_factor(f"{self.source} login for account '{self.account}'")
        await self.page.fill(form.otp_input, code.reveal())
        await self.page.click(form.otp_submit or form.submit)
        choices = {"in": form.logged_in, **({"error": form.error} if form.error else {})}
        if await self.wait_any(choices) == "error":
            raise SecondFactorError(
                f"{self.source}: the second-factor code was refused for account "
                f"'{self.account}': {await self._error_text(form)}",
                f"give a fresh code ({env_prefix(self.source)}_OTP or the OTP file) and re-run",
            )
        return "in"

    async def _visible(self, selector: str) -> bool:
        with contextlib.suppress(PlaywrightError):
            return await self.page.locator(selector).first.is_visible()
        return False

    async def _error_text(self, form: LoginForm) -> str:
        if not form.error:
            return "no message"
        with contextlib.suppress(PlaywrightError):
            text = await self.page.locator(form.error).first.inner_text(timeout=2000)
            return self.log.redact(" ".join(text.split()))[:200]
        return "no message"

    # -- downloads ----------------------------------------------------------------------------

    async def download(
        self, trigger: Callable[[Page], Awaitable[Any]], *, timeout: float | None = None
    ) -> Downloaded:
        """Run `trigger(page)` (a click) and wait for the file it starts, both with timeouts.

        The file is saved under the lake's scratch folder; land it with `ctx.land(d.name,
        d.path, ...)` before the session closes.
        """
        limit = self.options.download_timeout if timeout is None else timeout
        try:
            async with self.page.expect_download(timeout=limit * 1000) as info:
                await trigger(self.page)
            download = await info.value
        except PlaywrightTimeoutError as exc:
            raise ExtractTimeoutError(
                f"{self.source}: no download started within {limit:.0f} s on "
                f"{self.log.redact.url(self.page.url)}",
                "the export button did nothing: check the screenshot; the site may be slow or "
                f"changed (selectors in extract/{self.source}.py)",
            ) from exc
        self._downloads.mkdir(parents=True, exist_ok=True)
        target = self._downloads / slug(download.suggested_filename)
        try:
            await asyncio.wait_for(download.save_as(target), timeout=limit)
        except TimeoutError as exc:
            with contextlib.suppress(PlaywrightError):
                await download.cancel()
            raise ExtractTimeoutError(
                f"{self.source}: the download {download.suggested_filename!r} did not finish "
                f"within {limit:.0f} s",
                f"the site stalled the export; retry 'lake extract {self.source}' later",
            ) from exc
        failure = await download.failure()
        if failure:
            raise ExtractTimeoutError(
                f"{self.source}: the download {download.suggested_filename!r} failed: {failure}",
                f"retry 'lake extract {self.source}'",
            )
        self.log.info("downloaded", name=download.suggested_filename, bytes=target.stat().st_size)
        return Downloaded(download.suggested_filename, target, download.url)

    # -- failure evidence ---------------------------------------------------------------------

    async def capture_failure(self, kind: str) -> FailureCapture:
        """Save a screenshot and the HTML of the current page; never raises."""
        if self._page is None or self._page.is_closed():
            return FailureCapture(None, None)
        folder = self.paths.state / "extract" / "failures" / slug(self.source)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        base = folder / f"{stamp}-{slug(self.account)}-{slug(kind)}"
        screenshot: Path | None = base.with_suffix(".png")
        html: Path | None = base.with_suffix(".html")
        try:
            await self._page.screenshot(path=str(screenshot), full_page=True, timeout=10_000)
        except PlaywrightError:
            screenshot = None
        try:
            content = await asyncio.wait_for(self._page.content(), timeout=10)
            atomic_write_bytes(html, self.log.redact(content).encode("utf-8"))  # type: ignore[arg-type]
        except (PlaywrightError, TimeoutError):
            html = None
        for path in (screenshot, html):
            if path is not None:
                path.chmod(0o600)
        self.log.info("failure_captured", screenshot=screenshot, html=html)
        return FailureCapture(screenshot, html)


def _unavailable(source: str, url: str, response: Response) -> SourceUnavailableError:
    """A page answered 429 or 5xx: the site is down or limiting, not changed."""
    retry = response.headers.get("retry-after")
    later = f"retry after {retry} s" if retry else "retry later"
    kind = RateLimitedError if response.status == 429 else SourceUnavailableError
    return kind(
        f"{source}: {url} answered {response.status} {response.status_text}".rstrip()
        + (f" (come back in {retry} s)" if retry else ""),
        f"the site is down or refusing requests; {later} with 'lake extract {source}'",
    )
