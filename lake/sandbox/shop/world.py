"""The sandbox's shop: one seeded, deterministic online shop behind every shop source.

`ShopWorld(seed, today, origin)` holds the shop application's database as it stands at the
start of `today` (UTC), in exactly the application's tables
(`/work/shared/fixtures/shop/app_schema.sql`): customers, sellers, categories, products,
orders, order_items, payments, reviews. `world.table(name)` returns the rows as dicts (keys =
the table's columns; values `str/int/bool/Decimal/datetime/date/None`), sorted by primary key.

How it is built (pure functions of (seed, entity, day) through `lake.sandbox.rng`, no shared
random stream):

- every entity has a *history*: the row it was created with and the dated changes made to it
  later (an order's approval, invoicing, shipping, delivery or cancelation; a product's price
  change; a customer's new phone or erasure request). The table shows each row as of the start
  of `today`: only the changes before then, `updated_at` = the last one. A later `today` with
  the same origin therefore keeps every past value and moves open orders on;
- orders come in *baskets* from `origin` to `today - 1` (~4-5 a day, growing, more around
  Black Friday); a basket split between two sellers is two orders with one review;
- a customer is created by their first order (a few order again later);
- products (most with an EAN-13 GTIN, priced in BRL, prices changing every few months, a few
  discontinued: `deleted_at`) and sellers exist from before `origin` on, revealed by
  `created_at`.

The quirks of the real fixture (its README) are reproduced on purpose: orders paid in several
parts (vouchers, up to ~10), payments that differ from items + freight (installment interest,
a line removed after payment), orders with payments and no items (canceled or unavailable: the
application deletes their items), `not_defined` payments of 0, one review covering two orders,
review messages with newlines, quotes and personal data, products without a category, a
category without an English name, customers without a phone and e-mails in capitals, orders
delivered after their estimate. An open order's items or payments are sometimes rewritten (the
old rows deleted): the hard deletes an incremental extractor has to notice.
"""

from __future__ import annotations

import bisect
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from lake.errors import ValidationError
from lake.sandbox import rng
from lake.sandbox.shop import _data

__all__ = ["COLUMNS", "PRIMARY_KEYS", "TABLES", "ShopWorld"]

# the application's tables, in load order (foreign keys), with their primary keys
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "sellers": ("seller_id",),
    "categories": ("category_id",),
    "products": ("product_id",),
    "orders": ("order_id",),
    "order_items": ("order_id", "line_number"),
    "payments": ("order_id", "sequence"),
    "reviews": ("review_id", "order_id"),
}
TABLES: tuple[str, ...] = tuple(PRIMARY_KEYS)
# every table's columns, in the schema's order (the keys of `table()`'s rows)
COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer_id", "email", "full_name", "phone", "zip_code_prefix", "city", "state",
        "marketing_opt_in", "created_at", "updated_at", "deleted_at",
    ),
    "sellers": ("seller_id", "zip_code_prefix", "city", "state", "created_at", "updated_at"),
    "categories": ("category_id", "name_en"),
    "products": (
        "product_id", "category_id", "title", "gtin", "description_length", "photos_qty",
        "weight_g", "length_cm", "height_cm", "width_cm", "list_price", "stock_qty",
        "created_at", "updated_at", "deleted_at",
    ),
    "orders": (
        "order_id", "customer_id", "status", "channel", "currency", "purchased_at",
        "approved_at", "delivered_carrier_at", "delivered_customer_at",
        "estimated_delivery_date", "updated_at",
    ),
    "order_items": (
        "order_id", "line_number", "product_id", "seller_id", "shipping_limit_at", "price",
        "freight_value",
    ),
    "payments": ("order_id", "sequence", "method", "installments", "amount", "created_at"),
    "reviews": (
        "review_id", "order_id", "score", "title", "message", "created_at", "answered_at",
    ),
}  # fmt: skip

SELLERS = 70
PRODUCTS = 480
HORIZON_DAYS = 1500  # product and seller changes are laid out this far after origin
CENT = Decimal("0.01")
USD_PER_BRL = Decimal("0.19")  # the shop's list prices are BRL; USD orders are priced at this

Change = tuple[datetime, dict[str, Any]]


