"""Plain dbt on a fresh clone, from any directory (issue 13, item 9).

A copy of the repository's dbt project (no lake, no LAKE_ROOT) is driven by the dbt command
from another, empty directory: the profile must find (and create the folder of) the project's
own `datalake/warehouse/build.duckdb`, and sources must read the project's `datalake/raw/`,
not paths relative to wherever dbt was started."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lake.config import PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots")
PROJECT_PARTS += ("analyses", "tests/dbt")


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    for part in PROJECT_PARTS:
        source, target = PROJECT_DIR / part, clone / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("target", "logs"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return clone


def _dbt(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKE_", "DBT_"))}
    env["DO_NOT_TRACK"] = "1"
    return subprocess.run(
        [str(DBT), *args, "--no-use-colors"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_dbt_debug_and_compile_work_from_another_directory(
    fresh_clone: Path, tmp_path: Path
) -> None:
    """Item 9: from another directory the default lake root resolved against the current
    directory, and DuckDB could not open a database whose folder did not exist."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = ("--project-dir", str(fresh_clone), "--profiles-dir", str(fresh_clone))
    debug = _dbt(elsewhere, "debug", *where)
    assert debug.returncode == 0, debug.stdout + debug.stderr
    assert "Connection test: [OK connection ok]" in debug.stdout
    assert (fresh_clone / "datalake" / "warehouse" / "build.duckdb").exists()

    compiled = _dbt(elsewhere, "compile", "-s", "stg_distrokid__bank_details", *where)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    assert f"read_parquet('{fresh_clone}/datalake/raw/_source=distrokid/" in compiled.stdout
    assert list(elsewhere.iterdir()) == []


def test_dbt_debug_works_from_the_root_of_a_fresh_clone(fresh_clone: Path) -> None:
    """Item 9: `dbt debug --profiles-dir .` (and so `dbt build`) from the repository root
    failed until `make demo` had created `datalake/warehouse/`."""
    debug = _dbt(fresh_clone, "debug", "--profiles-dir", ".")
    assert debug.returncode == 0, debug.stdout + debug.stderr
    assert (fresh_clone / "datalake" / "warehouse" / "build.duckdb").exists()
