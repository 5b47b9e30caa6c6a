"""File drops (`extract/_drop.py`) through the LLM-calls and app-logs extractors: a day's file
still being written is not landed, the completed one is, byte for byte, exactly once; a file
rewritten after landing lands as a new version; prompts are found by `lake landing search`;
`lake extract` with only the drop sources configured skips every other source and exits 0."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract._drop import DropFile, day_in_name
from extract.llm_calls import DAILY, land_call_texts
from extract.runner import Runner, available_sources, load_extractor
from lake.cli import app
from lake.config import LakePaths
from lake.landing import SyncLandingStore

TODAY = date(2026, 11, 23)
YESTERDAY = TODAY - timedelta(days=1)


def call(request_id: str, prompt: str, answer: str | None = "Seu pedido chega amanhã.") -> dict:
    ok = answer is not None
    return {
        "request_id": request_id,
        "created_at": "2026-11-22T10:00:00.000Z",
        "agent": "support",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "order_id": "o-1",
        "session_id": None,
        "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]},
        "response": {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18},
        }
        if ok
        else None,
        "latency_ms": 700,
        "status": "ok" if ok else "timeout",
        "error": None if ok else {"type": "timeout", "code": 504, "message": "no answer"},
        "cost_usd": "0.00001200" if ok else "0.00000000",
        "keep_for_training": False,
    }


def lines(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def write(path: Path, data: bytes, *, age: float = 3 * 86_400) -> Path:
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def run(paths: LakePaths, env: dict[str, str], today: date = TODAY, *sources: str):
    extractors = {s: load_extractor(s) for s in sources or ("llm_calls",)}
    return asyncio.run(Runner(paths, env=env, today=today).run(extractors))


def landed(paths: LakePaths, source: str = "llm_calls") -> list:
    with SyncLandingStore(paths) as store:
        return [e for e in store.all_versions() if e.source == source]


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "gateway"
    folder.mkdir()
    return folder


def test_a_growing_file_waits_and_the_completed_one_lands_byte_for_byte_once(paths, drop):
    env = {"LAKE_LLM_CALLS_DIR": str(drop)}
    done = write(drop / f"llm_calls_{YESTERDAY}.jsonl", lines(call("req_a", "Onde está?")))
    growing = lines(call("req_b", "Quando chega?")) + b'{"request_id": "req_c", "crea'
    write(drop / f"llm_calls_{TODAY}.jsonl", growing, age=0)
    # a past day's file still being flushed (modified just now) and one whose last line is cut
    write(drop / "llm_calls_2026-11-20.jsonl", lines(call("req_d", "Oi")), age=0)
    write(drop / "llm_calls_2026-11-19.jsonl", lines(call("req_e", "Oi"))[:-1])

    report = run(paths, env)
    assert report.ok
    dailies = [e for e in landed(paths) if e.name.startswith("llm_calls_")]
    assert [e.name for e in dailies] == [done.name]
    assert (paths.root / dailies[0].path).read_bytes() == done.read_bytes()
    assert dailies[0].metadata["drop_day"] == str(YESTERDAY)
    assert dailies[0].metadata["dataset"] == "calls"
    texts = [e for e in landed(paths) if e.name.startswith("call_")]
    assert [e.name for e in texts] == ["call_req_a.txt"]
    assert texts[0].metadata["request_id"] == "req_a" and texts[0].path.endswith(
        "/calls/call_req_a.txt"
    )

    # a re-run lands nothing new
    again = run(paths, env)
    assert again.ok and again.sources[0].accounts[0].files == []
    assert "3 still being written" in again.sources[0].accounts[0].note
    assert len(landed(paths)) == 2

    # the next day: the gateway finished yesterday's file (the cut record written out), the
    # late flush settled, the line was ended
    complete = lines(call("req_b", "Quando chega?"), call("req_c", "E agora?", answer=None))
    write(drop / f"llm_calls_{TODAY}.jsonl", complete)
    write(drop / "llm_calls_2026-11-20.jsonl", lines(call("req_d", "Oi")))
    write(drop / "llm_calls_2026-11-19.jsonl", lines(call("req_e", "Oi")))
    later = run(paths, env, TODAY + timedelta(days=1))
    names = sorted(f["name"] for f in later.sources[0].accounts[0].files)
    assert names == [
        "call_req_b.txt", "call_req_c.txt", "call_req_d.txt", "call_req_e.txt",
        "llm_calls_2026-11-19.jsonl", "llm_calls_2026-11-20.jsonl", f"llm_calls_{TODAY}.jsonl",
    ]  # fmt: skip
    today_entry = next(e for e in landed(paths) if e.name == f"llm_calls_{TODAY}.jsonl")
    assert (paths.root / today_entry.path).read_bytes() == complete
    assert run(paths, env, TODAY + timedelta(days=1)).sources[0].accounts[0].files == []


def test_a_file_rewritten_after_landing_lands_again_as_a_new_version(paths, drop):
    env = {"LAKE_LLM_CALLS_DIR": str(drop)}
    first = lines(call("req_a", "Oi"))
    write(drop / f"llm_calls_{YESTERDAY}.jsonl", first)
    run(paths, env)
    rewritten = first + lines(call("req_late", "Chegou tarde"))
    write(drop / f"llm_calls_{YESTERDAY}.jsonl", rewritten)
    report = run(paths, env)
    files = sorted(f["name"] for f in report.sources[0].accounts[0].files)
    assert files == ["call_req_late.txt", f"llm_calls_{YESTERDAY}.jsonl"]  # req_a's text: once
    versions = [e for e in landed(paths) if e.name.endswith(".jsonl")]
    assert len(versions) == 2
    newest = max(versions, key=lambda e: e.updated_at)
    assert newest.metadata["supersedes"] == [min(versions, key=lambda e: e.updated_at).sha256]


def test_texts_landed_by_a_crashed_run_are_not_landed_twice(paths, drop):
    """A run that stopped after a file's texts but before the file: the next run lands the
    file and no second copy of its texts."""
    env = {"LAKE_LLM_CALLS_DIR": str(drop)}
    path = write(drop / f"llm_calls_{YESTERDAY}.jsonl", lines(call("req_a", "Oi")))
    runner = Runner(paths, env=env, today=TODAY)
    extractor = load_extractor("llm_calls")

    async def texts_only(ctx) -> None:
        drop_file = DropFile(path, DAILY, day_in_name(path.name), 0.0, path.read_bytes())
        await land_call_texts(ctx, drop_file, {})

    crashed = dataclasses.replace(extractor, run=texts_only)
    asyncio.run(runner.run({"llm_calls": crashed}))
    assert [e.name for e in landed(paths)] == ["call_req_a.txt"]
    report = run(paths, env)
    assert [f["name"] for f in report.sources[0].accounts[0].files] == [path.name]
    assert sorted(e.name for e in landed(paths)) == ["call_req_a.txt", path.name]


def test_llm_prompts_and_answers_are_found_by_landing_search(paths, drop):
    records = [
        call("req_a", "Meu liquidificador chegou quebrado, quero trocar"),
        call("req_b", "Vocês vendem patinetes elétricos?", answer="Sim, temos três modelos."),
    ]
    write(drop / f"llm_calls_{YESTERDAY}.jsonl", lines(*records))
    assert run(paths, {"LAKE_LLM_CALLS_DIR": str(drop)}).ok
    for query, request_id in (("liquidificador quebrado", "req_a"), ("três modelos", "req_b")):
        outcome = CliRunner().invoke(
            app, ["landing", "search", query, "--json", "--root", str(paths.root)]
        )
        assert outcome.exit_code == 0, outcome.output
        entries = json.loads(outcome.output)["entries"]
        assert entries[0]["name"] == f"call_{request_id}.txt"
        assert entries[0]["metadata"]["request_id"] == request_id
        assert entries[0]["metadata"]["order_id"] == "o-1"


def test_app_logs_land_access_and_error_files_once_complete(paths, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    access = write(logs / f"access-{YESTERDAY}.log", b'192.0.2.1 - - [22/Nov/2026:10:00:00 '
                   b'+0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.0"\n')  # fmt: skip
    errors = write(logs / f"error-{YESTERDAY}.jsonl", b'{"timestamp": "2026-11-22T10:00:00Z"}\n')
    write(logs / f"access-{TODAY}.log", b"192.0.2.1 - - [23/Nov/2026", age=0)
    write(logs / "notes.txt", b"not a log\n")
    report = run(paths, {"LAKE_APP_LOGS_DIR": str(logs)}, TODAY, "app_logs")
    assert report.ok
    got = {e.name: e for e in landed(paths, "app_logs")}
    assert sorted(got) == [access.name, errors.name]
    assert got[access.name].metadata["dataset"] == "access"
    assert got[errors.name].metadata["dataset"] == "errors"
    assert (paths.root / got[access.name].path).read_bytes() == access.read_bytes()


def test_a_missing_drop_folder_fails_that_source_with_what_to_do(paths, tmp_path):
    report = run(paths, {"LAKE_LLM_CALLS_DIR": str(tmp_path / "nope")})
    error = report.sources[0].accounts[0].error
    assert not report.ok and error.kind == "config" and "LAKE_LLM_CALLS_DIR" in error.hint


def test_lake_extract_with_only_the_drops_configured_skips_the_rest_and_exits_0(
    paths, drop, tmp_path, monkeypatch
):
    for name in list(os.environ):
        if name.startswith("LAKE_") and name not in ("LAKE_ROOT",):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of a developer's working directory
    logs = tmp_path / "logs"
    logs.mkdir()
    write(drop / f"llm_calls_{YESTERDAY}.jsonl", lines(call("req_a", "Oi")))
    write(logs / f"access-{YESTERDAY}.log", b'192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] '
          b'"GET / HTTP/1.1" 200 512 "-" "curl/8.0"\n')  # fmt: skip
    monkeypatch.setenv("LAKE_LLM_CALLS_DIR", str(drop))
    monkeypatch.setenv("LAKE_APP_LOGS_DIR", str(logs))
    monkeypatch.setenv("LAKE_EXTRACT_TODAY", str(TODAY))
    outcome = CliRunner().invoke(app, ["extract", "--json", "--root", str(paths.root)])
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.output)
    status = {s["source"]: s["status"] for s in report["sources"]}
    assert status.pop("llm_calls") == "ok" and status.pop("app_logs") == "ok"
    assert set(status) == set(available_sources()) - {"llm_calls", "app_logs"}
    assert set(status.values()) == {"not_configured"}, status
    assert report["ok"] is True
