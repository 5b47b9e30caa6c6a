"""The shop's visits as Segment calls, and their replay through a real collector."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

import pytest

from lake.events.replay import replay_through_collector
from lake.sandbox.shop.sessions import shop_sessions
from tests.events.conftest import ingest, landed_records, raw_message_ids

PRODUCTS = [
    {
        "product_id": f"p{i}",
        "category_id": "cama_mesa_banho",
        "title": f"Towel {i}",
        "list_price": Decimal("19.90"),
    }
    for i in range(5)
]
CUSTOMERS = [
    {"customer_id": "c1", "email": "ann@example.com"},
    {"customer_id": "c2", "email": "bob@example.com"},
]


def orders(n: int) -> tuple[list[dict], list[dict]]:
    rows, items = [], []
    for i in range(n):
        channel = ("web", "app", "agent")[i % 3]
        rows.append(
            {
                "order_id": f"o{i}",
                "customer_id": f"c{1 + i % 2}",
                "channel": channel,
                "currency": "BRL",
                "purchased_at": datetime(2026, 3, 1 + i % 27, 12, i % 60),
            }
        )
        items += [
            {
                "order_id": f"o{i}",
                "line_number": n,
                "product_id": f"p{(i + n) % 5}",
                "price": Decimal("19.90"),
                "freight_value": Decimal("5.00"),
            }
            for n in (1, 2)
        ]
    return rows, items


def test_an_order_visit_follows_the_ecommerce_spec_and_logs_in():
    rows, items = orders(1)
    batches = shop_sessions(rows, items, PRODUCTS, CUSTOMERS, seed=7)
    visit = next(
        b.calls for b in batches if any(c.get("event") == "Order Completed" for c in b.calls)
    )
    names = [c.get("event") or c["type"] for c in visit]
    assert names[:2] == ["page", "Products Searched"]
    assert names[-3:] == ["identify", "Checkout Started", "Order Completed"]
    assert names.count("Product Added") == 2
    login = names.index("identify")
    assert all("userId" not in c for c in visit[:login])
    assert all(c["userId"] == "c1" for c in visit[login:])
    assert len({c["anonymousId"] for c in visit}) == 1
    assert visit[login]["traits"] == {"email": "ann@example.com"}
    completed = visit[-1]
    assert completed["properties"]["order_id"] == "o0"
    assert completed["properties"]["revenue"] == 39.8
    assert completed["timestamp"] == "2026-03-01T12:00:00.000Z"
    times = [c["timestamp"] for c in visit]
    assert times == sorted(times)


def test_late_retried_and_skewed_batches_deterministically():
    rows, items = orders(300)
    batches = shop_sessions(rows, items, PRODUCTS, CUSTOMERS, seed=7)
    again = shop_sessions(rows, items, PRODUCTS, CUSTOMERS, seed=7)
    assert batches == again
    assert len(batches) == 600
    counts = Counter((b.late, b.retried, b.clock_skew_seconds != 0) for b in batches)
    assert sum(n for (late, _, _), n in counts.items() if late) > 10
    assert sum(n for (_, retried, _), n in counts.items() if retried) > 5
    assert sum(n for (_, _, skewed), n in counts.items() if skewed) > 30
    assert all(b.late for b in batches[-sum(b.late for b in batches) :])
    ids = [c["messageId"] for b in batches for c in b.calls]
    assert len(ids) == len(set(ids))
    agent = [b for b in batches if any(c["context"]["channel"] == "agent" for c in b.calls)]
    assert agent and all("anonymousId" not in c for b in agent for c in b.calls)


@pytest.mark.slow
def test_replay_lands_every_call_once(paths):
    rows, items = orders(40)
    batches = shop_sessions(rows, items, PRODUCTS, CUSTOMERS, seed=3)
    assert any(b.retried for b in batches)
    summary = replay_through_collector(paths, batches)
    sent = [c["messageId"] for b in batches for c in b.calls]
    assert summary.accepted == len(sent)
    assert summary.duplicates == sum(len(b.calls) for b in batches if b.retried)
    assert sorted(r["messageId"] for r in landed_records(paths)) == sorted(sent)
    ingest(paths)
    assert sorted(raw_message_ids(paths)) == sorted(sent)
    # a second replay (the demo run again) stores nothing new
    assert replay_through_collector(paths, batches).accepted == 0
