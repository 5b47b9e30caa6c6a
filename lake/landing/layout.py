"""Where things live in the landing zone.

```
<root>/landing/<source>/<YYYY-MM-DD-HHMM>[-<n>]/[<subpath>/]<name>          the bytes, as given
<root>/landing/<source>/<YYYY-MM-DD-HHMM>[-<n>]/[<subpath>/].<name>.entry.json   its record
<root>/landing/<source>/<stamp>/[<subpath>/].<name>.deleted.json    tombstone (entry deleted)
<root>/_state/landing_index.sqlite                                   the search/list index (a cache)
<root>/_state/locks/landing*.lock                                    advisory locks
<root>/_tmp/                                                         temporary files before rename
```

The stamp is the UTC minute of the store call. `-<n>` (n >= 2) is a further folder for the
same minute, used when the first one already holds a different file of the same name.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path, PurePosixPath

from lake.landing.names import RECORD_SUFFIX, TOMBSTONE_SUFFIX

LANDING = "landing"
INDEX_FILE = "landing_index.sqlite"
MAX_SLOTS = 999
_STAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}-\d{4}(?:-\d+)?")

TEXT_TYPES = frozenset(
    {"csv", "tsv", "txt", "text", "json", "ndjson", "jsonl", "html", "htm", "xml", "md",
     "yaml", "yml", "log", "sql", "ini", "toml"}
)  # fmt: skip
BINARY_TYPES = frozenset(
    {"parquet", "zip", "gzip", "gz", "xlsx", "xls", "pdf", "png", "jpg", "jpeg", "gif",
     "avro", "orc", "bin", "tar", "bz2", "xz", "zst", "arrow", "feather", "sqlite", "duckdb"}
)  # fmt: skip
_EXTENSION_TYPES = {"jsonl": "ndjson", "gz": "gzip", "htm": "html", "yml": "yaml", "text": "txt"}


def stamp(moment: datetime) -> str:
    """The folder name for a UTC minute, e.g. `2026-11-23-1342`."""
    return moment.strftime("%Y-%m-%d-%H%M")


def is_stamp(folder: str) -> bool:
    return _STAMP_RE.fullmatch(folder) is not None


def slot_folders(source: str, minute: str) -> list[str]:
    """Candidate folders (relative to the lake root) for one source and minute, in order."""
    base = f"{LANDING}/{source}/{minute}"
    return [base] + [f"{base}-{n}" for n in range(2, MAX_SLOTS + 1)]


def join(*parts: str) -> str:
    """Join posix path pieces, skipping empty ones."""
    return "/".join(part for part in parts if part)


def record_path(data_path: Path) -> Path:
    return data_path.with_name(f".{data_path.name}{RECORD_SUFFIX}")


def tombstone_path(data_path: Path) -> Path:
    return data_path.with_name(f".{data_path.name}{TOMBSTONE_SUFFIX}")


def data_name_of_record(record_name: str) -> str | None:
    """`.x.csv.entry.json` -> `x.csv`; None for other names."""
    if record_name.startswith(".") and record_name.endswith(RECORD_SUFFIX):
        return record_name[1 : -len(RECORD_SUFFIX)] or None
    return None


def data_name_of_tombstone(name: str) -> str | None:
    if name.startswith(".") and name.endswith(TOMBSTONE_SUFFIX):
        return name[1 : -len(TOMBSTONE_SUFFIX)] or None
    return None


def folder_of(path: str) -> str:
    """The folder of a lake-relative landing path, relative to `landing/`."""
    parent = path.rpartition("/")[0]
    return parent[len(LANDING) + 1 :] if parent.startswith(f"{LANDING}/") else ""


def subpath_of(path: str) -> str:
    """The caller's subpath of a landing path: what lies between the stamp folder and the
    name (or between the source folder and the name when there is no stamp folder)."""
    parts = PurePosixPath(path).parts[2:-1]  # drop 'landing', '<source>' and the name
    if parts and is_stamp(parts[0]):
        parts = parts[1:]
    return "/".join(parts)


def guess_data_type(name: str) -> str:
    """A data type from a file extension, for files adopted without a record."""
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    if not suffix or not suffix.isalnum() or len(suffix) > 16:
        return "bin"
    return _EXTENSION_TYPES.get(suffix, suffix)
