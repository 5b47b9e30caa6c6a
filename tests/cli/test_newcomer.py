"""The README's newcomer path in an 80-column terminal and in a pipe: `lake --help` and
`lake status` on a new lake show no traceback, no duplicated line and no wrapped table row
(issue 13, acceptance)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from lake.config import LakePaths
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import RunRecord

LAKE = Path(sys.executable).with_name("lake")
PLATFORMS = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
WIDTH = 80


def _lake(*args: str) -> str:
    """Run `lake` in a pipe with COLUMNS=80; stdout and stderr together, as a person sees."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAKE_")}
    env.update(COLUMNS=str(WIDTH), DO_NOT_TRACK="1")
    result = subprocess.run(
        [str(LAKE), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def _wrapped_rows(lines: list[str]) -> list[str]:
    """Lines that continue a table row: an empty first cell next to a filled one, or a help
    panel line whose text starts in the description column."""
    wrapped = []
    for line in lines:
        cells = [cell.strip() for cell in re.split(r"[│┃]", line)[1:-1]]
        continued = len(cells) > 1 and not cells[0] and any(cells[1:])
        if continued or (len(cells) == 1 and re.match(r"^│ {3,}\S", line)):
            wrapped.append(line)
    return wrapped


def _check_screen(text: str) -> None:
    lines = text.splitlines()
    assert "Traceback" not in text
    assert all(len(line) <= WIDTH for line in lines), max(lines, key=len)
    assert _wrapped_rows(lines) == []
    words = [line.strip() for line in lines if re.search(r"[A-Za-z]", line)]
    assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]


def test_help_fits_80_columns() -> None:
    """Newcomer path: the command list used to wrap most descriptions over two lines."""
    text = _lake("--help")
    _check_screen(text)
    assert "status" in text and "Last runs, source freshness" in text


def test_status_of_a_new_lake_fits_80_columns(tmp_path: Path) -> None:
    """Newcomer path: `lake status` on a new lake printed an empty runs table and a freshness
    table of 38 `runtime error` rows, each wrapped over two lines."""
    root = tmp_path / "lake"
    _lake("land", str(PLATFORMS / "tiktok"), "--source", "tiktok", "--root", str(root))
    text = _lake("status", "--root", str(root))
    _check_screen(text)
    assert "published: nothing yet" in text
    assert "source tables with no raw data yet: competitors (3), distrokid (6)" in text


def test_status_with_runs_fits_80_columns(tmp_path: Path) -> None:
    """Newcomer path: the last-runs table's rows (ids, ISO times, stages) wrapped."""
    layout = WarehouseLayout(LakePaths(tmp_path / "lake").ensure()).ensure()
    for command in ("lake build", "lake run"):
        record = RunRecord(run_id=f"20261206T1524{len(command)}Z-4b106a", command=command)
        record.stage("build").seconds = 61.5
        record.stage("publish").seconds = 2.4
        record.status, record.tests = "failed", {"passed": 1405, "warned": 3, "failed": 1}
        record.ended_at = record.started_at
        record.save(layout)
    text = _lake("status", "--no-freshness", "--root", str(layout.paths.root))
    _check_screen(text)
    assert "last runs" in text and "1405/3/1" in text
