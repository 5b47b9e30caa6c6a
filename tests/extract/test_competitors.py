"""extract/competitors.py against the sandbox's two competitor shops: every product and review
of both sites with prices parsed from `R$ 1.234,56`, pagination and infinite scroll complete,
robots.txt and the rate limit respected (the sandbox's request log), a 429 waited out, a
layout change failing with a screenshot and nothing landed, and ingest with zero rejects."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extract import competitors
from extract._browser import BrowserOptions, BrowserPool
from extract._errors import SourceUnavailableError
from extract._http import HttpClient, RetryPolicy
from extract._log import EventLog
from extract._polite import PoliteGate, fetch_robots, parse_robots, robots_missing
from extract.runner import Runner, RunReport
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.competitors import SITES, brl, catalogue, in_stock, price_on, reviews
from lake.sandbox.faults import make_fault
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Reply

TODAY = date(2026, 11, 23)
OPTIONS = BrowserOptions.from_env({}, action_timeout=3, navigation_timeout=12)
STAMP = r"\d{8}_\d{6}"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("competitors")]


@pytest.fixture(scope="module")
def aio() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture(scope="module")
def pool(aio: asyncio.Runner) -> Iterator[BrowserPool]:
    shared = BrowserPool(OPTIONS)
    yield shared
    aio.run(shared.aclose())


@pytest.fixture(scope="module")
def server() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    lines = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in lines.items() if k.startswith("LAKE_COMPETITORS")} | extra


def runner(paths: LakePaths, sandbox: Sandbox, pool: BrowserPool, **env: str) -> Runner:
    return Runner(paths, env=sandbox_env(sandbox, **env), today=TODAY, browser_pool=pool)


@pytest.fixture(scope="module")
def scraped(
    aio: asyncio.Runner,
    pool: BrowserPool,
    server: Sandbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LakePaths, RunReport, dict[str, list[dict[str, Any]]]]:
    """Both sites scraped once into a fresh lake; the sandbox's request log per site."""
    server.admin.reset()
    server.world.shop.table("products")  # built once, before the clock of any request runs
    paths = LakePaths(tmp_path_factory.mktemp("competitors") / "lake").ensure()
    report = aio.run(runner(paths, server, pool).run({"competitors": competitors.EXTRACTOR}))
    return paths, report, {site: server.admin.requests(site) for site in SITES}


def landed(paths: LakePaths, report: RunReport, site: str, prefix: str) -> dict[str, Any]:
    (account,) = [a for a in report.sources[0].accounts if a.account == site]
    (found,) = [f for f in account.files if f["name"].startswith(prefix)]
    return json.loads((paths.root / found["path"]).read_bytes())


def world_view(world: World, site: str) -> dict[str, Any]:
    products = catalogue(world.seed, SITES[site], world.shop.table("products"))
    return {p.sku: p for p in products}


def test_parse_brl_reads_brazilian_prices() -> None:
    assert competitors.parse_brl("R$ 1.234,56") == Decimal("1234.56")
    assert competitors.parse_brl("R$\xa099,90") == Decimal("99.90")
    assert competitors.parse_brl("R$ 1.234.567,80") == Decimal("1234567.80")
    for bad in ("R$ 1,234.56", "1.234,56", "R$ 12,3", "R$ 1.23,45", "Indisponível"):
        with pytest.raises(ValueError):
            competitors.parse_brl(bad)


