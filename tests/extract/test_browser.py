"""The browser helper against a local portal: sessions, login, second factor, downloads,
failure evidence and timeouts. One Chromium serves the whole module (as in a real run)."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract._browser import BrowserOptions, BrowserPool, BrowserSession, LoginForm
from extract._config import Credentials, Secret
from extract._errors import (
    ExtractTimeoutError,
    LayoutChangedError,
    LoginExpiredError,
    LoginRejectedError,
    SecondFactorError,
)
from extract._log import EventLog, Redactor
from tests.extract.conftest import Stopwatch
from tests.extract.site import CSV, Portal

FORM = LoginForm(
    url="/login",
    username="#username",
    password="#password",
    submit="#submit",
    logged_in="#welcome",
    otp_input="#code",
    otp_submit="#verify",
    error=".error",
)
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=3, navigation_timeout=3, download_timeout=3, second_factor_timeout=3
)


@pytest.fixture(scope="module")
def aio() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture(scope="module")
def pool(aio: asyncio.Runner) -> Iterator[BrowserPool]:
    shared = BrowserPool(OPTIONS)
    yield shared
    aio.run(shared.aclose())


def creds(portal: Portal, **overrides) -> Credentials:
    values = {
        "username": portal.username,
        "password": Secret(portal.password),
        **overrides,
    }
    return Credentials(source="demo", account="Blue Frog", **values)


def session(pool, paths, url, credentials, **kwargs) -> BrowserSession:
    log = EventLog("demo", account="Blue Frog", redact=Redactor(credentials.secrets()))
    return BrowserSession(
        pool, paths, source="demo", account="Blue Frog", base_url=url,
        credentials=credentials, log=log, **kwargs,
    )  # fmt: skip


def test_login_saves_the_session_and_the_next_run_reuses_it(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def run_once() -> str:
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            return await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    assert aio.run(run_once()) == "login"
    assert aio.run(run_once()) == "session"
    assert portal.logins == 1
    profile = paths.state / "browser" / "demo" / "Blue_Frog"
    for folder in (paths.state / "browser", paths.state / "browser" / "demo", profile):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    state = profile / "storage_state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert '"sid"' in state.read_text()
    assert portal.password not in state.read_text()


def test_an_expired_session_logs_in_again(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def run_once() -> str:
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            return await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    assert aio.run(run_once()) == "login"
    portal.expire_sessions()  # cookies lapsed on the server side
    assert aio.run(run_once()) == "login"
    assert portal.logins == 2


def test_an_expired_session_without_credentials_says_what_to_set(aio, pool, paths, serve):
    server = serve(Portal())

    async def go():
        s = await session(pool, paths, server.url, Credentials("demo", "Blue Frog")).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    with pytest.raises(LoginExpiredError, match="LAKE_DEMO_USERNAME and LAKE_DEMO_PASSWORD"):
        aio.run(go())


def test_a_wrong_password_is_reported_with_the_sites_message(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def go():
        s = await session(pool, paths, server.url, creds(portal, password=Secret("nope"))).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    with pytest.raises(LoginRejectedError, match="Wrong password"):
        aio.run(go())


def test_second_factor_from_the_environment(aio, pool, paths, serve):
    portal = Portal(otp="424242")
    server = serve(portal)

    async def go() -> str:
        s = await session(pool, paths, server.url, creds(portal, otp=Secret("424242"))).open()
        try:
            return await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    assert aio.run(go()) == "login"
    assert portal.logins == 1


def test_second_factor_read_from_a_file_written_while_waiting(aio, pool, paths, serve, tmp_path):
    portal = Portal(otp="777001")
    server = serve(portal)
    code_file = tmp_path / "otp.txt"

    async def write_code_later():
        await asyncio.sleep(0.8)
        code_file.write_text("777001\n")

    async def go() -> str:
        s = await session(pool, paths, server.url, creds(portal, otp_file=code_file)).open()
        writer = asyncio.create_task(write_code_later())
        try:
            return await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await writer
            await s.close()

    assert aio.run(go()) == "login"
    assert not code_file.exists()  # consumed: a stale code is never entered twice


def test_second_factor_with_no_code_configured_fails_clearly(aio, pool, paths, serve):
    portal = Portal(otp="1")
    server = serve(portal)

    async def go():
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    with pytest.raises(SecondFactorError, match="LAKE_DEMO_OTP"):
        aio.run(go())


def test_second_factor_hook_answers_and_a_wrong_code_is_refused(aio, pool, paths, serve):
    portal = Portal(otp="123456")
    server = serve(portal)
    prompts: list[str] = []

    def hook(code: str):
        async def answer(prompt: str) -> Secret:
            prompts.append(prompt)
            return Secret(code)

        return answer

    async def go(code: str) -> str:
        s = await session(pool, paths, server.url, creds(portal), second_factor=hook(code)).open()
        try:
            return await s.ensure_logged_in("/dashboard", FORM)
        finally:
            await s.close()

    assert aio.run(go("123456")) == "login"
    assert prompts == ["demo login for account 'Blue Frog'"]
    portal.expire_sessions()
    with pytest.raises(SecondFactorError, match="Invalid code"):
        aio.run(go("000000"))


def test_download_waits_for_the_file(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def go():
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
            got = await s.download(lambda page: page.click("#export"))
            return got.name, got.path.read_bytes(), got.url
        finally:
            await s.close()

    name, data, url = aio.run(go())
    assert (name, data) == ("streams.csv", CSV)
    assert url.endswith("/export.csv")


def test_a_stalled_download_times_out(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def go():
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
            await s.download(lambda page: page.click("#stall"), timeout=1.5)
        finally:
            await s.close()

    with Stopwatch() as watch, pytest.raises(ExtractTimeoutError, match="did not finish"):
        aio.run(go())
    assert watch.elapsed < 10


def test_a_page_that_never_answers_times_out_instead_of_hanging(aio, pool, paths, serve):
    server = serve(Portal())

    async def go():
        s = await session(pool, paths, server.url, Credentials("demo", "Blue Frog")).open()
        try:
            await s.goto("/slow")
        finally:
            await s.close()

    with Stopwatch() as watch, pytest.raises(ExtractTimeoutError, match="did not load within 3 s"):
        aio.run(go())
    assert watch.elapsed < 8


def test_layout_change_names_the_selector_and_capture_saves_evidence(aio, pool, paths, serve):
    portal = Portal()
    server = serve(portal)

    async def go():
        s = await session(pool, paths, server.url, creds(portal)).open()
        try:
            await s.ensure_logged_in("/dashboard", FORM)
            try:
                await s.expect("#export-v2", "export button", timeout=0.5)
            except LayoutChangedError as error:
                return error, await s.capture_failure("layout_changed")
        finally:
            await s.close()

    error, capture = aio.run(go())
    assert "export button (#export-v2)" in str(error)
    assert "extract/demo.py" in str(error)
    assert capture.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Dashboard" in capture.html.read_text()
    assert capture.screenshot.parent == paths.state / "extract" / "failures" / "demo"
    assert capture.screenshot.name.endswith("-Blue_Frog-layout_changed.png")
    assert stat.S_IMODE(capture.screenshot.stat().st_mode) == 0o600
    assert Path(capture.html).exists()
