"""extract/mailchimp.py end to end against the sandbox's Mailchimp API: pages landed unchanged
and ingested by the contract, an incremental second run, 429, 500s, a revoked key, a source
that is down while another lands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from extract._base import ExtractContext, Extractor
from extract._config import Credentials, Secret
from extract._http import RetryPolicy
from extract.mailchimp import EXTRACTOR, OVERLAP_DAYS, api_base_url
from extract.runner import Runner, RunReport
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05, max_retry_after=5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_MAILCHIMP_")} | extra


def run(paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **kwargs) -> RunReport:
    extractors = kwargs.pop("extractors", {"mailchimp": EXTRACTOR})
    env = kwargs.pop("env", None) or sandbox_env(sandbox, LAKE_MAILCHIMP_PAGE_SIZE="10")
    runner = Runner(paths, env=env, today=today, retry=kwargs.pop("retry", FAST), **kwargs)
    return asyncio.run(runner.run(extractors))


def landed_reports(paths: LakePaths, report: RunReport) -> list[dict]:
    found = []
    for account in report.sources[0].accounts:
        for landed in account.files:
            found += json.loads((paths.root / landed["path"]).read_bytes())["reports"]
    return found


def test_first_run_lands_every_page_unchanged_and_ingest_reads_it(paths, sandbox):
    report = run(paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", source.accounts[0].error
    (account,) = source.accounts
    assert account.account == sandbox.world.mailchimp_account
    campaigns = sandbox.world.mailchimp_campaigns
    pages = -(-len(campaigns) // 10)
    assert [f["name"] for f in account.files] == [f"reports_{10 * n}.json" for n in range(pages)]
    reports = landed_reports(paths, report)
    assert sorted(r["id"] for r in reports) == sorted(c.id for c in campaigns)
    # byte for byte what the API serves for the same request
    first = account.files[0]
    token = sandbox_env(sandbox)["LAKE_MAILCHIMP_TOKEN"]
    direct = httpx.get(
        f"{sandbox.base_url('mailchimp')}/3.0/reports",
        params=dict(httpx.URL(first["url"]).params),
        auth=("x", token),
    )
    assert (paths.root / first["path"]).read_bytes() == direct.content
    entry = SyncLandingStore(paths).retrieve_by_path(first["path"])
    assert entry.metadata["account"] == sandbox.world.mailchimp_account
    assert entry.metadata["dataset"] == "reports" and token not in json.dumps(entry.metadata)
    summary = Ingestor(paths).run(landing_files(SyncLandingStore(paths)))
    assert summary.to_dict()["quarantined"] == 0
    assert summary.to_dict()["rows_raw"] == len(campaigns)


def test_incremental_second_run_lands_only_new_reports_and_the_overlap(paths, sandbox):
    first = run(paths, sandbox)
    before = {r["id"] for r in landed_reports(paths, first)}
    later = date.fromisoformat(sandbox.admin.advance(70))
    second = run(paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    window = second.sources[0].accounts[0].window
    assert window["start"] == (TODAY - timedelta(days=1 + OVERLAP_DAYS)).isoformat()
    cutoff = datetime.combine(date.fromisoformat(window["start"]), datetime.min.time(), UTC)
    expected = {c.id for c in sandbox.world.mailchimp_campaigns if c.send_time > cutoff}
    got = {r["id"] for r in landed_reports(paths, second)}
    new = expected - before
    assert got == expected and len(new) >= 2  # two monthly campaigns were sent meanwhile
    assert len(got) < len(before)  # not the whole history again
    state = json.loads((paths.state / "extract" / "mailchimp.json").read_text())
    account_state = state["accounts"][sandbox.world.mailchimp_account]
    assert account_state["last_fetched"] == (later - timedelta(days=1)).isoformat()
    assert account_state["cursor"]["newest_send_time"] == max(
        r["send_time"] for r in landed_reports(paths, second)
    )


def test_429_then_success_honours_retry_after(paths, sandbox):
    sandbox.admin.set_fault("mailchimp", "rate_limit", times=1, retry_after=1)
    with Stopwatch() as watch:
        report = run(paths, sandbox)
    assert report.ok
    statuses = [r["status"] for r in sandbox.admin.requests("mailchimp")]
    assert statuses[:2] == [429, 200]
    assert watch.elapsed >= 1.0


def test_repeated_500s_open_the_breaker_for_every_account_of_the_source(paths, sandbox):
    sandbox.admin.set_fault("mailchimp", "server_error", times=None)
    env = sandbox_env(sandbox, LAKE_MAILCHIMP_ACCOUNTS="label,second")
    report = run(paths, sandbox, env=env)
    first, second = report.sources[0].accounts
    assert first.error.type == "SourceUnavailableError" and "answered 500" in first.error.message
    assert second.error.type == "CircuitOpenError"
    assert len(sandbox.admin.requests("mailchimp")) == 5  # the second account never called
    assert not list(paths.landing.glob("mailchimp/**/*.json"))


def test_a_revoked_key_is_reported_as_an_expired_login(paths, sandbox):
    sandbox.admin.set_fault("mailchimp", "expire_session")
    report = run(paths, sandbox)
    error = report.sources[0].accounts[0].error
    assert error.type == "LoginExpiredError" and "401" in error.message
    assert "LAKE_MAILCHIMP_TOKEN" in error.hint
    assert not (paths.state / "extract" / "mailchimp.json").exists()


def test_mailchimp_down_while_another_source_lands(paths, sandbox):
    async def other(ctx: ExtractContext) -> None:
        await ctx.land("ok.json", b"{}", "json", url="https://other.example/ok")

    sandbox.admin.set_fault("mailchimp", "down", retry_after=30)
    extractors = {
        "mailchimp": EXTRACTOR,
        "other": Extractor("other", "http", "1", other, "https://other.example"),
    }
    with Stopwatch() as watch:
        report = run(paths, sandbox, extractors=extractors)
    mailchimp, fine = report.sources
    assert (mailchimp.status, fine.status, report.ok) == ("failed", "ok", False)
    assert "come back in 30 s" in mailchimp.accounts[0].error.message
    assert watch.elapsed < 10


def test_the_real_base_url_comes_from_the_key_suffix():
    creds = Credentials("mailchimp", "default", token=Secret("0123abcd-us21"))
    assert api_base_url(creds) == "https://us21.api.mailchimp.com"
    with pytest.raises(Exception, match="data centre"):
        api_base_url(Credentials("mailchimp", "default", token=Secret("nodash")))
