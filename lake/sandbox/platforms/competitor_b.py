"""Mega Ofertas, a competitor shop rendered in the browser, under `/competitor_b`.

- `GET /`: an HTML shell (`main#vitrine`) and `static/app.js` (served here: no CDN). The
  script fetches `api/produtos?pagina=N` (12 products a page) when the sentinel at the
  bottom scrolls into view (infinite scroll), renders each product as
  `article.produto-card[data-id]` (`.produto-nome`, `.produto-ean` "EAN 789..." for some,
  `.preco` "Carregando preço...", `.indisponivel` "Indisponível" when out of stock, a
  `details.avaliacoes` with each `li.avaliacao[data-id]`: `.autor`, `.nota` (n/5), `.titulo`,
  `.texto`, `.data` dd/mm/aaaa), then loads the prices of the cards that became visible from
  `api/precos?ids=a,b` (`{"precos": {"B1000": "R$ 1.234,56", ...}}`, null when out of
  stock). After the last page it shows `#fim-da-lista`.
- `GET /busca?q=` (each card's "Ver similares") and `/carrinho/...` are disallowed by
  `robots.txt` (Crawl-delay 1); the site answers 429 past 5 requests in 2 seconds (the
  script shows "Tente novamente" and retries after `Retry-After`).
- `layout_change`: the shell tells the script to render `div.item-oferta` cards with prices in
  `.valor-oferta` and the end marker `#acabou`.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template_string, request

from lake.sandbox.competitors import SITES, brl
from lake.sandbox.context import PlatformContext
from lake.sandbox.platforms._competitor_site import Listed, listing, page_of, site_blueprint

TITLE = "Mega Ofertas"

_SHELL = """<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Mega Ofertas</title>
<style>body{font-family:sans-serif;margin:2em}article,.item-oferta{border:1px solid #ddd;
margin:.5em 0;padding:.5em;min-height:120px}.indisponivel{color:#b00}</style></head><body>
<header><h1>Mega Ofertas</h1></header>
<main id="vitrine" data-layout="{{ layout }}" data-root="{{ root }}"></main>
<div id="sentinela">Carregando mais produtos...</div>
<script src="{{ root }}/static/app.js"></script>
</body></html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var main = document.getElementById("vitrine");
  var root = main.dataset.root;
  var v2 = main.dataset.layout === "v2";
  var CARD = v2 ? "item-oferta" : "produto-card";
  var PRICE = v2 ? "valor-oferta" : "preco";
  var END = v2 ? "acabou" : "fim-da-lista";
  var next = 1, loading = false, pending = [], timer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function get(url, done) {
    fetch(url).then(function (r) {
      if (r.status === 429) {
        var wait = parseInt(r.headers.get("Retry-After") || "1", 10);
        setTimeout(function () { get(url, done); }, wait * 1000);
        return;
      }
      r.json().then(done);
    });
  }
  function render(p) {
    var card = el(v2 ? "div" : "article", CARD);
    card.dataset.id = p.id;
    card.appendChild(el("h2", "produto-nome", p.nome));
    card.appendChild(el("p", "produto-marca", p.marca));
    if (p.ean) card.appendChild(el("p", "produto-ean", "EAN " + p.ean));
    card.appendChild(el("p", PRICE, "Carregando preço..."));
    if (!p.disponivel) card.appendChild(el("p", "indisponivel", "Indisponível"));
    var similar = el("a", "similares", "Ver similares");
    similar.href = root + "/busca?q=" + encodeURIComponent(p.nome);
    card.appendChild(similar);
    var box = el("details", "avaliacoes");
    box.appendChild(el("summary", null, p.avaliacoes.length + " avaliações"));
    var list = el("ul");
    p.avaliacoes.forEach(function (a) {
      var li = el("li", "avaliacao");
      li.dataset.id = a.id;
      li.appendChild(el("span", "autor", a.autor));
      li.appendChild(el("span", "nota", a.nota + "/5"));
      li.appendChild(el("span", "data", a.data));
      li.appendChild(el("strong", "titulo", a.titulo));
      li.appendChild(el("p", "texto", a.texto));
      list.appendChild(li);
    });
    box.appendChild(list);
    card.appendChild(box);
    main.appendChild(card);
    seen.observe(card);
  }
  function loadPrices() {
    timer = null;
    var ids = pending.splice(0, pending.length);
    if (!ids.length) return;
    get(root + "/api/precos?ids=" + ids.join(","), function (data) {
      ids.forEach(function (id) {
        var card = main.querySelector("[data-id='" + id + "']");
        var text = data.precos[id];
        card.querySelector("." + PRICE).textContent = text === null ? "Indisponível" : text;
        card.dataset.precoCarregado = "1";
      });
    });
  }
  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting && !e.target.dataset.pedido) {
        e.target.dataset.pedido = "1";
        pending.push(e.target.dataset.id);
      }
    });
    if (pending.length && !timer) timer = setTimeout(loadPrices, 150);
  });
  function more() {
    if (loading || next === null) return;
    loading = true;
    get(root + "/api/produtos?pagina=" + next, function (data) {
      data.produtos.forEach(render);
      next = data.proxima;
      loading = false;
      if (next === null) {
        var sentinel = document.getElementById("sentinela");
        sentinel.id = END;
        sentinel.textContent = "Você viu todos os produtos.";
        bottom.disconnect();
      }
    });
  }
  var bottom = new IntersectionObserver(function (entries) {
    if (entries[0].isIntersecting) more();
  });
  bottom.observe(document.getElementById("sentinela"));
})();
"""


def _product_json(item: Listed) -> dict[str, object]:
    p = item.product
    return {
        "id": p.sku,
        "nome": p.title,
        "marca": p.brand,
        "ean": p.gtin,
        "disponivel": item.in_stock,
        "avaliacoes": [
            {
                "id": r.review_id,
                "autor": r.author,
                "nota": r.rating,
                "titulo": r.title,
                "texto": r.body,
                "data": r.published_on.strftime("%d/%m/%Y"),
            }
            for r in item.reviews
        ],
    }


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = site_blueprint(ctx)
    size = SITES[ctx.platform].page_size

    @bp.get("/")
    def shell() -> str:
        layout = "v2" if ctx.layout_changed() else "v1"
        return render_template_string(_SHELL, root=ctx.prefix, layout=layout)

    @bp.get("/static/app.js")
    def app_js() -> Response:
        return Response(_APP_JS, mimetype="text/javascript")

    @bp.get("/api/produtos")
    def products() -> Response:
        page = page_of(listing(ctx), size, request.args.get("pagina", "1"))
        if page is None:
            return ctx.error(404, "Not Found", "não há essa página")
        return jsonify(
            {
                "pagina": page.number,
                "produtos": [_product_json(i) for i in page.items],
                "proxima": page.number + 1 if page.number < page.pages else None,
            }
        )

    @bp.get("/api/precos")
    def prices() -> Response:
        wanted = [i for i in request.args.get("ids", "").split(",") if i]
        by_sku = {i.product.sku: i for i in listing(ctx)}
        unknown = [i for i in wanted if i not in by_sku]
        if unknown or not wanted:
            return ctx.error(400, "Bad Request", f"ids desconhecidos: {unknown or 'nenhum'}")
        return jsonify(
            {
                "precos": {
                    sku: brl(by_sku[sku].price) if by_sku[sku].in_stock else None for sku in wanted
                }
            }
        )

    @bp.get("/busca")
    def search() -> str:
        return "<!doctype html><title>Busca</title><p>Nenhum resultado.</p>"

    return bp
