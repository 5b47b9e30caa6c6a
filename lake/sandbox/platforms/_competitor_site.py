"""What both competitor shops share: robots.txt, the rate limit, today's catalogue.

`site_blueprint(ctx)` returns a blueprint that already serves `/robots.txt` and answers 429
with `Retry-After` once a site gets more than `RATE_LIMIT` requests within `RATE_WINDOW_S`
seconds (robots.txt itself is not counted). `listing(ctx)` is today's catalogue with prices,
stock and reviews as the pages show them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, Response, request

from lake.sandbox.competitors import (
    SITES,
    CompetitorProduct,
    CompetitorReview,
    RateLimiter,
    catalogue,
    in_stock,
    price_on,
    reviews,
    robots_txt,
)
from lake.sandbox.context import PlatformContext


@dataclass(frozen=True)
class Listed:
    """A product as a page shows it today."""

    product: CompetitorProduct
    price: Decimal
    in_stock: bool
    reviews: tuple[CompetitorReview, ...]

    @property
    def rating(self) -> Decimal | None:
        if not self.reviews:
            return None
        return Decimal(sum(r.rating for r in self.reviews)) / len(self.reviews)


def listing(ctx: PlatformContext) -> list[Listed]:
    """Today's catalogue of the site `ctx.platform`."""
    world = ctx.world
    site = SITES[ctx.platform]
    products = world.shop.table("products")
    today = world.today
    return [
        Listed(
            p,
            price_on(world.seed, p, today),
            in_stock(world.seed, p, today),
            tuple(reviews(world.seed, p, today)),
        )
        for p in catalogue(world.seed, site, products)
    ]


@dataclass(frozen=True)
class Page:
    """One page of the catalogue (`?pagina=N`, 1-based)."""

    number: int
    pages: int
    items: list[Listed]


def page_of(items: list[Listed], size: int, asked: str) -> Page | None:
    """Page `asked` of `items`, `size` a page; None when there is no such page."""
    pages = max(1, -(-len(items) // size))
    if not asked.isdigit() or not 1 <= int(asked) <= pages:
        return None
    number = int(asked)
    return Page(number, pages, items[(number - 1) * size : number * size])


def site_blueprint(ctx: PlatformContext) -> Blueprint:
    """A blueprint with `/robots.txt` and the site's rate limit."""
    bp = Blueprint(ctx.platform, __name__)
    limiter = RateLimiter()

    @bp.before_request
    def rate_limit() -> Response | None:
        if request.path.endswith("/robots.txt"):
            return None
        wait = limiter.admit()
        if wait is None:
            return None
        retry = str(max(1, math.ceil(wait)))
        detail = f"Muitas requisições: tente novamente em {retry} s"
        return ctx.error(429, "Too Many Requests", detail, {"Retry-After": retry})

    @bp.get("/robots.txt")
    def robots() -> Response:
        return Response(robots_txt(ctx.platform), mimetype="text/plain")

    return bp
