"""The payment gateway stand-in (Stripe's shape): charges, refunds and disputes from the shop
world, paging and filters, error bodies, determinism and a later today."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import httpx

from lake.sandbox.gateway import Gateway
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import TODAY

KEY = {"Authorization": "Bearer sandbox-payments-token"}


def gateway(world: World) -> Gateway:
    shop = world.shop
    return Gateway(
        world.seed, world.today, *(shop.table(n) for n in ("orders", "payments", "customers"))
    )


def test_every_card_payment_before_today_is_one_charge_with_its_order(world: World) -> None:
    gw = gateway(world)
    cutoff = datetime.combine(TODAY, time())
    cards = [
        p
        for p in world.shop.table("payments")
        if p["method"] in ("credit_card", "debit_card") and p["created_at"] < cutoff
    ]
    assert len(gw.charges) == len(cards) > 1000
    assert {(c.order_id, c.sequence) for c in gw.charges} == {
        (p["order_id"], p["sequence"]) for p in cards
    }
    assert sum(c.amount for c in gw.charges) == sum(int(p["amount"] * 100) for p in cards)
    # a share refunded (every canceled order's card payment among them), a few disputed
    assert 0.05 < len(gw.refunds) / len(gw.charges) < 0.15
    assert 0.005 < len(gw.disputes) / len(gw.charges) < 0.03
    assert all(r.amount <= r.charge.amount for r in gw.refunds)


def test_list_pages_newest_first_with_starting_after_and_created_filter(
    client: httpx.Client, world: World
) -> None:
    start = int(datetime.combine(TODAY - timedelta(days=60), time(), UTC).timestamp())
    seen, after = [], None
    while True:
        params = {
            "limit": 40,
            "created[gte]": start,
            **({"starting_after": after} if after else {}),
        }
        page = client.get("/payments/v1/charges", params=params, headers=KEY).json()
        assert page["object"] == "list" and page["url"] == "/v1/charges"
        seen += page["data"]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    expected = [c for c in gateway(world).charges if c.created >= start]
    assert [c["id"] for c in seen] == [
        c.id for c in sorted(expected, key=lambda c: (c.created, c.id), reverse=True)
    ]
    assert all(c["metadata"]["order_id"] and c["currency"].islower() for c in seen)


def test_stripe_error_bodies(client: httpx.Client, sandbox: Sandbox) -> None:
    wrong = client.get("/payments/v1/charges", headers={"Authorization": "Bearer sk_test_nope"})
    assert wrong.status_code == 401 and "Invalid API Key" in wrong.json()["error"]["message"]
    missing = client.get("/payments/v1/charges", params={"starting_after": "ch_x"}, headers=KEY)
    assert missing.status_code == 400 and missing.json()["error"]["type"] == "invalid_request_error"
    sandbox.admin.set_fault("payments", "rate_limit", retry_after=3)
    limited = client.get("/payments/v1/charges", headers=KEY)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert limited.json()["error"]["code"] == "rate_limit"
    sandbox.admin.set_fault("payments", "expire_session")
    expired = client.get("/payments/v1/charges", headers=KEY)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "api_key_expired"
    assert "Expired API Key" in expired.json()["error"]["message"]
    sandbox.admin.set_fault("payments", "server_error")
    failed = client.get("/payments/v1/charges", headers=KEY)
    assert failed.status_code == 500 and failed.json()["error"]["type"] == "api_error"


def test_a_later_today_keeps_every_past_charge_and_refund(world: World) -> None:
    now, later = gateway(world), gateway(world.advanced(20))
    old = {c.id: c.amount for c in now.charges}
    assert {c.id: c.amount for c in later.charges if c.id in old} == old
    assert len(later.charges) > len(now.charges)
    assert {r.id for r in now.refunds} <= {r.id for r in later.refunds}
    assert now.charge_json(now.charges[0]) == gateway(World(today=TODAY)).charge_json(
        now.charges[0]
    )
