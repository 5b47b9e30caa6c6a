"""`lake build`: dbt builds the warehouse into a private database that nobody else opens.

1. `warehouse/build.duckdb` starts as a private copy of the published version, so
   incremental models only process what is new since it; relations the project no longer
   has are dropped, and incremental models whose definition changed are built whole (see
   `build_state.py`). With `full_refresh` (or nothing published yet) it starts new, holding
   only the published history (`snapshots`, `lake_ops`), and every model is built whole.
2. dbt parses the project once, builds seeds, models and snapshots, then runs every data and
   unit test (two invocations on the same parsed manifest, so the build's wall time splits
   into parse / models / tests).
3. Source freshness is checked on the same manifest; rows are counted per model.
4. The verdict goes to `warehouse/build.json`: `lake publish` promotes the build only when it
   says every model built and no error-severity test failed.

A failed or killed build leaves the published database untouched; the next build starts over.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from lake.contracts import all_datasets
from lake.failpoints import crash_point
from lake.fsutil import atomic_write_json, file_lock
from lake.ingest.schema_files import ensure_schema_files
from lake.warehouse.build_state import (
    BuildStart,
    domains_of,
    prepare_relations,
    stamped_version,
    start_build_db,
)
from lake.warehouse.dbt import (
    DbtProject,
    NodeOutcome,
    NodeProgress,
    describe_exception,
    node_outcomes,
)
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import now_iso

FAILED_STATUSES = {"error", "fail", "runtime error"}

Progress = Callable[[str], None]
T = TypeVar("T")


EMPTY = "empty"
"""Freshness status of a source table with no rows: no data landed for it yet."""


@dataclass
class SourceFreshness:
    source: str
    table: str
    status: str
    max_loaded_at: str
    age_hours: float | None
    warn_after: str
    error_after: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class BuildResult:
    run_id: str
    started_at: str
    finished_at: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    nodes: list[NodeOutcome] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    freshness: list[SourceFreshness] = field(default_factory=list)
    start: BuildStart | None = None
    domains: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failed_nodes(self) -> list[NodeOutcome]:
        """Models that did not build and error-severity tests that failed (or errored)."""
        return [
            node
            for node in self.nodes
            if node.status in FAILED_STATUSES and (not node.is_test or node.severity != "warn")
        ]

    @property
    def ok(self) -> bool:
        unchanged = self.start is not None and self.start.selected == 0
        return not self.error and (bool(self.nodes) or unchanged) and not self.failed_nodes

    def test_counts(self) -> dict[str, int]:
        counts = {"passed": 0, "warned": 0, "failed": 0, "skipped": 0}
        for node in self.nodes:
            if not node.is_test:
                continue
            if node.status == "pass":
                counts["passed"] += 1
            elif node.status == "warn" or (node.status == "fail" and node.severity == "warn"):
                counts["warned"] += 1
            elif node.status == "skipped":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
        return counts

    def model_counts(self) -> dict[str, int]:
        built = [n for n in self.nodes if not n.is_test]
        return {
            "built": sum(n.status == "success" for n in built),
            "failed": sum(n.status in FAILED_STATUSES for n in built),
            "skipped": sum(n.status == "skipped" for n in built),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "error": self.error,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "models": self.model_counts(),
            "tests": self.test_counts(),
            "unit_tests_passed": sum(
                n.resource_type == "unit_test" and n.status == "pass" for n in self.nodes
            ),
            "failed": [node.to_dict() for node in self.failed_nodes],
            "warned": [
                node.to_dict()
                for node in self.nodes
                if node.is_test and node.status in ("warn", "fail") and node.severity == "warn"
            ],
            "rows": self.rows,
            "freshness": [item.to_dict() for item in self.freshness],
            "start": self.start.to_dict() if self.start else None,
            "domains": self.domains,
        }


def run_build(
    layout: WarehouseLayout,
    run_id: str,
    *,
    project_dir: Path | None = None,
    progress: Progress | None = None,
    full_refresh: bool = False,
) -> BuildResult:
    """Build the warehouse into `warehouse/build.duckdb` and record the verdict.

    Incremental from the published version unless `full_refresh` (every model built whole)."""
    layout.ensure()
    # the raw zone stays still while the build reads it: an ingest waits, or refuses
    with file_lock(layout.paths.ingest_lock):
        # every dataset a contract declares is readable, even one added to the project
        # since the last ingest (its sources would otherwise fail with "No files found")
        ensure_schema_files(layout.paths, all_datasets())
        return _build(layout, run_id, project_dir, progress, full_refresh)


def _build(
    layout: WarehouseLayout,
    run_id: str,
    project_dir: Path | None,
    progress: Progress | None,
    full_refresh: bool,
) -> BuildResult:
    say = progress or (lambda _: None)
    result = BuildResult(run_id=run_id, started_at=now_iso())
    dbt = _project(layout, project_dir)
    try:
        incremental = _timed(
            result,
            "prepare",
            lambda: start_build_db(layout, full_refresh=full_refresh),
            say,
            "copying the published version" if not full_refresh else "preparing",
        )
        manifest = _timed(result, "parse", dbt.parse, say, "parsing the dbt project")
        result.domains = domains_of(manifest)
        build_plan = prepare_relations(layout, manifest, incremental=incremental)
        selectors = build_plan.selectors(manifest)
        result.start = BuildStart(
            incremental=incremental,
            from_version=stamped_version(layout.build_db) if incremental else None,
            dropped=build_plan.dropped,
            rebuilt_whole=build_plan.rebuilt_whole,
            selected=None if selectors is None else len(selectors),
        )
        if selectors == []:
            say("nothing changed since the published version")
        else:
            _models_and_tests(dbt, manifest, result, selectors, full_refresh, say)
        freshness = _timed(
            result,
            "freshness",
            lambda: dbt.invoke(["source", "freshness"], manifest=manifest),
            say,
            "checking source freshness",
        )
        result.freshness = freshness_outcomes(freshness)
        result.rows = _timed(
            result, "rows", lambda: count_rows(layout.build_db, manifest), say, "counting"
        )
    except Exception as error:
        result.error = result.error or f"{type(error).__name__}: {error}"
        raise
    finally:
        result.finished_at = now_iso()
        write_verdict(layout, result)
    return result


def _models_and_tests(
    dbt: DbtProject,
    manifest: Any,
    result: BuildResult,
    selectors: list[str] | None,
    full_refresh: bool,
    say: Progress,
) -> None:
    """Seeds, models and snapshots, then (when they all built) the data and unit tests: of
    everything, or of the selected nodes only (an incremental build: the rest is unchanged)."""
    select = ["--select", *selectors] if selectors is not None else []
    build_args = ["build", *select, "--exclude-resource-type", "test"]
    build_args += ["--exclude-resource-type", "unit_test"]
    if full_refresh:
        build_args.append("--full-refresh")
    models = _timed(
        result,
        "models",
        lambda: dbt.invoke(build_args, manifest=manifest, on_node=_counted("models", say)),
        say,
        "building seeds, models and snapshots",
    )
    result.nodes = node_outcomes(models)
    if models.exception is not None:
        result.error = f"dbt build stopped: {describe_exception(models)}"
    crash_point("build.after-models")
    if result.failed_nodes or result.error:
        return
    # `dbt test`, not `dbt build --resource-type unit_test`: with the models excluded, a build
    # schedules the unit tests but never runs them (dbt 1.11), and nothing says so
    test_args = ["test", *select]
    tests = _timed(
        result,
        "tests",
        lambda: dbt.invoke(test_args, manifest=manifest, on_node=_counted("tests", say)),
        say,
        "running data and unit tests",
    )
    result.nodes += node_outcomes(tests)
    if tests.exception is not None:
        result.error = f"dbt test stopped: {describe_exception(tests)}"


def _counted(what: str, say: Progress) -> Callable[[NodeProgress], None]:
    """Progress text per finished node: `models 12/67 done (last: stg_x, success)`."""

    def on_node(node: NodeProgress) -> None:
        say(f"{what} {node.done}/{node.total} done (last: {node.name}, {node.status})")

    return on_node


def _project(layout: WarehouseLayout, project_dir: Path | None) -> DbtProject:
    project = DbtProject(
        lake_root=layout.paths.root,
        database=layout.build_db,
        target_dir=layout.dbt_dir / "target",
        log_dir=layout.dbt_dir / "logs",
    )
    if project_dir is not None:
        project.project_dir = project_dir
    return project


def _timed(result: BuildResult, stage: str, step: Callable[[], T], say: Progress, text: str) -> T:
    say(text)
    start = time.monotonic()
    try:
        return step()
    finally:
        result.timings[stage] = time.monotonic() - start


def freshness_outcomes(result: Any) -> list[SourceFreshness]:
    items: list[SourceFreshness] = []
    for item in getattr(result.result, "results", None) or []:
        node = item.node
        criteria = getattr(item, "criteria", None) or getattr(node, "freshness", None)
        age = getattr(item, "age", None)
        max_loaded = getattr(item, "max_loaded_at", None)
        # a dataset nothing was ever ingested into reads as year 1 (dbt's "no rows"): it is
        # empty (a source this lake does not have, or not yet), not stale
        empty = max_loaded is None or max_loaded.year == 1
        items.append(
            SourceFreshness(
                source=node.source_name,
                table=node.name,
                status=EMPTY if empty else str(item.status),
                max_loaded_at="" if empty else max_loaded.isoformat(),
                age_hours=None if empty or age is None else round(age / 3600, 1),
                warn_after=_threshold(getattr(criteria, "warn_after", None)),
                error_after=_threshold(getattr(criteria, "error_after", None)),
            )
        )
    return sorted(items, key=lambda f: (f.source, f.table))


def empty_sources(freshness: list[SourceFreshness]) -> list[str]:
    """Sources none of whose tables holds a row: the lake does not have them (a label
    without a shop, a shop without music) or they have not landed yet. Their staging
    models and marts are built empty; that is not a failure."""
    sources = {f.source for f in freshness}
    return sorted(s for s in sources if all(f.status == EMPTY for f in freshness if f.source == s))


def _threshold(value: Any) -> str:
    if value is None or getattr(value, "count", None) is None:
        return ""
    return f"{value.count} {value.period}"


def count_rows(database: Path, manifest: Any) -> dict[str, int]:
    """Rows of every model, seed and snapshot the build database holds, built by this build
    or carried unchanged from the published version (views are counted by running them)."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        present = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union all select schema_name, view_name from duckdb_views()"
            ).fetchall()
        )
        for node in manifest.nodes.values():
            relation = (str(node.schema), str(node.alias or node.name))
            if node.resource_type in ("model", "seed", "snapshot") and relation in present:
                row = con.execute(
                    f'select count(*) from "{relation[0]}"."{relation[1]}"'
                ).fetchone()
                counts[node.name] = int(row[0]) if row else 0
    return dict(sorted(counts.items()))


def write_verdict(layout: WarehouseLayout, result: BuildResult) -> None:
    verdict = result.to_dict()
    if layout.build_db.exists():
        stat = layout.build_db.stat()
        verdict["database"] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    atomic_write_json(layout.build_verdict, verdict)


def read_verdict(layout: WarehouseLayout) -> dict[str, Any] | None:
    try:
        return dict(json.loads(layout.build_verdict.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
