"""`lake status`: the last runs, source freshness, the published version, open quarantine.

Freshness comes from `dbt source freshness` with the thresholds declared per source in the
YAML; it runs on an in-memory DuckDB (the sources are the raw zone's Parquet files), so it
needs no database and never waits for a running build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lake.ingest import quarantine
from lake.warehouse.build import freshness_outcomes, read_verdict
from lake.warehouse.dbt import DbtProject, describe_exception
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import close_abandoned, load_runs
from lake.warehouse.lock import is_locked, read_owner
from lake.warehouse.publish import current_version, list_versions


def source_freshness(
    layout: WarehouseLayout, project_dir: Path | None = None
) -> tuple[list[dict[str, Any]], str]:
    """(per source table freshness, error text if dbt could not run)."""
    project = DbtProject(
        lake_root=layout.paths.root,
        database=None,
        target_dir=layout.dbt_dir / "status-target",
        log_dir=layout.dbt_dir / "logs",
        target="memory",
    )
    if project_dir is not None:
        project.project_dir = project_dir
    result = project.invoke(["source", "freshness"])
    outcomes = [item.to_dict() for item in freshness_outcomes(result)]
    error = "" if outcomes or result.exception is None else describe_exception(result)
    return outcomes, error


def lake_status(
    layout: WarehouseLayout,
    *,
    runs: int = 5,
    freshness: bool = True,
    project_dir: Path | None = None,
) -> dict[str, Any]:
    close_abandoned(layout)  # runs whose process died (kill -9) end as `abandoned`
    current = current_version(layout)
    versions = list_versions(layout)
    published = next((v for v in versions if v.version == current), None)
    records = load_runs(layout, limit=runs)
    status: dict[str, Any] = {
        "lake_root": str(layout.paths.root),
        "published": {
            "version": current,
            "path": str(layout.published) if current else None,
            "published_at": published.published_at if published else None,
            "run_id": published.run_id if published else None,
            "docs": str(layout.docs_site) if layout.docs_site.exists() else None,
        },
        "versions": [v.to_dict() for v in versions],
        "running": read_owner(layout.lock) if is_locked(layout.lock) else None,
        "last_build": _build_summary(read_verdict(layout)),
        "runs": [_run_summary(r.to_dict()) for r in records],
        "next_actions": [a.__dict__ for a in records[0].next_actions] if records else [],
        "quarantine": [
            {
                "file": item.get("landing_path"),
                "source": item.get("source"),
                "quarantined_at": item.get("quarantined_at"),
                "error": item.get("error", {}).get("message"),
                "command": item.get("retry"),
            }
            for item in quarantine.items(layout.paths)
        ],
    }
    if freshness:
        status["freshness"], status["freshness_error"] = source_freshness(layout, project_dir)
    return status


def _build_summary(verdict: dict[str, Any] | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    keys = ("run_id", "ok", "finished_at", "error", "tests", "models", "published_version")
    summary = {key: verdict.get(key) for key in keys}
    summary["failed"] = [node["name"] for node in verdict.get("failed", [])]
    return summary


def _run_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "run_id": record["run_id"],
        "command": record["command"],
        "status": record["status"],
        "started_at": record["started_at"],
        "ended_at": record["ended_at"],
        "published_version": record["published_version"],
        "files": record["files"],
        "tests": record["tests"],
        "stages": {s["name"]: [s["status"], s["seconds"]] for s in record["stages"]},
    }
