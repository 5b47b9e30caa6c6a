"""Competitors: products, prices, stock and reviews scraped from competitor shops (Playwright).

Each competitor site is an account of this source (`LAKE_COMPETITORS_ACCOUNTS=loja_rival,...`,
the site's name in the lake), with its own base URL and scraper:

- `LAKE_COMPETITORS__<SITE>_BASE_URL`: the site's root (robots.txt is `<root>/robots.txt`);
- `LAKE_COMPETITORS__<SITE>_SCRAPER`: `jsonld` (server-rendered pages with schema.org
  `Product` JSON-LD, paginated) or `scroll` (rendered in the browser: infinite scroll, prices
  loaded lazily);
- `LAKE_COMPETITORS__<SITE>_START`: the first listing page (default `/produtos` for
  `jsonld`, `/` for `scroll`);
- `LAKE_COMPETITORS_REQUEST_DELAY`: seconds between two requests to a site, at least
  (default 1; a longer robots.txt `Crawl-delay` wins);
- `LAKE_COMPETITORS_SCROLL_TIMEOUT`: seconds an infinite scroll may go without a new product
  or price before it fails (default 30).

What lands, per site and run (`landing/competitors/<minute>/<site>/`), only once the whole site
was read (a failure half-way lands nothing):

- `page_<YYYYMMDD_HHMMSS>_<nnn>.html`: every page the products were read from, as served
  (`jsonld`: listing and product pages) or as rendered after the last scroll (`scroll`), for
  re-parsing; metadata `page_kind` and the page's URL;
- `products_<YYYYMMDD_HHMMSS>.json`: `{"site", "scraped_at", "products": [...]}`, one record per
  product: `sku`, `url`, `title`, `brand`, `category`, `gtin` (where the site shows one),
  `price_text` as shown (`R$ 1.234,56`), `price` parsed from it (`"1234.56"`, null when no
  price is shown), `currency` (BRL), `in_stock`, `availability_text`, `rating`,
  `review_count`, `scraped_at`, `page` (the HTML file it was read from);
- `reviews_<YYYYMMDD_HHMMSS>.json`: `{"site", "scraped_at", "reviews": [...]}`: `review_id`,
  `sku`, `author`, `rating`, `title`, `body`, `published_on` (ISO date), `scraped_at`, `page`.

Politeness (`extract/_polite.py`): robots.txt is read first; a URL it disallows is never
requested; requests are spaced by its `Crawl-delay` (at least the request delay); a 429 is
waited out. Pages whose expected elements are missing raise `LayoutChangedError` (the runner
saves a screenshot and the HTML under `_state/extract/failures/competitors/`).

How the real sites are reached: point `LAKE_COMPETITORS__<SITE>_BASE_URL` at the shop. The
selectors in `extract/_competitor_pages.py` (`JSONLD_PAGES`, `SCROLL_PAGES`) are the
sandbox's; a real site whose markup differs needs its own selector set there.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from extract._base import ConfigError, ExtractContext, Extractor, LayoutChangedError
from extract._browser import BrowserSession, file_stamp
from extract._competitor_pages import (
    JSONLD_PAGES,
    SCROLL_PAGES,
    JsonLdPages,
    ScrollPages,
    jsonld_products,
    read_scroll_cards,
    scroll_to_the_end,
)
from extract._config import DEFAULT_ACCOUNT, env_prefix
from extract._polite import PoliteGate, fetch_robots, robots_missing

SOURCE = "competitors"
VERSION = "1.0.0"
CURRENCY = "BRL"
SCRAPERS = ("jsonld", "scroll")
_BRL = re.compile(r"^R\$\s*(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})$")


def parse_brl(text: str) -> Decimal:
    """`R$ 1.234,56` -> `Decimal("1234.56")` (dots group thousands, the comma marks centavos;
    a no-break space after `R$` is fine). ValueError for anything else."""
    cleaned = " ".join(text.replace("\xa0", " ").split())
    match = _BRL.match(cleaned)
    if not match:
        raise ValueError(f"{text!r} is not a price written as R$ 1.234,56")
    return Decimal(f"{match.group(1).replace('.', '')}.{match.group(2)}")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Scrape:
    """Everything one site's run read, kept in memory until the whole site was read."""

    site: str
    stamp: str
    products: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    pages: list[tuple[str, str, bytes, str]] = field(default_factory=list)  # name, url, html, kind

    def add_page(self, url: str, html: bytes, kind: str) -> str:
        name = f"page_{self.stamp}_{len(self.pages) + 1:03d}.html"
        self.pages.append((name, url, html, kind))
        return name


# --- the server-rendered kind: JSON-LD, pagination ------------------------------------------


def _layout_error(ctx: ExtractContext, what: str, url: str) -> LayoutChangedError:
    return LayoutChangedError(
        f"{SOURCE}: site '{ctx.account}': {what} on {url}",
        "the site's layout changed: compare the saved screenshot and HTML with the selectors "
        f"in extract/_competitor_pages.py; nothing was landed for '{ctx.account}'",
    )


