"""Loja Rival, a competitor shop rendered on the server, under `/competitor_a`.

- `GET /produtos?pagina=N`: 10 products a page, each an `article.produto[data-sku]` card
  (title link, `.produto-preco` as `R$ 1.234,56`, `.selo-esgotado` "Esgotado" when out of
  stock, an "avaliações" line) with its schema.org `Product` JSON-LD (`sku`, `gtin13`,
  `brand`, `offers` with `price` `1234.56`, `priceCurrency` BRL and `availability`,
  `aggregateRating` when reviewed); `nav.paginacao a[rel=next]` to the next page, none on
  the last; a page past the last is 404. `GET /` redirects to the first page.
- `GET /produto/<sku>`: the product page, its JSON-LD with every `review` (`identifier`,
  `author.name`, `datePublished`, `name`, `reviewBody`, `reviewRating.ratingValue`) and the
  reviews shown with dates as `dd/mm/aaaa`.
- `GET /carrinho/adicionar?sku=` (each card's "Comprar") and `GET /busca?q=` are disallowed by
  `robots.txt` (Crawl-delay 1); the site answers 429 past 5 requests in 2 seconds.
- `layout_change`: the cards become `div.card-v2` without JSON-LD, prices in `.valor`, and the
  next-page link loses `rel=next`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, redirect, render_template_string, request
from markupsafe import Markup

from lake.sandbox.competitors import SITES, brl
from lake.sandbox.context import PlatformContext
from lake.sandbox.platforms._competitor_site import Listed, listing, page_of, site_blueprint

TITLE = "Loja Rival"
SCHEMA = "https://schema.org/"

_HEAD = """<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;margin:2em}article,.card-v2{border:1px solid #ccc;
margin:.5em 0;padding:.5em}.selo-esgotado{color:#b00}</style></head><body>
<header><h1><a href="{{ root }}/produtos">Loja Rival</a></h1>
<form action="{{ root }}/busca"><input name="q" placeholder="Buscar"></form></header>
"""

_LISTING = (
    _HEAD
    + """<main id="vitrine">
{%- for card in cards %}
{%- if changed %}
<div class="card-v2" data-id="{{ card.sku }}">
  <h3><a href="{{ root }}/produto/{{ card.sku }}">{{ card.title }}</a></h3>
  <span class="valor">{{ card.price }}</span>{% if not card.in_stock %} <em>Esgotado</em>{% endif %}
</div>
{%- else %}
<article class="produto" data-sku="{{ card.sku }}">
  <h2 class="produto-nome"><a href="{{ root }}/produto/{{ card.sku }}">{{ card.title }}</a></h2>
  <p class="produto-preco">{{ card.price }}</p>
  {%- if not card.in_stock %}<span class="selo-esgotado">Esgotado</span>{% endif %}
  <p class="avaliacoes">{{ card.reviews_line }}</p>
  <a class="comprar" href="{{ root }}/carrinho/adicionar?sku={{ card.sku }}">Comprar</a>
  <script type="application/ld+json">{{ card.jsonld }}</script>
</article>
{%- endif %}
{%- endfor %}
</main>
<nav class="paginacao">Página {{ page }} de {{ pages }}
{%- if page > 1 %}
<a rel="prev" href="{{ root }}/produtos?pagina={{ page - 1 }}">Anterior</a>
{%- endif %}
{%- if page < pages %}
<a {% if not changed %}rel="next" {% endif %}href="{{ root }}/produtos?pagina={{ page + 1 }}">
Próxima</a>
{%- endif %}
</nav></body></html>
"""
)

_PRODUCT = (
    _HEAD
    + """<main id="produto" data-sku="{{ card.sku }}">
<h2>{{ card.title }}</h2>
<p class="produto-preco">{{ card.price }}</p>
{%- if not card.in_stock %}<span class="selo-esgotado">Esgotado</span>{% endif %}
<section id="avaliacoes"><h3>Avaliações</h3>
{%- for r in reviews %}
<blockquote class="avaliacao" data-id="{{ r.review_id }}"><strong>{{ r.title }}</strong>
{{ r.rating }}/5 por {{ r.author }} em {{ r.published_on.strftime("%d/%m/%Y") }}
<p>{{ r.body }}</p></blockquote>
{%- endfor %}
</section>
{%- if not changed %}
<script type="application/ld+json">{{ card.jsonld }}</script>
{%- endif %}
</main></body></html>
"""
)


def _json_script(data: dict[str, Any]) -> Markup:
    """JSON for a `<script>` element: `</` cannot close it early."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/"))


