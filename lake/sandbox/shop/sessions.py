"""The shop's clickstream: the sessions behind the world's orders, as Segment calls.

`shop_sessions(orders, order_items, products, customers, seed=...)` takes rows of the
application's tables (`ShopWorld.table(...)`, or hand-made rows of the same schema) and
returns one `SessionBatch` per visit, each the batch a client would send: a web visit
(`page` calls) or an app visit (`screen` calls) with Segment's e-commerce events:
`Products Searched`, `Product Viewed`, `Product Added`, then a login (`identify`: the
visitor's `anonymousId` gets the customer's `userId`), `Checkout Started` and `Order
Completed` with the application's `order_id`. Orders placed by shopping agents send track
calls only, with the customer's id from the start. For every order there is also a visit
that bought nothing (anonymous searches and product views).

Some batches are sent late (after later ones: an app that was offline), some twice (a
client that did not hear the answer), and some clients' clocks are off by minutes
(`clock_skew_seconds`): the replay shifts their `timestamp` and `sentAt` alike, and staging's
clock-skew correction (`receivedAt - sentAt`) takes it out again. Everything is
deterministic in `seed`; message ids too, so a replay is deduplicated, not doubled.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

Row = Mapping[str, Any]
LATE_SHARE = 0.05
RETRY_SHARE = 0.03
SKEWED_SHARE = 0.10
_NAMESPACE = uuid.UUID("6f1c1d2e-8a51-4c3e-9f4e-5a7d2b0c9e11")


@dataclass(frozen=True)
class SessionBatch:
    """One visit's calls, as one batch; `late`: sent after the others, `retried`: sent
    twice, `clock_skew_seconds`: how far the client's clock is off."""

    calls: tuple[dict[str, Any], ...]
    late: bool = False
    retried: bool = False
    clock_skew_seconds: int = 0


def _money(value: Any) -> float:
    return float(Decimal(str(value))) if value is not None else 0.0


class _Visit:
    """Builds one visit's calls, one after the other, a few seconds to minutes apart."""

    def __init__(self, rng: random.Random, key: str, start: datetime, channel: str) -> None:
        self.rng = rng
        self.key = key
        self.at = start
        self.channel = channel
        self.anonymous_id = str(uuid.uuid5(_NAMESPACE, f"anon:{key}"))
        self.user_id: str | None = None
        self.calls: list[dict[str, Any]] = []

    def _call(self, call_type: str, **fields: Any) -> None:
        self.at += timedelta(seconds=self.rng.randint(4, 90))
        ids = {"anonymousId": self.anonymous_id} if self.channel != "agent" else {}
        if self.user_id:
            ids["userId"] = self.user_id
        library = {"web": "analytics.js", "app": "analytics-ios", "agent": "analytics-python"}
        self.calls.append(
            {
                "type": call_type,
                "messageId": str(uuid.uuid5(_NAMESPACE, f"{self.key}:{len(self.calls)}")),
                "timestamp": self.at.isoformat(timespec="milliseconds") + "Z",
                **ids,
                **fields,
                "context": {"library": {"name": library[self.channel]}, "channel": self.channel},
            }
        )

    def view(self, name: str, **properties: Any) -> None:
        if self.channel == "web":
            self._call("page", name=name, properties={"path": f"/{name.lower()}", **properties})
        elif self.channel == "app":
            self._call("screen", name=name, properties=properties)

    def track(self, event: str, **properties: Any) -> None:
        self._call("track", event=event, properties=properties)

    def login(self, customer_id: str, email: str | None) -> None:
        self.user_id = customer_id
        self._call("identify", traits={"email": email} if email else {})


def _product_properties(product: Row | None, product_id: str, price: Any) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "category": product.get("category_id") if product else None,
        "name": product.get("title") if product else None,
        "price": _money(price),
        "quantity": 1,
    }


