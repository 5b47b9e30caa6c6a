"""`dbt build` on DistroKid's real bank-details export, read from a raw zone shaped like the
one `lake ingest` writes: the staged figures match the file, older exports are dropped, and
every dbt test (schema, unit, singular) passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunnerResult

from tests.dbt.harness import PROJECT_DIR, build_database, run_dbt
from tests.dbt.make_raw_fixture import write_raw_fixture

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

STAGING = "staging.stg_distrokid__bank_details"
BANK_DETAILS_TSV = (
    PROJECT_DIR / "tests/fixtures/platforms/distrokid/dk_bank_details_20250529_043711_sample.tsv"
)
RAW = (
    "read_parquet('{root}/raw/_source=distrokid/_dataset=bank_details/*/*.parquet', "
    "hive_partitioning = true, union_by_name = true)"
)


@dataclass(frozen=True)
class Build:
    result: dbtRunnerResult
    lake_root: Path

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(build_database(self.lake_root)), read_only=True)
        try:
            return con.execute(sql.format(root=self.lake_root)).fetchall()
        finally:
            con.close()

    def problems(self) -> list[str]:
        """Every node that did not end in success/pass, as 'status name: message'."""
        assert self.result.result is not None, self.result.exception
        return [
            f"{r.status} {r.node.name}: {r.message}"
            for r in self.result.result.results
            if str(r.status) not in {"success", "pass"}
        ]


# only the bank details path: the other staging folders have their own tests
BANK_DETAILS_PATH = (
    "source:distrokid.bank_details",
    "stg_distrokid__bank_details",
    "assert_distrokid_earnings_match_latest_raw_export",
    "assert_sources_read_the_raw_zone",
)


def _build(tmp_path: Path, *, newest_v2: bool = False) -> Build:
    lake_root = tmp_path / "lake"
    # An older, shorter export landed a month earlier, then the newest full export.
    write_raw_fixture(lake_root, landed_at=datetime(2025, 4, 28, 9, 0), limit=500)
    write_raw_fixture(lake_root, v2_layout=newest_v2)
    result = run_dbt(
        ["build", "--select", *BANK_DETAILS_PATH, "--indirect-selection", "cautious"],
        lake_root=lake_root,
        work_dir=tmp_path,
    )
    return Build(result, lake_root)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return _build(tmp_path_factory.mktemp("distrokid"))


def test_build_passes_every_test_without_warnings(build: Build) -> None:
    assert build.result.exception is None, build.result.exception
    assert build.problems() == []
    assert build.result.success


def test_staged_rows_match_the_newest_export(build: Build) -> None:
    [(rows, earnings, negative)] = build.query(
        f"select count(*), sum(earnings_usd), count(*) filter (where earnings_usd < 0) "
        f"from {STAGING}"
    )
    assert rows == 1440
    assert earnings == Decimal("120.17732204")
    assert negative == 214


def test_older_exports_are_dropped(build: Build) -> None:
    [(raw_rows, raw_files)] = build.query(
        "select count(*), count(distinct _source_file) from " + RAW
    )
    assert (raw_rows, raw_files) == (1940, 2)
    [(files, landed_at)] = build.query(
        f"select list(distinct _source_file), max(_landed_at) from {STAGING}"
    )
    assert files == ["landing/distrokid/2025-05-29-0440/dk_bank_details_20250529_043711_sample.tsv"]
    assert landed_at == datetime(2025, 5, 29, 4, 40)


def test_columns_have_exact_types(build: Build) -> None:
    types = dict(
        build.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'staging' and table_name = 'stg_distrokid__bank_details'"
        )
    )
    assert types["earnings_usd"] == "DECIMAL(18,8)"
    assert types["songwriter_royalties_withheld"] == "DECIMAL(18,8)"
    assert types["recoup_usd"] == "DECIMAL(18,8)"
    assert types["team_percentage"] == "DECIMAL(9,4)"
    assert types["quantity"] == "BIGINT"
    assert types["sale_month"] == "DATE"
    assert types["reporting_date"] == "DATE"
    [(first_of_month,)] = build.query(f"select bool_and(day(sale_month) = 1) from {STAGING}")
    assert first_of_month


def test_models_land_in_the_exact_schema_names(build: Build) -> None:
    schemas = {s for (s,) in build.query("select schema_name from information_schema.schemata")}
    assert "staging" in schemas
    assert not [s for s in schemas if s.startswith("main_")]


def test_staging_is_data_and_no_view_names_the_build_database(build: Build) -> None:
    # Published staging is a table (data inside the published file, not a view over the raw
    # zone's files); and the build database is published under another name: a view that
    # says "build"."..." would break there.
    kinds = dict(build.query("select table_name, table_type from information_schema.tables"))
    assert kinds["stg_distrokid__bank_details"] == "BASE TABLE"
    views = build.query("select view_name, sql from duckdb_views() where not internal")
    assert [name for name, sql in views if '"build"' in sql] == []


def test_newest_export_in_the_16_column_layout(tmp_path: Path) -> None:
    build = _build(tmp_path, newest_v2=True)
    assert build.problems() == []
    [(rows, earnings, layouts, inserted, recoup, types)] = build.query(
        f"select count(*), sum(earnings_usd), list(distinct _layout), "
        f"count(inserted_date), sum(recoup_usd), list(distinct source_type order by source_type) "
        f"from {STAGING}"
    )
    assert (rows, earnings, layouts) == (1440, Decimal("120.17732204"), ["v2_16_columns"])
    assert inserted == 1440
    assert recoup == Decimal("0E-8")
    assert types == ["Streaming", "Video"]


def test_the_real_land_and_ingest_feed_staging(tmp_path: Path) -> None:
    """The same figures through the real pipeline: `lake land` + `lake ingest`, then dbt."""
    from typer.testing import CliRunner

    from lake.cli import app

    lake_root = tmp_path / "lake"
    cli = CliRunner()
    for args in (
        ["land", str(BANK_DETAILS_TSV), "--source", "distrokid", "--root", str(lake_root)],
        ["ingest", "--root", str(lake_root)],
    ):
        outcome = cli.invoke(app, args)
        assert outcome.exit_code == 0, outcome.output
    result = run_dbt(
        ["build", "--select", *BANK_DETAILS_PATH, "--indirect-selection", "cautious"],
        lake_root=lake_root,
        work_dir=tmp_path,
    )
    build = Build(result, lake_root)
    assert build.problems() == []
    [(rows, earnings, negative)] = build.query(
        f"select count(*), sum(earnings_usd), count(*) filter (where earnings_usd < 0) "
        f"from {STAGING}"
    )
    assert (rows, earnings, negative) == (1440, Decimal("120.17732204"), 214)


def test_each_account_keeps_its_own_newest_export(tmp_path: Path) -> None:
    """Two DistroKid accounts (the fixture's rows split in two files, landed an hour apart):
    the second account's export must not replace the first's."""
    from tests.dbt.staging_support import ingest, land

    lines = BANK_DETAILS_TSV.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    half = len(rows) // 2
    lake_root = tmp_path / "lake"
    for account, part, hour in (("label-a", rows[:half], 9), ("label-b", rows[half:], 10)):
        export = tmp_path / account / f"dk_bank_details_20250529_{hour:02d}0000_{account}.tsv"
        export.parent.mkdir(parents=True)
        export.write_text(header + "".join(part), encoding="utf-8")
        land(lake_root, [export], source="distrokid", account=account)
    ingest(lake_root)
    result = run_dbt(
        ["build", "--select", *BANK_DETAILS_PATH, "--indirect-selection", "cautious"],
        lake_root=lake_root,
        work_dir=tmp_path,
    )
    build = Build(result, lake_root)
    assert build.problems() == []
    per_account = build.query(
        f"select account, count(*), sum(earnings_usd) from {STAGING} group by 1 order by 1"
    )
    assert [(a, n) for a, n, _ in per_account] == [("label-a", half), ("label-b", 1440 - half)]
    assert sum(earnings for _, _, earnings in per_account) == Decimal("120.17732204")
