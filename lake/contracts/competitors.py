"""Competitors: products, prices and reviews scraped from competitor shops.

What lands: `extract/competitors.py` reads each configured competitor site (an account of the
source: the landing metadata's `account` is the site's name) in a browser and, once the whole
site was read, lands per site and run:

- `products_<YYYYMMDD_HHMMSS>.json`: `{"site", "scraped_at", "products": [...]}`, one record per
  product with the price as shown (`price_text`, `R$ 1.234,56`) and parsed (`price`,
  `1234.56`), GTIN where the site shows one, stock, rating and review count;
- `reviews_<YYYYMMDD_HHMMSS>.json`: `{"site", "scraped_at", "reviews": [...]}`, one record per
  review (author and text are personal data: `restricted`);
- `page_<YYYYMMDD_HHMMSS>_<nnn>.html`: the pages the records were read from, kept for
  re-parsing; raw holds one row per page (its URL, kind, title and size), the HTML stays in
  the landing zone.

The layout is this lake's own (the scraper writes it), so it is declared here rather than
taken from a vendor's documentation.

Path through the lake: `extract/competitors.py` -> `landing/competitors/<batch>/<site>/` ->
`raw/_source=competitors/_dataset=<name>/` -> `models/staging/competitors/`.
"""

from __future__ import annotations

import re

from lake.contracts._helpers import Record
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Dataset,
    Freshness,
    Hook,
    Json,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "competitors"
TIMESTAMP = "timestamp:%Y-%m-%dT%H:%M:%S%z"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Competitor sites",
    description=(
        "Competitor shops' product listings (prices written the Brazilian way, GTINs where "
        "shown, stock) and product reviews, scraped politely (robots.txt, crawl delay, rate "
        "limit) by `extract/competitors.py` with Playwright, one file per site, dataset and "
        "run, and written to the raw zone by `lake ingest`. The site is the landing "
        "metadata's `account`."
    ),
    owner="shop-pricing",
    freshness=Freshness(
        warn_days=2,
        error_days=7,
        why="The sites are scraped daily; a week without a scrape means the scraper stopped.",
    ),
)

_SCRAPED_AT = Column(
    "scraped_at",
    "When the scraper read the page this record comes from (ISO 8601, UTC).",
    "internal",
    TIMESTAMP,
    NOT_NULL,
)
_PAGE = Column(
    "page",
    "The landed HTML page (`page_<stamp>_<n>.html`, same landing folder) the record was read "
    "from, for re-parsing.",
    "internal",
    tests=NOT_NULL,
)

products = Dataset(
    source=SOURCE,
    name="products",
    description=(
        "One row per product a competitor site listed in one scrape (`products[]` of "
        "`products_<stamp>.json`): the site's sku, title, brand, GTIN where shown, the price as "
        "displayed and parsed, stock, rating. Every scrape lands the whole catalogue again: "
        "the rows of one file are the site's prices at `scraped_at`."
    ),
    pattern="products_*.json",
    format=Json(records_path="$.products"),
    layouts=(
        Layout(
            "scraped_v1",
            required=("sku", "title", "price_text", "price", "in_stock", "scraped_at", "page"),
            optional=(
                "url",
                "brand",
                "category",
                "gtin",
                "currency",
                "availability_text",
                "rating",
                "review_count",
            ),
        ),
    ),
    primary_key=("sku",),
    schema=(
        Column("sku", "The site's own product id.", "public", tests=NOT_NULL),
        Column("url", "The product's page (or the shop page it was read on).", "public"),
        Column(
            "title",
            "The product's title as the site writes it (may differ from the shop's own title "
            "for the same GTIN).",
            "public",
        ),
        Column("brand", "The brand the site shows.", "public"),
        Column("category", "The site's category, when it says (JSON-LD `category`).", "public"),
        Column(
            "gtin",
            "The GTIN/EAN the site shows (JSON-LD `gtin13`, or the EAN on the card); empty when "
            "the site shows none.",
            "public",
        ),
        Column(
            "price_text",
            "The price exactly as displayed, the Brazilian way (`R$ 1.234,56`); the "
            "unavailability text when the site shows no price.",
            "public",
        ),
        Column(
            "price",
            "The displayed price parsed by the scraper, a decimal with a dot (`1234.56`); null "
            "when no price is shown (out of stock on some sites).",
            "public",
            "decimal(12,2)",
        ),
        Column("currency", "ISO 4217 currency of `price` (BRL).", "public"),
        Column(
            "in_stock", "Whether the site offers the product now.", "public", "boolean", NOT_NULL
        ),
        Column(
            "availability_text",
            "The stock marker as shown (`Esgotado`, `Indisponível`) or the JSON-LD availability.",
            "public",
        ),
        Column(
            "rating",
            "Average rating the site shows (1-5), when reviewed.",
            "public",
            "decimal(3,1)",
        ),
        Column("review_count", "How many reviews the site shows.", "public", "integer"),
        _SCRAPED_AT,
        _PAGE,
    ),
)

