"""The shop's payment gateway, derived from the shop world: Stripe-shaped charges, refunds,
disputes, balance transactions and events (served by `platforms/payments.py`).

Every card payment of the application database (`payments.method` `credit_card` or
`debit_card`) is one succeeded charge, created at the payment's `created_at`, for its amount
in the currency's minor unit, with the shop's `order_id` (and the payment's `sequence`) in
`metadata` and the customer's billing details. Of those charges:

- every charge of a `canceled` or `unavailable` order is refunded in full one to three days
  later; about 6 % of the others are refunded, half of them in part;
- about 1.5 % are disputed 10 to 45 days later: `needs_response` until the evidence is due
  (21 days), `under_review` for 30 more days, then `won` or `lost`;
- each charge, refund and dispute moves the balance (`balance_transaction`, with Stripe's
  fee on charges and dispute fee on disputes; `pending` until `available_on`);
- events (`charge.succeeded`, `charge.refunded`, `charge.dispute.created`,
  `charge.dispute.closed`) wrap the object as it was when the event happened; only the last
  30 days of events are kept, as Stripe does.

Everything is a pure function of the seed and the shop's rows; only what happened before the
world's `today` (midnight UTC) exists. A later `today` adds objects and moves statuses on
(refunds, disputes, available balances) without changing any past value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from lake.sandbox import rng

CARD_METHODS = frozenset({"credit_card", "debit_card"})
ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "pyg", "vnd", "xaf"})
EVENT_RETENTION_DAYS = 30
EVIDENCE_DAYS = 21
REVIEW_DAYS = 30
DISPUTE_FEE = 1500  # minor units
FEE_RATE = Decimal("0.0399")
FEE_FIXED = 39
PAYOUT_DELAY_DAYS = 2
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BRANDS = (("visa", 0.45), ("mastercard", 0.8), ("elo", 0.92), ("amex", 1.0))


def stripe_id(prefix: str, seed: int, *key: object) -> str:
    """`<prefix>_` + 24 base-62 characters, a pure function of the key."""
    raw = hashlib.blake2b("\x1f".join(map(str, (seed, prefix, *key))).encode(), digest_size=24)
    number = int.from_bytes(raw.digest(), "big")
    chars = []
    for _ in range(24):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return f"{prefix}_{''.join(chars)}"


def unix(moment: datetime) -> int:
    """A naive UTC time (the application's) or an aware one, as Unix seconds."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp())


def minor_units(amount: Decimal, currency: str) -> int:
    """`Decimal('12.34'), 'brl'` -> 1234 (zero-decimal currencies unchanged)."""
    factor = 1 if currency.lower() in ZERO_DECIMAL else 100
    return int((Decimal(amount) * factor).to_integral_value())


@dataclass(frozen=True)
class Charge:
    id: str
    order_id: str
    sequence: int
    amount: int
    currency: str
    created: int
    method: str
    installments: int
    customer: Mapping[str, Any]
    card: Mapping[str, Any]
    payment_intent: str
    balance_transaction: str


@dataclass(frozen=True)
class Refund:
    id: str
    charge: Charge
    amount: int
    created: int
    reason: str
    balance_transaction: str


@dataclass(frozen=True)
class Dispute:
    id: str
    charge: Charge
    created: int
    reason: str
    won: bool
    balance_transaction: str
    reinstated_transaction: str  # the adjustment giving the money back when won

    @property
    def due_by(self) -> int:
        return self.created + EVIDENCE_DAYS * 86400

    @property
    def closed_at(self) -> int:
        return self.due_by + REVIEW_DAYS * 86400

    def status(self, now: int) -> str:
        if now < self.due_by:
            return "needs_response"
        if now < self.closed_at:
            return "under_review"
        return "won" if self.won else "lost"


class Gateway:
    """The gateway's objects for one shop world at one `today` (see the module docstring)."""

    def __init__(
        self,
        seed: int,
        today: date,
        orders: Iterable[Mapping[str, Any]],
        payments: Iterable[Mapping[str, Any]],
        customers: Iterable[Mapping[str, Any]],
    ) -> None:
        self.seed = seed
        self.now = unix(datetime.combine(today, time(), UTC))
        by_order = {o["order_id"]: o for o in orders}
        by_customer = {c["customer_id"]: c for c in customers}
        self.charges: list[Charge] = []
        for payment in payments:
            order = by_order.get(payment["order_id"])
            if order is None or payment["method"] not in CARD_METHODS:
                continue
            if unix(payment["created_at"]) >= self.now:
                continue
            customer = by_customer.get(order["customer_id"], {})
            self.charges.append(self._charge(payment, order, customer))
        self.charges.sort(key=lambda c: (c.created, c.id))
        self.refunds = [r for c in self.charges if (r := self._refund(c, by_order)) is not None]
        self.disputes = [d for c in self.charges if (d := self._dispute(c)) is not None]
        self.refunds = [r for r in self.refunds if r.created < self.now]
        self.disputes = [d for d in self.disputes if d.created < self.now]
        self._refunds_of: dict[str, list[Refund]] = {}
        for refund in self.refunds:
            self._refunds_of.setdefault(refund.charge.id, []).append(refund)
        self._dispute_of = {d.charge.id: d for d in self.disputes}
        self._charge_by_id = {c.id: c for c in self.charges}
        self._refund_by_id = {r.id: r for r in self.refunds}
        self._dispute_by_id = {d.id: d for d in self.disputes}

    # --- derivation ------------------------------------------------------------------------

    def _charge(
        self, payment: Mapping[str, Any], order: Mapping[str, Any], customer: Mapping[str, Any]
    ) -> Charge:
        key = (payment["order_id"], payment["sequence"])
        currency = str(order["currency"]).lower()
        u = rng.units(self.seed, "card", customer.get("customer_id", key[0]))
        brand = next(name for name, cut in _BRANDS if u[0] < cut)
        card = {
            "brand": brand,
            "last4": f"{int(u[1] * 10_000):04d}",
            "exp_month": 1 + int(u[2] * 12),
            "exp_year": 2027 + int(u[3] * 6),
            "fingerprint": stripe_id("fp", self.seed, customer.get("customer_id"))[3:19],
            "funding": "debit" if payment["method"] == "debit_card" else "credit",
            "country": "BR",
        }
        return Charge(
            id=stripe_id("ch", self.seed, *key),
            order_id=str(payment["order_id"]),
            sequence=int(payment["sequence"]),
            amount=minor_units(payment["amount"], currency),
            currency=currency,
            created=unix(payment["created_at"]),
            method=str(payment["method"]),
            installments=int(payment["installments"] or 1),
            customer=customer,
            card=card,
            payment_intent=stripe_id("pi", self.seed, *key),
            balance_transaction=stripe_id("txn", self.seed, "charge", *key),
        )

    def _refund(self, charge: Charge, orders: Mapping[str, Mapping[str, Any]]) -> Refund | None:
        u = rng.units(self.seed, "refund", charge.id)
        status = orders[charge.order_id]["status"]
        if status in ("canceled", "unavailable"):
            amount, delay, reason = charge.amount, 1 + int(u[1] * 3), "requested_by_customer"
        elif u[0] < 0.06:
            partial = u[2] < 0.5 and charge.amount > 100
            amount = int(charge.amount * (0.2 + 0.6 * u[3])) if partial else charge.amount
            delay = 2 + int(u[1] * 19)
            reason = "requested_by_customer" if u[3] < 0.8 else "duplicate"
        else:
            return None
        return Refund(
            id=stripe_id("re", self.seed, charge.id),
            charge=charge,
            amount=amount,
            created=charge.created + delay * 86400 + int(u[2] * 36000),
            reason=reason,
            balance_transaction=stripe_id("txn", self.seed, "refund", charge.id),
        )

    def _dispute(self, charge: Charge) -> Dispute | None:
        u = rng.units(self.seed, "dispute", charge.id)
        if u[0] >= 0.015:
            return None
        reasons = ("fraudulent", "product_not_received", "duplicate", "general")
        return Dispute(
            id=stripe_id("dp", self.seed, charge.id),
            charge=charge,
            created=charge.created + (10 + int(u[1] * 36)) * 86400,
            reason=reasons[int(u[2] * len(reasons))],
            won=u[3] < 0.5,
            balance_transaction=stripe_id("txn", self.seed, "dispute", charge.id),
            reinstated_transaction=stripe_id("txn", self.seed, "dispute_won", charge.id),
        )

    # --- objects as JSON (Stripe's shapes) -------------------------------------------------

    def refunds_of(self, charge: Charge, as_of: int) -> list[Refund]:
        return [r for r in self._refunds_of.get(charge.id, []) if r.created <= as_of]

    def dispute_of(self, charge: Charge, as_of: int) -> Dispute | None:
        found = self._dispute_of.get(charge.id)
        return found if found is not None and found.created <= as_of else None

    def charge_json(self, charge: Charge, as_of: int | None = None) -> dict[str, Any]:
        """The charge as it stood at `as_of` (default: now)."""
        as_of = self.now if as_of is None else as_of
        refunds = self.refunds_of(charge, as_of)
        refunded = sum(r.amount for r in refunds)
        return charge_object(
            charge,
            refunded=refunded,
            refunds=[self.refund_json(r) for r in sorted(refunds, key=lambda r: -r.created)],
            disputed=self.dispute_of(charge, as_of) is not None,
        )

    def refund_json(self, refund: Refund) -> dict[str, Any]:
        return {
            "id": refund.id,
            "object": "refund",
            "amount": refund.amount,
            "balance_transaction": refund.balance_transaction,
            "charge": refund.charge.id,
            "created": refund.created,
            "currency": refund.charge.currency,
            "destination_details": {"card": {"type": "refund"}, "type": "card"},
            "metadata": {"order_id": refund.charge.order_id},
            "payment_intent": refund.charge.payment_intent,
            "reason": refund.reason,
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }

    def dispute_json(self, dispute: Dispute, as_of: int | None = None) -> dict[str, Any]:
        as_of = self.now if as_of is None else as_of
        status = dispute.status(as_of)
        transactions = [dispute.balance_transaction]
        if status == "won":
            transactions.append(dispute.reinstated_transaction)
        charge = dispute.charge
        return {
            "id": dispute.id,
            "object": "dispute",
            "amount": charge.amount,
            "balance_transactions": transactions,
            "charge": charge.id,
            "created": dispute.created,
            "currency": charge.currency,
            "evidence_details": {
                "due_by": dispute.due_by,
                "has_evidence": status != "needs_response",
                "past_due": False,
                "submission_count": 0 if status == "needs_response" else 1,
            },
            "is_charge_refundable": False,
            "livemode": False,
            "metadata": {"order_id": charge.order_id},
            "payment_intent": charge.payment_intent,
            "payment_method_details": {
                "card": {"brand": charge.card["brand"], "case_type": "chargeback"},
                "type": "card",
            },
            "reason": dispute.reason,
            "status": status,
        }

    def balance_transactions(self) -> list[dict[str, Any]]:
        """Every balance transaction created before now."""
        found = [self._txn_charge(c) for c in self.charges]
        found += [self._txn_refund(r) for r in self.refunds]
        for dispute in self.disputes:
            found.append(self._txn_dispute(dispute, reinstated=False))
            if dispute.status(self.now) == "won":
                found.append(self._txn_dispute(dispute, reinstated=True))
        return [t for t in found if t["created"] < self.now]

    def _txn(
        self, txn_id: str, amount: int, fee: int, created: int, currency: str, **rest: Any
    ) -> dict[str, Any]:
        available_on = created + PAYOUT_DELAY_DAYS * 86400
        return {
            "id": txn_id,
            "object": "balance_transaction",
            "amount": amount,
            "available_on": available_on,
            "created": created,
            "currency": currency,
            "exchange_rate": None,
            "fee": fee,
            "fee_details": (
                [
                    {
                        "amount": fee,
                        "currency": currency,
                        "description": "Stripe processing fees",
                        "type": "stripe_fee",
                    }
                ]
                if fee
                else []
            ),
            "net": amount - fee,
            "status": "available" if available_on <= self.now else "pending",
            **rest,
        }

    def _txn_charge(self, charge: Charge) -> dict[str, Any]:
        fee = int((charge.amount * FEE_RATE).to_integral_value()) + FEE_FIXED
        return self._txn(
            charge.balance_transaction,
            charge.amount,
            fee,
            charge.created,
            charge.currency,
            description=f"Order {charge.order_id}",
            reporting_category="charge",
            source=charge.id,
            type="charge",
        )

    def _txn_refund(self, refund: Refund) -> dict[str, Any]:
        charge = refund.charge
        return self._txn(
            refund.balance_transaction,
            -refund.amount,
            0,
            refund.created,
            charge.currency,
            description=f"Refund of order {charge.order_id}",
            reporting_category="refund",
            source=refund.id,
            type="refund",
        )

    def _txn_dispute(self, dispute: Dispute, *, reinstated: bool) -> dict[str, Any]:
        charge = dispute.charge
        if reinstated:
            amount, fee, created = charge.amount, -DISPUTE_FEE, dispute.closed_at
            txn_id, category = dispute.reinstated_transaction, "dispute_reversal"
        else:
            amount, fee, created = -charge.amount, DISPUTE_FEE, dispute.created
            txn_id, category = dispute.balance_transaction, "dispute"
        return self._txn(
            txn_id,
            amount,
            fee,
            created,
            charge.currency,
            description=f"Chargeback of order {charge.order_id}",
            reporting_category=category,
            source=dispute.id,
            type="adjustment",
        )

    def events(self) -> list[dict[str, Any]]:
        """The events of the last 30 days (Stripe keeps no older ones)."""
        horizon = self.now - EVENT_RETENTION_DAYS * 86400
        found = [("charge.succeeded", c.created, c.id) for c in self.charges]
        found += [("charge.refunded", r.created, r.id) for r in self.refunds]
        found += [("charge.dispute.created", d.created, d.id) for d in self.disputes]
        found += [("charge.dispute.closed", d.closed_at, d.id) for d in self.disputes]
        return [
            self._event(kind, created, about)
            for kind, created, about in found
            if horizon <= created < self.now
        ]

    def _event(self, kind: str, created: int, about: str) -> dict[str, Any]:
        if kind.startswith("charge.dispute."):
            obj = self.dispute_json(self._dispute_by_id[about], as_of=created)
        elif kind == "charge.refunded":
            obj = self.charge_json(self._refund_by_id[about].charge, as_of=created)
        else:
            obj = self.charge_json(self._charge_by_id[about], as_of=created)
        return {
            "id": stripe_id("evt", self.seed, kind, about),
            "object": "event",
            "api_version": "2024-06-20",
            "created": created,
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }


def charge_object(
    charge: Charge, *, refunded: int, refunds: list[dict[str, Any]], disputed: bool
) -> dict[str, Any]:
    """A Stripe `charge` (keys as in Stripe's API reference)."""
    customer = charge.customer
    return {
        "id": charge.id,
        "object": "charge",
        "amount": charge.amount,
        "amount_captured": charge.amount,
        "amount_refunded": refunded,
        "balance_transaction": charge.balance_transaction,
        "billing_details": {
            "address": {
                "city": customer.get("city"),
                "country": "BR",
                "line1": None,
                "line2": None,
                "postal_code": customer.get("zip_code_prefix"),
                "state": customer.get("state"),
            },
            "email": customer.get("email"),
            "name": customer.get("full_name"),
            "phone": customer.get("phone"),
        },
        "calculated_statement_descriptor": "LOJA SANDBOX",
        "captured": True,
        "created": charge.created,
        "currency": charge.currency,
        "customer": None,
        "description": f"Order {charge.order_id}",
        "disputed": disputed,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": {"order_id": charge.order_id, "payment_sequence": str(charge.sequence)},
        "outcome": {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": True,
        "payment_intent": charge.payment_intent,
        "payment_method": stripe_id("pm", 0, charge.id),
        "payment_method_details": {
            "card": {
                **charge.card,
                "checks": {"cvc_check": "pass"},
                "installments": (
                    {
                        "plan": {
                            "count": charge.installments,
                            "interval": "month",
                            "type": "fixed_count",
                        }
                    }
                    if charge.installments > 1
                    else None
                ),
                "network": charge.card["brand"],
            },
            "type": "card",
        },
        "receipt_email": customer.get("email"),
        "refunded": refunded >= charge.amount,
        "refunds": {
            "object": "list",
            "data": refunds,
            "has_more": False,
            "url": f"/v1/charges/{charge.id}/refunds",
        },
        "status": "succeeded",
    }
