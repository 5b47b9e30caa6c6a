"""`fct_royalties_monthly` on the real DistroKid export and a TooLost statement, landed and
ingested like any export: DistroKid's earnings reach the mart to the cent and exactly, the
negative corrections are kept (counted and summed apart, not netted away unseen), rows
without an ISRC are `unattributed`, and TooLost's EUR rows convert at their month's rate."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from tests.dbt.music_marts_support import build, land_fixtures
from tests.dbt.staging_support import CONTRACT_SAMPLES, FIXTURES, StagingBuild, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

BANK_DETAILS = next((FIXTURES / "distrokid").glob("*bank_details*.tsv"))
STATEMENT = CONTRACT_SAMPLES / "toolost" / "toolost_sales_2025-04.csv"
EUR_2025_02 = Decimal("1.0413")  # seeds/common/fx_rates_monthly.csv


def _bank_rows() -> list[dict[str, str]]:
    text = BANK_DETAILS.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def _statement_rows() -> list[dict[str, str]]:
    with STATEMENT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("royalties")
    lake_root = work / "lake"
    land_fixtures(lake_root, ["distrokid", "toolost", "spotify"])
    land(lake_root, [STATEMENT], source="toolost", account="lanternlane")
    ingest(lake_root)
    return build(
        lake_root,
        work,
        [
            "+fct_royalties_monthly",
            "+dim_artist",
            "assert_royalties_distrokid_earnings_match_latest_raw_export",
        ],
    )


def test_build_passes_every_test(marts: StagingBuild) -> None:
    assert marts.problems() == []
    names = marts.node_names()
    assert "assert_royalties_distrokid_earnings_match_latest_raw_export" in names
    assert "fct_royalties_monthly__converts_each_currency_at_its_sale_months_rate" in names


def test_distrokid_earnings_reach_the_mart_exactly(marts: StagingBuild) -> None:
    rows = _bank_rows()
    assert len(rows) == 1440
    file_total = sum(Decimal(r["Earnings (USD)"]) for r in rows)
    assert file_total == Decimal("120.17732204")
    earnings, earnings_usd, source_rows = marts.one(
        "select sum(earnings), sum(earnings_usd), sum(n_source_rows) "
        "from music.fct_royalties_monthly where source = 'distrokid'"
    )
    assert earnings == earnings_usd == Decimal("120.17732204")
    assert source_rows == 1440


def test_negative_corrections_are_kept(marts: StagingBuild) -> None:
    negatives = [
        Decimal(r["Earnings (USD)"]) for r in _bank_rows() if r["Earnings (USD)"][0] == "-"
    ]
    assert len(negatives) == 214
    n_corrections, corrections, rows_with_corrections = marts.one(
        "select sum(n_correction_rows), sum(earnings_corrections), "
        "count(*) filter (where n_correction_rows > 0) "
        "from music.fct_royalties_monthly where source = 'distrokid'"
    )
    assert n_corrections == 214
    assert corrections == sum(negatives) < 0
    assert rows_with_corrections > 0


def test_rows_without_isrc_are_unattributed_not_dropped(marts: StagingBuild) -> None:
    no_isrc = [r for r in _bank_rows() if not r["ISRC"].strip()]
    unattributed = marts.one(
        "select coalesce(sum(n_source_rows), 0), coalesce(sum(earnings), 0) "
        "from music.fct_royalties_monthly where track_id = 'unattributed'"
    )
    assert unattributed == (
        len(no_isrc),
        sum((Decimal(r["Earnings (USD)"]) for r in no_isrc), Decimal(0)),
    )
    isrcs = {r["ISRC"] for r in _bank_rows() if r["ISRC"].strip()}
    tracks = {
        t for (t,) in marts.query("select track_id from music.dim_track where isrc is not null")
    }
    assert isrcs <= tracks


def test_toolost_eur_converts_at_the_sale_months_rate(marts: StagingBuild) -> None:
    statement = _statement_rows()
    feb_eur = [r for r in statement if r["Sale Month"] == "2025-02" and r["Currency"] == "EUR"]
    assert feb_eur, "the sample statement has EUR rows for sale month 2025-02"
    net = sum(Decimal(r["Net Earnings"]) for r in feb_eur)
    rows = marts.query(
        "select earnings, usd_per_unit, earnings_usd, fx_rate_kind "
        "from music.fct_royalties_monthly "
        "where source = 'toolost' and currency = 'EUR' and sale_month = date '2025-02-01'"
    )
    assert sum(r[0] for r in rows) == net
    for earnings, rate, earnings_usd, kind in rows:
        assert rate == EUR_2025_02 and kind == "published_average"
        assert earnings_usd == (earnings * EUR_2025_02).quantize(Decimal("0.00000001"))
    usd_rows = marts.query(
        "select earnings, earnings_usd from music.fct_royalties_monthly "
        "where source = 'toolost' and currency = 'USD'"
    )
    assert usd_rows and all(e == u for e, u in usd_rows)
    total_net = sum(Decimal(r["Net Earnings"]) for r in statement)
    assert marts.one(
        "select sum(earnings) from music.fct_royalties_monthly where source = 'toolost'"
    ) == (total_net,)
