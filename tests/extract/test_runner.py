"""The runner and `lake extract`: isolation of failures, exit codes, --json, metadata, secrets."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract.cli as cli_module
import extract.runner as runner_module
from extract._base import ExtractContext, Extractor, SourceUnavailableError
from extract._browser import BrowserOptions, LoginForm
from extract._config import ConfigError
from extract.runner import Runner, resolve_extractors
from lake.cli import app
from tests.extract.conftest import Stopwatch
from tests.extract.site import Portal

TODAY = date(2026, 11, 23)
SECRET = "tok-SECRET-4242"
PASSWORD = "hunter2-secret"


async def lands_one(ctx: ExtractContext) -> None:
    await asyncio.sleep(0.4)
    token = ctx.credentials.token.reveal() if ctx.credentials.token else ""
    await ctx.land(
        "data.json", b'{"rows": [1, 2]}\n', "json", url=f"{ctx.base_url}/data?api_key={token}&day=1"
    )
    ctx.cursor["seen"] = ctx.window.end.isoformat()


async def fails(ctx: ExtractContext) -> None:
    await asyncio.sleep(0.4)
    raise SourceUnavailableError(f"{ctx.source}: the API answered 503", "retry later")


async def lands_nothing(ctx: ExtractContext) -> None:
    return None


async def says_nothing_new(ctx: ExtractContext) -> None:
    ctx.nothing_new("no campaign since the last run")


async def crashes(ctx: ExtractContext) -> None:
    raise KeyError(f"oops {ctx.credentials.token.reveal()}")


def fake(name: str, run, **kwargs) -> Extractor:
    kwargs.setdefault("default_base_url", f"https://{name}.example.com")
    return Extractor(name=name, kind=kwargs.pop("kind", "http"), version="9.9.9", run=run, **kwargs)


def env(**extra: str) -> dict[str, str]:
    return {"LAKE_GOOD_TOKEN": SECRET, "LAKE_GOOD_ACCOUNTS": "Label One,label.two", **extra}


def run(paths, extractors, **kwargs):
    kwargs.setdefault("env", env())
    kwargs.setdefault("today", TODAY)
    return asyncio.run(Runner(paths, **kwargs).run(extractors))


def test_one_failing_source_does_not_stop_the_others(paths):
    with Stopwatch() as watch:
        report = run(paths, {"good": fake("good", lands_one), "bad": fake("bad", fails)})
    assert watch.elapsed < 1.6  # the sources ran side by side (each account sleeps 0.4 s)
    good, bad = report.sources
    assert (good.status, bad.status, report.ok) == ("ok", "failed", False)
    assert [a.account for a in good.accounts] == ["Label One", "label.two"]
    assert all(len(a.files) == 1 for a in good.accounts)
    assert bad.accounts[0].error.type == "SourceUnavailableError"
    assert bad.accounts[0].error.hint == "retry later"
    landed = sorted(paths.landing.glob("good/*/*/data.json"))
    assert [p.parent.name for p in landed] == ["Label_One", "label.two"]
    assert not list(paths.landing.glob("bad/**/*.json"))


def test_landing_metadata_carries_source_account_time_url_and_version(paths):
    report = run(paths, {"good": fake("good", lands_one)})
    record = json.loads(
        next(paths.landing.glob("good/*/label.two/.data.json.entry.json")).read_text()
    )
    meta = record["metadata"]
    assert meta["source"] == "good" and meta["account"] == "label.two"
    assert meta["extractor_version"] == "9.9.9" and meta["extractor"] == "extract/good.py"
    assert meta["url"] == "https://good.example.com/data?api_key=%2A%2A%2A&day=1"
    assert meta["extracted_at"].startswith(str(TODAY.year))
    assert meta["run_id"] == report.run_id
    assert meta["window"]["end"] == "2026-11-22"


def test_secrets_never_reach_logs_metadata_or_file_names(paths, serve):
    portal = Portal(password=PASSWORD)
    server = serve(portal)
    form = LoginForm("/login", "#username", "#password", "#submit", "#welcome", error=".error")

    async def browses(ctx: ExtractContext) -> None:
        session = await ctx.browser()
        await session.ensure_logged_in("/dashboard", form)
        ctx.log.info("debug_leak_attempt", password=ctx.credentials.password.reveal())
        await session.expect("#gone", "the gone button", timeout=0.3)

    browser_env = env(
        LAKE_PORTAL_BASE_URL=server.url,
        LAKE_PORTAL_USERNAME=portal.username,
        LAKE_PORTAL_PASSWORD=PASSWORD,
    )
    report = run(
        paths,
        {"good": fake("good", crashes), "portal": fake("portal", browses, kind="browser")},
        env=browser_env,
        browser_options=BrowserOptions.from_env({}, action_timeout=3, navigation_timeout=3),
    )
    crashed = report.sources[0].accounts[0].error
    assert crashed.type == "ExtractError" and "unexpected KeyError" in crashed.message
    assert SECRET not in crashed.message and "***" in crashed.message
    log_text = Path(report.log).read_text()
    assert "event=debug_leak_attempt" in log_text and "event=run_failed" in log_text
    everything = [p for p in paths.root.rglob("*") if p.is_file()]
    for path in everything:
        assert SECRET not in str(path) and PASSWORD not in str(path)
        if path.suffix in (".json", ".log", ".html"):
            text = path.read_text(errors="replace")
            assert SECRET not in text and PASSWORD not in text, path


def test_browser_failure_reports_the_screenshot_and_html(paths, serve):
    portal = Portal()
    server = serve(portal)
    form = LoginForm("/login", "#username", "#password", "#submit", "#welcome")

    async def browses(ctx: ExtractContext) -> None:
        session = await ctx.browser()
        await session.ensure_logged_in("/dashboard", form)
        await session.expect("#export-v2", "export button", timeout=0.3)

    browser_env = {
        "LAKE_PORTAL_BASE_URL": server.url,
        "LAKE_PORTAL_USERNAME": portal.username,
        "LAKE_PORTAL_PASSWORD": portal.password,
    }
    report = run(
        paths,
        {"portal": fake("portal", browses, kind="browser")},
        env=browser_env,
        browser_options=BrowserOptions.from_env({}, action_timeout=3, navigation_timeout=3),
    )
    error = report.sources[0].accounts[0].error
    assert error.kind == "layout_changed" and "export button (#export-v2)" in error.message
    assert Path(error.screenshot).read_bytes()[:4] == b"\x89PNG"
    assert "Dashboard" in Path(error.html).read_text()
    assert report.to_dict()["sources"][0]["accounts"][0]["error"]["screenshot"] == error.screenshot


def test_landing_nothing_is_a_failure_unless_declared(paths):
    report = run(
        paths,
        {"good": fake("good", lands_nothing), "quiet": fake("quiet", says_nothing_new)},
        env={},
    )
    empty, quiet = report.sources
    assert empty.accounts[0].error.type == "NothingLandedError"
    assert "landed nothing for 2026-08-25..2026-11-22" in empty.accounts[0].error.message
    assert quiet.status == "ok" and quiet.accounts[0].note == "no campaign since the last run"


def test_state_advances_only_after_success_and_since_overrides(paths):
    run(paths, {"good": fake("good", lands_one), "bad": fake("bad", fails)})
    state = json.loads((paths.state / "extract" / "good.json").read_text())
    assert state["accounts"]["Label One"]["last_fetched"] == "2026-11-22"
    assert state["accounts"]["Label One"]["cursor"] == {"seen": "2026-11-22"}
    assert not (paths.state / "extract" / "bad.json").exists()
    later = run(paths, {"good": fake("good", lands_one)}, today=date(2026, 11, 30))
    assert later.sources[0].accounts[0].window == {
        "start": "2026-11-19", "end": "2026-11-29", "reason": "incremental"
    }  # fmt: skip
    forced = run(paths, {"good": fake("good", lands_one)}, since=date(2026, 1, 1))
    assert forced.sources[0].accounts[0].window["start"] == "2026-01-01"


def test_missing_credentials_fail_that_source_with_the_variable_to_set(paths):
    # configured (an account is named) but without its token: a misconfiguration, a failure
    extractors = {
        "good": fake("good", lands_one),
        "needy": fake("needy", lands_one, requires=("token",)),
        "drop": fake("drop", lands_one, settings=("DIR",)),
    }
    report = run(paths, extractors, env=env(LAKE_NEEDY_ACCOUNTS="a", LAKE_DROP_ACCOUNTS="b"))
    assert report.sources[0].ok and not report.ok
    error = report.sources[1].accounts[0].error
    assert error.kind == "config" and "LAKE_NEEDY_TOKEN" in error.hint
    assert "LAKE_DROP_DIR" in report.sources[2].accounts[0].error.hint


def test_unconfigured_sources_are_skipped_not_failed(paths):
    extractors = {
        "good": fake("good", lands_one),
        "needy": fake("needy", lands_one, requires=("token",)),
        "drop": fake("drop", lands_one, settings=("DIR",)),
        "portal": fake("portal", lands_one, needs_configuration=True),
    }
    report = run(paths, extractors, env=env(LAKE_NEEDY_TOKEN=""))  # empty counts as unset
    good, *skipped = report.sources
    assert report.ok and good.status == "ok" and len(good.accounts) == 2
    assert [s.status for s in skipped] == ["not_configured"] * 3
    assert all(s.accounts == [] for s in skipped)
    assert "LAKE_DROP_DIR" in skipped[1].note
    assert not list(paths.landing.glob("needy/**/*")) and not list(paths.landing.glob("drop/**/*"))
    assert report.to_dict()["sources"][1]["ok"] is True


def test_a_run_that_overruns_its_deadline_is_stopped(paths):
    async def hangs(ctx: ExtractContext) -> None:
        await asyncio.sleep(60)

    with Stopwatch() as watch:
        report = run(paths, {"good": fake("good", hangs)}, env={}, account_timeout=0.5)
    assert watch.elapsed < 5
    assert report.sources[0].accounts[0].error.kind == "extract_timeout"


def test_a_module_that_fails_to_import_is_that_sources_failure(tmp_path, monkeypatch):
    package = tmp_path / "fakeextract"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text("import does_not_exist\n")
    (package / "_private.py").write_text("")
    (package / "fine.py").write_text(
        "from extract._base import Extractor\n"
        "async def run(ctx):\n    ctx.nothing_new('test')\n"
        "EXTRACTOR = Extractor(name='fine', kind='http', version='1', run=run,"
        " default_base_url='https://fine.example')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    chosen = resolve_extractors([], package="fakeextract")
    assert sorted(chosen) == ["broken", "fine"]
    assert isinstance(chosen["fine"], Extractor)
    assert "failed to import" in str(chosen["broken"])
    with pytest.raises(ConfigError, match="choose from: broken, fine"):
        resolve_extractors(["nope"], package="fakeextract")


def _cli(monkeypatch, root: Path, extractors: dict, *args: str):
    monkeypatch.setattr(cli_module, "resolve_extractors", lambda names: extractors)
    monkeypatch.setenv("LAKE_GOOD_TOKEN", SECRET)
    return CliRunner().invoke(app, ["extract", *args, "--root", str(root)])


def test_cli_exit_status_and_json_shape(tmp_path, monkeypatch):
    root = tmp_path / "lake"
    failed = _cli(
        monkeypatch, root, {"good": fake("good", lands_one), "bad": fake("bad", fails)}, "--json"
    )
    assert failed.exit_code == 1, failed.output
    doc = json.loads(failed.stdout)
    assert doc["ok"] is False and Path(doc["log"]).exists()
    good, bad = doc["sources"]
    assert (good["source"], good["status"], good["files"], bad["status"]) == (
        "good",
        "ok",
        1,
        "failed",
    )
    assert good["accounts"][0]["files"][0]["path"].startswith("landing/good/")
    assert bad["accounts"][0]["error"]["kind"] == "source_unavailable"
    assert set(bad["accounts"][0]["error"]) == {
        "kind",
        "type",
        "message",
        "hint",
        "screenshot",
        "html",
    }
    ok = _cli(monkeypatch, root, {"good": fake("good", lands_one)}, "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    table = _cli(monkeypatch, root, {"bad": fake("bad", fails)})
    assert table.exit_code == 1 and "what to do: retry later" in table.output


def test_cli_unknown_source_exits_2():
    result = CliRunner().invoke(app, ["extract", "no_such_source"])
    assert result.exit_code == 2 and "unknown source" in result.output


def test_lake_run_finds_the_extract_stage_through_its_entry_point(tmp_path, monkeypatch):
    """lake/ never imports extract/: `lake run` loads the stage from the `lake.stages` entry
    point, and gets the same report `lake extract --json` prints."""
    from lake.config import LakePaths
    from lake.stages import extract_stage

    stage = extract_stage()
    assert stage is runner_module.extract_stage
    extractors = {"good": fake("good", lands_one), "bad": fake("bad", fails)}
    monkeypatch.setattr(runner_module, "resolve_extractors", lambda names: extractors)
    monkeypatch.setenv("LAKE_GOOD_TOKEN", SECRET)
    notes: list[str] = []
    report = stage(LakePaths.from_env(tmp_path / "lake").ensure(), [], None, notes.append)
    assert notes == ["2 sources"]
    assert [(s["source"], s["status"], s["files"]) for s in report["sources"]] == [
        ("good", "ok", 1),
        ("bad", "failed", 0),
    ]
    assert Path(report["log"]).exists()
