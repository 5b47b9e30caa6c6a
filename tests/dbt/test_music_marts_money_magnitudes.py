"""Money at a label's real magnitudes: a DistroKid row earning a million dollars, a TooLost EUR
row of a quarter of a million and a Meta ad set spending 100,000 EUR reach the marts exactly
(DuckDB types DECIMAL(18, 8) * DECIMAL(18, 8) as DECIMAL(18, 16): a plain product overflows
above 92.23, so conversions widen first, see the macro `convert_money`)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.dbt.music_marts_support import build
from tests.dbt.staging_support import (
    CONTRACT_SAMPLES,
    FIXTURES,
    StagingBuild,
    ingest,
    land,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

BANK_DETAILS = next((FIXTURES / "distrokid").glob("*bank_details*.tsv"))
STATEMENT = CONTRACT_SAMPLES / "toolost" / "toolost_sales_2025-04.csv"
EUR_2025_02 = Decimal("1.0413")  # seeds/fx_rates_monthly.csv
EUR_2025_05 = Decimal("1.1278")
MILLION = Decimal("1000000.12345678")
TOOLOST_EUR = Decimal("250000.50000000")
AD_SPEND = Decimal("100000.00")
YEN_SPEND = Decimal("15000000")


def _one_bank_row(path: Path) -> Path:
    """The fixture's header and first row, earning a million dollars."""
    text = BANK_DETAILS.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter="\t"))[:1]
    row["Earnings (USD)"] = str(MILLION)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _one_eur_statement_row(path: Path) -> Path:
    """The sample statement's first EUR row of sale month 2025-02, netting 250,000.50 EUR."""
    with STATEMENT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["Sale Month"] == "2025-02" and r["Currency"] == "EUR")
    row["Gross Earnings"] = row["Net Earnings"] = str(TOOLOST_EUR)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.fixture(scope="module")
def royalties(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("money_royalties")
    lake_root = work / "lake"
    files = work / "files"
    files.mkdir()
    bank = _one_bank_row(files / "dk_bank_details_20250529_043711_big.tsv")
    statement = _one_eur_statement_row(files / "toolost_sales_2025-04.csv")
    land(lake_root, [bank], source="distrokid", account="label")
    land(lake_root, [statement], source="toolost", account="label")
    ingest(lake_root)
    return build(lake_root, work, ["+fct_royalties_monthly"])


def test_royalties_build_at_real_magnitudes(royalties: StagingBuild) -> None:
    assert royalties.problems() == []


def test_a_million_dollar_row_reaches_the_mart_exactly(royalties: StagingBuild) -> None:
    assert royalties.one(
        "select sum(earnings), sum(earnings_usd), sum(gross_earnings_usd) "
        "from music.fct_royalties_monthly where source = 'distrokid'"
    ) == (MILLION, MILLION, MILLION)


def test_a_large_eur_row_converts_exactly(royalties: StagingBuild) -> None:
    expected = (TOOLOST_EUR * EUR_2025_02).quantize(Decimal("0.00000001"))
    assert expected == Decimal("260325.52065000")
    assert royalties.one(
        "select earnings, usd_per_unit, earnings_usd, gross_earnings_usd "
        "from music.fct_royalties_monthly where source = 'toolost'"
    ) == (TOOLOST_EUR, EUR_2025_02, expected, expected)


@pytest.fixture(scope="module")
def ads(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    """Meta's real dump, its first ad-set window spending 100,000.00, and an EUR ad account."""
    return _ads_build(tmp_path_factory.mktemp("money_ads"), AD_SPEND, "EUR")


@pytest.fixture(scope="module")
def yen_ads(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    """The same campaign bought in yen: about 100,000 USD is some 15 million JPY (no minor
    unit); the cpm multiplies it by 1000 (widened first: 1000 * DECIMAL(18, 8) would stay
    DECIMAL(18, 8) and overflow past 10 million)."""
    return _ads_build(tmp_path_factory.mktemp("money_ads_jpy"), YEN_SPEND, "JPY")


def _ads_build(work: Path, spend: Decimal, currency: str) -> StagingBuild:
    lake_root = work / "lake"
    files = work / "files"
    files.mkdir()
    doc = json.loads((FIXTURES / "meta_ads" / "insights.json").read_text())
    records = doc["data"] if isinstance(doc, dict) else doc
    first = records[0]
    first["spend"] = str(spend)
    # what Meta reports beside such a spend: its cost per click and per thousand impressions
    # (the mart's tests check its own ratios against these)
    if first.get("clicks"):
        first["cpc"] = f"{spend / Decimal(first['clicks']):.6f}"
    if first.get("impressions"):
        first["cpm"] = f"{spend * 1000 / Decimal(first['impressions']):.6f}"
    (files / "insights.json").write_text(json.dumps(doc))
    account_id = records[0].get("account_id", "1234567890")
    (files / "ad_account.json").write_text(
        json.dumps(
            {
                "id": f"act_{account_id}",
                "account_id": account_id,
                "name": "Label ads",
                "currency": currency,
                "timezone_name": "Europe/Berlin",
                "timezone_offset_hours_utc": "2",
                "account_status": "1",
            }
        )
    )
    entities = [FIXTURES / "meta_ads" / f"{n}.json" for n in ("campaigns", "adsets", "ads")]
    landed = [*entities, files / "insights.json", files / "ad_account.json"]
    land(lake_root, landed, source="meta_ads", account=account_id)
    ingest(lake_root)
    return build(lake_root, work, ["+fct_ad_performance_window", "+int_campaign_spend"])


def test_a_100k_ad_set_window_converts_exactly(ads: StagingBuild) -> None:
    assert [p for p in ads.problems() if not p.startswith("warn ")] == []
    expected = (AD_SPEND * EUR_2025_05).quantize(Decimal("0.00000001"))
    rows = ads.query(
        "select spend, usd_per_unit, spend_usd from music.fct_ad_performance_window "
        "where spend = 100000"
    )
    assert rows == [(AD_SPEND, EUR_2025_05, expected)]


def test_a_100k_campaign_sums_exactly(ads: StagingBuild) -> None:
    doc = json.loads((FIXTURES / "meta_ads" / "insights.json").read_text())
    records = doc["data"] if isinstance(doc, dict) else doc
    campaign = records[0]["campaign_id"]
    spends = [
        Decimal(r["spend"])
        for r in records[1:]
        if r["campaign_id"] == campaign and not r.get("ad_id")
    ]
    (schema,) = ads.one(
        "select table_schema from information_schema.tables where table_name = 'int_campaign_spend'"
    )
    spend, spend_usd = ads.one(
        f"select spend, spend_usd from {schema}.int_campaign_spend where campaign_id = '{campaign}'"
    )
    assert spend == AD_SPEND + sum(spends, Decimal(0))
    assert spend > AD_SPEND
    assert spend_usd == (spend * EUR_2025_05).quantize(Decimal("0.00000001"))


def test_a_15_million_yen_window_has_its_cpm(yen_ads: StagingBuild) -> None:
    assert [p for p in yen_ads.problems() if not p.startswith("warn ")] == []
    spend, impressions, cpm, spend_usd = yen_ads.one(
        "select spend, impressions, cpm, spend_usd from music.fct_ad_performance_window "
        f"where spend = {YEN_SPEND}"
    )
    assert spend == YEN_SPEND
    # a ratio is computed in double precision, then kept to 8 decimals
    assert abs(cpm - YEN_SPEND * 1000 / impressions) < Decimal("0.0001")
    assert spend_usd is None  # the FX seed has no JPY rate: never a guessed conversion