def test_both_sites_land_every_product_with_its_price_stock_and_gtin(scraped) -> None:
    paths, report, _ = scraped
    assert report.ok, [a.error for a in report.sources[0].accounts]
    world = World(today=TODAY)
    for site in SITES:
        doc = landed(paths, report, site, "products_")
        want = world_view(world, site)
        assert doc["site"] == site
        records = {r["sku"]: r for r in doc["products"]}
        assert list(records) == list(want)  # every product, once, in the site's order
        for sku, product in want.items():
            record, price = records[sku], price_on(world.seed, product, TODAY)
            stock = in_stock(world.seed, product, TODAY)
            assert record["in_stock"] is stock and record["currency"] == "BRL"
            assert record["gtin"] == product.gtin
            assert record["review_count"] == len(reviews(world.seed, product, TODAY))
            if site == "competitor_b" and not stock:  # Mega Ofertas hides the price
                assert (record["price_text"], record["price"]) == ("Indisponível", None)
            else:
                assert record["price_text"] == brl(price)
                assert Decimal(record["price"]) == price
    # a few exact ones, thousands separator included
    a = {r["sku"]: r for r in landed(paths, report, "competitor_a", "products_")["products"]}
    big = sorted((r for r in a.values() if len(r["price_text"]) > 10), key=lambda r: r["sku"])
    assert big, "the sandbox should price something above R$ 1.000,00"
    for record in big:
        integer, cents = re.fullmatch(
            r"R\$ (\d{1,3}(?:\.\d{3})+),(\d{2})", record["price_text"]
        ).groups()
        assert record["price"] == f"{integer.replace('.', '')}.{cents}"


def test_reviews_of_both_sites_land_with_iso_dates(scraped) -> None:
    paths, report, _ = scraped
    world = World(today=TODAY)
    for site in SITES:
        doc = landed(paths, report, site, "reviews_")
        want = [r for p in world_view(world, site).values() for r in reviews(world.seed, p, TODAY)]
        got = {r["review_id"]: r for r in doc["reviews"]}
        assert len(got) == len(doc["reviews"]) == len(want) > 10
        for review in want:
            record = got[review.review_id]
            assert record["sku"] == review.sku and record["author"] == review.author
            assert record["rating"] == review.rating and record["body"] == review.body
            assert record["published_on"] == review.published_on.isoformat()


def test_pagination_and_the_infinite_scroll_are_read_to_the_end(scraped) -> None:
    _, _, requests = scraped
    a_pages = [
        r["query"].get("pagina", "1")
        for r in requests["competitor_a"]
        if r["path"].endswith("/produtos")
    ]
    assert a_pages == ["1", "2", "3", "4"]
    b_pages = [
        r["query"]["pagina"]
        for r in requests["competitor_b"]
        if r["path"].endswith("/api/produtos")
    ]
    assert b_pages == ["1", "2", "3"]
    priced = [
        sku
        for r in requests["competitor_b"]
        if r["path"].endswith("/api/precos")
        for sku in r["query"]["ids"].split(",")
    ]
    assert sorted(priced) == sorted(world_view(World(today=TODAY), "competitor_b"))


def test_robots_txt_and_the_rate_limit_are_respected(scraped) -> None:
    _, _, requests = scraped
    for site, log in requests.items():
        assert log[0]["path"] == f"/{site}/robots.txt"
        paths = [r["path"] for r in log]
        assert not [p for p in paths if p.startswith((f"/{site}/carrinho", f"/{site}/busca"))]
        assert {r["status"] for r in log} == {200}, site  # not one 429 from the site's limit
        times = [datetime.fromisoformat(r["at"]) for r in log[1:]]
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 0.9, (site, min(gaps))  # Crawl-delay: 1


def test_landed_files_are_named_per_site_type_and_run_with_the_pages_kept(scraped) -> None:
    paths, report, _ = scraped
    store = SyncLandingStore(paths)
    for account in report.sources[0].accounts:
        names = [f["name"] for f in account.files]
        stamps = {re.search(STAMP, n).group(0) for n in names}
        assert len(stamps) == 1  # one run
        assert sum(re.fullmatch(rf"products_{STAMP}\.json", n) is not None for n in names) == 1
        assert sum(re.fullmatch(rf"reviews_{STAMP}\.json", n) is not None for n in names) == 1
        pages = [
            f for f in account.files if re.fullmatch(rf"page_{STAMP}_\d{{3}}\.html", f["name"])
        ]
        assert len(pages) == len(names) - 2
        kinds = [store.retrieve_by_path(p["path"]).metadata["page_kind"] for p in pages]
        if account.account == "competitor_a":
            assert kinds[:4] == ["listing"] * 4 and set(kinds[4:]) == {"product"}
            html = (paths.root / pages[0]["path"]).read_text()
            assert "application/ld+json" in html and "R$ " in html
        else:
            assert kinds == ["rendered"]
            html = (paths.root / pages[0]["path"]).read_text()
            assert html.count('class="produto-card"') == 36 and "Carregando" not in html


