"""The demo lake the e2e tests read: `make test`'s e2e run (LAKE_E2E_ROOT), else one made here
by `lake run` on the sandbox (about five minutes on two cores)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.warehouse.layout import WarehouseLayout

LAKE_BIN = Path(sys.executable).with_name("lake")
SANDBOX_TODAY = "2026-11-20"
SANDBOX_ORIGIN = "2024-11-20"


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> WarehouseLayout:
    given = os.environ.get("LAKE_E2E_ROOT")
    if given and (Path(given) / "warehouse" / "lake.duckdb").exists():
        return WarehouseLayout(LakePaths(Path(given)))
    root = tmp_path_factory.mktemp("e2e") / "lake"
    subprocess.run(
        [
            str(LAKE_BIN),
            "sandbox",
            "exec",
            "--today",
            SANDBOX_TODAY,
            "--origin",
            SANDBOX_ORIGIN,
            "--",
            str(LAKE_BIN),
            "run",
            "--root",
            str(root),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    return WarehouseLayout(LakePaths(root))
