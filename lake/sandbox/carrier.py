"""The shop's carrier, derived from the shop world: EasyPost-shaped trackers (served by
`platforms/shipping.py`).

Every order handed to the carrier (`orders.delivered_carrier_at` set) has one tracker, with a
Correios-style tracking code (`AB123456789BR`) and the shop's `order_id` in `reference`. Its
`tracking_details` are dated scans: `pre_transit` (label created, hours before the hand-over),
`in_transit` (posted at the seller's city, then a scan every one or two days),
`out_for_delivery` the morning of delivery and `delivered` at the order's
`delivered_customer_at` (or, for an order not delivered yet, the estimated delivery date).
About 3 % of trackers get stuck (no scan after the second one), about 1 % end in `failure`
(lost) and 1 % in `return_to_sender` (addressee unknown), whatever the order says (the
carrier's view and the shop's disagree, as they do); a `canceled` or `unavailable` order that
was shipped goes `return_to_sender`. Only scans before the world's `today` exist; a
tracker's `status` is its last scan's. Final states: `delivered`, `return_to_sender`,
`failure`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from lake.sandbox import rng

CARRIER = "Correios"
FINAL_STATUSES = frozenset({"delivered", "return_to_sender", "failure"})
STUCK_SHARE = 0.03
FAILURE_SHARE = 0.01
RETURN_SHARE = 0.01
_MESSAGES = {
    "pre_transit": ("label_created", "Objeto postado eletronicamente (label created)"),
    "in_transit": ("arrived_at_facility", "Objeto em trânsito - por favor aguarde"),
    "out_for_delivery": ("out_for_delivery", "Objeto saiu para entrega ao destinatário"),
    "delivered": ("arrived_at_destination", "Objeto entregue ao destinatário"),
    "return_to_sender": ("return", "Objeto devolvido ao remetente"),
    "failure": ("lost", "Objeto extraviado (lost in transit)"),
}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scan:
    at: datetime  # naive UTC
    status: str
    city: str | None
    state: str | None


@dataclass(frozen=True)
class Tracker:
    id: str
    tracking_code: str
    order_id: str
    created_at: datetime
    est_delivery: datetime
    signed_by: str | None
    scans: tuple[Scan, ...]  # every scan, past and future of the world's today


class Carrier:
    """The carrier's trackers for one shop world at one `today`."""

    def __init__(
        self,
        seed: int,
        today: date,
        orders: Iterable[Mapping[str, Any]],
        order_items: Iterable[Mapping[str, Any]],
        sellers: Iterable[Mapping[str, Any]],
        customers: Iterable[Mapping[str, Any]],
    ) -> None:
        self.seed = seed
        self.now = datetime.combine(today, time())
        seller_of: dict[str, Mapping[str, Any]] = {}
        by_seller = {s["seller_id"]: s for s in sellers}
        for item in order_items:
            if item["order_id"] not in seller_of and item["seller_id"] in by_seller:
                seller_of[item["order_id"]] = by_seller[item["seller_id"]]
        by_customer = {c["customer_id"]: c for c in customers}
        built = (
            self._tracker(
                o, seller_of.get(o["order_id"], {}), by_customer.get(o["customer_id"], {})
            )
            for o in orders
            if o.get("delivered_carrier_at") is not None
        )
        self.trackers = sorted(
            (t for t in built if t.created_at < self.now), key=lambda t: (t.created_at, t.id)
        )

    def _tracker(
        self, order: Mapping[str, Any], seller: Mapping[str, Any], customer: Mapping[str, Any]
    ) -> Tracker:
        order_id = str(order["order_id"])
        u = rng.units(self.seed, "tracker", order_id)
        handed: datetime = order["delivered_carrier_at"]
        created = handed - timedelta(hours=2 + 18 * u[0])
        delivered: datetime | None = order.get("delivered_customer_at")
        estimated = order.get("estimated_delivery_date")
        planned = delivered or (
            datetime.combine(estimated, time(15)) if estimated else handed + timedelta(days=8)
        )
        planned = max(planned, handed + timedelta(hours=20))
        origin = (seller.get("city"), seller.get("state"))
        home = (customer.get("city"), customer.get("state"))
        scans = [Scan(created, "pre_transit", *origin), Scan(handed, "in_transit", *origin)]
        moment = handed + timedelta(hours=20 + 24 * u[1])
        while moment < planned - timedelta(hours=10):
            scans.append(Scan(moment, "in_transit", None, None))
            moment += timedelta(hours=22 + 26 * rng.unit(self.seed, "hop", order_id, moment))
        ending = self._ending(order, u)
        if ending == "stuck":
            scans = scans[:2]
        elif ending == "delivered":
            scans.append(Scan(planned - timedelta(hours=3 + 4 * u[2]), "out_for_delivery", *home))
            scans.append(Scan(planned, "delivered", *home))
        else:
            scans.append(Scan(planned + timedelta(days=2), ending, *home))
        digits = int(u[3] * 1e8)
        check = sum(
            int(d) * w for d, w in zip(f"{digits:08d}", (8, 6, 4, 2, 3, 5, 9, 7), strict=True)
        )
        letters = "".join(chr(65 + int(x * 26)) for x in rng.units(self.seed, "code", order_id)[:2])
        return Tracker(
            id="trk_"
            + hashlib.blake2b(f"{self.seed}:{order_id}".encode(), digest_size=16).hexdigest(),
            tracking_code=f"{letters}{digits:08d}{(11 - check % 11) % 10}BR",
            order_id=order_id,
            created_at=created,
            est_delivery=planned,
            signed_by=customer.get("full_name") if ending == "delivered" else None,
            scans=tuple(scans),
        )

    def _ending(self, order: Mapping[str, Any], u: tuple[float, ...]) -> str:
        """How the tracker ends: the order's fate, or the carrier's own (stuck, lost)."""
        if order["status"] in ("canceled", "unavailable"):
            return "return_to_sender"
        if u[2] < STUCK_SHARE:
            return "stuck"
        fate = rng.unit(self.seed, "fate", order["order_id"])
        if fate < FAILURE_SHARE:
            return "failure"
        if fate < FAILURE_SHARE + RETURN_SHARE:
            return "return_to_sender"  # addressee unknown or absent three times
        return "delivered"

    # --- EasyPost's shape ------------------------------------------------------------------

    def tracker_json(self, tracker: Tracker) -> dict[str, Any]:
        """The tracker as of the world's today: only the scans before it."""
        seen = [s for s in tracker.scans if s.at < self.now]
        last = seen[-1]
        final = last.status in FINAL_STATUSES
        return {
            "id": tracker.id,
            "object": "Tracker",
            "mode": "production",
            "tracking_code": tracker.tracking_code,
            "status": last.status,
            "status_detail": _MESSAGES[last.status][0],
            "created_at": _iso(tracker.created_at),
            "updated_at": _iso(last.at),
            "signed_by": tracker.signed_by if last.status == "delivered" else None,
            "weight": None,
            "est_delivery_date": _iso(tracker.est_delivery),
            "shipment_id": None,
            "carrier": CARRIER,
            "reference": tracker.order_id,
            "tracking_details": [self._detail(s) for s in seen],
            "carrier_detail": {
                "object": "CarrierDetail",
                "service": "SEDEX",
                "origin_location": _place(tracker.scans[0]),
                "destination_location": _place(tracker.scans[-1]),
            },
            "finalized": final,
            "is_return": last.status == "return_to_sender",
            "public_url": f"https://track.easypost.com/{tracker.id}",
            "fees": [],
        }

    @staticmethod
    def _detail(scan: Scan) -> dict[str, Any]:
        detail, message = _MESSAGES[scan.status]
        return {
            "object": "TrackingDetail",
            "message": message,
            "description": None,
            "status": scan.status,
            "status_detail": detail,
            "datetime": _iso(scan.at),
            "source": CARRIER,
            "carrier_code": None,
            "tracking_location": {
                "object": "TrackingLocation",
                "city": scan.city,
                "state": scan.state,
                "country": "BR" if scan.city else None,
                "zip": None,
            },
        }


def _place(scan: Scan) -> str | None:
    return ", ".join(p for p in (scan.city, scan.state) if p) or None
