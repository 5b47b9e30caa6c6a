"""The sandbox's two competitor shops: their catalogues, prices, stock and reviews, seeded.

Both sell some of the shop world's products (`ShopWorld.table("products")` rows with a GTIN,
the same GTIN, titles written their own way) at other prices, and products of their own.
Everything is a pure function of (seed, site, product, day) through `lake.sandbox.rng` and of
the shop's own list price that day (a shared product follows the shop's price changes):

- a product's price on a day: its base price (the shop's `list_price` times a per-site,
  per-product factor in [0.82, 1.18]; own products a seeded price, a few above R$ 1.000)
  times a weekly move in [0.95, 1.05], rounded to centavos;
- out of stock on a day with probability 0.15 (re-drawn weekly);
- 0 to 4 reviews per product (about half have none), each published on a seeded day of the
  year before today and shown only from that day on.

The pages (`platforms/competitor_a.py`: server-rendered with schema.org Product JSON-LD;
`platforms/competitor_b.py`: rendered by JavaScript) write prices the Brazilian way
(`brl()`: `R$ 1.234,56`), serve a `robots.txt` (`robots_txt()`: a disallowed path and a
crawl delay) and answer 429 past a rate limit (`RateLimiter`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lake.sandbox import rng

CENT = Decimal("0.01")
CRAWL_DELAY_S = 1  # robots.txt's Crawl-delay (whole seconds: Python's robotparser reads ints)
RATE_LIMIT = 5  # requests per site within RATE_WINDOW_S seconds; more answer 429
RATE_WINDOW_S = 2.0
OUT_OF_STOCK_RATE = 0.15

_BRANDS = ("Casa Viva", "TecnoMax", "Bella Forma", "EsporteJá", "Lumina", "NaturaLar", "Kidz")
_OWN_ITEMS = (
    ('Smart TV 50" 4K', "eletronicos", 1899.0, 3499.0),
    ('Notebook 15,6" 8GB', "informatica", 2299.0, 4299.0),
    ("Geladeira Frost Free 375L", "eletrodomesticos", 2599.0, 3999.0),
    ("Jogo de Panelas Antiaderente 5 peças", "utilidades_domesticas", 129.9, 349.9),
    ("Fone de Ouvido Bluetooth", "eletronicos", 59.9, 299.9),
    ("Cadeira Gamer Reclinável", "moveis_escritorio", 699.0, 1499.0),
    ("Tênis de Corrida Amortecido", "esporte_lazer", 189.9, 499.9),
    ("Kit Toalhas de Banho 4 peças", "cama_mesa_banho", 49.9, 149.9),
    ("Liquidificador 1200W", "eletroportateis", 99.9, 249.9),
    ("Perfume Floral 100ml", "perfumaria", 79.9, 399.9),
    ("Mochila Escolar Infantil", "bebes", 69.9, 189.9),
    ("Furadeira de Impacto 650W", "ferramentas_jardim", 149.9, 399.9),
)
_FIRST = ("Ana", "Bruno", "Carla", "Diego", "Eduarda", "Felipe", "Gabriela", "Heitor", "Júlia")
_LAST = ("Silva", "Souza", "Oliveira", "Santos", "Pereira", "Lima", "Costa", "Ferreira")
_REVIEWS = (
    (5, "Excelente", "Chegou antes do prazo e funciona muito bem. Recomendo!"),
    (4, "Bom produto", 'Boa qualidade pelo preço, só a embalagem veio "amassada".'),
    (3, "Razoável", "Cumpre o que promete, mas esperava mais.\nO acabamento é simples."),
    (2, "Não gostei", "Veio com defeito na tampa; troquei e o segundo veio certo."),
    (1, "Péssimo", "Não funcionou. Atendimento demorou 10 dias para responder."),
    (5, "", "Perfeito, igual à foto."),
)


@dataclass(frozen=True)
class Site:
    """One competitor shop: its platform name (URL prefix), shop name and catalogue sizes."""

    platform: str
    title: str
    shared: int  # products of the shop world it also sells
    own: int  # products only it sells
    page_size: int
    title_style: str  # how it writes a shared product's title


SITES: Mapping[str, Site] = {
    "competitor_a": Site("competitor_a", "Loja Rival", 24, 16, 10, "upper"),
    "competitor_b": Site("competitor_b", "Mega Ofertas", 18, 18, 12, "kit"),
}


@dataclass(frozen=True)
class CompetitorProduct:
    site: str
    sku: str  # the site's own product id
    title: str
    brand: str
    category: str | None
    gtin: str | None  # shown by the site (None: the site does not show one)
    base_price: Decimal
    shop_product_id: str | None  # the shop world's product it is (not shown anywhere)


@dataclass(frozen=True)
class CompetitorReview:
    site: str
    review_id: str
    sku: str
    author: str
    rating: int
    title: str
    body: str
    published_on: date


def brl(amount: Decimal) -> str:
    """`Decimal("1234.5")` -> `R$ 1.234,50` (thousands with dots, centavos after a comma)."""
    text = f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}"
    return "R$ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def ean13(seed: int, *key: object) -> str:
    """A seeded EAN-13 with Brazil's prefix 789 and a valid check digit."""
    body = "789" + "".join(str(int(rng.unit(seed, "ean", *key, i) * 10)) for i in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _styled(title: str, style: str) -> str:
    if style == "upper":
        return f"{title.upper()} - ORIGINAL"
    return f"Kit {title.lower()} (1 unidade)"


def catalogue(
    seed: int, site: Site, shop_products: Sequence[Mapping[str, Any]]
) -> list[CompetitorProduct]:
    """The site's products: shared ones first (by the shop's product id), then its own."""
    return [*_shared(seed, site, shop_products), *_own(seed, site)]


def _shared(
    seed: int, site: Site, shop_products: Sequence[Mapping[str, Any]]
) -> list[CompetitorProduct]:
    # a hash rank per product: the choice does not depend on the order of the rows
    candidates = sorted(
        (p for p in shop_products if p.get("gtin") and p.get("deleted_at") is None),
        key=lambda p: rng.unit(seed, "pick", site.platform, p["product_id"]),
    )
    chosen = candidates[: site.shared]
    out = []
    for i, row in enumerate(sorted(chosen, key=lambda p: str(p["product_id"]))):
        factor = rng.between(rng.unit(seed, "factor", site.platform, row["product_id"]), 0.82, 1.18)
        base = Decimal(str(row.get("list_price") or "49.90")) * Decimal(str(round(factor, 4)))
        shows_gtin = site.platform == "competitor_a" or i % 3 != 2
        out.append(
            CompetitorProduct(
                site=site.platform,
                sku=f"{site.platform[-1].upper()}{1000 + i}",
                title=_styled(str(row.get("title") or row["product_id"]), site.title_style),
                brand=_BRANDS[i % len(_BRANDS)],
                category=row.get("category_id"),
                gtin=str(row["gtin"]) if shows_gtin else None,
                base_price=base.quantize(CENT, ROUND_HALF_UP),
                shop_product_id=str(row["product_id"]),
            )
        )
    return out


def _own(seed: int, site: Site) -> list[CompetitorProduct]:
    out = []
    for i in range(site.own):
        name, category, low, high = _OWN_ITEMS[i % len(_OWN_ITEMS)]
        u = rng.units(seed, "own", site.platform, i)
        out.append(
            CompetitorProduct(
                site=site.platform,
                sku=f"{site.platform[-1].upper()}{5000 + i}",
                title=f"{name} {_BRANDS[(i + 3) % len(_BRANDS)]}",
                brand=_BRANDS[(i + 3) % len(_BRANDS)],
                category=category,
                gtin=ean13(seed, site.platform, i) if u[1] < 0.7 else None,
                base_price=Decimal(str(round(rng.between(u[0], low, high), 2))).quantize(CENT),
                shop_product_id=None,
            )
        )
    return out


def _week(day: date) -> int:
    return day.toordinal() // 7


def price_on(seed: int, product: CompetitorProduct, day: date) -> Decimal:
    move = rng.between(rng.unit(seed, "move", product.site, product.sku, _week(day)), 0.95, 1.05)
    return (product.base_price * Decimal(str(round(move, 4)))).quantize(CENT, ROUND_HALF_UP)


def in_stock(seed: int, product: CompetitorProduct, day: date) -> bool:
    return rng.unit(seed, "stock", product.site, product.sku, _week(day)) >= OUT_OF_STOCK_RATE


def reviews(seed: int, product: CompetitorProduct, today: date) -> list[CompetitorReview]:
    """The product's reviews published before `today`, oldest first."""
    u = rng.units(seed, "reviews", product.site, product.sku)
    count = 0 if u[0] < 0.5 else 1 + int(u[1] * 4)
    out = []
    for n in range(count):
        r = rng.units(seed, "review", product.site, product.sku, n)
        rating, title, body = _REVIEWS[int(r[0] * len(_REVIEWS))]
        published = today - timedelta(days=1 + int(r[1] * 364))
        author = f"{_FIRST[int(r[2] * len(_FIRST))]} {_LAST[int(r[3] * len(_LAST))][0]}."
        review_id = f"{product.sku}-R{n + 1}"
        out.append(
            CompetitorReview(product.site, review_id, product.sku, author, rating, title, body,
                             published)
        )  # fmt: skip
    return sorted(out, key=lambda r: (r.published_on, r.review_id))


def robots_txt(platform: str) -> str:
    """The site's robots.txt: the cart and search are off limits, one request per second."""
    return (
        "# robots.txt\n"
        "User-agent: *\n"
        f"Disallow: /{platform}/carrinho\n"
        f"Disallow: /{platform}/busca\n"
        f"Crawl-delay: {CRAWL_DELAY_S}\n"
    )


class RateLimiter:
    """At most `limit` requests within `window` seconds (one sliding window per site)."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW_S) -> None:
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._seen: deque[float] = deque()

    def admit(self) -> float | None:
        """None when the request may go on, else the seconds until one may."""
        now = time.monotonic()
        with self._lock:
            while self._seen and now - self._seen[0] >= self.window:
                self._seen.popleft()
            if len(self._seen) >= self.limit:
                return self.window - (now - self._seen[0])
            self._seen.append(now)
            return None


def competitor_env_lines(url: str) -> list[str]:
    """`NAME=value` lines pointing `extract/competitors.py` at both sandbox sites: the sites
    are its accounts, each with its own base URL and scraper."""
    scrapers = {"competitor_a": "jsonld", "competitor_b": "scroll"}
    lines = [f"LAKE_COMPETITORS_ACCOUNTS={','.join(SITES)}"]
    for platform in SITES:
        prefix = f"LAKE_COMPETITORS__{platform.upper()}"
        lines += [
            f"{prefix}_BASE_URL={url.rstrip('/')}/{platform}",
            f"{prefix}_SCRAPER={scrapers[platform]}",
        ]
    return lines