@dataclass(frozen=True)
class _History:
    """A row's life: created at `created_at` with the first change's fields, then changed."""

    created_at: datetime
    changes: tuple[Change, ...]  # sorted by time; the first one is the creation

    def as_of(self, now: datetime) -> dict[str, Any] | None:
        """The row as the application holds it just before `now` (None: not created yet)."""
        if self.created_at >= now:
            return None
        row: dict[str, Any] = {}
        updated = self.created_at
        for at, fields in self.changes:
            if at >= now:
                break
            row.update(fields)
            updated = at
        row["updated_at"] = updated
        return row

    @property
    def final(self) -> dict[str, Any]:
        """The row after every change (what it will be)."""
        row: dict[str, Any] = {}
        for _, fields in self.changes:
            row.update(fields)
        return row


@dataclass(frozen=True)
class _Product:
    product_id: str
    seller_id: str
    weight_g: int
    history: _History

    def price_at(self, at: datetime) -> Decimal:
        price = Decimal(0)
        for when, fields in self.history.changes:
            if when > at:
                break
            price = fields.get("list_price", price)
        return price

    def deleted_by(self, at: datetime) -> bool:
        deleted = self.history.final.get("deleted_at")
        return deleted is not None and deleted <= at


@dataclass(frozen=True)
class _Basket:
    """One checkout: one order, or two when split between sellers (sharing a timeline)."""

    key: tuple[object, ...]
    customer_id: str
    orders: tuple[_History, ...]
    review: tuple[datetime, dict[str, Any]] | None  # (created_at, review fields) or None