def product_jsonld(item: Listed, url: str, *, with_reviews: bool) -> dict[str, Any]:
    p = item.product
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.title,
        "sku": p.sku,
        "url": url,
        "brand": {"@type": "Brand", "name": p.brand},
    }
    if p.gtin:
        data["gtin13"] = p.gtin
    if p.category:
        data["category"] = p.category
    data["offers"] = {
        "@type": "Offer",
        "url": url,
        "price": str(item.price),
        "priceCurrency": "BRL",
        "availability": SCHEMA + ("InStock" if item.in_stock else "OutOfStock"),
    }
    if item.reviews:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(item.rating.quantize(Decimal("0.1"))) if item.rating else None,
            "reviewCount": len(item.reviews),
        }
    if with_reviews and item.reviews:
        data["review"] = [
            {
                "@type": "Review",
                "identifier": r.review_id,
                "author": {"@type": "Person", "name": r.author},
                "datePublished": r.published_on.isoformat(),
                "name": r.title,
                "reviewBody": r.body,
                "reviewRating": {"@type": "Rating", "ratingValue": r.rating, "bestRating": 5},
            }
            for r in item.reviews
        ]
    return data


def _card(item: Listed, root: str, *, with_reviews: bool = False) -> dict[str, Any]:
    url = f"{request.host_url.rstrip('/')}{root}/produto/{item.product.sku}"
    count = len(item.reviews)
    return {
        "sku": item.product.sku,
        "title": item.product.title,
        "price": brl(item.price),
        "in_stock": item.in_stock,
        "reviews_line": f"{count} avaliações" if count else "Sem avaliações",
        "jsonld": _json_script(product_jsonld(item, url, with_reviews=with_reviews)),
    }


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = site_blueprint(ctx)
    size = SITES[ctx.platform].page_size

    @bp.get("/")
    def home() -> Response:
        return redirect(f"{ctx.prefix}/produtos", code=302)  # type: ignore[return-value]

    @bp.get("/produtos")
    def products() -> Response | str:
        page = page_of(listing(ctx), size, request.args.get("pagina", "1"))
        if page is None:
            return ctx.error(404, "Página não encontrada", "não há essa página")
        return render_template_string(
            _LISTING,
            title=f"Loja Rival - Produtos - página {page.number}",
            root=ctx.prefix,
            cards=[_card(i, ctx.prefix) for i in page.items],
            page=page.number,
            pages=page.pages,
            changed=ctx.layout_changed(),
        )

    @bp.get("/produto/<sku>")
    def product(sku: str) -> Response | str:
        found = [i for i in listing(ctx) if i.product.sku == sku]
        if not found:
            return ctx.error(404, "Produto não encontrado", f"nenhum produto {sku}")
        return render_template_string(
            _PRODUCT,
            title=f"{found[0].product.title} - Loja Rival",
            root=ctx.prefix,
            card=_card(found[0], ctx.prefix, with_reviews=True),
            reviews=found[0].reviews,
            changed=ctx.layout_changed(),
        )

    @bp.get("/carrinho/adicionar")
    def add_to_cart() -> str:
        return "<!doctype html><title>Carrinho</title><p>Produto adicionado ao carrinho.</p>"

    @bp.get("/busca")
    def search() -> str:
        return "<!doctype html><title>Busca</title><p>Nenhum resultado.</p>"

    return bp