def test_ingest_reads_every_landed_file_with_zero_rejects(scraped) -> None:
    paths, report, _ = scraped
    summary = Ingestor(paths).run(landing_files(SyncLandingStore(paths))).to_dict()
    assert summary["quarantined"] == 0 and summary["rows_rejected"] == 0
    files = [f for a in report.sources[0].accounts for f in a.files]
    assert summary["ingested"] == len(files)
    raw = paths.raw / "_source=competitors"

    def count(dataset: str) -> int:
        glob = f"{raw}/_dataset={dataset}/*/*.parquet"
        return duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchone()[0]

    assert count("products") == 40 + 36
    assert count("pages") == sum(f["name"].startswith("page_") for f in files)
    world = World(today=TODAY)
    assert count("reviews") == sum(
        len(reviews(world.seed, p, TODAY)) for s in SITES for p in world_view(world, s).values()
    )


def test_the_gate_aborts_what_robots_txt_disallows(aio, pool, server: Sandbox) -> None:
    server.admin.reset()
    text = "User-agent: *\nDisallow: /competitor_b/busca\nCrawl-delay: 1\n"
    rules = parse_robots(f"{server.url}/competitor_b/robots.txt", text)
    gate = PoliteGate(rules, log=EventLog("competitors"))

    async def go() -> str:
        browser = await pool.browser()
        page = await browser.new_page()
        try:
            await gate.attach(page)
            await page.goto(f"{server.url}/competitor_b/robots.txt")
            return await page.evaluate(
                "fetch('/competitor_b/busca?q=tv').then(() => 'fetched', () => 'blocked')"
            )
        finally:
            await page.close()

    assert aio.run(go()) == "blocked"
    assert gate.blocked == [f"{server.url}/competitor_b/busca?q=tv"]
    assert not [r for r in server.admin.requests("competitor_b") if "/busca" in r["path"]]


def test_a_429_and_a_500_are_waited_out_and_asked_again(
    aio, pool, server: Sandbox, tmp_path: Path
) -> None:
    server.admin.reset()
    paths = LakePaths(tmp_path / "lake").ensure()
    run = runner(paths, server, pool, LAKE_COMPETITORS_ACCOUNTS="competitor_b")

    async def refuse_after_the_shell() -> None:
        # after robots.txt (read by the HTTP client, which has its own retries): the page's
        # own requests, which only the gate retries
        while not [r for r in server.state.log.entries("competitor_b") if r["path"].endswith("/")]:
            await asyncio.sleep(0.05)
        spec = {"platform": "competitor_b", "retry_after": 1}
        server.state.faults.add(make_fault({**spec, "kind": "rate_limit", "times": 2}))
        server.state.faults.add(make_fault({**spec, "kind": "server_error", "times": 1}))

    async def both() -> RunReport:
        report, _ = await asyncio.gather(
            run.run({"competitors": competitors.EXTRACTOR}), refuse_after_the_shell()
        )
        return report

    report = aio.run(both())
    assert report.ok, report.sources[0].accounts[0].error
    log = server.admin.requests("competitor_b")
    refused = [i for i, r in enumerate(log) if r["status"] != 200]
    assert [log[i]["status"] for i in refused] == [429, 429, 500]
    asked = {log[i]["path"] for i in refused}
    assert len(asked) == 1 and asked != {"/competitor_b/robots.txt"}
    after = log[refused[-1] + 1]
    assert after["path"] in asked and after["status"] == 200
    first, second = (datetime.fromisoformat(log[i]["at"]) for i in refused[:2])
    assert (second - first).total_seconds() >= 1.0  # Retry-After: 1
    products = landed(paths, report, "competitor_b", "products_")["products"]
    assert len(products) == 36