class ShopWorld:
    """The shop application's database at the start of `today`; see the module docstring."""

    def __init__(self, seed: int, today: date, origin: date) -> None:
        if origin >= today:
            raise ValidationError(
                f"the shop world needs history: origin {origin} is not before today {today}",
                "pass an origin before today (the music world's: today - 730 days)",
            )
        self.seed = seed
        self.today = today
        self.origin = origin
        self.now = datetime.combine(today, time())
        self._customers: dict[str, _History] = {}
        self._baskets: list[list[_Basket]] = []
        self._lock = threading.Lock()  # platforms read one world from several threads
        self._built: dict[str, list[dict[str, Any]]] | None = None

    @property
    def table_names(self) -> tuple[str, ...]:
        return TABLES

    def advanced(self, days: int) -> ShopWorld:
        """The same shop `days` later (every past value kept; open orders move on)."""
        if days < 0:
            raise ValidationError(f"cannot move the shop back ({days} days)", "pass days >= 0")
        return ShopWorld(self.seed, self.today + timedelta(days=days), self.origin)

    def table(self, name: str) -> list[dict[str, Any]]:
        """The rows of one application table as of the start of `today` (fresh dicts)."""
        if name not in PRIMARY_KEYS:
            raise ValidationError(
                f"no table {name!r} in the shop's database", f"use one of {', '.join(TABLES)}"
            )
        with self._lock:
            if self._built is None:
                self._built = self._tables()
        return [dict(row) for row in self._built[name]]

    # --- materialised tables ---------------------------------------------------------------

    def _tables(self) -> dict[str, list[dict[str, Any]]]:
        self._build_orders()
        tables: dict[str, list[dict[str, Any]]] = {
            "customers": self._visible(self._customers.values()),
            "sellers": self._visible(self._sellers.values()),
            "categories": [
                {"category_id": slug, "name_en": name} for slug, name in _data.CATEGORIES
            ],
            "products": self._visible(p.history for p in self._products),
        }
        orders, items, payments, reviews = [], [], [], []
        for day in self._baskets:
            for basket in day:
                for history in basket.orders:
                    row = history.as_of(self.now)
                    if row is None:
                        continue
                    items += row.pop("_items")
                    payments += row.pop("_payments")
                    orders.append(row)
                reviews += self._review_rows(basket)
        tables.update(orders=orders, order_items=items, payments=payments, reviews=reviews)
        return {name: _sorted(name, rows) for name, rows in tables.items()}

    def _visible(self, histories: Iterable[_History]) -> list[dict[str, Any]]:
        rows = []
        for history in histories:
            row = history.as_of(self.now)
            if row is not None:
                rows.append(row)
        return rows

    def _review_rows(self, basket: _Basket) -> list[dict[str, Any]]:
        if basket.review is None or basket.review[0] >= self.now:
            return []
        created_at, fields = basket.review
        answered = fields["answered_at"]
        rows = []
        for history in basket.orders:
            row = dict(fields, order_id=history.final["order_id"], created_at=created_at)
            row["answered_at"] = answered if answered is not None and answered < self.now else None
            rows.append(row)
        return rows

    # --- sellers and products (exist from before origin, revealed by created_at) ------------

    def _u(self, *key: object) -> tuple[float, float, float, float]:
        return rng.units(self.seed, "shop", *key)

    def _id(self, *key: object) -> str:
        return rng.rng(self.seed, "shop-id", *key).getrandbits(128).to_bytes(16, "big").hex()

    def _at(self, day_offset: float) -> datetime:
        """origin + a fractional number of days, to the second."""
        return datetime.combine(self.origin, time()) + timedelta(seconds=int(day_offset * 86400))

    @cached_property
    def _sellers(self) -> dict[str, _History]:
        sellers = {}
        for n in range(SELLERS):
            u = self._u("seller", n)
            seller_id = self._id("seller", n)
            created = self._at(-1000 if n == 0 else rng.between(u[0], -900, 600))
            city, state, zip_lo, zip_hi, _, _ = _place(u[1])
            changes: list[Change] = [
                (
                    created,
                    {
                        "seller_id": seller_id,
                        "zip_code_prefix": _zip(zip_lo, zip_hi, u[2]),
                        "city": city,
                        "state": state,
                        "created_at": created,
                    },
                )
            ]
            at, k = created, 0
            while True:  # the seller edits their profile (a new zip) every few months
                k += 1
                v = self._u("seller-change", n, k)
                at += timedelta(days=int(rng.between(v[0], 60, 400)), seconds=int(v[1] * 86400))
                if at > self._at(HORIZON_DAYS):
                    break
                changes.append((at, {"zip_code_prefix": _zip(zip_lo, zip_hi, v[2])}))
            sellers[seller_id] = _History(created, tuple(changes))
        return sellers

    @cached_property
    def _products(self) -> list[_Product]:
        """Every product, sorted by created_at."""
        sellers = sorted(self._sellers.items(), key=lambda item: item[1].created_at)
        seller_times = [history.created_at for _, history in sellers]
        products = []
        for n in range(PRODUCTS):
            u = self._u("product", n)
            w = self._u("product-shape", n)
            product_id = self._id("product", n)
            created = self._at(rng.between(u[0], -500, 650))
            eligible = max(1, bisect.bisect_right(seller_times, created))
            seller_id = sellers[int(u[1] * eligible)][0]
            category, name_en = _category(u[2])
            weight = int(50 + (w[0] ** 2) * 15000) // 50 * 50
            price = Decimal(str(round(9.9 + (u[3] ** 3.5) * 800, 1))) + Decimal("0.09")
            fields = {
                "product_id": product_id,
                "category_id": category,
                "title": f"{(name_en or 'product').replace('_', ' ').capitalize()} "
                f"{product_id[:6].upper()}",
                "gtin": _gtin(self.seed, n) if w[1] < 0.85 else None,
                "description_length": int(rng.between(w[2], 80, 3000)),
                "photos_qty": 1 + int(w[3] * 6),
                "weight_g": weight,
                "length_cm": 16 + int(w[0] * 60),
                "height_cm": 2 + int(w[2] * 40),
                "width_cm": 11 + int(w[3] * 40),
                "list_price": price,
                "stock_qty": int(rng.between(u[1], 0, 120)),
                "created_at": created,
                "deleted_at": None,
            }
            changes = [(created, fields), *self._product_changes(n, created, price)]
            history = _History(created, tuple(sorted(changes, key=lambda c: c[0])))
            products.append(_Product(product_id, seller_id, weight, history))
        return sorted(products, key=lambda p: (p.history.created_at, p.product_id))

    def _product_changes(self, n: int, created: datetime, price: Decimal) -> list[Change]:
        changes: list[Change] = []
        at, k = created, 0
        horizon = self._at(HORIZON_DAYS)
        while True:  # a new price and stock every 40-160 days
            k += 1
            v = self._u("product-change", n, k)
            at += timedelta(days=int(rng.between(v[0], 40, 160)), seconds=int(v[1] * 86400))
            if at > horizon:
                break
            price = (price * Decimal(str(round(rng.between(v[2], 0.88, 1.15), 3)))).quantize(
                Decimal("0.1"), ROUND_HALF_UP
            ) + Decimal("0.09")
            changes.append((at, {"list_price": price, "stock_qty": int(v[3] * 150)}))
        d = self._u("product-deleted", n)
        if d[0] < 0.04:  # discontinued: soft-deleted, never sold again
            days = int(rng.between(d[1], 100, 700))
            deleted = created + timedelta(days=days, seconds=int(d[2] * 8e4))
            changes = [c for c in changes if c[0] < deleted]
            changes.append((deleted, {"deleted_at": deleted, "stock_qty": 0}))
        return changes

    @cached_property
    def _product_times(self) -> list[datetime]:
        return [p.history.created_at for p in self._products]

    def _pick_product(self, at: datetime, u: float, avoid: str = "") -> _Product:
        """A product on sale at `at` (created before it, not discontinued)."""
        eligible = max(1, bisect.bisect_right(self._product_times, at))
        start = int(u * eligible)
        for step in range(eligible):
            product = self._products[(start + step * 7919) % eligible]
            if not product.deleted_by(at) and product.product_id != avoid:
                return product
        return self._products[0]

    # --- customers --------------------------------------------------------------------------

    def _new_customer(self, key: tuple[object, ...], first_order_at: datetime) -> str:
        u = self._u("customer", *key)
        v = self._u("customer-contact", *key)
        customer_id = self._id("customer", *key)
        day_start = datetime.combine(first_order_at.date(), time())
        created = max(day_start, first_order_at - timedelta(seconds=int(60 + u[0] * 1800)))
        first = _data.FIRST_NAMES[int(u[1] * len(_data.FIRST_NAMES))]
        last = _data.SURNAMES[int(u[2] * len(_data.SURNAMES))]
        city, state, zip_lo, zip_hi, area, _ = _place(u[3])
        email = (
            f"{_ascii(first)}.{_ascii(last)}{int(v[0] * 100)}@"
            f"{_data.MAIL_DOMAINS[int(v[1] * len(_data.MAIL_DOMAINS))]}"
        )
        fields = {
            "customer_id": customer_id,
            "email": email.upper() if v[2] < 0.03 else email,
            "full_name": f"{first} {last}",
            "phone": _phone(area, v[3]) if v[3] >= 0.1 else None,
            "zip_code_prefix": _zip(zip_lo, zip_hi, v[0]),
            "city": city,
            "state": state,
            "marketing_opt_in": v[1] < 0.35,
            "created_at": created,
            "deleted_at": None,
        }
        changes: list[Change] = [(created, fields)]
        w = self._u("customer-change", *key)
        if w[0] < 0.3:  # a new phone number (or a first one) and a changed mind on marketing
            at = created + timedelta(days=int(rng.between(w[1], 5, 400)), seconds=int(w[2] * 86400))
            changes.append((at, {"phone": _phone(area, w[3]), "marketing_opt_in": w[3] < 0.5}))
        x = self._u("customer-erasure", *key)
        if x[0] < 0.015:  # an erasure request: soft-deleted
            days = int(rng.between(x[1], 20, 500))
            at = created + timedelta(days=days, seconds=int(x[2] * 86400))
            changes = [c for c in changes if c[0] < at]
            changes.append((at, {"deleted_at": at, "marketing_opt_in": False}))
        self._customers[customer_id] = _History(created, tuple(changes))
        return customer_id

    def _customer_for(self, key: tuple[object, ...], day_index: int, at: datetime) -> str:
        u = self._u("basket-customer", *key)
        if u[0] < 0.06 and day_index > 0:  # a returning customer
            earlier = self._baskets[int(u[1] * day_index)]
            if earlier:
                customer_id = earlier[int(u[2] * len(earlier))].customer_id
                deleted = self._customers[customer_id].final.get("deleted_at")
                if deleted is None or deleted > at:
                    return customer_id
        return self._new_customer(key, at)

    # --- orders -----------------------------------------------------------------------------

    def _build_orders(self) -> None:
        if self._baskets:
            return
        for day_index in range((self.today - self.origin).days):
            day = self.origin + timedelta(days=day_index)
            baskets = []
            for b in range(self._basket_count(day, day_index)):
                baskets.append(self._basket(day, day_index, b))
            self._baskets.append(baskets)

    def _basket_count(self, day: date, day_index: int) -> int:
        u = self._u("basket-count", day)
        rate = 3.2 + 2.5 * min(day_index, 1000) / 730
        rate *= (0.95, 0.95, 0.97, 1.0, 1.02, 1.05, 1.08)[day.weekday()]
        if day.month == 11 and day.day >= 20:  # Black Friday week
            rate *= 2.2
        return int(rate * rng.between(u[0], 0.7, 1.3) + u[1])

    def _basket(self, day: date, day_index: int, b: int) -> _Basket:
        key: tuple[object, ...] = (day, b)
        u = self._u("basket", *key)
        night = u[0] < 0.1
        seconds = rng.between(u[1], 0, 7 * 3600) if night else rng.between(u[1], 7 * 3600, 86399)
        purchased = datetime.combine(day, time()) + timedelta(seconds=int(seconds))
        customer_id = self._customer_for(key, day_index, purchased)
        timeline = self._timeline(key, purchased)
        parts = 2 if u[2] < 0.02 else 1  # split between two sellers: two orders, one review
        agent_share = 0.05 + 0.2 * min(day_index, 730) / 730
        c = self._u("basket-channel", *key)
        channel = "agent" if c[0] < agent_share else ("app" if c[1] < 0.38 else "web")
        currency = "USD" if c[2] < 0.02 else "BRL"
        orders = tuple(
            self._order((*key, part), customer_id, channel, currency, timeline)
            for part in range(parts)
        )
        return _Basket(key, customer_id, orders, self._review(key, timeline, customer_id))

    def _timeline(self, key: tuple[object, ...], purchased: datetime) -> dict[str, Any]:
        """When each step of the order happens (a step absent: it never does)."""
        u = self._u("timeline", *key)
        v = self._u("timeline-2", *key)
        w = self._u("timeline-3", *key)
        method = "credit_card"
        if v[0] < 0.19:
            method = "boleto"
        elif v[0] < 0.21:
            method = "debit_card"
        elif v[0] < 0.23:
            method = "voucher"
        t: dict[str, Any] = {"purchased": purchased, "method": method}
        t["estimated"] = purchased.date() + timedelta(days=int(rng.between(v[1], 12, 36)))
        if u[0] < 0.015:  # canceled before payment
            t["canceled"] = purchased + _hours(1, 72, u[1])
            return t
        approval = {"boleto": (20, 72), "debit_card": (0.02, 0.5)}.get(method, (0.1, 3))
        t["approved"] = purchased + _hours(*approval, u[1])
        if u[0] < 0.035:  # canceled after payment, before invoicing
            t["canceled"] = t["approved"] + _hours(1, 48, u[2])
            return t
        t["invoiced"] = t["approved"] + _hours(2, 30, u[2])
        if u[0] < 0.055:  # nobody had it in stock
            t["unavailable"] = t["invoiced"] + _hours(2, 72, u[3])
            return t
        t["processing"] = t["invoiced"] + _hours(1, 40, u[3])
        t["shipped"] = t["processing"] + _hours(2, 72, v[2])
        transit = _hours(24, 24 * 18, v[3] ** 1.6)
        t["delivered"] = t["shipped"] + transit
        if w[0] < 0.08:  # delivered after the estimate
            late = datetime.combine(t["estimated"], time()) + _hours(20, 240, w[1])
            t["delivered"] = max(t["delivered"], late)
        return t

    def _order(
        self,
        key: tuple[object, ...],
        customer_id: str,
        channel: str,
        currency: str,
        t: dict[str, Any],
    ) -> _History:
        order_id = self._id("order", *key)
        purchased: datetime = t["purchased"]
        items = self._items(key, order_id, purchased, currency)
        row = {
            "order_id": order_id,
            "customer_id": customer_id,
            "status": "created",
            "channel": channel,
            "currency": currency,
            "purchased_at": purchased,
            "approved_at": None,
            "delivered_carrier_at": None,
            "delivered_customer_at": None,
            "estimated_delivery_date": t["estimated"],
            "_items": items,
            "_payments": (),
        }
        changes: list[Change] = [(purchased, row)]
        if "approved" in t:
            payments = self._payments(key, order_id, items, t)
            changes.append(
                (t["approved"], {"status": "approved", "approved_at": t["approved"], **payments})
            )
        for step, status in (("invoiced", "invoiced"), ("processing", "processing")):
            if step in t:
                changes.append((t[step], {"status": status}))
        if "shipped" in t:
            changes.append(
                (t["shipped"], {"status": "shipped", "delivered_carrier_at": t["shipped"]})
            )
            changes.append(
                (
                    t["delivered"],
                    {"status": "delivered", "delivered_customer_at": t["delivered"]},
                )
            )
        for step in ("canceled", "unavailable"):  # the application deletes the items
            if step in t:
                changes.append((t[step], {"status": step, "_items": ()}))
        changes += self._rewrites(key, order_id, items, t)
        return _History(purchased, tuple(sorted(changes, key=lambda c: c[0])))

    def _items(
        self, key: tuple[object, ...], order_id: str, purchased: datetime, currency: str
    ) -> tuple[dict[str, Any], ...]:
        u = self._u("lines", *key)
        lines = 1 if u[0] < 0.88 else (2 if u[0] < 0.97 else 3 + int(u[1] * 2))
        items: list[dict[str, Any]] = []
        for line in range(1, lines + 1):
            v = self._u("line", *key, line)
            if items and v[0] < 0.4:  # the same product again (a quantity of two)
                items.append(dict(items[-1], line_number=line))
                continue
            product = self._pick_product(purchased, v[1])
            items.append(self._item(order_id, line, product, purchased, currency, v[2]))
        return tuple(items)

    def _item(
        self,
        order_id: str,
        line: int,
        product: _Product,
        purchased: datetime,
        currency: str,
        u: float,
    ) -> dict[str, Any]:
        price = product.price_at(purchased)
        freight = Decimal(str(round(7.5 + product.weight_g / 1000 * 2.1 * (0.8 + u * 0.5), 2)))
        if currency == "USD":
            price, freight = (price * USD_PER_BRL, freight * USD_PER_BRL)
        return {
            "order_id": order_id,
            "line_number": line,
            "product_id": product.product_id,
            "seller_id": product.seller_id,
            "shipping_limit_at": purchased + timedelta(days=6),
            "price": price.quantize(CENT, ROUND_HALF_UP),
            "freight_value": freight.quantize(CENT, ROUND_HALF_UP),
        }

    def _payments(
        self,
        key: tuple[object, ...],
        order_id: str,
        items: tuple[dict[str, Any], ...],
        t: dict[str, Any],
    ) -> dict[str, Any]:
        u = self._u("payment", *key)
        total = sum((i["price"] + i["freight_value"] for i in items), Decimal(0))
        method = t["method"]
        installments = 1
        if method == "credit_card" and u[0] >= 0.5:
            installments = 2 + int(u[1] * 9)
            if u[2] < 0.25:  # the customer pays the installment interest
                total = (total * (1 + Decimal("0.015") * installments)).quantize(CENT)
        parts: list[tuple[str, int, Decimal]] = []
        if method == "voucher" or u[3] < 0.04:  # vouchers first, the rest by card
            count = 1 + int((u[1] ** 3) * 10)
            share = total if method == "voucher" else (total * Decimal("0.4")).quantize(CENT)
            parts += _split(share, count, ("voucher", 1))
            if method != "voucher":
                parts.append((method, installments, total - share))
        else:
            parts.append((method, installments, total))
        if self._u("payment-undefined", *key)[0] < 0.003:
            parts.append(("not_defined", 1, Decimal("0.00")))
        return {"_payments": _payment_rows(order_id, parts, t["approved"])}

    def _rewrites(
        self,
        key: tuple[object, ...],
        order_id: str,
        items: tuple[dict[str, Any], ...],
        t: dict[str, Any],
    ) -> list[Change]:
        """Items or payments rewritten while the order is open (old rows deleted)."""
        changes: list[Change] = []
        u = self._u("rewrite", *key)
        if "processing" in t and u[0] < 0.04:
            at = t["invoiced"] + (t["processing"] - t["invoiced"]) * rng.between(u[1], 0.1, 0.9)
            at = at.replace(microsecond=0)
            if len(items) > 1:  # the last line dropped; payments not refunded yet
                changes.append((at, {"_items": items[:-1]}))
            else:  # the seller substituted another product
                old = items[0]
                product = self._pick_product(t["purchased"], u[2], avoid=old["product_id"])
                new = dict(old, product_id=product.product_id, seller_id=product.seller_id)
                changes.append((at, {"_items": (new,)}))
        if "invoiced" in t and t["method"] == "credit_card" and u[3] < 0.04:
            at = t["approved"] + (t["invoiced"] - t["approved"]) * 0.5
            at = at.replace(microsecond=0)
            payments = self._payments(key, order_id, items, t)["_payments"]
            total = sum((p["amount"] for p in payments), Decimal(0))
            voucher = (total * Decimal("0.25")).quantize(CENT)
            installments = payments[0]["installments"]
            parts = [("voucher", 1, voucher), ("credit_card", installments, total - voucher)]
            changes.append((at, {"_payments": _payment_rows(order_id, parts, at)}))
        return changes

    def _review(
        self, key: tuple[object, ...], t: dict[str, Any], customer_id: str
    ) -> tuple[datetime, dict[str, Any]] | None:
        u = self._u("review", *key)
        v = self._u("review-text", *key)
        ended = t.get("delivered") or t.get("canceled") or t.get("unavailable")
        if ended is None or u[0] >= (0.85 if "delivered" in t else 0.5):
            return None
        created = datetime.combine(ended.date() + timedelta(days=1 + int(u[1] * 7)), time())
        late = "delivered" in t and t["delivered"].date() > t["estimated"]
        good = "delivered" in t and not late and u[2] < 0.85
        score = (4 + int(v[0] * 2)) if good else (1 + int(v[0] * 3))
        contact = self._customers[customer_id].final
        message = None
        if v[1] < 0.45:
            texts = _data.REVIEW_MESSAGES_GOOD if score >= 4 else _data.REVIEW_MESSAGES_BAD
            message = texts[int(v[2] * len(texts))].format(
                name=contact["full_name"], email=contact["email"], phone=contact["phone"] or "-"
            )
        title = None
        if v[3] < 0.35:
            titles = _data.REVIEW_TITLES
            half = len(titles) // 2
            title = titles[int(v[2] * half)] if score >= 4 else titles[half + int(v[2] * half)]
        answered = None
        if u[3] < 0.9:
            answered = created + timedelta(seconds=int(rng.between(u[2], 2, 190) * 3600))
        fields = {
            "review_id": self._id("review", *key),
            "score": score,
            "title": title,
            "message": message,
            "answered_at": answered,
        }
        return created, fields


