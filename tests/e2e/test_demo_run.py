"""What `make demo` and `make test` do: `lake run` on the sandbox's data, the real project.

`make test` runs it first (its e2e step) and passes the lake as LAKE_E2E_ROOT; run alone,
this module makes its own (about five minutes on two cores).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lake.contracts import sources
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import load_runs

LAKE_BIN = Path(sys.executable).with_name("lake")

pytestmark = pytest.mark.xdist_group("e2e")


def test_the_run_went_through_every_stage_and_published(layout: WarehouseLayout) -> None:
    record = load_runs(layout)[0]
    assert record.command == "lake run" and record.status == "ok"
    assert [(s.name, s.status) for s in record.stages] == [
        (name, "ok") for name in ("extract", "ingest", "build", "publish", "docs")
    ]
    assert record.files["landed"] >= 300 and record.files["quarantined"] == 0
    assert record.tests["failed"] == 0 and record.tests["passed"] > 1000
    assert record.failing_tests == [] and record.next_actions == []
    assert record.rows["fct_streams_daily"] > 10_000
    assert record.published_version is not None
    verdict = json.loads(layout.build_verdict.read_text())
    assert verdict["unit_tests_passed"] >= 17  # the unit tests ran, not only the data tests
    timings = record.stage("build").detail["timings"]
    assert set(timings) >= {"parse", "models", "tests", "freshness"}


def test_the_published_database_is_the_recorded_version_with_its_parquet_copies(
    layout: WarehouseLayout,
) -> None:
    record = load_runs(layout)[0]
    with duckdb.connect(str(layout.published), read_only=True) as con:
        version = con.execute("select version from lake_ops.publication").fetchone()
        marts = dict(
            con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'music'"
            ).fetchall()
        )
        counts = {
            name: con.execute(f"select count(*) from music.{name}").fetchone()[0] for name in marts
        }
        snapshots = con.execute(
            "select count(*) from snapshots.snap_tracks where dbt_valid_to is null"
        ).fetchone()
        tracks = con.execute("select count(*) from music.dim_track").fetchone()
        schemas = {
            row[0]
            for row in con.execute(
                "select schema_name from duckdb_tables() union select schema_name "
                "from duckdb_views() where not internal"
            ).fetchall()
        }
        reading_files = con.execute(
            "select schema_name || '.' || view_name from duckdb_views() "
            "where not internal and (sql ilike '%read_parquet%' or sql ilike '%/raw/%')"
        ).fetchall()
        ledger = con.execute(
            "select status, tests_failed from lake_ops.runs where run_id = ?", [record.run_id]
        ).fetchone()
    assert version == (record.published_version,)
    assert len(marts) >= 15
    # one schema per domain beside staging, the history and the ledger; no `curated`, no
    # `main`; nothing published reads the lake's files
    assert {"music", "staging", "snapshots", "lake_ops", "seeds"} <= schemas
    assert not schemas & {"curated", "main"}
    assert reading_files == []
    for name, rows in counts.items():
        parquet = layout.mart_parquet("music", name)
        assert duckdb.sql(f"select count(*) from '{parquet}'").fetchone() == (rows,), name
    assert snapshots == tracks and tracks[0] > 30
    assert ledger == ("running", 0)  # recorded at publish, before the docs stage ended
    marker = json.loads(layout.curated_marker.read_text())
    assert marker["version"] == record.published_version


def test_status_reports_the_published_version_and_fresh_sources(layout: WarehouseLayout) -> None:
    result = subprocess.run(
        [str(LAKE_BIN), "status", "--json", "--root", str(layout.paths.root)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["published"]["version"] == load_runs(layout)[0].published_version
    assert status["quarantine"] == [] and status["running"] is None
    freshness = {(f["source"], f["table"]): f for f in status["freshness"]}
    assert {source for source, _ in freshness} == set(sources())  # every contract's source
    landed = [f for f in freshness.values() if f["max_loaded_at"]]
    assert landed and all(f["status"] == "pass" for f in landed)
    assert all(f["warn_after"] for f in freshness.values())


def test_every_source_model_and_column_of_the_published_version_is_documented(
    layout: WarehouseLayout,
) -> None:
    """The docs site's own files: every table and view the catalog found in the published
    database (models, seeds, snapshots) and every raw column a source reads has a
    description; sources carry their landing path and loader; exposures exist."""
    target = layout.dbt_dir / "docs-target"
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    undocumented = []
    for kind in ("nodes", "sources"):
        for unique_id, table in catalog[kind].items():
            node = manifest[kind][unique_id]
            if not node.get("description"):
                undocumented.append(unique_id)
            documented = {k.lower(): v for k, v in node["columns"].items()}
            undocumented += [
                f"{unique_id}.{column}"
                for column in table["columns"]
                if not documented.get(column.lower(), {}).get("description")
            ]
    assert len(catalog["nodes"]) >= 60
    sources = manifest["sources"].values()
    # sources read Parquet files (the catalog cannot list them): their columns are the raw
    # dataset's, as the schema file every ingest writes declares them
    for source in sources:
        if not source["description"]:
            undocumented.append(source["unique_id"])
        documented = {k.lower(): v for k, v in source["columns"].items()}
        schema = layout.paths.raw.joinpath(
            f"_source={source['source_name']}",
            f"_dataset={source['identifier']}",
            "_date=1970-01-01",
            "_schema.parquet",
        )
        columns = duckdb.sql(f"select * from '{schema}'").columns
        undocumented += [
            f"{source['unique_id']}.{column}"
            for column in columns
            if not documented.get(column.lower(), {}).get("description")
        ]
    assert undocumented == []
    assert all(s["loader"] and s["source_meta"]["landing_path"] for s in sources)
    assert {e["name"] for e in manifest["exposures"].values()} >= {
        "weekly_streams_report",
        "monthly_royalties_statement",
        "campaign_review",
    }
