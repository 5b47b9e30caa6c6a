"""The governance logs, one JSON object per line under `$LAKE_ROOT/logs/`:
`access.jsonl` (every role query, refused or not) and `audit.jsonl` (retention, erasure,
backup and restore actions: what, why, which policy, when)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lake.config import LakePaths


def logs_dir(paths: LakePaths) -> Path:
    return paths.root / "logs"


def access_log(paths: LakePaths) -> Path:
    return logs_dir(paths) / "access.jsonl"


def audit_log(paths: LakePaths) -> Path:
    return logs_dir(paths) / "audit.jsonl"


def now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat(timespec="seconds")


def append(path: Path, record: dict[str, Any]) -> None:
    """One line, appended in one write (O_APPEND), fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def audit(paths: LakePaths, event: str, **details: Any) -> None:
    """One audit record: `event` (e.g. `retention.archive`, `erase.file`) and its details."""
    at = details.pop("at", None) or now_iso()
    append(audit_log(paths), {"at": at, "event": event, **details})


def read(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]
