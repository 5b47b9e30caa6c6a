"""Issue 14 defect 1 (a failed stage is never ok) and 8 (symlinks, quotes in LAKE_ROOT, the
ingest's refusal hint, the build's ingest lock)."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.errors import LockedError
from lake.fsutil import file_lock
from lake.ingest import quarantine
from lake.ingest.engine import Ingestor
from lake.landing.cli import _expand
from tests.badinput.conftest import WIDGETS, Lake


def test_land_dir_skips_symlinks_inside_the_folder(tmp_path: Path, capsys) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.csv").write_text("a\n")
    (folder / "link.csv").symlink_to(secret)
    (folder / "linked_dir").symlink_to(tmp_path)
    chosen = list(_expand([folder]))
    assert chosen == [folder / "sub" / "real.csv"]
    assert "skipped" in capsys.readouterr().err


def test_quarantine_rows_with_a_quote_in_the_lake_root(tmp_path: Path) -> None:
    lake = Lake(LakePaths(tmp_path / "o'brien lake").ensure())
    lake.land("widgets.csv", "id,name,price\n1,a,x\n2,b,1.00\n")
    Ingestor(lake.paths, [WIDGETS]).run(lake.files)
    rows = quarantine.rejects_summary(lake.paths)
    assert rows and rows[0]["rows"] == 1


def test_the_ingest_refusal_names_no_missing_option(lake: Lake) -> None:
    ingestor = Ingestor(lake.paths, [WIDGETS])
    with file_lock(ingestor.lock_path), pytest.raises(LockedError) as error:
        ingestor.run([], wait=False)
    assert "--wait" not in str(error.value)


def test_a_build_holds_the_ingest_lock(tmp_path: Path, monkeypatch) -> None:
    from lake.warehouse import build
    from lake.warehouse.layout import WarehouseLayout

    paths = LakePaths(tmp_path / "lake").ensure()
    held: list[bool] = []

    def probe(layout, *args):  # type: ignore[no-untyped-def]
        with paths.ingest_lock.open("a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                held.append(False)
            except BlockingIOError:
                held.append(True)
        return None

    monkeypatch.setattr(build, "_build", probe)
    build.run_build(WarehouseLayout(paths), "run-1")
    assert held == [True]


def test_a_stage_that_raised_is_never_recorded_ok(tmp_path: Path, monkeypatch) -> None:
    from lake.warehouse import run

    paths = LakePaths(tmp_path / "lake").ensure()
    pipeline = run.Pipeline(paths, run.RunOptions(start="ingest"))

    def boom(stage):  # type: ignore[no-untyped-def]
        raise NotImplementedError("That compression method is not supported")

    monkeypatch.setattr(pipeline, "_ingest", boom)
    with pytest.raises(NotImplementedError):
        pipeline.run()
    stages = {s.name: s.status for s in pipeline.record.stages}
    assert stages["ingest"] == "error"
    assert pipeline.record.status == "failed"
