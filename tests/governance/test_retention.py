"""`lake retention`: fixed-clock tests of what expires, what is held, and that a second apply
does nothing."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.governance import logs, retention
from lake.governance.policies import Hold, Policies, load_policies
from lake.landing.entry import Entry
from lake.landing.store import SyncLandingStore

T0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeDataset:
    """What retention reads of a contract: source, key, pattern, retention class."""

    source: str
    name: str
    retention: str

    @property
    def key(self) -> str:
        return f"{self.source}.{self.name}"

    def claims(self, file_name: str) -> bool:
        return file_name.startswith(self.name)


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LakePaths:
    monkeypatch.setattr(
        retention,
        "all_datasets",
        lambda: (
            FakeDataset("shop", "orders", "personal_data"),
            FakeDataset("agent", "calls", "llm_payload"),
        ),
    )
    return LakePaths(tmp_path / "lake").ensure()


def land(paths: LakePaths, source: str, name: str, body: bytes, when: datetime, **meta) -> Entry:
    with SyncLandingStore(paths, clock=lambda: when) as store:
        entry = store.store(name, body, "csv", metadata={"source": source, **meta})
    raw = paths.raw / f"_source={source}" / f"_dataset={name.split('_')[0]}" / "_date=x"
    raw.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select '{entry.sha256}' as _sha256, 1 as v) to "
            f"'{raw / (entry.sha256 + '.parquet')}' (format parquet)"
        )
    return entry


def test_expired_files_are_archived_with_a_tombstone_and_audited(lake: LakePaths) -> None:
    old = land(lake, "shop", "orders_1.csv", b"id\n1\n", T0)
    new = land(lake, "shop", "orders_2.csv", b"id\n2\n", T0 + timedelta(days=300))
    now = T0 + timedelta(days=366)
    policies = load_policies()

    planned = retention.plan(lake, policies, now)
    assert sorted((a.action, a.entry) for a in planned) == [
        ("archive", old.id),
        ("archive", old.id),
        ("tombstone", old.id),
    ]
    assert old.absolute_path(lake).exists()  # a dry run changes nothing

    done = retention.apply(lake, policies, now)
    assert len(done) == 3
    assert not old.absolute_path(lake).exists()
    archived = lake.archive / f"{old.path}.gz"
    assert gzip.decompress(archived.read_bytes()) == b"id\n1\n"
    assert list((lake.archive / "raw").rglob(f"{old.sha256}.parquet.gz"))
    assert not list(lake.raw.rglob(f"{old.sha256}.parquet"))
    tombstone = old.absolute_path(lake).with_name(f".{old.name}.deleted.json")
    assert json.loads(tombstone.read_text())["id"] == old.id
    assert new.absolute_path(lake).exists()  # inside its window
    assert list(lake.raw.rglob(f"{new.sha256}.parquet"))
    audit = logs.read(logs.audit_log(lake))
    assert {(a["event"], a["policy"]) for a in audit} == {
        ("retention.archive", "zones.raw"),
        ("retention.tombstone", "zones.raw"),
    }

    assert retention.apply(lake, policies, now) == []
    assert len(logs.read(logs.audit_log(lake))) == len(audit)


def test_the_day_before_expiry_nothing_is_touched(lake: LakePaths) -> None:
    land(lake, "shop", "orders_1.csv", b"id\n1\n", T0)
    assert retention.apply(lake, load_policies(), T0 + timedelta(days=364)) == []


def test_legal_holds_exempt_source_dataset_or_entry(lake: LakePaths) -> None:
    entry = land(lake, "shop", "orders_1.csv", b"id\n1\n", T0)
    later = T0 + timedelta(days=800)
    base = load_policies()
    for hold in (Hold(source="shop"), Hold(dataset="shop.orders"), Hold(entry=entry.id)):
        held = Policies(base.zones, base.datasets, base.backups, (hold,), base.subjects)
        assert retention.apply(lake, held, later) == []
    assert entry.absolute_path(lake).exists()


def test_llm_payloads_expire_after_30_days_unless_kept_for_training(lake: LakePaths) -> None:
    dropped = land(lake, "agent", "calls_1.csv", b"prompt\nhi\n", T0)
    kept = land(lake, "agent", "calls_2.csv", b"prompt\nyo\n", T0, keep_for_training=True)
    done = retention.apply(lake, load_policies(), T0 + timedelta(days=31))
    assert {(a.action, a.policy) for a in done} == {
        ("remove", "zones.llm_payload"),
        ("tombstone", "zones.llm_payload"),
    }
    assert not dropped.absolute_path(lake).exists()
    assert not list(lake.archive.rglob("calls_1.csv*"))
    assert kept.absolute_path(lake).exists()


def test_access_log_lines_older_than_90_days_go(lake: LakePaths) -> None:
    path = logs.access_log(lake)
    for day in (0, 50, 100):
        logs.append(path, {"at": (T0 + timedelta(days=day)).isoformat(), "sql": f"q{day}"})
    retention.apply(lake, load_policies(), T0 + timedelta(days=150))
    assert [r["sql"] for r in logs.read(path)] == ["q100"]


def test_backups_rotate_by_frequency(lake: LakePaths) -> None:
    for frequency, day in (("daily", 0), ("daily", 100), ("weekly", 0), ("manual", 0)):
        folder = (
            lake.root
            / "db_dumps"
            / frequency
            / f"lake_backup_{T0 + timedelta(days=day):%Y%m%d_%H%M%S}"
        )
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
    retention.apply(lake, load_policies(), T0 + timedelta(days=200))
    left = sorted(
        p.relative_to(lake.root / "db_dumps").as_posix()
        for p in (lake.root / "db_dumps").glob("*/*")
    )
    assert left == [
        "daily/lake_backup_20250420_120000",
        "manual/lake_backup_20250110_120000",
        "weekly/lake_backup_20250110_120000",
    ]
