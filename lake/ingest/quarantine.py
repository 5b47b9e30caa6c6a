"""Files in quarantine: list them, show one, find the ones to retry.

Each quarantined file sits at `quarantine/<source>/<stamp>/<name>` beside
`<name>.reason.json` (what failed, where, what to do). A retry re-reads the landing original
(landing is immutable) with the current contracts; on success the reason is marked resolved
and kept, so the quarantine zone never loses a record of what happened.
"""

from __future__ import annotations

import json
from typing import Any

from lake.config import LakePaths
from lake.errors import NotFoundError, ValidationError
from lake.ingest.outcomes import REJECTS_DIR
from lake.ingest.sql import literal


def items(paths: LakePaths, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not paths.quarantine.exists():
        return found
    for reason_path in sorted(paths.quarantine.rglob("*.reason.json")):
        if reason_path.relative_to(paths.quarantine).parts[0] == REJECTS_DIR:
            continue
        reason = json.loads(reason_path.read_text())
        if include_resolved or not reason.get("resolved_at"):
            found.append(reason)
    return sorted(found, key=lambda r: (r.get("quarantined_at") or "", r.get("landing_path", "")))


def find(paths: LakePaths, ref: str) -> dict[str, Any]:
    """One quarantine item by SHA-256 prefix (6+ characters), landing or quarantine path."""
    ref = ref.strip()
    if not ref:
        raise ValidationError("give a SHA-256 prefix or a path of a quarantined file")
    matches = [
        item
        for item in items(paths, include_resolved=True)
        if (len(ref) >= 6 and item["sha256"].startswith(ref.lower()))
        or ref in (item["landing_path"], item["quarantine_path"], item["file"])
    ]
    if not matches:
        raise NotFoundError(f"no quarantined file matches '{ref}'", "see 'lake quarantine list'")
    if len({m["sha256"] for m in matches}) > 1:
        raise ValidationError(
            f"'{ref}' matches {len(matches)} quarantined files",
            "give more characters of the SHA-256 (see 'lake quarantine list')",
        )
    return matches[0]


def rejects_summary(paths: LakePaths) -> list[dict[str, Any]]:
    """Rejected rows per source, dataset and file (from the rejects table)."""
    root = paths.quarantine / REJECTS_DIR
    if not any(root.glob("_source=*/_dataset=*/_date=*/*.parquet")):
        return []
    import duckdb

    glob = (root / "_source=*/_dataset=*/_date=*/*.parquet").as_posix()
    rows = duckdb.sql(
        "select _source, _dataset, _source_file, count(*) as rows, min(error) as first_error "
        f"from read_parquet({literal(glob)}, hive_partitioning = true) "
        "group by all order by all"
    ).fetchall()
    keys = ("source", "dataset", "source_file", "rows", "first_error")
    return [dict(zip(keys, row, strict=True)) for row in rows]
