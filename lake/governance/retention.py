"""`lake retention [--apply]`: expire what the policies say, with a tombstone and an audit.

Landing versions older than their dataset's policy (from the landing time) are compressed
into `archive/landing/...gz` or removed, with their raw Parquet (`archive/raw/...gz`); the
entry gets a landing-store tombstone once its latest version expired, and its record stays.
LLM payload datasets expire after their own window unless the landing metadata says
`keep_for_training`. Access-log lines, reports and exported datasets, and daily and weekly
backups expire by their zone's policy. A legal hold (source, dataset or entry) exempts. Every
action is appended to `logs/audit.jsonl`; a second `--apply` finds nothing to do.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.fsutil import atomic_writer
from lake.governance import logs
from lake.governance.policies import Policies, Policy
from lake.ingest.contract import Dataset
from lake.landing.entry import Entry


@dataclass(frozen=True)
class Action:
    action: str
    """archive | remove | trim | tombstone"""
    path: str
    policy: str
    reason: str
    entry: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def landing_versions(paths: LakePaths) -> Iterator[tuple[Entry, bool]]:
    """Every landing version whose bytes are still on disk, with: is its entry tombstoned."""
    for record in sorted(paths.landing.rglob(".*.entry.json")):
        try:
            payload = json.loads(record.read_text(encoding="utf-8"))
            entry = Entry.from_record(payload, path=None)
        except (OSError, ValueError):
            continue
        data = record.with_name(record.name[1 : -len(".entry.json")])
        if not data.exists():
            continue
        tombstone = data.with_name(f".{data.name}.deleted.json")
        yield entry, tombstone.exists()


def _dataset_of(entry: Entry) -> Dataset | None:
    for dataset in all_datasets():
        if dataset.source == entry.source and dataset.claims(entry.name):
            return dataset
    return None


def _landing_policy(policies: Policies, entry: Entry, dataset: Dataset | None) -> Policy | None:
    if dataset is not None and dataset.key in policies.datasets:
        return policies.datasets[dataset.key]
    if dataset is not None and dataset.retention == "llm_payload":
        if entry.metadata.get("keep_for_training"):
            return None
        return policies.zones.get("llm_payload")
    return policies.zones.get("raw")


def raw_files_by_sha(paths: LakePaths) -> dict[str, list[Path]]:
    files = sorted(paths.raw.glob("_source=*/_dataset=*/_date=*/*.parquet"))
    if not files:
        return {}
    found: dict[str, list[Path]] = {}
    with duckdb.connect() as con:
        rows = con.execute(
            "select distinct _sha256, filename from read_parquet(?, filename = true, "
            "union_by_name = true)",
            [[str(f) for f in files]],
        ).fetchall()
    for sha, name in rows:
        found.setdefault(str(sha), []).append(Path(name))
    return found


def plan(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    """What `--apply` would do at `now`."""
    actions = _landing_actions(paths, policies, now)
    actions += _log_actions(paths, policies, now)
    actions += _file_zone_actions(paths, policies, now)
    actions += backup_actions(paths, policies, now)
    return actions


def _landing_actions(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    raw = raw_files_by_sha(paths)
    actions: list[Action] = []
    for entry, deleted in landing_versions(paths):
        dataset = _dataset_of(entry)
        dataset_key = dataset.key if dataset else None
        if policies.held(entry.source, dataset_key, entry.id):
            continue
        policy = _landing_policy(policies, entry, dataset)
        if policy is None:
            continue
        landed = _parse_time(entry.updated_at)
        if landed > now - timedelta(days=policy.days):
            continue
        why = f"landed {landed.date()}, older than {policy.days} days"
        actions.append(Action(policy.action, entry.path, policy.name, why, entry.id))
        for raw_file in raw.get(entry.sha256, []):
            relative = raw_file.relative_to(paths.root).as_posix()
            actions.append(Action(policy.action, relative, policy.name, why, entry.id))
        if not deleted:
            actions.append(Action("tombstone", entry.path, policy.name, why, entry.id))
    return actions


def _log_actions(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    policy = policies.zones.get("logs")
    path = logs.access_log(paths)
    if policy is None or not path.exists():
        return []
    cutoff = now - timedelta(days=policy.days)
    old = [r for r in logs.read(path) if _parse_time(str(r.get("at"))) < cutoff]
    if not old:
        return []
    why = f"{len(old)} lines older than {policy.days} days"
    return [Action("trim", path.relative_to(paths.root).as_posix(), policy.name, why)]


def _file_zone_actions(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    actions = []
    for zone, folders in (("curated", ("curated",)), ("reports", ("reports", "datasets"))):
        policy = policies.zones.get(zone)
        if policy is None:
            continue
        cutoff = (now - timedelta(days=policy.days)).timestamp()
        for folder in folders:
            for path in sorted((paths.root / folder).rglob("*")):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    why = f"written more than {policy.days} days ago"
                    relative = path.relative_to(paths.root).as_posix()
                    actions.append(Action(policy.action, relative, policy.name, why))
    return actions


def backup_actions(
    paths: LakePaths, policies: Policies, now: datetime, folders: list[Path] | None = None
) -> list[Action]:
    """Daily and weekly backups past their policy (rotation), under db_dumps/ and elsewhere."""
    from lake.governance.backup import known_backups

    actions = []
    for backup in folders if folders is not None else known_backups(paths):
        policy = policies.backups.get(backup.parent.name)
        if policy is None:
            continue
        taken = datetime.strptime(backup.name.removeprefix("lake_backup_"), "%Y%m%d_%H%M%S")
        if taken.replace(tzinfo=UTC) < now - timedelta(days=policy.days):
            why = f"taken {taken.date()}, older than {policy.days} days"
            actions.append(Action("remove", str(backup), f"backups.{policy.name}", why))
    return actions


def apply(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    """Carry out `plan(...)`; each action is audited as it completes."""
    from lake.governance.backup import lake_locks

    with lake_locks(paths, "lake retention --apply"):
        return _apply(paths, policies, now)


def _apply(paths: LakePaths, policies: Policies, now: datetime) -> list[Action]:
    from lake.landing.store import SyncLandingStore

    done = plan(paths, policies, now)
    tombstones = [a for a in done if a.action == "tombstone"]
    for action in (a for a in done if a.action != "tombstone"):
        _carry_out(paths, action, policies, now)
        logs.audit(paths, f"retention.{action.action}", at=logs.now_iso(now), **action.to_dict())
    if tombstones:
        with SyncLandingStore(paths, clock=lambda: now) as store:
            for action in tombstones:
                store.delete(str(action.entry))
                logs.audit(paths, "retention.tombstone", at=logs.now_iso(now), **action.to_dict())
    return done


def _carry_out(paths: LakePaths, action: Action, policies: Policies, now: datetime) -> None:
    target = Path(action.path) if Path(action.path).is_absolute() else paths.root / action.path
    if action.action == "trim":
        _trim_log(target, policies, now)
    elif action.action == "archive":
        archived = paths.archive / f"{action.path}.gz"
        archived.parent.mkdir(parents=True, exist_ok=True)
        with (
            atomic_writer(archived, tmp_dir=paths.tmp) as raw,
            gzip.GzipFile(fileobj=raw, mode="wb") as gz,
            target.open("rb") as handle,
        ):
            shutil.copyfileobj(handle, gz, length=1 << 20)
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)


def _trim_log(path: Path, policies: Policies, now: datetime) -> None:
    cutoff = now - timedelta(days=policies.zones["logs"].days)
    kept = [r for r in logs.read(path) if _parse_time(str(r.get("at"))) >= cutoff]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept)
    with atomic_writer(path) as handle:
        handle.write(text.encode("utf-8"))
