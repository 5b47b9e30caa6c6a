"""`lake run` records every stage, tells what to do next; `lake status` reports it all."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from tests.warehouse.conftest import PROJECT, TinyLake

FIXTURES = Path(__file__).parents[1] / "fixtures" / "platforms"


def run_json(tiny: TinyLake, expect: int, *args: str, start: str = "build") -> dict:
    result = tiny.lake("run", "--from", start, "--json", *args)
    assert result.returncode == expect, result.stderr
    return json.loads(result.stdout)


def test_a_run_builds_publishes_documents_and_records_itself(tiny: TinyLake) -> None:
    record = run_json(tiny, 0)

    layout = tiny.layout
    assert record["status"] == "ok"
    assert [(s["name"], s["status"]) for s in record["stages"]] == [
        ("build", "ok"),
        ("publish", "ok"),
        ("docs", "ok"),
    ]
    build = record["stages"][0]["detail"]
    assert set(build["timings"]) >= {"parse", "models", "tests", "freshness"}
    assert record["tests"] == {"passed": 3, "warned": 0, "failed": 0, "skipped": 0}
    assert record["rows"]["fct_plays"] == 2 and record["rows"]["stg_demo__plays"] == 2
    assert record["published_version"] == tiny.published_version()
    assert record["next_actions"] == []
    on_disk = json.loads((layout.runs / f"{record['run_id']}.json").read_text())
    assert on_disk == record
    site = layout.docs_site.read_text()
    assert "fct_plays" in site and "Plays per track." in site
    assert json.loads(layout.docs_site.with_name("version.json").read_text()) == {
        "version": record["published_version"]
    }
    with duckdb.connect(str(layout.published), read_only=True) as con:
        ledger = con.execute("select run_id, status, tests_passed from lake_ops.runs").fetchall()
        stages = con.execute(
            "select stage, status from lake_ops.run_stages order by started_at"
        ).fetchall()
    # written at publish: the run is recorded in the version it published, stages up to there
    assert ledger == [(record["run_id"], "running", 3)]
    assert stages == [("build", "ok"), ("publish", "running")]


def test_a_failing_run_keeps_the_published_version_and_says_what_to_do(tiny: TinyLake) -> None:
    first = run_json(tiny, 0, "--no-docs")
    tiny.write_plays([("a", 5), (None, 1)], loaded=datetime.now(UTC) - timedelta(days=3))

    record = run_json(tiny, 1)

    assert record["status"] == "failed"
    assert [(s["name"], s["status"]) for s in record["stages"]] == [
        ("build", "failed"),
        ("publish", "skipped"),
    ]
    assert record["published_version"] is None
    assert tiny.published_version() == first["published_version"]
    assert tiny.published_plays() == {"a": 1, "b": 2}
    actions = {(a["kind"], a["message"].split(" ")[0]) for a in record["next_actions"]}
    assert actions == {
        ("failing_test", "not_null_fct_plays_track"),
        ("stale_source", "demo.plays"),  # loaded 3 days ago, warn after 1 day
    }
    stale = next(a for a in record["next_actions"] if a["kind"] == "stale_source")
    assert stale["command"] == "lake extract demo" and "warn after 1 day" in stale["message"]

    status = tiny.lake("status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["published"]["version"] == first["published_version"]
    assert [r["status"] for r in report["runs"]] == ["failed", "ok"]
    assert report["last_build"]["failed"] == ["not_null_fct_plays_track"]
    assert report["next_actions"] == record["next_actions"]
    assert [(f["source"], f["table"], f["status"]) for f in report["freshness"]] == [
        ("demo", "plays", "warn")
    ]
    assert report["freshness"][0]["warn_after"] == "1 day"
    assert report["quarantine"] == [] and report["running"] is None


def test_a_source_with_no_rows_is_reported_empty_not_stale(tiny: TinyLake) -> None:
    """A lake without one of the sources (a label with no shop): its tables are built empty,
    and the run says the source is empty; it is not a stale source to fix."""
    tiny.write_plays([])
    record = run_json(tiny, 0, "--no-docs")

    assert record["status"] == "ok" and record["rows"]["fct_plays"] == 0
    assert record["stages"][0]["detail"]["empty_sources"] == ["demo"]
    assert record["stale_sources"] == [] and record["next_actions"] == []
    status = json.loads(tiny.lake("status", "--json").stdout)
    assert [(f["source"], f["status"], f["max_loaded_at"]) for f in status["freshness"]] == [
        ("demo", "empty", "")
    ]


def test_the_next_publish_carries_failed_runs_into_the_ledger(tiny: TinyLake) -> None:
    tiny.write_plays([(None, 1)])
    failed = run_json(tiny, 1, "--no-docs")
    tiny.write_plays([("a", 1)])
    passed = run_json(tiny, 0, "--no-docs")

    with duckdb.connect(str(tiny.layout.published), read_only=True) as con:
        runs = con.execute(
            "select run_id, status from lake_ops.runs order by started_at"
        ).fetchall()
        actions = con.execute("select run_id, kind from lake_ops.run_next_actions").fetchall()
    assert runs == [(failed["run_id"], "failed"), (passed["run_id"], "running")]
    assert actions == [(failed["run_id"], "failing_test")]


def test_a_run_from_ingest_counts_ingested_duplicate_and_quarantined_files(
    tiny: TinyLake, tmp_path: Path
) -> None:
    tiny.write_plays([("a", 1)])
    export = FIXTURES / "distrokid" / "dk_bank_details_20250529_043711_sample.tsv"
    again = tmp_path / "dk_bank_details_20250530_000000_sample.tsv"  # the same bytes, renamed
    again.write_bytes(export.read_bytes())
    broken = tmp_path / "dk_bank_details_20250531_000000.tsv"
    broken.write_bytes(b"\x00\x01 not a tsv \xff\xfe" * 64)
    for path in (export, again, broken):
        tiny.lake("land", str(path), "--source", "distrokid", check=True)

    record = run_json(tiny, 0, "--no-docs", start="ingest")

    assert record["files"] == {"ingested": 1, "duplicate": 1, "quarantined": 1}
    with duckdb.connect(str(tiny.layout.published), read_only=True) as con:
        row = con.execute(
            "select files_ingested, files_duplicate, files_quarantined from lake_ops.runs"
        ).fetchone()
    assert row == (1, 1, 1)


def test_a_run_with_only_some_sources_configured_skips_the_others_and_exits_0(
    tiny: TinyLake, tmp_path: Path
) -> None:
    """Only the LLM gateway's drop folder is configured: every other source is reported
    not configured and skipped, the run is ok (the tiny project stands in for the models)."""
    tiny.write_plays([("a", 1)])
    drop = tmp_path / "gateway"
    drop.mkdir()
    record = {"request_id": "req_a", "created_at": "2026-11-22T10:00:00.000Z", "agent": "pricing",
              "provider": "openai", "model": "gpt-4.1", "request": {"messages": []},
              "status": "ok", "latency_ms": 500}  # fmt: skip
    (drop / "llm_calls_2026-11-22.jsonl").write_text(json.dumps(record) + "\n")
    stamp = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(drop / "llm_calls_2026-11-22.jsonl", (stamp, stamp))
    unset = {name: "" for name in os.environ if name.startswith("LAKE_") and name != "LAKE_ROOT"}
    result = tiny.lake(
        "run", "--no-docs", "--json",
        **{**unset, "LAKE_LLM_CALLS_DIR": str(drop), "LAKE_EXTRACT_TODAY": "2026-11-23",
           "LAKE_DBT_PROJECT_DIR": str(PROJECT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    run = json.loads(result.stdout)
    assert run["status"] == "ok" and run["next_actions"] == []
    extract = run["stages"][0]
    assert extract["name"] == "extract" and extract["status"] == "ok"
    statuses = extract["detail"]["sources"]
    assert statuses.pop("llm_calls") == "ok"
    assert statuses and set(statuses.values()) == {"not_configured"}
    assert run["files"]["landed"] == 2  # the day's file and its call's text entry
