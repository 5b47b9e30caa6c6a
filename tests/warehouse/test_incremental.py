"""Incremental builds keep write-audit-publish: a build starts from a private copy of the
published version, adds only what is new, and is published only after its tests."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from lake.warehouse.build import BuildResult, run_build
from lake.warehouse.publish import publish
from tests.warehouse.conftest import PROJECT, TinyLake

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)


def build(tiny: TinyLake, project: Path = PROJECT, **options: bool) -> BuildResult:
    result = run_build(tiny.layout, "run", project_dir=project, **options)
    assert result.ok, result.to_dict()
    return result


def loads(db: Path) -> list[tuple[str, int, str]]:
    """fct_play_loads as (track, plays, build that wrote the row)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select track, plays, loaded_by from demo.fct_play_loads order by all"
        ).fetchall()
    return [(str(t), int(p), str(b)) for t, p, b in rows]


def two_loads(tiny: TinyLake) -> tuple[str, BuildResult]:
    """Publish one raw file, then add a second one and build again (not published)."""
    tiny.write_plays([("a", 1), ("b", 2)], loaded=T0)
    build(tiny)
    first = publish(tiny.layout).version
    tiny.write_plays([("c", 3)], loaded=T0 + timedelta(hours=1), replace=False)
    return first, build(tiny)


def test_a_build_starts_from_the_published_version_and_adds_only_new_rows(
    tiny: TinyLake,
) -> None:
    first, second = two_loads(tiny)

    assert second.start is not None
    assert second.start.incremental and second.start.from_version == first
    rows = loads(tiny.layout.build_db)
    assert [(t, p) for t, p, _ in rows] == [("a", 1), ("b", 2), ("c", 3)]
    old_builds = {b for t, _, b in rows if t in ("a", "b")}
    new_builds = {b for t, _, b in rows if t == "c"}
    assert len(old_builds) == 1 and len(new_builds) == 1 and old_builds != new_builds
    # the published version did not move while the build ran
    assert loads(tiny.layout.published) == [r for r in rows if r[0] != "c"]
    assert tiny.published_plays() == {"a": 1, "b": 2}


def test_full_refresh_builds_every_model_whole_with_the_same_rows(tiny: TinyLake) -> None:
    two_loads(tiny)
    incremental_rows = loads(tiny.layout.build_db)

    full = build(tiny, full_refresh=True)

    assert full.start is not None and not full.start.incremental
    rows = loads(tiny.layout.build_db)
    assert [r[:2] for r in rows] == [r[:2] for r in incremental_rows]
    assert len({b for _, _, b in rows}) == 1  # one build wrote every row
    # history carries over a full refresh too
    with duckdb.connect(str(tiny.layout.build_db), read_only=True) as con:
        assert con.execute("select count(*) from lake_ops.publication").fetchone() == (1,)


def test_a_changed_incremental_model_is_built_whole_and_a_removed_model_is_dropped(
    tiny: TinyLake, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    (project / "dbt_project.yml").write_text(
        (project / "dbt_project.yml")
        .read_text()
        .replace('["../../../macros/naming"]', f'["{Path.cwd() / "macros" / "naming"}"]')
    )
    tiny.write_plays([("a", 1), ("b", 2)], loaded=T0)
    build(tiny, project)
    publish(tiny.layout)

    model = project / "models" / "marts" / "demo" / "fct_play_loads.sql"
    sql = model.read_text().replace("cast(plays as bigint)", "cast(plays as bigint) * 1")
    model.write_text(sql)
    (project / "models" / "marts" / "demo" / "dim_slow.sql").unlink()
    result = build(tiny, project)

    assert result.start is not None and result.start.incremental
    assert result.start.rebuilt_whole == ("fct_play_loads",)
    assert result.start.dropped == ("demo.dim_slow",)
    rows = loads(tiny.layout.build_db)
    assert [r[:2] for r in rows] == [("a", 1), ("b", 2)]
    assert len({b for _, _, b in rows}) == 1
    with duckdb.connect(str(tiny.layout.build_db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "dim_slow" not in tables and "fct_plays" in tables


def test_an_unchanged_project_rebuilds_no_incremental_model_whole(tiny: TinyLake) -> None:
    _, second = two_loads(tiny)
    assert second.start is not None and second.start.rebuilt_whole == ()
    assert second.start.dropped == ()


def test_only_what_reads_changed_data_is_built_and_tested(tiny: TinyLake) -> None:
    _, second = two_loads(tiny)

    built = {node.name for node in second.nodes if not node.is_test}
    assert built == {"stg_demo__plays", "fct_plays", "fct_play_loads", "snap_plays"}  # no dim_slow
    assert second.test_counts()["passed"] >= 1
    # what was not rebuilt is the published version's, and still counted
    assert second.rows["dim_slow"] == 1 and second.rows["fct_play_loads"] == 3


def test_a_build_with_nothing_new_builds_nothing_and_publishes_the_same_data(
    tiny: TinyLake,
) -> None:
    tiny.write_plays([("a", 1), ("b", 2)], loaded=T0)
    build(tiny)
    publish(tiny.layout)

    again = build(tiny)

    assert again.start is not None and again.start.selected == 0
    assert again.nodes == [] and again.ok
    publish(tiny.layout)
    assert tiny.published_plays() == {"a": 1, "b": 2}
