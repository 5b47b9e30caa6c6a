"""The carrier stand-in (EasyPost's shape): a tracker per shipped order of the shop world,
dated scans, final states, stuck trackers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

import httpx

from lake.sandbox.carrier import FINAL_STATUSES, Carrier
from lake.sandbox.world import World

from .conftest import TODAY

CARRIER_KEY = {"Authorization": "Bearer sandbox-shipping-token"}


def carrier(world: World) -> Carrier:
    shop = world.shop
    names = ("orders", "order_items", "sellers", "customers")
    return Carrier(world.seed, world.today, *(shop.table(n) for n in names))


def test_trackers_for_shipped_orders_and_their_final_states(
    client: httpx.Client, world: World
) -> None:
    model = carrier(world)
    shipped = [o for o in world.shop.table("orders") if o["delivered_carrier_at"] is not None]
    assert {t.order_id for t in model.trackers} <= {o["order_id"] for o in shipped}
    statuses = Counter(model.tracker_json(t)["status"] for t in model.trackers)
    assert statuses["delivered"] > 0.8 * len(model.trackers)
    assert statuses["return_to_sender"] and statuses["failure"] and statuses["in_transit"]
    page = client.get("/shipping/v2/trackers", params={"page_size": 5}, headers=CARRIER_KEY).json()
    assert len(page["trackers"]) == 5 and page["has_more"]
    one = client.get(
        f"/shipping/v2/trackers/{page['trackers'][0]['id']}", headers=CARRIER_KEY
    ).json()
    assert one == page["trackers"][0]
    details = one["tracking_details"]
    assert [d["datetime"] for d in details] == sorted(d["datetime"] for d in details)
    assert one["status"] == details[-1]["status"] and one["reference"]


def test_stuck_trackers_have_no_scan_for_weeks(world: World) -> None:
    model = carrier(world)
    cutoff = datetime.combine(TODAY - timedelta(days=30), time())
    stuck = [
        t
        for t in model.trackers
        if model.tracker_json(t)["status"] not in FINAL_STATUSES and t.created_at < cutoff
    ]
    assert 0.01 * len(model.trackers) < len(stuck) < 0.06 * len(model.trackers)
    assert all(len(model.tracker_json(t)["tracking_details"]) == 2 for t in stuck)
