"""Every contract in the registry is well formed, and every real or sandbox file is claimed by
exactly the datasets we expect, with rows that fit a layout, parse as the declared types and
have a unique primary key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lake.contracts import all_datasets, datasets_for, sources
from lake.ingest.contract import Csv, Dataset, Hook, Json, Parquet

from .support import FIXTURES, SANDBOX, as_text, claims, duckdb_rows, invalid_values, sample_files

EXPECTED_CLAIMS: dict[tuple[str, str], set[str]] = {
    ("distrokid", "dk_bank_details_20250529_043711_sample.tsv"): {"bank_details"},
    ("distrokid", "streams_stats_20250527_102936.html"): {"streams_daily"},
    ("distrokid", "applemusic_stats_20250527_102936.html"): {
        "apple_music_monthly",
        "apple_music_weekly",
        "apple_music_daily",
        "apple_music_breakdowns",
    },
    ("linktree", "graphql_20250527_141827_117309.json"): {"overview_daily"},
    ("linktree", "graphql_20250527_141843_975221.json"): {"subscribers_daily"},
    ("linktree", "graphql_20250527_141844_047977.json"): {"links", "socials", "socials_daily"},
    ("linktree", "graphql_20250527_141844_257580.json"): {"overview_daily"},
    ("linktree", "graphql_20250527_141844_433901.json"): {
        "lifetime",
        "cities",
        "countries",
        "referrers",
        "devices",
    },
    ("linktree", "graphql_20250527_141844_552983.json"): {"link_titles"},
    ("mailchimp", "reports_0.json"): {"reports"},
    ("meta_ads", "campaigns.json"): {"campaigns"},
    ("meta_ads", "adsets.json"): {"adsets"},
    ("meta_ads", "ads.json"): {"ads"},
    ("meta_ads", "insights.json"): {"insights"},
    ("spotify", "Blue Frog-audience-timeline.csv"): {"audience_timeline"},
    ("spotify", "Blue Frog-songs-all.csv"): {"songs"},
    ("spotify", "Blue Frog-song-iTEaqDP6nqTy6GfX4derCk-timeline.csv"): {"song_timeline"},
    ("tiktok", "Overview_2024-05-28_1748345895_zone.a0.zip"): {"overview"},
    ("tiktok", "video_7372781234567890123.json"): {"video_stats"},
    ("toolost", "toolost_spotify_20250526_141126.json"): {"spotify_streams", "spotify_discovery"},
    ("toolost", "toolost_apple_20250526_141126.json"): {
        "apple_streams",
        "apple_shazam",
        "apple_tracks",
        "apple_countries",
        "apple_summary",
    },
    ("toolost", "toolost_sales_2025-04.csv"): {"sales"},
    ("youtube", "Table data.csv"): {"table_data"},
    ("youtube", "analytics_report_daily.json"): {"analytics_report"},
}

# Names under which files arrive that no sample here has (other windows, re-downloads, pages).
DOCUMENTED_NAMES = {
    "distrokid": ["dk_bank_details_20250601_120000.tsv"],
    "meta_ads": [
        "campaigns_20250527.json",
        "ads_20250527.json",
        "insights_20250527.json",
        "ad_account.json",
        "ad_insights_daily_p1.json",
    ],
    "youtube": ["Table data (1).csv", "channel_daily_2025-05-27.json"],
    "mailchimp": ["reports_100.json"],
    # one Parquet per application table and run (extract/shop_db.py)
    "shop_db": [
        f"{table}_20261206T170640241476Z.parquet"
        for table in (
            "customers",
            "sellers",
            "categories",
            "products",
            "orders",
            "order_items",
            "payments",
            "reviews",
        )
    ],
}

SAMPLES = [(source, path) for source in sources() for path in sample_files(source)]
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
TYPE_SPEC = re.compile(
    r"bigint|integer|double|boolean|varchar|decimal\(\d+,\d+\)|(date|timestamp)(:%.+)?"
)


def sample_id(sample: tuple[str, Path]) -> str:
    return f"{sample[0]}/{sample[1].name}"


def test_every_source_has_contracts() -> None:
    assert set(sources()) == {
        "distrokid",
        "linktree",
        "mailchimp",
        "meta_ads",
        "shop_db",
        "spotify",
        "tiktok",
        "toolost",
        "youtube",
    }


def test_every_sample_file_is_in_the_expectations() -> None:
    assert {(s, p.name) for s, p in SAMPLES} == set(EXPECTED_CLAIMS)


def test_real_fixtures_are_all_present() -> None:
    # every real export of a platform the lake has contracts for; the shop's application
    # tables and the payment gateway's objects (shop/, payments/) come with the shop sources
    real = {
        (p.parent.name, p.name)
        for p in FIXTURES.glob("*/*")
        if p.name != "README.md" and p.parent.name in sources()
    }
    assert real <= set(EXPECTED_CLAIMS), real - set(EXPECTED_CLAIMS)


@pytest.mark.parametrize("ds", all_datasets(), ids=lambda d: d.key)
def test_dataset_is_well_formed(ds: Dataset) -> None:
    assert SNAKE.fullmatch(ds.source) and SNAKE.fullmatch(ds.name)
    assert len(ds.description) > 40
    assert ds.layouts
    for layout in ds.layouts:
        assert layout.required, f"{layout.name} must require at least one column"
        assert len(set(layout.columns)) == len(layout.columns), f"{layout.name} repeats a column"
    assert not [c for c in ds.columns if c.startswith("_")]
    assert set(ds.types) <= set(ds.columns)
    assert set(ds.primary_key) <= set(ds.columns)
    assert all(TYPE_SPEC.fullmatch(spec) for spec in ds.types.values()), ds.types
    if isinstance(ds.format, Json):
        assert ds.format.records_path and ds.format.records_path.startswith("$.")


def test_dataset_names_are_unique() -> None:
    keys = [d.key for d in all_datasets()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("ds", all_datasets(), ids=lambda d: d.key)
def test_pattern_claims_a_real_or_documented_file(ds: Dataset) -> None:
    names = [p.name for p in sample_files(ds.source)] + DOCUMENTED_NAMES.get(ds.source, [])
    assert any(ds.claims(name) for name in names), ds.pattern


def test_documented_names_are_claimed() -> None:
    for source, names in DOCUMENTED_NAMES.items():
        for name in names:
            assert any(d.claims(name) for d in datasets_for(source)), name


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_file_is_claimed_by_the_expected_datasets(sample: tuple[str, Path]) -> None:
    source, path = sample
    assert set(claims(source, path)) == EXPECTED_CLAIMS[(source, path.name)]


def rows_of(source: str, path: Path, tmp_path: Path) -> list[tuple[Dataset, list[str], list]]:
    """(dataset, header, text rows) for every dataset that claims the file."""
    out = []
    for claim in claims(source, path).values():
        if claim.rows is None:
            header, rows = duckdb_rows(claim.dataset, path, tmp_path)
        else:
            rows = [{k: as_text(v) for k, v in row.items()} for row in claim.rows]
            header = list(dict.fromkeys(k for row in rows for k in row))
        out.append((claim.dataset, header, rows))
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_every_record_fits_a_layout_and_nothing_is_rescued(
    sample: tuple[str, Path], tmp_path: Path
) -> None:
    for ds, header, rows in rows_of(*sample, tmp_path):
        assert rows, ds.key
        assert not [c for c in header if c.startswith("_")]
        assert set(header) <= set(ds.columns), (ds.key, set(header) - set(ds.columns))
        for row in rows:
            assert ds.match_layout(row) is not None, (ds.key, row)


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_every_typed_value_parses(sample: tuple[str, Path], tmp_path: Path) -> None:
    for ds, _, rows in rows_of(*sample, tmp_path):
        for column, spec in ds.types.items():
            values = [row.get(column) for row in rows]
            assert not invalid_values(values, spec), (ds.key, column, spec)


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_primary_key_is_unique_within_a_file(sample: tuple[str, Path], tmp_path: Path) -> None:
    for ds, _, rows in rows_of(*sample, tmp_path):
        if not ds.primary_key:
            continue
        keys = [tuple(row.get(c) for c in ds.primary_key) for row in rows]
        assert all(v is not None for key in keys for v in key), ds.key
        assert len(keys) == len(set(keys)), ds.key


def test_every_format_is_one_the_engine_reads() -> None:
    for ds in all_datasets():
        assert isinstance(ds.format, Csv | Json | Hook | Parquet), ds.key


def test_sandbox_folder_holds_only_documented_sources() -> None:
    assert {p.name for p in SANDBOX.iterdir() if p.is_dir()} <= set(sources())
