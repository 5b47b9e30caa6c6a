"""Every run record ends with an outcome (issue 13, item 5): a build that raises, and a build
killed with SIGKILL, whose record the next `lake status` or `lake build` closes."""

from __future__ import annotations

import json
import signal

import pytest

from lake.config import LakePaths
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import load_run, load_runs
from tests.warehouse.conftest import TinyLake


def _only_run(tiny: TinyLake) -> dict:
    (record,) = load_runs(tiny.layout)
    return record.to_dict()


def test_a_build_that_fails_to_start_ends_its_record_failed(tiny: TinyLake) -> None:
    """Item 5: `lake build --project-dir /nonexistent` failed clearly but left its record
    `running` forever, and `lake status` showed it running."""
    result = tiny.lake("build", "--project-dir", "/nonexistent")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    record = _only_run(tiny)
    assert record["status"] == "failed" and record["ended_at"]
    (stage,) = record["stages"]
    assert stage["name"] == "build" and stage["status"] == "error"
    assert "/nonexistent" in stage["detail"]["error"]
    status = json.loads(tiny.lake("status", "--no-freshness", "--json", check=True).stdout)
    assert [run["status"] for run in status["runs"]] == ["failed"]


def test_a_killed_build_is_closed_as_abandoned_by_status_and_by_the_next_build(
    tiny: TinyLake,
) -> None:
    """Item 5: a record left `running` by a process that died (kill -9) is found and closed
    by `lake status` (nothing holds the lock) and by the next build."""
    killed = tiny.lake("build", LAKE_TEST_CRASH_AT="build.after-models")
    assert killed.returncode == -signal.SIGKILL
    run_id = _only_run(tiny)["run_id"]
    assert _only_run(tiny)["status"] == "running"

    status = json.loads(tiny.lake("status", "--no-freshness", "--json", check=True).stdout)
    assert [(r["run_id"], r["status"]) for r in status["runs"]] == [(run_id, "abandoned")]
    closed = load_run(tiny.layout, run_id)
    assert closed is not None and closed.ended_at
    assert closed.stages[0].status == "abandoned"
    assert f"pid {closed.pid}" in closed.stages[0].detail["error"]

    again = tiny.lake("build", LAKE_TEST_CRASH_AT="build.after-models")
    assert again.returncode == -signal.SIGKILL
    tiny.lake("build", check=True)
    outcomes = [(r.run_id == run_id, r.status) for r in load_runs(tiny.layout)]
    assert sorted(outcomes) == [(False, "abandoned"), (False, "built"), (True, "abandoned")]


def test_an_unexpected_error_in_a_run_ends_its_record_failed(tmp_path, monkeypatch) -> None:
    """Item 5: an exception that is not a LakeError went through `lake run`'s stage, which
    stayed `running`, and the run was then recorded `ok`."""
    from lake.warehouse import run as run_module

    def broken_build(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(run_module, "run_build", broken_build)
    pipeline = run_module.Pipeline(LakePaths(tmp_path).ensure(), run_module.RunOptions("build"))
    with pytest.raises(RuntimeError):
        pipeline.run()
    (record,) = load_runs(pipeline.layout)
    assert record.status == "failed" and record.ended_at
    assert [(s.name, s.status, s.detail.get("error")) for s in record.stages] == [
        ("build", "error", "the disk is full")
    ]


def test_a_publish_that_raises_does_not_record_a_publication(tmp_path, monkeypatch) -> None:
    """Item 5: an exception in `lake publish` after the version was chosen left the record
    saying `published`, with a version that was never published."""
    from typer.testing import CliRunner

    from lake.cli import app
    from lake.warehouse import cli as cli_module

    def broken_publish(layout: object, *, before_stamp, **kwargs: object) -> None:
        before_stamp("20261206T000000Z")
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cli_module, "publish", broken_publish)
    result = CliRunner().invoke(app, ["publish", "--root", str(tmp_path)])
    assert isinstance(result.exception, RuntimeError)
    layout = WarehouseLayout(LakePaths(tmp_path))
    (record,) = load_runs(layout)
    assert (record.status, record.published_version) == ("failed", None)
    assert record.stages[0].detail["error"] == "the disk is full"
