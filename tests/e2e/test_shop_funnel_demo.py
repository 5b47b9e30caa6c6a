"""The funnel and LLM marts and the training dataset on the demo lake: the published marts
tie to the published staging tables, and `lake dataset llm-training` writes every flagged
call that answered, with nothing the published-data scan would report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lake.governance.scan import kinds_in
from lake.warehouse.layout import WarehouseLayout

pytestmark = pytest.mark.xdist_group("e2e")

LAKE_BIN = Path(sys.executable).with_name("lake")


def published(layout: WarehouseLayout, sql: str) -> tuple:
    with duckdb.connect(str(layout.published), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_the_marts_carry_the_shops_orders_events_and_calls(layout: WarehouseLayout) -> None:
    orders, placed, without, completed = published(
        layout,
        "select (select count(*) from staging.stg_shop_db__orders), "
        "(select sum(orders_placed) from shop.fct_funnel_daily), "
        "(select sum(orders_without_events) from shop.fct_funnel_daily), "
        "(select sum(orders_completed_matched) from shop.fct_funnel_daily)",
    )
    assert orders > 0 and placed == orders
    assert completed + without == orders  # every order completed by an event or counted apart
    calls, cost, staged_calls, staged_cost = published(
        layout,
        "select (select sum(calls) from shop.fct_llm_usage_daily), "
        "(select sum(cost_usd) from shop.fct_llm_usage_daily), "
        "(select count(*) from staging.stg_llm_calls__calls), "
        "(select sum(cost_usd) from staging.stg_llm_calls__calls)",
    )
    assert calls == staged_calls > 0
    assert cost == staged_cost
    events, tracks_pages_screens = published(
        layout,
        "select (select count(*) from shop.fct_events), "
        "(select count(*) from staging.stg_events__tracks) "
        "+ (select count(*) from staging.stg_events__pages) "
        "+ (select count(*) from staging.stg_events__screens)",
    )
    assert events == tracks_pages_screens > 0


def test_training_dataset_holds_every_flagged_answered_call_masked(
    layout: WarehouseLayout,
) -> None:
    done = subprocess.run(
        [str(LAKE_BIN), "dataset", "llm-training", "--root", str(layout.paths.root), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    result = json.loads(done.stdout)
    (flagged,) = published(
        layout,
        "select count(*) from staging.stg_llm_calls__calls "
        "where keep_for_training and status = 'ok' and completion_text is not null",
    )
    path = Path(result["path"])
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert result["lines"] == len(lines) == flagged > 0
    for line in lines:
        roles = [message["role"] for message in line["messages"]]
        assert roles[-1] == "assistant" and set(roles) <= {"system", "user", "assistant"}
        for message in line["messages"]:
            assert list(kinds_in(message["content"])) == []