def test_a_layout_change_half_way_fails_with_a_screenshot_and_lands_nothing(
    aio, pool, server: Sandbox, tmp_path: Path
) -> None:
    server.admin.reset()
    paths = LakePaths(tmp_path / "lake").ensure()
    run = runner(paths, server, pool, LAKE_COMPETITORS_ACCOUNTS="competitor_a")

    async def change_after_the_first_page() -> None:
        while not [
            r for r in server.state.log.entries("competitor_a") if r["path"].endswith("/produtos")
        ]:
            await asyncio.sleep(0.05)
        server.state.faults.add(make_fault({"platform": "competitor_a", "kind": "layout_change"}))

    async def both() -> RunReport:
        report, _ = await asyncio.gather(
            run.run({"competitors": competitors.EXTRACTOR}), change_after_the_first_page()
        )
        return report

    report = aio.run(both())
    (account,) = report.sources[0].accounts
    assert account.status == "failed" and account.error.type == "LayoutChangedError"
    assert "no product with schema.org Product JSON-LD" in account.error.message
    assert "pagina=2" in account.error.message
    screenshot = Path(account.error.screenshot)
    assert screenshot.is_file() and screenshot.read_bytes()[:4] == b"\x89PNG"
    assert Path(account.error.html).is_file()
    assert account.files == []
    assert not list((paths.root / "landing").rglob("*competitor_a*"))
    server.admin.clear()


def test_a_changed_layout_on_the_scrolling_site_fails_clearly(
    aio, pool, server: Sandbox, tmp_path: Path
) -> None:
    server.admin.reset()
    server.admin.set_fault("competitor_b", "layout_change", times=None)
    paths = LakePaths(tmp_path / "lake").ensure()
    run = runner(paths, server, pool, LAKE_COMPETITORS_ACCOUNTS="competitor_b")
    report = aio.run(run.run({"competitors": competitors.EXTRACTOR}))
    (account,) = report.sources[0].accounts
    assert account.error.type == "LayoutChangedError" and "product cards" in account.error.message
    assert Path(account.error.screenshot).is_file() and account.files == []
    server.admin.clear()


def test_no_site_configured_says_what_to_set(aio, pool, tmp_path: Path) -> None:
    paths = LakePaths(tmp_path / "lake").ensure()
    report = aio.run(
        Runner(paths, env={}, today=TODAY, browser_pool=pool).run(
            {"competitors": competitors.EXTRACTOR}
        )
    )
    (account,) = report.sources[0].accounts
    assert account.error.type == "ConfigError"
    assert "LAKE_COMPETITORS_ACCOUNTS" in account.error.hint


def test_robots_txt_missing_allows_everything_and_failing_stops_the_scrape(serve) -> None:
    log = EventLog("competitors")
    missing = serve(lambda request: Reply(404, "not here"))
    failing = serve(lambda request: Reply(503, "down", {"Retry-After": "0"}))

    def read(url: str) -> Any:
        client = HttpClient(
            "competitors", url, retry=RetryPolicy(attempts=2, base_delay=0), on_error=robots_missing
        )
        return asyncio.run(fetch_robots(client, url, log=log))

    rules = read(missing.url)
    assert rules.allowed(f"{missing.url}/carrinho") and rules.crawl_delay is None
    with pytest.raises(SourceUnavailableError, match="not crawling a site whose rules"):
        read(failing.url)
    assert failing.hits("/robots.txt") == 2
