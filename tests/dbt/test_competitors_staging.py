"""`dbt build` of the competitor staging models on two scrapes of one site (the contract
samples, then a later scrape with new prices, a product read twice and an edited review),
landed and ingested through `lake land` + `lake ingest`: prices as decimals in BRL, stock,
GTINs, one row per product and scrape, one row per review (the latest version)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.dbt.staging_support import CONTRACT_SAMPLES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

SAMPLES = CONTRACT_SAMPLES / "competitors"
PRODUCTS = "staging.stg_competitors__products"
REVIEWS = "staging.stg_competitors__reviews"
SITE = "mega_ofertas"
LATER = "2026-11-21T12:00:09+00:00"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("competitors")
    lake_root = work / "lake"
    land(lake_root, sorted(SAMPLES.iterdir()), source="competitors", account=SITE)
    # a day later: B5001 is cheaper, B1000 was read twice (the listing shifted while it was
    # read: the later read wins), and a review's text was edited
    products = json.loads((SAMPLES / "products_20261120_120000.json").read_text())
    first = products["products"][0]
    later = [{**r, "scraped_at": LATER} for r in products["products"]]
    later = [
        {**r, "price_text": "R$ 2.999,00", "price": "2999.00"} if r["sku"] == "B5001" else r
        for r in later
    ]
    early_read = {**first, "scraped_at": "2026-11-21T12:00:01+00:00", "price": "1.00"}
    reviews = json.loads((SAMPLES / "reviews_20261120_120000.json").read_text())
    edited = [{**reviews["reviews"][0], "body": "Mudei de ideia.", "scraped_at": LATER}]
    folder = work / "later"
    folder.mkdir()
    (folder / "products_20261121_120000.json").write_text(
        json.dumps({**products, "products": [early_read, *later]}, ensure_ascii=False)
    )
    (folder / "reviews_20261121_120000.json").write_text(
        json.dumps({**reviews, "reviews": edited}, ensure_ascii=False)
    )
    land(lake_root, sorted(folder.iterdir()), source="competitors", account=SITE)
    ingest(lake_root)
    return build_sources(lake_root, work, "competitors")


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []
    assert {"stg_competitors__products", "stg_competitors__reviews"} <= build.node_names()


def test_prices_are_decimals_in_brl_per_product_and_scrape(build: StagingBuild) -> None:
    rows = build.query(
        f"select sku, price, price_text, currency, in_stock, site from {PRODUCTS} "
        f"where scraped_at < '2026-11-21' order by sku"
    )
    assert rows == [
        ("B1000", Decimal("9.56"), "R$ 9,56", "BRL", True, SITE),
        ("B1001", Decimal("426.41"), "R$ 426,41", "BRL", True, SITE),
        ("B1002", None, "Indisponível", "BRL", False, SITE),
        ("B1003", None, "Indisponível", "BRL", False, SITE),
        ("B1004", Decimal("314.23"), "R$ 314,23", "BRL", True, SITE),
        ("B5001", Decimal("3288.96"), "R$ 3.288,96", "BRL", True, SITE),
    ]
    history = build.query(f"select price from {PRODUCTS} where sku = 'B5001' order by scraped_at")
    assert history == [(Decimal("3288.96"),), (Decimal("2999.00"),)]


def test_a_product_read_twice_in_one_scrape_keeps_its_later_read(build: StagingBuild) -> None:
    assert build.one(f"select count(*) from {PRODUCTS}") == (12,)
    assert build.query(
        f"select price, scraped_at from {PRODUCTS} where sku = 'B1000' order by scraped_at"
    ) == [
        (Decimal("9.56"), datetime(2026, 11, 20, 12, 0, 5, tzinfo=UTC)),
        (Decimal("9.56"), datetime(2026, 11, 21, 12, 0, 9, tzinfo=UTC)),
    ]


def test_gtins_where_shown(build: StagingBuild) -> None:
    shown = dict(build.query(f"select sku, gtin from {PRODUCTS} where scraped_at < '2026-11-21'"))
    sample = json.loads((SAMPLES / "products_20261120_120000.json").read_text())["products"]
    assert shown == {r["sku"]: r["gtin"] for r in sample}
    assert None in shown.values() and any(shown.values())


def test_one_row_per_review_with_the_latest_text(build: StagingBuild) -> None:
    sample = json.loads((SAMPLES / "reviews_20261120_120000.json").read_text())["reviews"]
    rows = build.query(
        f"select review_id, review_text, rating, published_on, author_name from {REVIEWS} "
        f"order by review_id"
    )
    assert len(rows) == len(sample) == len({r["review_id"] for r in sample})
    latest = {r[0]: r for r in rows}
    assert latest[sample[0]["review_id"]][1] == "Mudei de ideia."
    other = sample[1]
    assert latest[other["review_id"]][1:] == (
        other["body"],
        other["rating"],
        datetime.fromisoformat(other["published_on"]).date(),
        other["author"],
    )
