"""The competitor shops: robots.txt, the rate limit, Loja Rival's JSON-LD pages, Mega Ofertas'
API behind its script, the shop world's products at other prices, and the changed layout."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from decimal import Decimal

import httpx
import pytest

from lake.sandbox.competitors import SITES, brl, catalogue, in_stock, price_on, reviews
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import TODAY

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
CARD_PRICE = re.compile(r'data-sku="([A-Z0-9]+)">.*?class="produto-preco">([^<]+)<', re.DOTALL)


def polite_get(http: httpx.Client, url: str, **params: str) -> httpx.Response:
    """GET that waits out the site's 429s (the tests ask faster than robots.txt allows)."""
    for _ in range(20):
        response = http.get(url, params=params)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers["Retry-After"]))
    raise AssertionError(f"{url} stayed rate limited")


def expected(world: World, platform: str) -> list[tuple[str, Decimal, bool, int]]:
    products = catalogue(world.seed, SITES[platform], world.shop.table("products"))
    return [
        (
            p.sku,
            price_on(world.seed, p, TODAY),
            in_stock(world.seed, p, TODAY),
            len(reviews(world.seed, p, TODAY)),
        )
        for p in products
    ]


def test_brl_writes_prices_the_brazilian_way() -> None:
    assert brl(Decimal("1234.56")) == "R$ 1.234,56"
    assert brl(Decimal("0.5")) == "R$ 0,50"
    assert brl(Decimal("99.9")) == "R$ 99,90"
    assert brl(Decimal("1234567.8")) == "R$ 1.234.567,80"


def test_robots_txt_disallows_cart_and_search_with_a_crawl_delay(
    client: httpx.Client,
) -> None:
    for platform in SITES:
        text = client.get(f"/{platform}/robots.txt").text
        assert f"Disallow: /{platform}/carrinho" in text
        assert f"Disallow: /{platform}/busca" in text
        assert "Crawl-delay: 1" in text


def test_a_burst_past_the_rate_limit_gets_429_with_retry_after(client: httpx.Client) -> None:
    time.sleep(2.1)  # an empty window
    statuses = [client.get("/competitor_b/static/app.js").status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5
    assert 429 in statuses[5:]
    limited = client.get("/competitor_b/static/app.js")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    # robots.txt is never limited
    assert client.get("/competitor_b/robots.txt").status_code == 200


def test_loja_rival_pages_list_every_product_once_with_json_ld(
    client: httpx.Client, world: World
) -> None:
    want = expected(world, "competitor_a")
    assert len(want) == 40
    seen: dict[str, dict] = {}
    shown: dict[str, str] = {}
    page = 1
    while True:
        html = polite_get(client, "/competitor_a/produtos", pagina=str(page)).text
        blocks = [json.loads(b) for b in JSON_LD.findall(html)]
        assert len(blocks) == (10 if page < 4 else len(want) - 30)
        seen.update({b["sku"]: b for b in blocks})
        shown.update(dict(CARD_PRICE.findall(html)))
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == 4
    assert polite_get(client, "/competitor_a/produtos", pagina="5").status_code == 404
    assert list(seen) == [sku for sku, *_ in want]
    for sku, price, stock, count in want:
        offer = seen[sku]["offers"]
        assert Decimal(offer["price"]) == price and offer["priceCurrency"] == "BRL"
        assert shown[sku] == brl(price)
        assert offer["availability"].endswith("InStock" if stock else "OutOfStock")
        assert seen[sku].get("aggregateRating", {}).get("reviewCount", 0) == count
    assert any(not stock for _, _, stock, _ in want)
    assert any(price >= 1000 for _, price, _, _ in want)  # a thousands separator to parse


def test_a_product_page_carries_its_reviews_in_json_ld(client: httpx.Client, world: World) -> None:
    sku = next(sku for sku, _, _, count in expected(world, "competitor_a") if count >= 2)
    html = polite_get(client, f"/competitor_a/produto/{sku}").text
    (block,) = [json.loads(b) for b in JSON_LD.findall(html)]
    assert len(block["review"]) == block["aggregateRating"]["reviewCount"] >= 2
    first = block["review"][0]
    assert first["author"]["name"] and 1 <= first["reviewRating"]["ratingValue"] <= 5
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["datePublished"])


def test_mega_ofertas_api_pages_and_lazy_prices(client: httpx.Client, world: World) -> None:
    want = expected(world, "competitor_b")
    assert len(want) == 36
    listed, page = [], 1
    while page is not None:
        body = polite_get(client, "/competitor_b/api/produtos", pagina=str(page)).json()
        listed += body["produtos"]
        page = body["proxima"]
    assert [p["id"] for p in listed] == [sku for sku, *_ in want]
    ids = [sku for sku, *_ in want][:12]
    prices = polite_get(client, "/competitor_b/api/precos", ids=",".join(ids)).json()["precos"]
    for sku, price, stock, _ in want[:12]:
        assert prices[sku] == (brl(price) if stock else None)
    shell = polite_get(client, "/competitor_b/").text
    assert 'src="/competitor_b/static/app.js"' in shell and "http" not in shell.split("<body>")[1]


def test_both_sites_sell_some_shop_products_under_the_same_gtin_at_other_prices(
    world: World,
) -> None:
    shop = {p["gtin"]: p for p in world.shop.table("products") if p["gtin"]}
    for platform, site in SITES.items():
        products = catalogue(world.seed, site, world.shop.table("products"))
        shared = [p for p in products if p.shop_product_id]
        assert len(shared) == site.shared and len(products) == site.shared + site.own
        with_gtin = [p for p in shared if p.gtin]
        assert with_gtin and all(shop[p.gtin]["product_id"] == p.shop_product_id for p in with_gtin)
        assert all(p.title != shop[p.gtin]["title"] for p in with_gtin)
        differ = [
            p for p in with_gtin if price_on(world.seed, p, TODAY) != shop[p.gtin]["list_price"]
        ]
        assert len(differ) == len(with_gtin), platform
        assert not any(p.gtin in shop for p in products if not p.shop_product_id)
    # Mega Ofertas does not show every GTIN
    b = catalogue(world.seed, SITES["competitor_b"], world.shop.table("products"))
    assert any(p.gtin is None for p in b if p.shop_product_id)


@pytest.mark.parametrize("platform", ["competitor_a", "competitor_b"])
def test_a_changed_layout_renames_what_scrapers_look_for(
    sandbox: Sandbox, client: httpx.Client, platform: str
) -> None:
    sandbox.admin.set_fault(platform, "layout_change", times=None)
    if platform == "competitor_a":
        html = polite_get(client, "/competitor_a/produtos").text
        assert "application/ld+json" not in html and 'rel="next"' not in html
        assert 'class="card-v2"' in html
    else:
        assert 'data-layout="v2"' in polite_get(client, "/competitor_b/").text


def test_prices_move_weekly_within_five_percent_either_way(world: World) -> None:
    products = catalogue(world.seed, SITES["competitor_a"], world.shop.table("products"))
    week_later = TODAY.toordinal() + 7
    later = [price_on(world.seed, p, date.fromordinal(week_later)) for p in products]
    now = [price_on(world.seed, p, TODAY) for p in products]
    assert sum(a != b for a, b in zip(now, later, strict=True)) > len(products) // 2
    # a pure function of the day: asking again gives the same price
    assert now == [price_on(world.seed, p, TODAY) for p in products]
    assert all(abs(b / a - 1) <= Decimal("0.11") for a, b in zip(now, later, strict=True))
