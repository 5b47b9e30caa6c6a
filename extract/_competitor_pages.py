"""What `extract/competitors.py` reads on a competitor's pages: selectors and page scripts.

Two kinds of site, each with a selector set (the sandbox's: `lake/sandbox/platforms/
competitor_a.py` and `competitor_b.py`):

- `JsonLdPages`: server-rendered listing pages; each product has a schema.org `Product`
  JSON-LD block (identity, GTIN, offer, rating, reviews on its own page) and a card showing
  its price the Brazilian way; `a[rel=next]` leads to the next page.
- `ScrollPages`: a page whose script renders product cards as you scroll (infinite scroll) and
  loads each visible card's price afterwards; an end marker shows after the last product.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import Page

from extract._errors import LayoutChangedError
from extract._log import EventLog
from extract._polite import PoliteGate

_DIGITS = re.compile(r"\d{8,14}")


@dataclass(frozen=True)
class JsonLdPages:
    start: str = "/produtos"
    card: str = "[data-sku]"
    sku_attribute: str = "data-sku"
    price: str = ".produto-preco"
    out_of_stock: str = ".selo-esgotado"
    next_link: str = "a[rel=next]"

    async def next_page(self, page: Page) -> str | None:
        link = page.locator(self.next_link).first
        if await link.count() == 0:
            return None
        href = await link.get_attribute("href")
        return urljoin(page.url, href) if href else None


@dataclass(frozen=True)
class ScrollPages:
    start: str = "/"
    card: str = ".produto-card"
    sku_attribute: str = "data-id"
    title: str = ".produto-nome"
    brand: str = ".produto-marca"
    gtin: str = ".produto-ean"
    price: str = ".preco"
    out_of_stock: str = ".indisponivel"
    end: str = "#fim-da-lista"
    loading_text: str = "Carregando"
    review: str = ".avaliacao"
    review_id_attribute: str = "data-id"
    review_author: str = ".autor"
    review_rating: str = ".nota"
    review_date: str = ".data"
    review_title: str = ".titulo"
    review_body: str = ".texto"


JSONLD_PAGES = JsonLdPages()
SCROLL_PAGES = ScrollPages()

# --- JSON-LD pages ------------------------------------------------------------------------------

_JSONLD_SCRIPTS = """() => Array.from(
  document.querySelectorAll('script[type="application/ld+json"]'), s => s.textContent)"""

_CARDS = """(sel) => Object.fromEntries(Array.from(document.querySelectorAll(sel.card), c => {
  const price = c.querySelector(sel.price);
  const stock = c.querySelector(sel.out_of_stock);
  return [c.getAttribute(sel.sku_attribute), {
    price_text: price ? price.textContent.trim() : null,
    stock_text: stock ? stock.textContent.trim() : null,
  }];
}))"""


def _products_in(node: Any) -> list[dict[str, Any]]:
    """Every schema.org Product in a JSON-LD document (top level, lists, `@graph`)."""
    if isinstance(node, list):
        return [p for item in node for p in _products_in(item)]
    if not isinstance(node, dict):
        return []
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    found = [node] if "Product" in kinds else []
    return found + _products_in(node.get("@graph", []))


async def jsonld_products(
    page: Page, pages: JsonLdPages, *, with_cards: bool = True
) -> list[dict[str, Any]]:
    """The page's Products: `{"jsonld": {...}, "price_text", "stock_text"}` each, the text
    from the product's card (None without cards or when the card is missing)."""
    scripts: list[str] = await page.evaluate(_JSONLD_SCRIPTS)
    products: list[dict[str, Any]] = []
    for text in scripts:
        try:
            products += _products_in(json.loads(text))
        except json.JSONDecodeError as exc:
            raise LayoutChangedError(
                f"a JSON-LD block on {page.url} is not JSON: {exc}",
                "the site's JSON-LD changed: compare the saved HTML",
            ) from exc
    cards: dict[str, dict[str, Any]] = (
        await page.evaluate(_CARDS, _selectors(pages)) if with_cards else {}
    )
    out = []
    for product in products:
        card = cards.get(str(product.get("sku")), {})
        if with_cards and not card:
            raise LayoutChangedError(
                f"product {product.get('sku')} has JSON-LD but no card ({pages.card}) on "
                f"{page.url}",
                "the site's cards changed: compare the saved screenshot with JSON_LD pages' "
                "selectors in extract/_competitor_pages.py",
            )
        out.append({"jsonld": product, **card})
    return out