def _price(ctx: ExtractContext, text: str | None, url: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return parse_brl(text)
    except ValueError as exc:
        raise _layout_error(ctx, f"a price reads {text!r}, not R$ 1.234,56", url) from exc


def _product_record(
    ctx: ExtractContext, item: dict[str, Any], page: str, url: str
) -> dict[str, Any]:
    """One product of a JSON-LD page: the JSON-LD's identity, the price as displayed."""
    data, shown = item["jsonld"], item["price_text"]
    offer = data.get("offers") or {}
    offer = offer[0] if isinstance(offer, list) and offer else offer
    price = _price(ctx, shown, url)
    try:
        declared = Decimal(str(offer.get("price"))) if offer.get("price") is not None else None
    except InvalidOperation:
        declared = None
    if price is not None and declared is not None and price != declared:
        raise _layout_error(
            ctx, f"product {data.get('sku')} shows {shown!r} but its JSON-LD says {declared}", url
        )
    if not data.get("sku"):
        raise _layout_error(ctx, f"a Product JSON-LD has no sku ({data.get('name')!r})", url)
    availability = str(offer.get("availability") or "")
    rating = data.get("aggregateRating") or {}
    brand = data.get("brand")
    return {
        "sku": str(data.get("sku") or ""),
        "url": data.get("url") or url,
        "title": data.get("name"),
        "brand": brand.get("name") if isinstance(brand, dict) else brand,
        "category": data.get("category"),
        "gtin": next(
            (str(data[k]) for k in ("gtin13", "gtin", "gtin14", "gtin8") if data.get(k)), None
        ),
        "price_text": shown,
        "price": str(price) if price is not None else None,
        "currency": offer.get("priceCurrency") or CURRENCY,
        "in_stock": availability.rsplit("/", 1)[-1] in ("InStock", "LimitedAvailability"),
        "availability_text": item.get("stock_text") or availability.rsplit("/", 1)[-1] or None,
        "rating": rating.get("ratingValue"),
        "review_count": rating.get("reviewCount", 0),
        "scraped_at": now_iso(),
        "page": page,
    }


def _review_records(data: dict[str, Any], page: str) -> list[dict[str, Any]]:
    out = []
    for review in data.get("review") or []:
        author = review.get("author")
        rating = review.get("reviewRating") or {}
        # a review without an id of its own is known by what it says
        shown = json.dumps([data.get("sku"), review.get("datePublished"), review.get("reviewBody")])
        fallback = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
        out.append(
            {
                "review_id": str(review.get("identifier") or review.get("@id") or fallback),
                "sku": str(data.get("sku") or ""),
                "author": author.get("name") if isinstance(author, dict) else author,
                "rating": rating.get("ratingValue"),
                "title": review.get("name"),
                "body": review.get("reviewBody"),
                "published_on": review.get("datePublished"),
                "scraped_at": now_iso(),
                "page": page,
            }
        )
    return out


async def _open(
    ctx: ExtractContext, session: BrowserSession, gate: PoliteGate, url: str, kind: str
) -> bytes:
    """Navigate through the gate; the page as served (refuses what robots.txt disallows)."""
    absolute = session.url(url)
    if not gate.allowed(absolute):
        raise ConfigError(
            f"{SOURCE}: site '{ctx.account}': {absolute} is disallowed by robots.txt",
            f"choose another {env_prefix(SOURCE)}__<SITE>_START, or leave this site out",
        )
    response = await session.goto(absolute)
    gate.raise_if_failed()
    if response is None or response.status >= 400:
        status = response.status if response is not None else "no response"
        raise _layout_error(ctx, f"the {kind} page answered {status}", absolute)
    return await response.body()


async def scrape_jsonld(
    ctx: ExtractContext, session: BrowserSession, gate: PoliteGate, scrape: Scrape
) -> None:
    """Listing pages (following `rel=next`), then the page of every product with reviews."""
    pages: JsonLdPages = JSONLD_PAGES
    url: str | None = ctx.config.account_setting(ctx.account, "START") or pages.start
    seen: set[str] = set()
    while url is not None:
        absolute = session.url(url)
        if absolute in seen:
            raise _layout_error(ctx, "the next-page link points back to a page already read", url)
        seen.add(absolute)
        html = await _open(ctx, session, gate, absolute, "listing")
        name = scrape.add_page(absolute, html, "listing")
        items = await jsonld_products(session.page, pages)
        if not items:
            raise _layout_error(ctx, "no product with schema.org Product JSON-LD", absolute)
        scrape.products += [_product_record(ctx, item, name, absolute) for item in items]
        url = await pages.next_page(session.page)
    for product in [p for p in scrape.products if int(p["review_count"] or 0) > 0]:
        if not gate.allowed(product["url"]):
            ctx.log.info("reviews_disallowed", url=product["url"])
            continue
        html = await _open(ctx, session, gate, product["url"], "product")
        name = scrape.add_page(product["url"], html, "product")
        items = await jsonld_products(session.page, pages, with_cards=False)
        if not items:
            raise _layout_error(ctx, "no Product JSON-LD on the product page", product["url"])
        scrape.reviews += _review_records(items[0]["jsonld"], name)


# --- the browser-rendered kind: infinite scroll, lazy prices -------------------------------


def _iso_day(text: str | None) -> str | None:
    """`27/04/2026` -> `2026-04-27`."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date().isoformat()
    except ValueError:
        return None


async def scrape_scroll(
    ctx: ExtractContext, session: BrowserSession, gate: PoliteGate, scrape: Scrape
) -> None:
    """Open the shop, scroll until the end marker shows and every price has loaded, then read
    every card from the rendered page."""
    pages: ScrollPages = SCROLL_PAGES
    start = session.url(ctx.config.account_setting(ctx.account, "START") or pages.start)
    await _open(ctx, session, gate, start, "shop")
    # the first cards come after the script and an API answer (maybe retried): a page load
    await session.expect(pages.card, "the product cards", session.options.navigation_timeout)
    timeout = float(ctx.setting("SCROLL_TIMEOUT") or 30)
    await scroll_to_the_end(session.page, pages, gate, stall_timeout=timeout, log=ctx.log)
    cards = await read_scroll_cards(session.page, pages)
    html = (await session.page.content()).encode("utf-8")
    name = scrape.add_page(session.page.url, html, "rendered")
    for card in cards:
        shown = card["price_text"] if card["price_text"] and "R$" in card["price_text"] else None
        price = _price(ctx, shown, start)
        scrape.products.append(
            {
                "sku": card["sku"],
                "url": start,
                "title": card["title"],
                "brand": card["brand"],
                "category": None,
                "gtin": card["gtin"],
                "price_text": card["price_text"],
                "price": str(price) if price is not None else None,
                "currency": CURRENCY,
                "in_stock": not card["out_of_stock"],
                "availability_text": card["stock_text"],
                "rating": card["rating"],
                "review_count": len(card["reviews"]),
                "scraped_at": now_iso(),
                "page": name,
            }
        )
        scrape.reviews += [
            {
                "review_id": review["review_id"],
                "sku": card["sku"],
                "author": review["author"],
                "rating": review["rating"],
                "title": review["title"],
                "body": review["body"],
                "published_on": _iso_day(review["published_text"]),
                "scraped_at": now_iso(),
                "page": name,
            }
            for review in card["reviews"]
        ]


# --- the run ---------------------------------------------------------------------------------


def _scraper(ctx: ExtractContext) -> str:
    prefix = f"{env_prefix(SOURCE)}__<SITE>"
    if ctx.account == DEFAULT_ACCOUNT:
        raise ConfigError(
            f"{SOURCE}: no competitor site is configured",
            f"set {env_prefix(SOURCE)}_ACCOUNTS (site names), {prefix}_BASE_URL and "
            f"{prefix}_SCRAPER ({' or '.join(SCRAPERS)}); 'lake sandbox env' prints the "
            "sandbox's",
        )
    kind = ctx.config.account_setting(ctx.account, "SCRAPER")
    if not ctx.base_url or kind not in SCRAPERS:
        raise ConfigError(
            f"{SOURCE}: site '{ctx.account}' has no base URL or no scraper (scraper: {kind!r})",
            f"set {prefix}_BASE_URL and {prefix}_SCRAPER ({' or '.join(SCRAPERS)}) for it",
        )
    return kind


async def land(ctx: ExtractContext, scrape: Scrape) -> None:
    """Land the pages, then the products and the reviews (only after the whole site was read)."""
    for name, url, html, kind in scrape.pages:
        await ctx.land(name, html, "html", url=url, extra={"page_kind": kind})
    scraped_at = now_iso()
    for dataset, records in (("products", scrape.products), ("reviews", scrape.reviews)):
        body = {"site": scrape.site, "scraped_at": scraped_at, dataset: records}
        content = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
        await ctx.land(
            f"{dataset}_{scrape.stamp}.json",
            content,
            "json",
            url=ctx.base_url,
            dataset=dataset,
            extra={"records": len(records)},
        )


async def extract(ctx: ExtractContext) -> None:
    kind = _scraper(ctx)
    rules = await fetch_robots(ctx.http(on_error=robots_missing), ctx.base_url, log=ctx.log)
    delay = float(ctx.setting("REQUEST_DELAY") or 1.0)
    session = await ctx.browser()
    timeout = session.options.navigation_timeout
    gate = PoliteGate(rules, log=ctx.log, min_delay=delay, timeout=timeout)
    await gate.attach(session.page)
    scrape = Scrape(ctx.account, file_stamp())
    if kind == "jsonld":
        await scrape_jsonld(ctx, session, gate, scrape)
    else:
        await scrape_scroll(ctx, session, gate, scrape)
    gate.raise_if_failed()
    ctx.log.info(
        "scraped",
        products=len(scrape.products),
        reviews=len(scrape.reviews),
        pages=len(scrape.pages),
        requests=len(gate.requested),
        blocked=len(gate.blocked),
    )
    await land(ctx, scrape)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="",
    description="Competitor shops' products, prices and reviews, scraped politely per site",
    first_run_days=1,
    overlap_days=0,
)
