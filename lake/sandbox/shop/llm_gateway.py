"""The shop's LLM gateway in the sandbox: the calls its agents make, one JSON record each.

`llm_calls(shop, day)` returns the records of one day (UTC), a pure function of (seed, day)
and the shop's tables, so a later `today` keeps every past day's calls:

- `support`: a quarter of the orders of the day, and 3 % of each order of the two weeks
  before, get a question from their customer ("where is my order?"), answered from the
  order's status and estimated delivery date;
- `shopping_assistant`: storefront sessions (3-6 a day without an order, and the sessions
  that ended in an order of the day) ask for product advice, 1-3 calls each;
- `pricing`: 3 price reviews of products a day; `catalog`: 2 product descriptions a day.

About 4 % of calls fail with a provider error (429 or 500) and 3 % time out: no response,
no cost. Tokens are counted from the text (4 characters a token), part of the system prompt
is served from the provider's prompt cache, and the cost follows each model's price list.

`partial_day` gives the calls of today until `PARTIAL_UNTIL` (the gateway is still writing
that file): only the agents that need no order of today (the shop's tables stand at the
start of today).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from lake.sandbox import rng

PARTIAL_UNTIL = time(12, 0)
SUPPORT_DAYS = 14  # customers ask about their orders of the last two weeks

# model -> (provider, USD per 1M input tokens, per 1M cached input tokens, per 1M output)
MODELS: dict[str, tuple[str, Decimal, Decimal, Decimal]] = {
    "gpt-4o-mini": ("openai", Decimal("0.15"), Decimal("0.075"), Decimal("0.60")),
    "gpt-4.1": ("openai", Decimal("2.00"), Decimal("0.50"), Decimal("8.00")),
    "mistral-small-latest": ("mistral", Decimal("0.10"), Decimal("0.10"), Decimal("0.30")),
}
AGENT_MODELS: dict[str, tuple[str, ...]] = {
    "support": ("gpt-4o-mini", "gpt-4o-mini", "gpt-4.1"),
    "shopping_assistant": ("gpt-4o-mini", "mistral-small-latest"),
    "pricing": ("gpt-4.1",),
    "catalog": ("gpt-4o-mini", "mistral-small-latest"),
}
SYSTEM_PROMPTS: dict[str, str] = {
    "support": (
        "You are the customer support agent of Loja Lanterna, an online shop in Brazil. "
        "Answer in the customer's language, briefly and politely. Use only the order facts "
        "given. Never promise refunds; hand refund requests to a person."
    ),
    "shopping_assistant": (
        "You are the shopping assistant of Loja Lanterna. Recommend at most three products "
        "from the catalogue excerpt given, with their prices in BRL. Do not invent products."
    ),
    "pricing": (
        "You are the pricing analyst of Loja Lanterna. Given a product, its list price, "
        "its stock and recent sales, suggest a list price in BRL and one sentence why."
    ),
    "catalog": (
        "You write product descriptions for Loja Lanterna's catalogue: two sentences, "
        "factual, in Brazilian Portuguese, no claims the data does not support."
    ),
}
QUESTIONS = (
    "Olá, {first}! Quando chega o meu pedido {order}?",
    "Oi, meu pedido {order} ainda não chegou. Podem verificar?",
    "Hi, this is {name}. Where is my order {order}?",
    "Bom dia, quero cancelar o pedido {order}.",
)
WISHES = (
    "Estou procurando um presente até R$ 200 para minha mãe.",
    "Qual {category} vocês recomendam para iniciantes?",
    "Preciso de algo para {category}, entrega rápida para {city}.",
    "Tem {category} em promoção?",
)
ERRORS = (
    {"type": "rate_limit_error", "code": 429, "message": "Rate limit reached for requests"},
    {"type": "server_error", "code": 500, "message": "The server had an error while "
     "processing your request"},
)  # fmt: skip
TIMEOUT = {"type": "timeout", "code": 504, "message": "No answer from the provider in 30 s"}
CACHE_BLOCK = 128  # providers cache prompt prefixes in blocks of tokens


class ShopTables(Protocol):
    """What the generator reads: a `ShopWorld` (or hand-made rows in tests)."""

    seed: int
    today: date

    def table(self, name: str) -> list[dict[str, Any]]: ...


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


def _cost(model: str, prompt: int, cached: int, completion: int) -> Decimal:
    _, price_in, price_cached, price_out = MODELS[model]
    total = (prompt - cached) * price_in + cached * price_cached + completion * price_out
    return (total / 1_000_000).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def _hex(seed: int, *key: object, length: int = 24) -> str:
    return "".join(f"{int(u * 2**32):08x}" for u in rng.units(seed, "llm-id", *key))[:length]


class CallBuilder:
    """Builds one day's call records for one shop (its tables read once)."""

    def __init__(self, shop: ShopTables) -> None:
        self.seed = shop.seed
        self.customers = {c["customer_id"]: c for c in shop.table("customers")}
        self.products = [p for p in shop.table("products") if p.get("deleted_at") is None]
        self.categories = {c["category_id"]: c.get("name_en") for c in shop.table("categories")}
        self.orders_by_day: dict[date, list[dict[str, Any]]] = {}
        for order in shop.table("orders"):
            self.orders_by_day.setdefault(order["purchased_at"].date(), []).append(order)

    # -- one call ---------------------------------------------------------------------------

    def record(
        self,
        key: tuple[object, ...],
        agent: str,
        at: datetime,
        messages: list[dict[str, str]],
        answer: str,
        *,
        order_id: str | None = None,
        session_id: str | None = None,
    ) -> dict[str, Any]:
        u = rng.units(self.seed, "llm-call", *key)
        models = AGENT_MODELS[agent]
        model = models[int(u[0] * len(models))]
        provider = MODELS[model][0]
        messages = [{"role": "system", "content": SYSTEM_PROMPTS[agent]}, *messages]
        prompt_tokens = sum(_tokens(m["content"]) + 4 for m in messages)
        status = "error" if u[1] < 0.04 else "timeout" if u[1] < 0.07 else "ok"
        request_id = f"req_{_hex(self.seed, *key)}"
        request = {"model": model, "messages": messages, "temperature": 0.2, "max_tokens": 400}
        response: dict[str, Any] | None = None
        error: dict[str, Any] | None = None
        cost = Decimal("0")
        if status == "ok":
            completion = _tokens(answer)
            system = _tokens(SYSTEM_PROMPTS[agent]) + 4
            cached = (system // CACHE_BLOCK) * CACHE_BLOCK if u[2] < 0.5 else 0
            if u[2] < 0.25:
                cached = min(prompt_tokens, CACHE_BLOCK * (1 + prompt_tokens // 512))
            latency = int(rng.between(u[3], 350, 2400) + completion * 9)
            response = {
                "id": f"chatcmpl-{_hex(self.seed, 'chatcmpl', *key, length=20)}",
                "object": "chat.completion",
                "created": int((at + timedelta(milliseconds=latency)).timestamp()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion,
                    "total_tokens": prompt_tokens + completion,
                    "prompt_tokens_details": {"cached_tokens": cached},
                },
            }
            cost = _cost(model, prompt_tokens, cached, completion)
        elif status == "error":
            error = dict(ERRORS[int(u[2] * len(ERRORS))])
            latency = int(rng.between(u[3], 80, 900))
        else:
            error, latency = dict(TIMEOUT), 30_000
        return {
            "request_id": request_id,
            "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
            "agent": agent,
            "provider": provider,
            "model": model,
            "order_id": order_id,
            "session_id": session_id,
            "request": request,
            "response": response,
            "latency_ms": latency,
            "status": status,
            "error": error,
            "cost_usd": f"{cost:.8f}",
            "keep_for_training": status == "ok" and rng.unit(self.seed, "llm-train", *key) < 0.3,
        }

    # -- the agents -------------------------------------------------------------------------

    def _at(self, day: date, *key: object) -> datetime:
        seconds = rng.unit(self.seed, "llm-at", day, *key) * 86_400
        return datetime.combine(day, time()) + timedelta(seconds=round(seconds, 3))

    def _product(self, *key: object) -> dict[str, Any]:
        return self.products[int(rng.unit(self.seed, "llm-product", *key) * len(self.products))]

    def support(self, day: date) -> list[dict[str, Any]]:
        """Questions about the orders of the last two weeks: a quarter of the day's orders,
        and 3 % of each older one's a day."""
        calls = []
        for back in range(SUPPORT_DAYS):
            for order in self.orders_by_day.get(day - timedelta(days=back), []):
                u = rng.units(self.seed, "llm-support", order["order_id"], day)
                at = self._at(day, "support", order["order_id"])
                if u[0] >= (0.25 if back == 0 else 0.03) or at <= order["purchased_at"]:
                    continue
                calls.append(self._support_call(order, day, at, u))
        return calls

    def _support_call(
        self, order: dict[str, Any], day: date, at: datetime, u: tuple[float, ...]
    ) -> dict[str, Any]:
        customer = self.customers.get(order["customer_id"], {})
        name = customer.get("full_name") or "cliente"
        short = order["order_id"][:8]
        question = QUESTIONS[int(u[1] * len(QUESTIONS))].format(
            first=name.split()[0], name=name, order=short
        )
        facts = (
            f"Order {short}: status {order['status']}, estimated delivery "
            f"{order.get('estimated_delivery_date')}."
        )
        answer = (
            f"Olá, {name.split()[0]}! Seu pedido {short} está com status '{order['status']}' "
            f"e a entrega prevista é {order.get('estimated_delivery_date')}."
        )
        messages = [{"role": "user", "content": f"{facts}\n\nCustomer: {question}"}]
        key = ("support", order["order_id"], day)
        return self.record(key, "support", at, messages, answer, order_id=order["order_id"])

    def _session_calls(self, day: date, session: str, order_id: str | None, n: int) -> list:
        calls = []
        for i in range(n):
            product = self._product(day, session, i)
            category = self.categories.get(product["category_id"]) or "presentes"
            wish = WISHES[int(rng.unit(self.seed, "llm-wish", session, i) * len(WISHES))]
            wish = wish.format(category=category.replace("_", " "), city="São Paulo")
            excerpt = f"{product['title']} (R$ {product['list_price']}, GTIN {product['gtin']})"
            answer = f"Recomendo: {product['title']} por R$ {product['list_price']}."
            messages = [{"role": "user", "content": f"Catalogue: {excerpt}\n\n{wish}"}]
            at = self._at(day, "session", session) + timedelta(minutes=2 * i)
            calls.append(
                self.record(
                    ("assistant", session, i),
                    "shopping_assistant",
                    at,
                    messages,
                    answer,
                    order_id=order_id,
                    session_id=session,
                )
            )
        return calls

    def shopping_assistant(self, day: date, *, with_orders: bool = True) -> list:
        calls = []
        orders = self.orders_by_day.get(day, []) if with_orders else []
        for order in orders:
            u = rng.units(self.seed, "llm-session", order["order_id"])
            if u[0] < 0.5:
                session = f"sess_{_hex(self.seed, 'session', order['order_id'], length=16)}"
                calls += self._session_calls(day, session, order["order_id"], 1 + int(u[1] * 3))
        browsing = 3 + int(rng.unit(self.seed, "llm-browsing", day) * 4)
        for s in range(browsing):
            session = f"sess_{_hex(self.seed, 'session', day, s, length=16)}"
            n = 1 + int(rng.unit(self.seed, "llm-browsing-n", day, s) * 3)
            calls += self._session_calls(day, session, None, n)
        return calls

    def pricing(self, day: date) -> list[dict[str, Any]]:
        calls = []
        for i in range(3):
            product = self._product(day, "pricing", i)
            price = product["list_price"]
            u = rng.unit(self.seed, "llm-pricing", day, i)
            suggested = (price * Decimal(str(round(0.9 + 0.2 * u, 2)))).quantize(Decimal("0.01"))
            messages = [
                {
                    "role": "user",
                    "content": f"Product {product['title']} (id {product['product_id']}): list "
                    f"price R$ {price}, stock {product['stock_qty']}.",
                }
            ]
            answer = f"Suggested list price: R$ {suggested}. Demand is steady at this stock."
            at = self._at(day, "pricing", i)
            calls.append(self.record(("pricing", day, i), "pricing", at, messages, answer))
        return calls

    def catalog(self, day: date) -> list[dict[str, Any]]:
        calls = []
        for i in range(2):
            product = self._product(day, "catalog", i)
            category = self.categories.get(product["category_id"]) or "sem categoria"
            messages = [
                {
                    "role": "user",
                    "content": f"Describe {product['title']} (category {category}, "
                    f"{product['weight_g']} g, {product['length_cm']}x{product['width_cm']}x"
                    f"{product['height_cm']} cm).",
                }
            ]
            answer = (
                f"{product['title']}: produto da categoria {category.replace('_', ' ')}, "
                f"pesa {product['weight_g']} g. Ideal para o dia a dia."
            )
            at = self._at(day, "catalog", i)
            calls.append(self.record(("catalog", day, i), "catalog", at, messages, answer))
        return calls

    def day(self, day: date) -> list[dict[str, Any]]:
        """Every call of a past day, in time order."""
        calls = self.support(day) + self.shopping_assistant(day)
        calls += self.pricing(day) + self.catalog(day)
        return sorted(calls, key=lambda c: (c["created_at"], c["request_id"]))

    def partial_day(self, day: date) -> list[dict[str, Any]]:
        """Today's calls so far (until PARTIAL_UNTIL), from agents needing no order of today."""
        calls = self.shopping_assistant(day, with_orders=False) + self.pricing(day)
        calls += self.catalog(day)
        until = f"{day.isoformat()}T{PARTIAL_UNTIL.isoformat()}"
        kept = [c for c in calls if c["created_at"] < until]
        return sorted(kept, key=lambda c: (c["created_at"], c["request_id"]))


def jsonl(records: list[dict[str, Any]], *, cut_last: bool = False) -> bytes:
    """Records as JSON lines (as the gateway writes them); `cut_last`: the last record only
    half written, without its line break (a file the gateway is still writing)."""
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    text = "".join(line + "\n" for line in lines)
    if cut_last and lines:
        text = text[: -len(lines[-1]) - 1] + lines[-1][: len(lines[-1]) // 2]
    return text.encode("utf-8")