# --- infinite scroll ---------------------------------------------------------------------------

_STATE = """(sel) => {
  const cards = Array.from(document.querySelectorAll(sel.card));
  const loading = cards.filter(c => {
    const p = c.querySelector(sel.price);
    return !p || p.textContent.includes(sel.loading_text);
  });
  return {cards: cards.length, loading: loading.length,
          end: document.querySelector(sel.end) !== null};
}"""

_SHOW_UNPRICED = """(sel) => {
  const card = Array.from(document.querySelectorAll(sel.card)).find(c => {
    const p = c.querySelector(sel.price);
    return !p || p.textContent.includes(sel.loading_text);
  });
  if (card) card.scrollIntoView();
}"""

_READ_CARDS = """(sel) => Array.from(document.querySelectorAll(sel.card), c => {
  const text = (root, s) => { const e = root.querySelector(s);
                              return e ? e.textContent.trim() : null; };
  const stock = c.querySelector(sel.out_of_stock);
  return {
    sku: c.getAttribute(sel.sku_attribute),
    title: text(c, sel.title),
    brand: text(c, sel.brand),
    gtin_text: text(c, sel.gtin),
    price_text: text(c, sel.price),
    out_of_stock: stock !== null,
    stock_text: stock ? stock.textContent.trim() : null,
    reviews: Array.from(c.querySelectorAll(sel.review), r => ({
      review_id: r.getAttribute(sel.review_id_attribute),
      author: text(r, sel.review_author),
      rating_text: text(r, sel.review_rating),
      title: text(r, sel.review_title),
      body: text(r, sel.review_body),
      published_text: text(r, sel.review_date),
    })),
  };
})"""


def _selectors(pages: JsonLdPages | ScrollPages) -> dict[str, str]:
    return dict(vars(pages))


async def scroll_to_the_end(
    page: Page, pages: ScrollPages, gate: PoliteGate, *, stall_timeout: float, log: EventLog
) -> None:
    """Scroll a step at a time until the end marker shows and no card still waits for its
    price; LayoutChangedError when nothing new appears for `stall_timeout` seconds."""
    selectors = _selectors(pages)
    last: dict[str, Any] | None = None
    progressed = time.monotonic()
    steps = 0
    while True:
        gate.raise_if_failed()
        state = await page.evaluate(_STATE, selectors)
        if state["end"] and state["loading"] == 0:
            log.info("scrolled", cards=state["cards"], steps=steps)
            return
        if state != last:
            last, progressed = state, time.monotonic()
        elif time.monotonic() - progressed > stall_timeout:
            raise LayoutChangedError(
                f"the infinite scroll on {page.url} stopped at {state['cards']} products "
                f"({state['loading']} without a price, end marker "
                f"{'shown' if state['end'] else f'{pages.end} missing'}) for {stall_timeout:.0f} s",
                "the page no longer loads as expected: compare the saved screenshot and HTML "
                "with ScrollPages in extract/_competitor_pages.py",
            )
        if state["end"]:
            await page.evaluate(_SHOW_UNPRICED, selectors)
        else:
            await page.evaluate("window.scrollBy(0, Math.round(window.innerHeight * 0.8))")
        steps += 1
        await asyncio.sleep(0.25)


async def read_scroll_cards(page: Page, pages: ScrollPages) -> list[dict[str, Any]]:
    """Every card of the rendered page: sku, title, brand, gtin (digits of the EAN text),
    price text, stock, reviews (rating as an int, the date as shown)."""
    cards: list[dict[str, Any]] = await page.evaluate(_READ_CARDS, _selectors(pages))
    for card in cards:
        found = _DIGITS.search(card.pop("gtin_text") or "")
        card["gtin"] = found.group(0) if found else None
        card["rating"] = None
        for review in card["reviews"]:
            rating = re.match(r"\s*(\d)", review.pop("rating_text") or "")
            review["rating"] = int(rating.group(1)) if rating else None
    return cards
