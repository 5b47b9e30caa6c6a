"""dbt, run in-process through its programmatic runner (`dbtRunner`), on one lake root.

dbt reads its paths from the environment (profiles.yml: LAKE_ROOT, LAKE_DUCKDB_PATH), so each
invocation sets them for its duration only. dbt-duckdb keeps its DuckDB instance open for the
life of the process; it is closed after every invocation so the caller can open the database
(or publish the file) next.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest
from dbt_common.events.base_types import EventMsg

from lake.config import PROJECT_DIR
from lake.errors import LakeError

QUIET_ENV = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


class DbtError(LakeError):
    """dbt itself could not run (a parse or compilation error, a broken profile)."""


@dataclass(frozen=True)
class NodeOutcome:
    """One model, seed, snapshot or test of a dbt invocation."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    severity: str = ""
    message: str = ""
    failures: int | None = None
    seconds: float = 0.0
    relation: str = ""

    @property
    def is_test(self) -> bool:
        return self.resource_type in ("test", "unit_test")

    def to_dict(self) -> dict[str, Any]:
        return {
            "unique_id": self.unique_id,
            "resource_type": self.resource_type,
            "name": self.name,
            "status": self.status,
            "severity": self.severity,
            "message": self.message,
            "failures": self.failures,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class NodeProgress:
    """A node of an invocation finished: `done` of `total`, its name and status."""

    done: int
    total: int
    name: str
    status: str


NodeCallback = Callable[[NodeProgress], None]

RESULT_EVENTS = frozenset({"LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult"})
"""dbt's events for a finished model, seed, snapshot, data or unit test (with the total)."""


class NodeCounter:
    """A `dbtRunner` callback counting finished nodes for `on_node` (which never breaks dbt)."""

    def __init__(self, on_node: NodeCallback) -> None:
        self.on_node = on_node
        self.done = 0

    def __call__(self, event: EventMsg) -> None:
        if event.info.name not in RESULT_EVENTS:
            return
        data = event.data
        self.done += 1
        total = int(getattr(data, "total", 0) or getattr(data, "num_models", 0) or 0)
        name = data.node_info.node_name or getattr(data, "name", "")
        with contextlib.suppress(Exception):  # progress is a display: it never fails a build
            self.on_node(NodeProgress(self.done, max(total, self.done), name, str(data.status)))


@dataclass
class DbtProject:
    """The repository's dbt project, pointed at one lake root and one database file."""

    lake_root: Path
    database: Path | None
    target_dir: Path
    log_dir: Path
    target: str = "dev"
    project_dir: Path = PROJECT_DIR
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def invoke(
        self,
        args: Sequence[str],
        *,
        manifest: Manifest | None = None,
        on_node: NodeCallback | None = None,
    ) -> dbtRunnerResult:
        """Run dbt with `args`; `on_node` hears of every node as it finishes (done/total)."""
        env = {**QUIET_ENV, "LAKE_ROOT": str(self.lake_root), **self.extra_env}
        if self.database is not None:
            env["LAKE_DUCKDB_PATH"] = str(self.database)
        argv = [
            *args,
            "--project-dir",
            str(self.project_dir),
            "--profiles-dir",
            str(self.project_dir),
            "--target",
            self.target,
            "--target-path",
            str(self.target_dir),
            "--log-path",
            str(self.log_dir),
            "--no-use-colors",
            "--log-level",
            "none",
            "--log-level-file",
            "info",
        ]
        cwd = Path.cwd()
        with environment(env):
            try:
                callbacks = [NodeCounter(on_node)] if on_node is not None else []
                return dbtRunner(manifest=manifest, callbacks=callbacks).invoke(argv)
            finally:
                os.chdir(cwd)  # dbt moves into the project directory
                release_duckdb()

    def parse(self) -> Manifest:
        result = self.invoke(["parse"])
        if not result.success or not isinstance(result.result, Manifest):
            raise DbtError(
                f"dbt could not parse the project: {describe_exception(result)}",
                f"run `dbt parse --profiles-dir .` in {self.project_dir} to see the details",
            )
        return result.result


def describe_exception(result: dbtRunnerResult) -> str:
    if result.exception is not None:
        return str(result.exception).strip().splitlines()[0]
    return "see the dbt log"


def node_outcomes(result: dbtRunnerResult) -> list[NodeOutcome]:
    """Every node of a build/run/test invocation, with its status and (for tests) severity."""
    execution = result.result
    outcomes: list[NodeOutcome] = []
    for item in getattr(execution, "results", None) or []:
        node = item.node
        config = getattr(node, "config", None)
        relation = getattr(node, "relation_name", None) or ""
        outcomes.append(
            NodeOutcome(
                unique_id=node.unique_id,
                resource_type=str(node.resource_type),
                name=node.name,
                status=str(item.status),
                severity=str(getattr(config, "severity", "") or "").lower(),
                message=str(item.message or ""),
                failures=item.failures,
                seconds=float(item.execution_time or 0.0),
                relation=str(relation),
            )
        )
    return outcomes


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps for the life of the process."""
    instance = DuckDBConnectionManager._ENV
    if instance is not None:
        instance.close()
    DuckDBConnectionManager.close_all_connections()
