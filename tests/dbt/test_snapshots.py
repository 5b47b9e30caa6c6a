"""The snapshots (archive zone, schema `snapshots`) keep the SCD2 history of the curated
entities across builds.

Day 1: the real DistroKid bank details and Meta Ads dump are landed, ingested and built
(`+snap_tracks +snap_artists +snap_ad_campaigns +snap_ads`). Day 2: a new lake with the next
exports (one track renamed, one track gone; one campaign paused with a budget set, one
campaign gone with its ad set and ads, one ad paused; another campaign delivered one more
day) is built from a copy of day 1's database, as the warehouse builder starts each build
from the last published one. Day 3: the same lake again, nothing changed.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.dbt.harness import build_database
from tests.dbt.music_marts_support import build
from tests.dbt.staging_support import FIXTURES, StagingBuild, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

BANK_DETAILS = FIXTURES / "distrokid" / "dk_bank_details_20250529_043711_sample.tsv"
META_ENTITIES = ("campaigns", "adsets", "ads", "insights")
META_ACCOUNT = "act_1"

# snapshot -> (its dimension, the entity key)
SNAPSHOTS = {
    "snap_tracks": ("dim_track", "track_id"),
    "snap_artists": ("dim_artist", "artist_id"),
    "snap_ad_campaigns": ("dim_ad_campaign", "campaign_id"),
    "snap_ads": ("dim_ad", "ad_id"),
}
SELECTORS = [f"+{name}" for name in SNAPSHOTS]

RENAMED_ISRC = "QZTB92494812"  # LUNA (ZONE A0)
OLD_TITLE, NEW_TITLE = "LUNA", "LUNA (Extended Mix)"
GONE_ISRC = "QZTAW2496366"  # HOLD ON II (ZONE A0): the artist keeps other tracks
ARTIST_LOSING_A_TRACK = "zone-a0"
CHANGED_CAMPAIGN = "120224907266750075"  # ACTIVE, no campaign budget -> PAUSED, 25.00/day
NEW_DAILY_BUDGET_MINOR = 2500
GONE_CAMPAIGN = "120214803933120075"  # with its one ad set and three ads
LONGER_CAMPAIGN = "120224906903540075"  # one more day of delivery: not a new version
CHANGED_AD = "120224907266760075"  # ACTIVE -> PAUSED

CHANGED = {
    "snap_tracks": {RENAMED_ISRC},
    "snap_artists": set(),
    "snap_ad_campaigns": {CHANGED_CAMPAIGN},
    "snap_ads": {CHANGED_AD},
}

Rows = dict[str, list[dict]]


@dataclass(frozen=True)
class Day:
    """One build and what it left: every snapshot's rows and every dimension's keys."""

    build: StagingBuild
    snapshots: Rows
    dim_keys: dict[str, set[str]]

    def versions(self, snapshot: str, key: str) -> list[dict]:
        """The entity's versions, oldest first."""
        key_column = SNAPSHOTS[snapshot][1]
        rows = [r for r in self.snapshots[snapshot] if r[key_column] == key]
        return sorted(rows, key=lambda r: r["dbt_valid_from"])


@dataclass(frozen=True)
class History:
    day1: Day
    day2: Day
    day3: Day
    gone_ads: frozenset[str]


def _records(name: str) -> list[dict]:
    return json.loads((FIXTURES / "meta_ads" / f"{name}.json").read_text())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


def _next_bank_details(directory: Path) -> Path:
    """The next export: LUNA renamed, every HOLD ON II row gone (DistroKid writes `\\r`)."""
    lines = BANK_DETAILS.read_bytes().decode().split("\r")
    kept = [line for line in lines if f"\t{GONE_ISRC}\t" not in line]
    old, new = f"\t{OLD_TITLE}\t{RENAMED_ISRC}\t", f"\t{NEW_TITLE}\t{RENAMED_ISRC}\t"
    assert sum(old in line for line in kept) > 0
    text = "\r".join(line.replace(old, new) for line in kept)
    return _write(directory / BANK_DETAILS.name, text)


