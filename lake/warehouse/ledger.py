"""The run ledger: what each `lake run` (or `lake build` + `lake publish`) did, for people and
for automated agents.

Each run is one JSON document, `runs/<run id>.json`, rewritten atomically after every stage,
so a run that crashed still says how far it got. At publish, every run document is also
written into the published database (`lake_ops.runs`, `lake_ops.run_stages`,
`lake_ops.run_models`, `lake_ops.run_next_actions`): failed runs appear there with the next
successful publish.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from lake.fsutil import atomic_write_json
from lake.warehouse.layout import WarehouseLayout

ABANDONED = "abandoned"
"""The outcome of a run whose process died (kill -9, a power cut) before closing its record."""


def new_run_id() -> str:
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Stage:
    name: str
    status: str = "running"
    started_at: str = field(default_factory=now_iso)
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class NextAction:
    """Something a person or an agent should do, with the command that starts it."""

    kind: str
    message: str
    command: str = ""


@dataclass
class RunRecord:
    run_id: str
    command: str
    started_at: str = field(default_factory=now_iso)
    ended_at: str = ""
    status: str = "running"
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    stages: list[Stage] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    tests: dict[str, int] = field(default_factory=dict)
    failing_tests: list[dict[str, Any]] = field(default_factory=list)
    stale_sources: list[dict[str, Any]] = field(default_factory=list)
    published_version: str | None = None
    next_actions: list[NextAction] = field(default_factory=list)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        stage = Stage(name)
        self.stages.append(stage)
        return stage

    def fail(self, error: BaseException, stage: Stage | None = None) -> None:
        """End the run as failed with `error` (on `stage`, when given): no record stays
        `running` because an exception went through the command."""
        text = "interrupted" if isinstance(error, KeyboardInterrupt) else _error_text(error)
        if stage is not None:
            stage.status = "error"
            stage.detail["error"] = text
        self.status = "failed"
        self.ended_at = now_iso()

    def abandon(self) -> None:
        """Close the record of a run whose process is gone."""
        why = f"pid {self.pid} on {self.host or '?'} ended without closing this run (killed?)"
        for stage in self.stages:
            if stage.status == "running":
                stage.status = ABANDONED
                stage.detail["error"] = why
        self.status = ABANDONED
        self.ended_at = now_iso()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        data = dict(data)
        data["stages"] = [Stage(**s) for s in data.get("stages", [])]
        data["next_actions"] = [NextAction(**a) for a in data.get("next_actions", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, layout: WarehouseLayout) -> Path:
        path = layout.runs / f"{self.run_id}.json"
        atomic_write_json(path, self.to_dict())
        return path


def load_runs(layout: WarehouseLayout, limit: int | None = None) -> list[RunRecord]:
    """Run records, newest first (unreadable documents are skipped)."""
    records = []
    for path in layout.runs.glob("*.json") if layout.runs.exists() else []:
        try:
            records.append(RunRecord.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue
    records.sort(key=lambda r: r.started_at, reverse=True)
    return records[:limit] if limit else records


def _error_text(error: BaseException) -> str:
    return str(error) or type(error).__name__


def close_abandoned(layout: WarehouseLayout, current_run: str | None = None) -> list[str]:
    """Close (as `abandoned`) the records left `running` by processes that died; their ids.

    A record is `running` only while its process holds the run lock. With `current_run` (the
    caller holds the lock: a new run or build) every other running record is abandoned;
    without it (`lake status`), those whose process is gone from this host."""
    closed = []
    for record in load_runs(layout):
        if record.status != "running" or record.run_id == current_run:
            continue
        if current_run is None and _may_be_alive(record):
            continue
        record.abandon()
        record.save(layout)
        closed.append(record.run_id)
    return closed


def _may_be_alive(record: RunRecord) -> bool:
    """False when the record's process is certainly gone (this host, no such pid)."""
    if record.host != socket.gethostname():
        return True  # cannot tell from here: the next run on the lake closes it
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_run(layout: WarehouseLayout, run_id: str) -> RunRecord | None:
    path = layout.runs / f"{run_id}.json"
    try:
        return RunRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


LEDGER_DDL = """
create schema if not exists lake_ops;
create or replace table lake_ops.runs (
    run_id varchar primary key, command varchar, status varchar,
    started_at timestamptz, ended_at timestamptz, published_version varchar,
    files_landed integer, files_ingested integer, files_duplicate integer,
    files_quarantined integer, tests_passed integer, tests_warned integer,
    tests_failed integer, stale_sources integer
);
create or replace table lake_ops.run_stages (
    run_id varchar, stage varchar, status varchar, started_at timestamptz, seconds double,
    detail json
);
create or replace table lake_ops.run_models (run_id varchar, model varchar, row_count bigint);
create or replace table lake_ops.run_next_actions (
    run_id varchar, kind varchar, message varchar, command varchar
);
comment on table lake_ops.runs is 'One row per lake run (the JSON documents under runs/).';
comment on table lake_ops.run_stages is
    'Per run and stage (extract, ingest, build, publish, docs): status and duration.';
comment on table lake_ops.run_models is 'Rows per model, seed and snapshot after each build.';
comment on table lake_ops.run_next_actions is
    'What to do after each run: failing tests, stale sources, quarantined files.';
"""


def write_ledger_tables(con: duckdb.DuckDBPyConnection, records: list[RunRecord]) -> None:
    """(Re)write the lake_ops ledger tables from the run documents."""
    con.execute(LEDGER_DDL)
    for record in records:
        files, tests = record.files, record.tests
        con.execute(
            "insert into lake_ops.runs values (?, ?, ?, ?, nullif(?, '')::timestamptz, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.run_id,
                record.command,
                record.status,
                record.started_at,
                record.ended_at,
                record.published_version,
                files.get("landed"),
                files.get("ingested"),
                files.get("duplicate"),
                files.get("quarantined"),
                tests.get("passed"),
                tests.get("warned"),
                tests.get("failed"),
                len(record.stale_sources),
            ],
        )
        for stage in record.stages:
            con.execute(
                "insert into lake_ops.run_stages values (?, ?, ?, ?, ?, ?)",
                [
                    record.run_id,
                    stage.name,
                    stage.status,
                    stage.started_at,
                    stage.seconds,
                    json.dumps(stage.detail, default=str),
                ],
            )
        if record.rows:
            con.executemany(
                "insert into lake_ops.run_models values (?, ?, ?)",
                [[record.run_id, model, rows] for model, rows in record.rows.items()],
            )
        if record.next_actions:
            con.executemany(
                "insert into lake_ops.run_next_actions values (?, ?, ?, ?)",
                [[record.run_id, a.kind, a.message, a.command] for a in record.next_actions],
            )
