"""Write-audit-publish: only a build whose error-severity tests passed reaches lake.duckdb."""

from __future__ import annotations

import gzip
import json
import stat

import duckdb
import pytest

from lake.warehouse.build import run_build
from lake.warehouse.ledger import load_runs
from lake.warehouse.publish import (
    PublishRefusedError,
    current_version,
    list_versions,
    publish,
    rollback,
)
from tests.warehouse.conftest import PROJECT, TinyLake


def build(tiny: TinyLake, run_id: str = "run-1") -> bool:
    return run_build(tiny.layout, run_id, project_dir=PROJECT).ok


def build_and_publish(tiny: TinyLake, rows: list[tuple[str | None, int]], keep: int = 5) -> str:
    tiny.write_plays(rows)
    assert build(tiny)
    return publish(tiny.layout, keep=keep).version


def test_a_passing_build_is_published_read_only_with_its_parquet_copies(tiny: TinyLake) -> None:
    result = run_build(tiny.layout, "run-1", project_dir=PROJECT)
    assert result.ok, result.to_dict()
    assert result.test_counts() == {"passed": 3, "warned": 0, "failed": 0, "skipped": 0}
    assert result.rows["fct_plays"] == 2
    assert set(result.timings) >= {"parse", "models", "tests"}
    assert not tiny.layout.published.exists()  # building publishes nothing

    published = publish(tiny.layout)

    layout = tiny.layout
    assert tiny.published_plays() == {"a": 1, "b": 2}
    assert tiny.published_version() == published.version == current_version(layout)
    assert stat.S_IMODE(layout.published.stat().st_mode) == 0o444
    assert not layout.build_db.exists()  # the build became the version; nothing to re-publish
    with pytest.raises(PublishRefusedError, match="no tested build"):
        publish(layout)
    parquet = layout.mart_parquet("demo", "fct_plays")
    assert duckdb.sql(f"select sum(plays) from '{parquet}'").fetchone() == (3,)
    assert published.marts == {"demo.dim_slow": 1, "demo.fct_play_loads": 2, "demo.fct_plays": 2}
    marker = json.loads(layout.curated_marker.read_text())
    assert marker["version"] == published.version


def test_a_failing_test_keeps_the_published_version_and_names_the_test(tiny: TinyLake) -> None:
    first = build_and_publish(tiny, [("a", 1), ("b", 2)])
    tiny.write_plays([("a", 10), (None, 5)])

    result = run_build(tiny.layout, "run-2", project_dir=PROJECT)

    assert not result.ok
    assert [node.name for node in result.failed_nodes] == ["not_null_fct_plays_track"]
    with pytest.raises(PublishRefusedError, match="not_null_fct_plays_track"):
        publish(tiny.layout)
    assert tiny.published_plays() == {"a": 1, "b": 2}
    assert current_version(tiny.layout) == first
    parquet = tiny.layout.mart_parquet("demo", "fct_plays")
    assert duckdb.sql(f"select sum(plays) from '{parquet}'").fetchone() == (3,)


def test_a_warning_test_does_not_block_the_publish(tiny: TinyLake) -> None:
    # plays null on one track: the severity-warn test warns, the error tests pass
    tiny.write_plays([("a", 1), ("b", None)])
    result = run_build(tiny.layout, "run-1", project_dir=PROJECT)
    assert result.ok
    assert result.test_counts()["warned"] == 1
    publish(tiny.layout)
    assert tiny.published_plays() == {"a": 1, "b": None}


def test_a_build_changed_after_its_tests_is_refused(tiny: TinyLake) -> None:
    assert build(tiny)
    with duckdb.connect(str(tiny.layout.build_db)) as con:
        con.execute("update demo.fct_plays set plays = plays * 100")
    with pytest.raises(PublishRefusedError, match="changed after its tests ran"):
        publish(tiny.layout)
    assert not tiny.layout.published.exists()


def test_rollback_restores_kept_and_archived_versions(tiny: TinyLake) -> None:
    v1 = build_and_publish(tiny, [("a", 1)], keep=2)
    v2 = build_and_publish(tiny, [("a", 2)], keep=2)
    v3 = build_and_publish(tiny, [("a", 3)], keep=2)
    layout = tiny.layout

    # keep=2: v1 rolled off into archive/, compressed, byte for byte
    assert sorted(p.stem for p in layout.versions.glob("*.duckdb")) == sorted([v2, v3])
    with gzip.open(layout.archived_db(v1), "rb") as archived, duckdb.connect() as con:
        restored = layout.paths.tmp / "v1.duckdb"
        restored.write_bytes(archived.read())
        con.execute(f"attach '{restored}' as v1 (read_only)")
        assert con.execute("select plays from v1.demo.fct_plays").fetchall() == [(1,)]
    assert [(v.version, v.archived) for v in list_versions(layout)] == [
        (v3, False),
        (v2, False),
        (v1, True),
    ]

    assert rollback(layout) == (v3, v2)  # default: the previous version
    assert tiny.published_plays() == {"a": 2}
    parquet = layout.mart_parquet("demo", "fct_plays")
    assert duckdb.sql(f"select plays from '{parquet}'").fetchall() == [(2,)]

    assert rollback(layout, v1) == (v2, v1)  # from the archive
    assert tiny.published_plays() == {"a": 1}
    assert tiny.published_version() == v1

    assert rollback(layout, v3) == (v1, v3)
    assert tiny.published_plays() == {"a": 3}


def test_snapshots_and_the_ledger_carry_over_from_one_published_version_to_the_next(
    tiny: TinyLake,
) -> None:
    build_and_publish(tiny, [("a", 1), ("b", 2)])
    build_and_publish(tiny, [("a", 5)])  # a changed, b deleted

    with duckdb.connect(str(tiny.layout.published), read_only=True) as con:
        history = con.execute(
            "select track, plays, dbt_valid_to is null, dbt_is_deleted "
            "from snapshots.snap_plays order by track, dbt_valid_from"
        ).fetchall()
    assert history == [
        ("a", 1, False, "False"),
        ("a", 5, True, "False"),
        ("b", 2, False, "False"),
        ("b", 2, True, "True"),
    ]


def test_publish_writes_the_run_ledger_into_the_published_database(tiny: TinyLake) -> None:
    result = tiny.lake("build")
    assert result.returncode == 0, result.stderr
    result = tiny.lake("publish", "--json")
    assert result.returncode == 0, result.stderr
    version = json.loads(result.stdout)["version"]

    runs = load_runs(tiny.layout)
    assert [(r.command, r.status, r.published_version) for r in runs] == [
        ("lake build", "published", version)
    ]
    with duckdb.connect(str(tiny.layout.published), read_only=True) as con:
        row = con.execute(
            "select r.run_id, r.published_version, r.tests_passed, m.row_count "
            "from lake_ops.runs r join lake_ops.run_models m using (run_id) "
            "where m.model = 'fct_plays'"
        ).fetchone()
    assert row == (runs[0].run_id, version, 3, 2)
    publish_stage = next(s for s in runs[0].stages if s.name == "publish")
    assert publish_stage.status == "ok" and publish_stage.seconds > 0
