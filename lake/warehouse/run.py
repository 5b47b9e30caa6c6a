"""`lake run`: extract -> ingest -> build -> publish -> docs, under the run lock, recorded.

Every stage is recorded in `runs/<run id>.json` as it finishes. A source that fails to extract
does not stop the run (what landed is still ingested and built); a build whose error-severity
tests fail stops before publish, so the published version stays as it was. At the end the
record lists what to do next: failing tests, stale sources, quarantined files, failed sources.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from lake.config import LakePaths
from lake.errors import LakeError
from lake.ingest import quarantine
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.stages import extract_stage
from lake.warehouse.build import BuildResult, empty_sources, run_build
from lake.warehouse.docs import generate_docs
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import (
    NextAction,
    RunRecord,
    Stage,
    close_abandoned,
    load_runs,
    new_run_id,
    now_iso,
    write_ledger_tables,
)
from lake.warehouse.lock import run_lock
from lake.warehouse.publish import DEFAULT_KEEP, publish

STALE = ("warn", "error", "runtime error")


class Listener(Protocol):
    def started(self, stage: str) -> None: ...
    def note(self, text: str) -> None: ...
    def finished(self, stage: Stage) -> None: ...


class Silent:
    def started(self, stage: str) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def finished(self, stage: Stage) -> None:
        pass


STAGES = ("extract", "ingest", "build")
"""Where a run can start (`lake run --from`): publish and docs always follow a build."""


@dataclass
class RunOptions:
    start: str = "extract"
    sources: list[str] = field(default_factory=list)
    since: date | None = None
    docs: bool = True
    keep: int = DEFAULT_KEEP
    wait: float = 0.0
    project_dir: Path | None = None
    full_refresh: bool = False


@dataclass
class Pipeline:
    """One `lake run`: the stages share the record, the layout and the listener."""

    paths: LakePaths
    options: RunOptions
    listener: Listener = field(default_factory=Silent)

    def __post_init__(self) -> None:
        self.layout = WarehouseLayout(self.paths).ensure()
        self.record = RunRecord(run_id=new_run_id(), command="lake run")
        self.extract_failures: list[dict[str, Any]] = []
        self.build: BuildResult | None = None

    def run(self) -> RunRecord:
        with run_lock(self.layout.lock, command="lake run", wait=self.options.wait):
            close_abandoned(self.layout, current_run=self.record.run_id)
            self.record.save(self.layout)
            try:
                self._stages()
            finally:
                self._finish()
        return self.record

    def _stages(self) -> None:
        first = STAGES.index(self.options.start)
        if first <= STAGES.index("extract"):
            with self._stage("extract") as stage:
                self._extract(stage)
        if first <= STAGES.index("ingest"):
            with self._stage("ingest") as stage:
                self._ingest(stage)
        with self._stage("build") as stage:
            self._build(stage)
        if self.build is None or not self.build.ok:
            self._skip("publish", "the build failed: the published version stays in place")
            return
        with self._stage("publish") as stage:
            self._publish(stage)
        if self.options.docs:
            with self._stage("docs") as stage:
                stage.detail["site"] = str(
                    generate_docs(self.layout, project_dir=self.options.project_dir)
                )

    @contextlib.contextmanager
    def _stage(self, name: str) -> Iterator[Stage]:
        stage = self.record.stage(name)
        stage.started_at = now_iso()
        self.record.save(self.layout)
        self.listener.started(name)
        start = time.monotonic()
        try:
            yield stage
            if stage.status == "running":
                stage.status = "ok"
        except LakeError as error:
            stage.status = "error"
            stage.detail["error"] = str(error)
        except BaseException as error:  # not expected: recorded, then raised
            self.record.fail(error, stage)
            raise
        finally:
            stage.seconds = round(time.monotonic() - start, 3)
            self.record.save(self.layout)
            self.listener.finished(stage)

    def _skip(self, name: str, reason: str) -> None:
        stage = self.record.stage(name)
        stage.status = "skipped"
        stage.detail["reason"] = reason
        self.listener.finished(stage)

    def _extract(self, stage: Stage) -> None:
        extract = extract_stage()
        report = extract(self.paths, self.options.sources, self.options.since, self.listener.note)
        sources: list[dict[str, Any]] = report["sources"]
        landed = sum(source["files"] for source in sources)
        self.record.files["landed"] = landed
        self.extract_failures = [s for s in sources if not s["ok"]]
        stage.detail.update(
            sources={s["source"]: s["status"] for s in sources}, files=landed, log=report["log"]
        )
        if self.extract_failures:
            stage.status = "partial"

    def _ingest(self, stage: Stage) -> None:
        files = landing_files(SyncLandingStore(self.paths))
        self.listener.note(f"{len(files)} landing files")
        summary = Ingestor(self.paths).run(files).to_dict()
        self.record.files["ingested"] = int(summary["ingested"])
        self.record.files["duplicate"] = int(summary["duplicates"])
        self.record.files["quarantined"] = int(summary["quarantined"])
        stage.detail.update(
            batch_id=summary.get("batch_id"),
            rows=sum(s.get("rows_raw", 0) for s in summary.get("by_source", {}).values()),
            **{key: self.record.files[key] for key in ("ingested", "duplicate", "quarantined")},
        )

    def _build(self, stage: Stage) -> None:
        result = run_build(
            self.layout,
            self.record.run_id,
            project_dir=self.options.project_dir,
            progress=self.listener.note,
            full_refresh=self.options.full_refresh,
        )
        self.build = result
        self.record.tests = result.test_counts()
        self.record.rows = result.rows
        self.record.failing_tests = [node.to_dict() for node in result.failed_nodes]
        self.record.stale_sources = [f.to_dict() for f in result.freshness if f.status in STALE]
        stage.detail.update(
            empty_sources=empty_sources(result.freshness),
            timings={k: round(v, 3) for k, v in result.timings.items()},
            models=result.model_counts(),
            tests=result.test_counts(),
        )
        if not result.ok:
            stage.status = "failed"
            stage.detail["error"] = result.error or f"{len(result.failed_nodes)} failing"

    def _publish(self, stage: Stage) -> None:
        def before_stamp(version: str) -> None:
            self.record.published_version = version
            self.record.save(self.layout)

        def ledger(con: Any) -> None:
            write_ledger_tables(con, load_runs(self.layout))

        start = time.monotonic()
        result = publish(
            self.layout,
            keep=self.options.keep,
            before_stamp=before_stamp,
            ledger_writer=ledger,
            progress=self.listener.note,
        )
        stage.detail.update(result.to_dict(), seconds=round(time.monotonic() - start, 3))

    def _finish(self) -> None:
        self.record.ended_at = now_iso()
        failed = any(s.status in ("error", "failed") for s in self.record.stages)
        partial = any(s.status == "partial" for s in self.record.stages)
        self.record.status = "failed" if failed else "partial" if partial else "ok"
        try:
            self.record.next_actions = next_actions(self)
        finally:
            self.record.save(self.layout)


def next_actions(pipeline: Pipeline) -> list[NextAction]:
    """What a person or an agent should look at after this run, most urgent first."""
    record, layout = pipeline.record, pipeline.layout
    actions: list[NextAction] = []
    build_db = layout.build_db
    for stage in record.stages:
        if stage.status == "error":
            actions.append(
                NextAction("stage_error", f"{stage.name}: {stage.detail.get('error')}", "")
            )
    for node in record.failing_tests:
        what = "test" if node["resource_type"] in ("test", "unit_test") else "model"
        actions.append(
            NextAction(
                f"failing_{what}",
                f"{node['name']} {node['status']}: {node['message'][:300]}",
                f"duckdb -readonly {build_db}",
            )
        )
    for source in pipeline.extract_failures:
        error = source.get("error") or next(
            (a["error"] for a in source["accounts"] if a.get("error")), {}
        )
        actions.append(
            NextAction(
                "extract_failed",
                f"{source['source']}: {(error or {}).get('message', 'failed')}",
                f"lake extract {source['source']}",
            )
        )
    for fresh in record.stale_sources:
        actions.append(
            NextAction(
                "stale_source",
                f"{fresh['source']}.{fresh['table']} last loaded "
                f"{fresh['max_loaded_at'] or 'never'} ({fresh['status']}; "
                f"warn after {fresh['warn_after'] or '-'}, error after "
                f"{fresh['error_after'] or '-'})",
                f"lake extract {fresh['source']}",
            )
        )
    for item in quarantine.items(layout.paths):
        actions.append(
            NextAction(
                "quarantined_file",
                f"{item.get('landing_path')}: {item.get('error', {}).get('message', '?')}",
                f"lake quarantine show {str(item.get('sha256', ''))[:12]}",
            )
        )
    return actions
