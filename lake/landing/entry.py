"""What the landing store hands back: one version of one landed file, and store statistics.

An `Entry` is also what the sidecar record beside each data file holds (`to_record` /
`from_record`), so the index can always be rebuilt from the landing folder alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from lake.config import LakePaths
from lake.errors import ValidationError

RECORD_FORMAT = "lake.landing.entry/1"
TOMBSTONE_FORMAT = "lake.landing.tombstone/1"


@dataclass(frozen=True)
class Entry:
    """One version of one landed file.

    `path` is relative to the lake root (posix), e.g.
    `landing/distrokid/2026-11-23-1342/dk_bank_details_x.tsv`. `created_at` is the time of the
    first version, `updated_at` the time of this one (UTC, ISO 8601).
    """

    id: str
    version: int
    name: str
    data_type: str
    source: str
    metadata: dict[str, Any]
    sha256: str
    size: int
    created_at: str
    updated_at: str
    path: str
    deleted: bool = False

    def absolute_path(self, root: Path | LakePaths) -> Path:
        """Where the bytes of this version are, under the lake `root`."""
        base = root.root if isinstance(root, LakePaths) else Path(root)
        return base.joinpath(*self.path.split("/"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (the metadata is deep-copied)."""
        return asdict(self)

    def to_record(self) -> dict[str, Any]:
        """The sidecar record written beside the data file (`deleted` lives in tombstones)."""
        record = self.to_dict()
        record.pop("deleted")
        return {"format": RECORD_FORMAT, **record}

    def with_deleted(self, deleted: bool = True) -> Entry:
        return replace(self, deleted=deleted)

    @classmethod
    def from_record(cls, record: dict[str, Any], *, path: str | None = None) -> Entry:
        """Read a sidecar record; `path` (where the record was found) wins over its own."""
        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            raise ValidationError(
                "not a landing record (no 'format': 'lake.landing.entry/1')",
                "the file was not written by the landing store; move it away",
            )
        try:
            return cls(
                id=str(record["id"]),
                version=int(record["version"]),
                name=str(record["name"]),
                data_type=str(record["data_type"]),
                source=str(record["source"]),
                metadata=dict(record.get("metadata") or {}),
                sha256=str(record["sha256"]),
                size=int(record["size"]),
                created_at=str(record["created_at"]),
                updated_at=str(record["updated_at"]),
                path=path or str(record["path"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                f"landing record is incomplete: {exc}", "rebuild the index to re-adopt the file"
            ) from exc


@dataclass(frozen=True)
class Totals:
    """Entry count and bytes (of the latest versions) for one group."""

    entries: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class LandingStats:
    """Figures over the live entries (latest versions), plus all versions on disk."""

    entries: int
    bytes: int
    versions: int
    version_bytes: int
    deleted_entries: int
    by_data_type: dict[str, Totals] = field(default_factory=dict)
    by_source: dict[str, Totals] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