def _next_meta_dump(directory: Path) -> tuple[list[Path], frozenset[str]]:
    """The next dump: CHANGED_CAMPAIGN paused with a daily budget, GONE_CAMPAIGN and its ad
    sets and ads deleted, CHANGED_AD paused, LONGER_CAMPAIGN delivered one more day."""
    campaigns = [c for c in _records("campaigns") if c["id"] != GONE_CAMPAIGN]
    for campaign in campaigns:
        if campaign["id"] == CHANGED_CAMPAIGN:
            assert campaign["status"] == "ACTIVE" and "daily_budget" not in campaign
            campaign.update(
                status="PAUSED",
                daily_budget=str(NEW_DAILY_BUDGET_MINOR),
                updated_time="2025-05-28T09:00:00-0700",
            )
    adsets = [a for a in _records("adsets") if a["campaign_id"] != GONE_CAMPAIGN]
    ads = []
    for ad in _records("ads"):
        if ad["campaign_id"] == GONE_CAMPAIGN:
            continue
        if ad["id"] == CHANGED_AD:
            assert ad["status"] == "ACTIVE"
            ad.update(status="PAUSED", effective_status="PAUSED")
        ads.append(ad)
    insights = [i for i in _records("insights") if i["campaign_id"] != GONE_CAMPAIGN]
    for window in insights:
        if window["campaign_id"] == LONGER_CAMPAIGN:
            window["date_stop"] = "2025-05-28"
    files = [
        _write(directory / f"{name}.json", json.dumps(records))
        for name, records in zip(META_ENTITIES, (campaigns, adsets, ads, insights), strict=True)
    ]
    gone_ads = frozenset(a["id"] for a in _records("ads") if a["campaign_id"] == GONE_CAMPAIGN)
    return files, gone_ads


def _land(lake_root: Path, bank_details: Path, meta: list[Path]) -> None:
    land(lake_root, [bank_details], source="distrokid", account="fixture")
    land(lake_root, meta, source="meta_ads", account=META_ACCOUNT)
    ingest(lake_root)


def _build(lake_root: Path, work_dir: Path) -> Day:
    result = build(lake_root, work_dir, SELECTORS)
    snapshots: Rows = {}
    dim_keys: dict[str, set[str]] = {}
    for snapshot, (dim, key) in SNAPSHOTS.items():
        relation = f"snapshots.{snapshot}"
        columns = [
            name for (name,) in result.query(f"select name from pragma_table_info('{relation}')")
        ]
        snapshots[snapshot] = [
            dict(zip(columns, row, strict=True))
            for row in result.query(f"select * from {relation} order by all")
        ]
        dim_keys[snapshot] = {k for (k,) in result.query(f"select {key} from music.{dim}")}
    return Day(result, snapshots, dim_keys)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    work = tmp_path_factory.mktemp("snapshots")
    day1_lake, day2_lake = work / "day1" / "lake", work / "day2" / "lake"
    meta = [FIXTURES / "meta_ads" / f"{name}.json" for name in META_ENTITIES]
    _land(day1_lake, BANK_DETAILS, meta)
    day1 = _build(day1_lake, work / "day1")

    files = work / "day2" / "files"
    next_meta, gone_ads = _next_meta_dump(files / "meta_ads")
    _land(day2_lake, _next_bank_details(files / "distrokid"), next_meta)
    build_database(day2_lake).parent.mkdir(parents=True, exist_ok=True)
    assert not build_database(day2_lake).exists()
    shutil.copy2(build_database(day1_lake), build_database(day2_lake))
    day2 = _build(day2_lake, work / "day2")
    day3 = _build(day2_lake, work / "day3")
    return History(day1, day2, day3, gone_ads)


def test_every_build_passes_every_test(history: History) -> None:
    for day in (history.day1, history.day2, history.day3):
        assert day.build.problems() == []
        names = day.build.node_names()
        assert set(SNAPSHOTS) <= names
        assert "snap_tracks__at_most_one_current_version_per_track" in names
        assert "snap_ad_campaigns__live_current_versions_match_dim_ad_campaign" in names


def test_first_build_records_one_current_version_per_entity(history: History) -> None:
    day1 = history.day1
    for snapshot, (_, key) in SNAPSHOTS.items():
        rows = day1.snapshots[snapshot]
        assert rows, snapshot
        assert sorted(r[key] for r in rows) == sorted(day1.dim_keys[snapshot])
        assert {(r["dbt_valid_to"], r["dbt_is_deleted"]) for r in rows} == {(None, "False")}
    assert len(day1.snapshots["snap_ad_campaigns"]) == len(_records("campaigns")) == 13


def test_changed_track_closes_its_version_and_opens_a_new_one(history: History) -> None:
    old, new = history.day2.versions("snap_tracks", RENAMED_ISRC)
    assert (old["track_title"], old["distrokid_title"]) == (OLD_TITLE, OLD_TITLE)
    assert (new["track_title"], new["distrokid_title"]) == (NEW_TITLE, NEW_TITLE)
    assert old["dbt_scd_id"] == history.day1.versions("snap_tracks", RENAMED_ISRC)[0]["dbt_scd_id"]
    assert old["dbt_valid_to"] == new["dbt_valid_from"] > old["dbt_valid_from"]
    assert new["dbt_valid_to"] is None
    assert (old["dbt_is_deleted"], new["dbt_is_deleted"]) == ("False", "False")
    # the unchanged columns travel with the new version
    assert (new["upc"], new["artist_id"]) == (old["upc"], old["artist_id"])


