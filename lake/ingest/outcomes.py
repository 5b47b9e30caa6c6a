"""What an ingest batch reads and decides: the landing files, each file's outcome, the
batch summary, and the quarantine of a file that failed its contract (copy + reason)."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from lake.config import LakePaths
from lake.errors import ContractError
from lake.failpoints import crash_point
from lake.fsutil import atomic_write_json, atomic_writer
from lake.ingest.scan import LineCount, hash_and_count

if TYPE_CHECKING:
    from lake.ingest.contract import Dataset
    from lake.ingest.ledger import LedgerRow

REJECTS_DIR = "_rows"


@dataclass(frozen=True)
class LandingFile:
    """A file in the landing zone, as the landing store describes it."""

    path: Path
    rel_path: str
    source: str
    name: str
    sha256: str
    size: int
    landed_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)
    key: str | None = None  # the ledger's key, when an older ledger row keys it the old way

    @property
    def ingest_key(self) -> str:
        """What "exactly once" counts: the file's bytes, the source and the account they
        belong to.

        Two accounts can receive byte-identical answers (two Linktree profiles with no
        subscribers yet), and the same bytes landed under another source (a file first
        landed under the wrong one) are read by other contracts: those are different facts,
        not one file landed twice."""
        if self.key:
            return self.key
        account = self.metadata.get("account")
        text = f"{self.sha256}\nsource={self.source}"
        if account not in (None, ""):
            text += f"\naccount={account}"
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def legacy_key(self) -> str:
        """The key of ledgers written before the source was part of it: the SHA-256, or of
        the SHA-256 and the account. Such a row means this file only for the same source."""
        account = self.metadata.get("account")
        if account in (None, ""):
            return self.sha256
        return hashlib.sha256(f"{self.sha256}\naccount={account}".encode()).hexdigest()

    @property
    def dataset_hint(self) -> str | None:
        value = self.metadata.get("dataset")
        return str(value) if value else None


@dataclass
class DatasetOutput:
    dataset: str
    layout: str
    member: str | None
    rows_landed: int
    rows_raw: int
    rows_rejected: int
    raw_path: str | None
    rejects_path: str | None
    rescued_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    # the file's own columns named like lineage columns: kept in `_rescued`, never as lineage
    lineage_named: list[str] = field(default_factory=list)


@dataclass
class FileOutcome:
    landing_path: str
    source: str
    sha256: str
    status: str  # ingested | quarantined | duplicate
    outputs: list[DatasetOutput] = field(default_factory=list)
    reason: dict[str, Any] | None = None
    quarantine_path: str | None = None
    duplicate_of: str | None = None
    what_to_do: str | None = None

    @property
    def rows_landed(self) -> int:
        return sum(o.rows_landed for o in self.outputs)

    @property
    def rows_raw(self) -> int:
        return sum(o.rows_raw for o in self.outputs)

    @property
    def rows_rejected(self) -> int:
        return sum(o.rows_rejected for o in self.outputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "landing_path": self.landing_path,
            "source": self.source,
            "sha256": self.sha256,
            "status": self.status,
            "rows_landed": self.rows_landed,
            "rows_raw": self.rows_raw,
            "rows_rejected": self.rows_rejected,
            "outputs": [o.__dict__ for o in self.outputs],
            "reason": self.reason,
            "quarantine_path": self.quarantine_path,
            "duplicate_of": self.duplicate_of,
            "what_to_do": self.what_to_do,
        }


@dataclass
class IngestSummary:
    batch_id: str
    started_at: str
    finished_at: str = ""
    files: list[FileOutcome] = field(default_factory=list)
    already_done: int = 0

    def by_status(self, status: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    def by_source(self) -> dict[str, dict[str, int]]:
        """Per source: files ingested / quarantined / duplicate, rows to raw, rows rejected."""
        totals: dict[str, dict[str, int]] = {}
        for outcome in self.files:
            counts = totals.setdefault(
                outcome.source,
                dict.fromkeys(
                    ("ingested", "quarantined", "duplicate", "rows_raw", "rows_rejected"), 0
                ),
            )
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            counts["rows_raw"] += outcome.rows_raw
            counts["rows_rejected"] += outcome.rows_rejected
        return dict(sorted(totals.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "ingested": len(self.by_status("ingested")),
            "quarantined": len(self.by_status("quarantined")),
            "duplicates": len(self.by_status("duplicate")),
            "already_done": self.already_done,
            "rows_raw": sum(f.rows_raw for f in self.files),
            "rows_rejected": sum(f.rows_rejected for f in self.files),
            "by_source": self.by_source(),
            "files": [f.to_dict() for f in self.files],
        }


ProgressCallback = Callable[[LandingFile, FileOutcome | None], None]


def new_batch_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def quarantine_file(
    paths: LakePaths, landing_file: LandingFile, batch_id: str, error: ContractError
) -> FileOutcome:
    """Copy a file that failed its contract to quarantine/, beside the reason a person reads."""
    relative = PurePosixPath(landing_file.rel_path).relative_to("landing")
    target = paths.quarantine / relative
    with atomic_writer(target, paths.tmp) as out, landing_file.path.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
    crash_point("quarantine_copied")
    now = utc_now().isoformat()
    reason = {
        "file": landing_file.name,
        "source": landing_file.source,
        "landing_path": landing_file.rel_path,
        "quarantine_path": rel(paths, target),
        "sha256": landing_file.sha256,
        "size": landing_file.size,
        "batch_id": batch_id,
        "quarantined_at": now,
        "error": {"kind": error.kind, "message": error.message, "where": error.where},
        "what_to_do": error.hint,
        "retry": f"lake quarantine retry {landing_file.sha256[:12]}",
        "resolved_at": None,
    }
    atomic_write_json(reason_path(target), reason)
    return FileOutcome(
        landing_file.rel_path,
        landing_file.source,
        landing_file.sha256,
        "quarantined",
        reason=reason,
        quarantine_path=rel(paths, target),
    )


def duplicate(landing_file: LandingFile, existing: LedgerRow) -> FileOutcome:
    """A file whose bytes (for this source and account) were already processed; when they were
    quarantined, what to do about it."""
    hint = None
    if existing.status == "quarantined":
        message = ((existing.reason or {}).get("error") or {}).get("message", "see the reason")
        hint = (
            f"the same bytes were quarantined from {existing.landing_path} ({message}): "
            "landing them again does not retry them; fix the cause, then run "
            f"'lake quarantine retry {landing_file.sha256[:12]}'"
        )
    return FileOutcome(
        landing_file.rel_path,
        landing_file.source,
        landing_file.ingest_key,
        "duplicate",
        duplicate_of=existing.landing_path,
        what_to_do=hint,
    )


def verify_landed_bytes(landing_file: LandingFile) -> LineCount:
    """Check the landing file still holds the bytes that were landed (before reading any),
    and count its lines in the same pass (scan.py)."""
    actual, lines = hash_and_count(landing_file.path)
    if actual != landing_file.sha256:
        raise ContractError(
            "landing_changed",
            f"{landing_file.name} no longer holds the bytes that were landed: its SHA-256 is "
            f"{actual[:12]}..., the landing record says {landing_file.sha256[:12]}... "
            "(landing files are read-only once written; something changed this one)",
            "find out what changed the file; land the new bytes as a new file with "
            "'lake land' (and restore the original if it matters), then 'lake quarantine "
            "retry' for the original",
            {"expected_sha256": landing_file.sha256, "actual_sha256": actual},
        )
    return lines


def unexpected_error(landing_file: LandingFile, error: Exception) -> ContractError:
    """An error no check foresaw, turned into a reason for this one file."""
    return ContractError(
        "unreadable",
        f"{landing_file.name} could not be read: {type(error).__name__}: "
        f"{str(error).splitlines()[0][:300] if str(error) else 'no message'}",
        "inspect the file ('lake quarantine show'); if it is damaged, fetch and land it "
        "again; if it is genuine, report it with this message, then 'lake quarantine retry'",
        {"exception": type(error).__name__},
    )


def no_contract(
    landing_file: LandingFile, candidates: list[Dataset], *, parsed: bool
) -> ContractError:
    patterns = ", ".join(f"{d.name}: {d.pattern}" for d in candidates) or "none"
    what = (
        "none of its contracts recognised the content"
        if parsed
        else "no contract claims this file name"
    )
    return ContractError(
        "no_contract",
        f"{landing_file.name} (source '{landing_file.source}'): {what}",
        f"contracts of '{landing_file.source}': {patterns}. Add or fix a Dataset in "
        f"lake/contracts/{landing_file.source}.py (or land it with --dataset), then "
        "'lake quarantine retry'",
    )


def reason_path(target: Path) -> Path:
    return target.with_name(target.name + ".reason.json")


def mark_resolved(paths: LakePaths, landing_path: str, batch_id: str, now: str) -> None:
    relative = PurePosixPath(landing_path).relative_to("landing")
    reason_file = reason_path(paths.quarantine / relative)
    if reason_file.exists():
        reason = json.loads(reason_file.read_text())
        reason["resolved_at"] = now
        reason["resolved_by_batch"] = batch_id
        atomic_write_json(reason_file, reason)


def rel(paths: LakePaths, target: Path) -> str:
    return target.relative_to(paths.root).as_posix()


def short_summary(summary: IngestSummary) -> dict[str, Any]:
    data = summary.to_dict()
    data.pop("files")
    return data
