"""Run the repository's dbt project in-process against a throwaway lake.

Every run gets its own lake root, build database, target and log directories, so runs never
share state with each other, with `make demo` or with a developer's `./datalake`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner, dbtRunnerResult

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.schema_files import ensure_schema_files

PROJECT_DIR = Path(__file__).resolve().parents[2]


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
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


def run_dbt(args: Sequence[str], *, lake_root: Path, work_dir: Path) -> dbtRunnerResult:
    """Run `dbt <args>` on this project with LAKE_ROOT=`lake_root` (build database at the
    default `$LAKE_ROOT/warehouse/build.duckdb`); dbt's target and logs go under `work_dir`."""
    (lake_root / "warehouse").mkdir(parents=True, exist_ok=True)
    # what every `lake ingest` guarantees, also for raw zones a test wrote by hand: every
    # declared dataset reads (zero rows when nothing landed) with all its columns
    ensure_schema_files(LakePaths(lake_root).ensure(), all_datasets())
    env = {
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "LAKE_ROOT": str(lake_root),
        "LAKE_DUCKDB_PATH": str(build_database(lake_root)),
    }
    cwd = Path.cwd()
    with _environment(env):
        try:
            return dbtRunner().invoke(
                [
                    *args,
                    "--project-dir",
                    str(PROJECT_DIR),
                    "--profiles-dir",
                    str(PROJECT_DIR),
                    "--target-path",
                    str(work_dir / "target"),
                    "--log-path",
                    str(work_dir / "logs"),
                    "--no-use-colors",
                ]
            )
        finally:
            os.chdir(cwd)  # dbt moves into the project directory
            _release_duckdb()


def _release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open for the life of the process; close it so the
    test (or the next run, with other settings) can open the build database itself."""
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def build_database(lake_root: Path) -> Path:
    return lake_root / "warehouse" / "build.duckdb"