def test_changed_campaign_budget_and_status_make_a_new_version(history: History) -> None:
    old, new = history.day2.versions("snap_ad_campaigns", CHANGED_CAMPAIGN)
    assert (old["status"], old["campaign_daily_budget_minor"]) == ("ACTIVE", None)
    assert (new["status"], new["campaign_daily_budget_minor"]) == (
        "PAUSED",
        NEW_DAILY_BUDGET_MINOR,
    )
    assert old["dbt_valid_to"] == new["dbt_valid_from"]
    assert new["dbt_valid_to"] is None
    old_ad, new_ad = history.day2.versions("snap_ads", CHANGED_AD)
    assert (old_ad["status"], new_ad["status"]) == ("ACTIVE", "PAUSED")
    assert (old_ad["dbt_valid_to"], new_ad["dbt_valid_to"]) == (new_ad["dbt_valid_from"], None)


@pytest.mark.parametrize(
    ("snapshot", "key"),
    [("snap_tracks", GONE_ISRC), ("snap_ad_campaigns", GONE_CAMPAIGN)],
)
def test_deleted_entity_gets_a_deletion_row(history: History, snapshot: str, key: str) -> None:
    assert key in history.day1.dim_keys[snapshot]
    assert key not in history.day2.dim_keys[snapshot]
    live, deleted = history.day2.versions(snapshot, key)
    assert live["dbt_is_deleted"] == "False"
    assert live["dbt_valid_to"] == deleted["dbt_valid_from"]
    assert (deleted["dbt_is_deleted"], deleted["dbt_valid_to"]) == ("True", None)
    # the deletion row keeps the entity's last known attributes
    attributes = {c for c in live if not c.startswith("dbt_")}
    assert {c: deleted[c] for c in attributes} == {c: live[c] for c in attributes}


def test_ads_of_a_deleted_campaign_get_deletion_rows(history: History) -> None:
    assert len(history.gone_ads) == 3
    for ad_id in history.gone_ads:
        flags = [v["dbt_is_deleted"] for v in history.day2.versions("snap_ads", ad_id)]
        assert flags == ["False", "True"]


def test_unchanged_entities_keep_exactly_their_one_version(history: History) -> None:
    deleted = {"snap_tracks": {GONE_ISRC}, "snap_ad_campaigns": {GONE_CAMPAIGN}}
    deleted["snap_ads"] = set(history.gone_ads)
    for snapshot, (_, key) in SNAPSHOTS.items():
        untouched = CHANGED[snapshot] | deleted.get(snapshot, set())
        before = {r[key]: r for r in history.day1.snapshots[snapshot] if r[key] not in untouched}
        after = {}
        for row in history.day2.snapshots[snapshot]:
            if row[key] not in untouched:
                assert row[key] not in after, f"{snapshot}: a second version of {row[key]}"
                after[row[key]] = row
        assert after == before, snapshot


def test_volatile_columns_make_no_new_version(history: History) -> None:
    """The campaign's last delivery day and the artist's track count moved in the
    dimensions; neither is a tracked column, so each keeps its single day-1 version."""
    last_day = (
        "select last_delivery_date from music.dim_ad_campaign "
        f"where campaign_id = '{LONGER_CAMPAIGN}'"
    )
    assert history.day1.build.one(last_day) == (date(2025, 5, 27),)
    assert history.day3.build.one(last_day) == (date(2025, 5, 28),)
    [campaign] = history.day2.versions("snap_ad_campaigns", LONGER_CAMPAIGN)
    assert campaign["last_delivery_date"] == date(2025, 5, 27)

    [artist] = history.day2.versions("snap_artists", ARTIST_LOSING_A_TRACK)
    (n_tracks_now,) = history.day3.build.one(
        f"select n_tracks from music.dim_artist where artist_id = '{ARTIST_LOSING_A_TRACK}'"
    )
    assert artist["n_tracks"] == n_tracks_now + 1


def test_unchanged_rerun_adds_no_rows(history: History) -> None:
    assert history.day3.snapshots == history.day2.snapshots
    assert sum(len(rows) for rows in history.day2.snapshots.values()) > sum(
        len(rows) for rows in history.day1.snapshots.values()
    )
