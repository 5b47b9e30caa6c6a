"""Sidecar records and tombstones: small JSON files beside each data file, written atomically.

A record `.<name>.entry.json` describes one version; a tombstone `.<name>.deleted.json` beside
an entry's latest version marks the whole entry deleted. Both are written through a temporary
file in `<root>/_tmp/`, fsynced, renamed into place, and the folder fsynced.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from lake.fsutil import atomic_writer
from lake.landing.entry import TOMBSTONE_FORMAT, Entry
from lake.landing.layout import record_path, tombstone_path


def _write_json(target: Path, payload: dict[str, Any], tmp_dir: Path) -> None:
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with atomic_writer(target, tmp_dir=tmp_dir) as handle:
        handle.write(text.encode("utf-8"))


def write_record(data_path: Path, entry: Entry, tmp_dir: Path) -> None:
    """Write the record of the version whose bytes are at `data_path`."""
    _write_json(record_path(data_path), entry.to_record(), tmp_dir)


def read_record(data_path: Path, relative: str | None = None) -> Entry | None:
    """The record beside `data_path` (lake-relative path `relative`), or None if there is
    none. Raises ValidationError (or ValueError) for an unreadable record."""
    path = record_path(data_path)
    try:
        payload = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    return Entry.from_record(payload, path=relative)


def write_tombstone(data_path: Path, entry: Entry, moment: datetime, tmp_dir: Path) -> None:
    """Mark the entry whose latest version is at `data_path` deleted."""
    payload = {
        "format": TOMBSTONE_FORMAT,
        "id": entry.id,
        "version": entry.version,
        "deleted_at": moment.isoformat(),
    }
    _write_json(tombstone_path(data_path), payload, tmp_dir)
