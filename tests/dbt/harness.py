"""Run the repository's dbt project in-process against a throwaway lake.

Every run gets its own lake root, build database, target and log directories, so runs never
share state with each other, with `make demo` or with a developer's `./datalake`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.schema_files import ensure_schema_files
from lake.warehouse.dbt import environment, release_duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_dbt(args: Sequence[str], *, lake_root: Path, work_dir: Path) -> dbtRunnerResult:
    """Run `dbt <args>` on this project with LAKE_ROOT=`lake_root` (build database at the
    default `$LAKE_ROOT/warehouse/build.duckdb`); dbt's logs go under `work_dir`.

    Parsing the project takes dbt ~20 s, and a new LAKE_ROOT or target path makes it parse
    from scratch. So every run of one test process sees the same LAKE_ROOT, a symlink
    re-pointed at this run's lake, and the same target path: dbt's partial parsing then
    reuses the previous run's parse (runs within a process are sequential)."""
    (lake_root / "warehouse").mkdir(parents=True, exist_ok=True)
    # what every `lake ingest` guarantees, also for raw zones a test wrote by hand: every
    # declared dataset reads (zero rows when nothing landed) with all its columns
    ensure_schema_files(LakePaths(lake_root).ensure(), all_datasets())
    stable = _stable_dir()
    link = _point(stable / "lake", lake_root)
    env = {
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "LAKE_ROOT": str(link),
        "LAKE_DUCKDB_PATH": str(build_database(link)),
    }
    cwd = Path.cwd()
    with environment(env):
        try:
            return dbtRunner().invoke(
                [
                    *args,
                    "--project-dir",
                    str(PROJECT_DIR),
                    "--profiles-dir",
                    str(PROJECT_DIR),
                    "--target-path",
                    str(stable / "target"),
                    "--log-path",
                    str(work_dir / "logs"),
                    "--no-use-colors",
                ]
            )
        finally:
            os.chdir(cwd)  # dbt moves into the project directory
            release_duckdb()


def _stable_dir() -> Path:
    """One directory per test process (xdist worker), outside any test's tmp_path."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = Path(tempfile.gettempdir()) / f"lake-dbt-tests-{os.getuid()}-{os.getpid()}-{worker}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _point(link: Path, target: Path) -> Path:
    """Make `link` a symlink to `target`, replacing what it pointed at before (atomically)."""
    staged = link.with_name(link.name + ".new")
    staged.unlink(missing_ok=True)
    staged.symlink_to(target.resolve(), target_is_directory=True)
    staged.replace(link)
    return link


def build_database(lake_root: Path) -> Path:
    return lake_root / "warehouse" / "build.duckdb"
