"""The bad-input suite: hostile landing files built here, and the reconciliation every case
must pass (landing intact, rows in = raw + rejected, lineage unique, nothing outside the
lake, scratch empty, an actionable reason for every quarantined file)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.ingest.engine import IngestSummary
from tests.ingest.conftest import WIDGETS, Lake

__all__ = ["WIDGETS", "Lake", "reconcile"]


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(LakePaths(tmp_path / "lake").ensure())


def reconcile(lake: Lake, summary: IngestSummary, *, datasets: list[tuple[str, str]]) -> None:
    """What every bad-input case must hold after an ingest."""
    outside = {p for p in lake.paths.root.parent.iterdir() if p != lake.paths.root}
    assert not outside, f"written outside the lake root: {outside}"
    for landing_file in lake.files:
        data = landing_file.path.read_bytes()
        assert hashlib.sha256(
            data
        ).hexdigest() == landing_file.sha256 or landing_file.name.startswith("changed"), (
            f"landing file changed: {landing_file.rel_path}"
        )
    assert not [p for p in lake.paths.tmp.rglob("*") if p.is_file()], "scratch left behind"
    for outcome in summary.files:
        if outcome.status == "quarantined":
            reason = outcome.reason or {}
            assert reason.get("what_to_do") and reason.get("error", {}).get("message")
            assert "lake quarantine retry" in reason.get("retry", "")
        for output in outcome.outputs:
            assert output.rows_landed == output.rows_raw + output.rows_rejected
    for source, dataset in datasets:
        rows = lake.raw(dataset, source)
        lineage = [(r["_source_file"], r["_row_number"]) for r in rows]
        assert len(lineage) == len(set(lineage)), "duplicated lineage"
        ingested = [o for o in summary.files if o.status == "ingested"]
        assert len(rows) == sum(
            out.rows_raw for o in ingested for out in o.outputs if out.dataset == dataset
        )
