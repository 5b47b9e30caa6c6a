"""`lake erase --subject customer:ID [--confirm]`: a data subject's right to be forgotten.

1. Find the subject's personal values: the restricted columns of every raw dataset (and of the
   unmasked data_engineer database) on the rows whose key column (`[subjects]` in the
   retention file: customer -> customer_id) is the subject's id.
2. Remove those values, decoded, from every file under the lake root and in every backup:
   landing files (their records get the new SHA-256 and `erased_at`), raw and curated
   Parquet, every published version and archived one, the role databases, logs, SQLite
   ledgers (vacuumed); the landing index is rebuilt; `lake.duckdb` is re-linked to its
   version; each backup's manifest is re-checksummed.
3. Put the subject on the suppression list (`_state/governance/suppressed.json`, the key only):
   publish masks their restricted columns from then on, whatever a later extract brings.
4. Audit the request and each file changed. Without `--confirm`, list the files only.
Rows stay (with their keys), so facts and totals are unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.errors import NotFoundError, ValidationError
from lake.governance import logs, role_dbs, scrub
from lake.governance.backup import known_backups, lake_locks, rewrite_manifest
from lake.governance.policies import Policies
from lake.governance.roles import ENCRYPTED_ROLE
from lake.governance.suppression import suppress, suppressed
from lake.landing.entry import Entry
from lake.landing.records import write_record

SKIPPED = ("_tmp", "_state/secrets", "_state/locks")
_PERSONAL_NAMES = ("email", "name", "phone")


@dataclass
class Erasure:
    subject: str
    values_found: int
    files: list[str] = field(default_factory=list)
    confirmed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_subject(subject: str, policies: Policies) -> tuple[str, str, str]:
    kind, _, key = subject.partition(":")
    if not key or kind not in policies.subjects:
        raise ValidationError(
            f"bad subject {subject!r}",
            f"write KIND:ID, KIND one of {', '.join(sorted(policies.subjects)) or '(none)'}",
        )
    return kind, policies.subjects[kind], key


def _restricted_raw(key_column: str) -> dict[tuple[str, str], list[str]]:
    found = {}
    for dataset in all_datasets():
        if key_column not in dataset.columns:
            continue
        columns = [c.name for c in dataset.schema if c.classification == "restricted"]
        if columns:
            found[(dataset.source, dataset.name)] = columns
    return found


def _values_from_raw(paths: LakePaths, key_column: str, key: str) -> set[str]:
    values: set[str] = set()
    with duckdb.connect() as con:
        for folder in sorted(paths.raw.glob("_source=*/_dataset=*")):
            source = folder.parent.name.removeprefix("_source=")
            dataset = folder.name.removeprefix("_dataset=")
            files = sorted(str(f) for f in folder.glob("_date=*/*.parquet"))
            if not files:
                continue
            rel = con.execute(
                "select * from read_parquet(?, union_by_name = true) limit 0", [files]
            )
            columns = [d[0] for d in rel.description or []]
            if key_column not in columns:
                continue
            personal = _restricted_raw(key_column).get((source, dataset)) or [
                c for c in columns if any(n in c.lower() for n in _PERSONAL_NAMES)
            ]
            personal = [c for c in personal if c in columns and c != key_column]
            if personal:
                values |= _select_values(con, files, key_column, key, personal)
    return values


def _select_values(
    con: duckdb.DuckDBPyConnection, files: list[str], key_column: str, key: str, cols: list[str]
) -> set[str]:
    selected = ", ".join(f'"{c}"::varchar' for c in cols)
    rows = con.execute(
        f"select {selected} from read_parquet(?, union_by_name = true) "
        f'where "{key_column}"::varchar = ?',
        [files, key],
    ).fetchall()
    found = {str(v).strip() for row in rows for v in row if v is not None}
    found |= {v.lower() for v in found if "@" in v}
    return {v for v in found if len(v) >= 4 and v != scrub.ERASED}


def _targets(paths: LakePaths) -> list[Path]:
    files = []
    for path in sorted(paths.root.rglob("*")):
        relative = path.relative_to(paths.root).as_posix()
        if path.is_symlink() or not path.is_file() or path.name.endswith(".tmp"):
            continue
        if any(relative == s or relative.startswith(s + "/") for s in SKIPPED):
            continue
        if relative in ("warehouse/lake.duckdb", "_state/landing_index.sqlite"):
            continue  # re-linked to its version / rebuilt from the landing files
        files.append(path)
    for backup in known_backups(paths):
        if not backup.is_relative_to(paths.root):
            files += [p for p in sorted(backup.rglob("*")) if p.is_file()]
    return files


def _attach_for(paths: LakePaths) -> scrub.DuckAttach:
    def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool) -> None:
        if path.name.startswith((f"{ENCRYPTED_ROLE}.", f".{ENCRYPTED_ROLE}.")):
            role_dbs.attach_encrypted(con, paths, path, alias, read_only=read_only)
        else:
            options = " (read_only)" if read_only else ""
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {alias}{options}")

    return attach


def _would_change(path: Path, values: scrub.Subject, paths: LakePaths) -> bool:
    """True when the file holds a value (checked on a scratch copy: nothing is changed)."""
    scratch = paths.tmp / "erase-probe" / path.name
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_bytes(path.read_bytes())
    try:
        return scrub.scrub_file(scratch, values, paths.tmp, _attach_for(paths))
    finally:
        scratch.unlink(missing_ok=True)


def erase(paths: LakePaths, subject: str, policies: Policies, *, confirm: bool) -> Erasure:
    _kind, key_column, key = parse_subject(subject, policies)
    found = _values_from_raw(paths, key_column, key)
    values = scrub.Subject(key=key, values=frozenset(found))
    if not found and subject not in suppressed(paths):
        raise NotFoundError(
            f"no personal data of {subject} in the raw zone", "check the id (case matters)"
        )
    result = Erasure(subject=subject, values_found=len(found), confirmed=confirm)
    if not confirm:
        result.files = [
            str(p) for p in _targets(paths) if found and _would_change(p, values, paths)
        ]
        return result
    logs.audit(paths, "erase.request", subject=subject, values=len(found))
    with lake_locks(paths, "lake erase"):
        suppress(paths, subject, key_column, key)
        result.files = _erase_files(paths, values, subject)
        _finish(paths)
    logs.audit(paths, "erase.done", subject=subject, files=len(result.files))
    return result


def _erase_files(paths: LakePaths, values: scrub.Subject, subject: str) -> list[str]:
    from lake.warehouse.layout import WarehouseLayout
    from lake.warehouse.publish import current_version, swap_published

    layout = WarehouseLayout(paths)
    current = current_version(layout)
    changed: list[str] = []
    backups: set[Path] = set()
    for path in _targets(paths):
        if path.name.endswith(".entry.json") or not scrub.scrub_file(
            path, values, paths.tmp, _attach_for(paths)
        ):
            continue
        changed.append(str(path))
        logs.audit(paths, "erase.file", subject=subject, path=str(path))
        _update_record(paths, path)
        _update_checksum_file(path)
        backups |= {b for b in known_backups(paths) if path.is_relative_to(b)}
    for record in [p for p in _targets(paths) if p.name.endswith(".entry.json")]:
        if scrub.scrub_file(record, values, paths.tmp):
            changed.append(str(record))
    for backup in sorted(backups | {b for b in known_backups(paths) if _holds(changed, b)}):
        rewrite_manifest(backup)
    if current is not None and layout.version_db(current).exists():
        swap_published(layout, current)
    return changed


def erase_later_copies(paths: LakePaths, landed: dict[Path, dict[str, set[str]]]) -> list[str]:
    """Scrub what a later extract brought back of erased subjects: the landing files whose
    rows the ingest redacted (`landed`: file -> subject key -> the values removed from their
    raw rows), and the database dumps written since the first erasure (an extract's `--dump`
    holds the same rows). Audited like the erasure; the landing index is rebuilt."""
    subjects: dict[str, set[str]] = {}
    for found in landed.values():
        for key, values in found.items():
            subjects.setdefault(key, set()).update(values)
    targets = [(path, found) for path, found in landed.items()]
    targets += [(path, subjects) for path in _dumps_since_erasure(paths)]
    changed: list[str] = []
    for path, found in targets:
        hit = False
        for key, values in sorted(found.items()):
            subject = scrub.Subject(key=key, values=frozenset(values))
            hit |= bool(values) and path.is_file() and scrub.scrub_file(path, subject, paths.tmp)
        if hit:
            changed.append(str(path))
            logs.audit(paths, "erase.later_copy", path=str(path), subjects=len(found))
            _update_record(paths, path)
            _update_checksum_file(path)
    if changed:
        _finish(paths)
    return changed


def _dumps_since_erasure(paths: LakePaths) -> list[Path]:
    erased = [datetime.fromisoformat(s["erased_at"]) for s in suppressed(paths).values()]
    dumps = paths.root / "db_dumps"
    if not erased or not dumps.is_dir():
        return []
    since = min(erased).timestamp()
    return [  # the extracts' dumps; a lake backup written since holds only scrubbed data
        path
        for path in sorted(dumps.rglob("*"))
        if path.is_file()
        and not path.name.endswith(".sha256")
        and not any(part.startswith("lake_backup_") for part in path.parts)
        and path.stat().st_mtime >= since
    ]


def _holds(changed: list[str], backup: Path) -> bool:
    return any(Path(c).is_relative_to(backup) for c in changed)


def _update_record(paths: LakePaths, data: Path) -> None:
    """A scrubbed landing file's record gets its new checksum and size."""
    record = data.with_name(f".{data.name}.entry.json")
    if not record.exists():
        return
    from lake.governance.backup import sha256_of

    payload = json.loads(record.read_text(encoding="utf-8"))
    entry = Entry.from_record(payload)
    metadata = {**entry.metadata, "erased_at": logs.now_iso()}
    fresh = Entry(
        **{
            **entry.to_dict(),
            "sha256": sha256_of(data),
            "size": data.stat().st_size,
            "metadata": metadata,
        }
    )
    write_record(data, fresh, data.parent)


def _update_checksum_file(data: Path) -> None:
    """A dump's `<name>.sha256` (`sha256sum` format, `lake/db/dumps.py`) follows its file."""
    from lake.governance.backup import sha256_of

    checksum = data.with_name(data.name + ".sha256")
    if checksum.exists():
        checksum.write_text(f"{sha256_of(data)}  {data.name}\n", encoding="utf-8")


def _finish(paths: LakePaths) -> None:
    """Rebuild the landing index from the scrubbed files (its old tokens go with it)."""
    from lake.landing.store import SyncLandingStore

    index = paths.state / "landing_index.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    with SyncLandingStore(paths) as store:
        store.rebuild_index()