# --- helpers ---------------------------------------------------------------------------------


def _hours(low: float, high: float, u: float) -> timedelta:
    """Between `low` and `high` hours, to the second."""
    return timedelta(seconds=int(rng.between(u, low, high) * 3600))


def _sorted(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows in primary-key order, their keys in the schema's column order."""
    keys, columns = PRIMARY_KEYS[name], COLUMNS[name]
    ordered = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    return [{column: row[column] for column in columns} for row in ordered]


def _place(u: float) -> tuple[str, str, int, int, int, float]:
    total = sum(p[5] for p in _data.PLACES)
    x = u * total
    for place in _data.PLACES:
        x -= place[5]
        if x < 0:
            return place
    return _data.PLACES[-1]


def _zip(low: int, high: int, u: float) -> str:
    return f"{int(low + u * (high - low + 1)):05d}"


def _phone(area: int, u: float) -> str:
    return f"+55 {area} 9{int(u * 1e8):08d}"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _category(u: float) -> tuple[str | None, str | None]:
    if u < 0.02:  # a product the application never categorised
        return None, None
    index = min(int(((u - 0.02) / 0.98) ** 1.3 * len(_data.CATEGORIES)), len(_data.CATEGORIES) - 1)
    return _data.CATEGORIES[index]


def _gtin(seed: int, n: int) -> str:
    """An EAN-13 with Brazil's 789 prefix and a valid check digit."""
    body = "789" + f"{rng.rng(seed, 'shop-gtin', n).getrandbits(40) % 10**9:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _split(total: Decimal, count: int, kind: tuple[str, int]) -> list[tuple[str, int, Decimal]]:
    """`count` parts of `total` (to the cent, summing exactly), larger first."""
    if count <= 1 or total < count * CENT:
        return [(*kind, total)]
    parts, left = [], total
    for i in range(count - 1):
        part = (left / (count - i) * Decimal("1.3")).quantize(CENT)
        part = min(part, left - (count - i - 1) * CENT)
        parts.append((*kind, part))
        left -= part
    parts.append((*kind, left))
    return parts


def _payment_rows(
    order_id: str, parts: list[tuple[str, int, Decimal]], at: datetime
) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "order_id": order_id,
            "sequence": n,
            "method": method,
            "installments": installments,
            "amount": amount,
            "created_at": at,
        }
        for n, (method, installments, amount) in enumerate(parts, start=1)
    )