def _order_visit(
    rng: random.Random,
    order: Row,
    items: list[Row],
    products: Mapping[str, Row],
    catalogue: list[str],
    email: str | None,
) -> list[dict[str, Any]]:
    channel = order.get("channel") or "web"
    visit = _Visit(rng, f"order:{order['order_id']}", order["purchased_at"], channel)
    if channel == "agent":
        visit.user_id = order["customer_id"]
    visit.view("Home")
    first = products.get(items[0]["product_id"]) if items else None
    query = (first or {}).get("category_id") or "gift"
    visit.track("Products Searched", query=str(query).replace("_", " "))
    for other in rng.sample(catalogue, k=min(len(catalogue), rng.randint(0, 2))):
        visit.track(
            "Product Viewed",
            **_product_properties(
                products.get(other), other, (products.get(other) or {}).get("list_price")
            ),
        )
    lines = [
        _product_properties(products.get(i["product_id"]), i["product_id"], i["price"])
        for i in items
    ]
    for line in lines:
        visit.view("Product", product_id=line["product_id"])
        visit.track("Product Viewed", **line)
        visit.track("Product Added", **line)
    if channel != "agent":
        visit.login(order["customer_id"], email)
    revenue = round(sum(line["price"] for line in lines), 2)
    shipping = round(sum(_money(i.get("freight_value")) for i in items), 2)
    totals = {
        "order_id": order["order_id"],
        "currency": order.get("currency"),
        "revenue": revenue,
        "shipping": shipping,
        "total": round(revenue + shipping, 2),
        "products": lines,
    }
    visit.track("Checkout Started", **totals)
    visit.track("Order Completed", **totals)
    # the visit ends with the purchase: move every call so the last is at the order's time
    shift = order["purchased_at"] - visit.at
    for call in visit.calls:
        moment = datetime.fromisoformat(call["timestamp"].removesuffix("Z")) + shift
        call["timestamp"] = moment.isoformat(timespec="milliseconds") + "Z"
    return visit.calls


def _browse_visit(
    rng: random.Random, key: str, start: datetime, catalogue: list[str], products: Mapping[str, Row]
) -> list[dict[str, Any]]:
    visit = _Visit(rng, f"browse:{key}", start, rng.choice(["web", "web", "app"]))
    visit.view("Home")
    viewed = rng.sample(catalogue, k=min(len(catalogue), rng.randint(1, 4)))
    visit.track(
        "Products Searched",
        query=str((products[viewed[0]].get("category_id") or "").replace("_", " ")),
    )
    for product_id in viewed:
        product = products[product_id]
        visit.view("Product", product_id=product_id)
        visit.track(
            "Product Viewed", **_product_properties(product, product_id, product.get("list_price"))
        )
    if rng.random() < 0.3:
        line = _product_properties(
            products[viewed[-1]], viewed[-1], products[viewed[-1]].get("list_price")
        )
        visit.track("Product Added", **line)
        visit.track("Product Removed", **line)
    return visit.calls


def shop_sessions(
    orders: Iterable[Row],
    order_items: Iterable[Row],
    products: Iterable[Row],
    customers: Iterable[Row] = (),
    *,
    seed: int,
) -> list[SessionBatch]:
    """The world's visits, one batch each, in the order a replay sends them (late last)."""
    items_of: dict[str, list[Row]] = defaultdict(list)
    for item in order_items:
        items_of[item["order_id"]].append(item)
    by_id = {p["product_id"]: p for p in products}
    catalogue = sorted(by_id)
    emails = {c["customer_id"]: c.get("email") for c in customers}
    on_time: list[tuple[datetime, SessionBatch]] = []
    late: list[SessionBatch] = []
    for order in sorted(orders, key=lambda o: (o["purchased_at"], o["order_id"])):
        rng = random.Random(f"{seed}:{order['order_id']}")
        calls = _order_visit(
            rng,
            order,
            sorted(items_of[order["order_id"]], key=lambda i: i["line_number"]),
            by_id,
            catalogue,
            emails.get(order["customer_id"]),
        )
        visits = [calls]
        if catalogue:
            start = order["purchased_at"] - timedelta(hours=rng.randint(2, 72))
            visits.append(_browse_visit(rng, order["order_id"], start, catalogue, by_id))
        for visit in visits:
            batch = SessionBatch(
                calls=tuple(visit),
                late=rng.random() < LATE_SHARE,
                retried=rng.random() < RETRY_SHARE,
                clock_skew_seconds=rng.randint(-1800, 1800) if rng.random() < SKEWED_SHARE else 0,
            )
            if batch.late:
                late.append(batch)
            else:
                on_time.append((datetime.fromisoformat(visit[0]["timestamp"][:-1]), batch))
    return [b for _, b in sorted(on_time, key=lambda x: x[0])] + late