reviews = Dataset(
    source=SOURCE,
    name="reviews",
    description=(
        "One row per product review a competitor site showed in one scrape (`reviews[]` of "
        "`reviews_<stamp>.json`). Every scrape lands every review again; staging keeps the "
        "latest per site and review id. Author names and texts are personal data."
    ),
    pattern="reviews_*.json",
    format=Json(records_path="$.reviews"),
    layouts=(
        Layout(
            "scraped_v1",
            required=("review_id", "sku", "rating", "published_on", "scraped_at", "page"),
            optional=("author", "title", "body"),
        ),
    ),
    primary_key=("review_id",),
    retention="personal_data",
    schema=(
        Column("review_id", "The site's id of the review.", "public", tests=NOT_NULL),
        Column("sku", "The reviewed product's sku on that site.", "public", tests=NOT_NULL),
        Column("author", "The reviewer's name as shown (a person).", "restricted"),
        Column("rating", "Stars given, 1 to 5.", "public", "integer", NOT_NULL),
        Column("title", "The review's title, free text a person wrote.", "restricted"),
        Column("body", "The review's text, free text a person wrote.", "restricted"),
        Column("published_on", "The day the review was published.", "public", "date:%Y-%m-%d"),
        _SCRAPED_AT,
        _PAGE,
    ),
)

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def parse_page(inp: ParseInput) -> list[Record]:
    """One row per landed HTML page: where it came from and what it is (the HTML itself stays
    in the landing zone for re-parsing)."""
    found = _TITLE.search(inp.content)
    title = " ".join(found.group(1).decode("utf-8", "replace").split()) if found else None
    return [
        {
            "url": inp.metadata.get("url"),
            "page_kind": inp.metadata.get("page_kind"),
            "html_title": title,
            "html_bytes": len(inp.content),
        }
    ]


pages = Dataset(
    source=SOURCE,
    name="pages",
    description=(
        "One row per HTML page the scraper read products or reviews from "
        "(`page_<stamp>_<n>.html`): its URL, kind (`listing`, `product`, `shop` rendered after "
        "scrolling) and title. The HTML is kept byte for byte in the landing zone, so the "
        "records can be parsed again from it."
    ),
    pattern="page_*.html",
    format=Hook(parse_page),
    layouts=(
        Layout("page_v1", required=("url", "page_kind", "html_bytes"), optional=("html_title",)),
    ),
    schema=(
        Column(
            "url",
            "The page's URL (the landing metadata's; none for a page landed by hand).",
            "public",
        ),
        Column(
            "page_kind",
            "`listing` (a page of a paginated listing), `product` (a product page with its "
            "reviews) or `rendered` (an infinite-scroll shop as rendered after the last scroll).",
            "internal",
            tests=(
                {"accepted_values": {"arguments": {"values": ["listing", "product", "rendered"]}}},
            ),
        ),
        Column("html_title", "The page's `<title>`.", "public"),
        Column("html_bytes", "The page's size in bytes.", "internal", "bigint", NOT_NULL),
    ),
)

DATASETS = [products, reviews, pages]
