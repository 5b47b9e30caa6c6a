"""`dbt build` of the payments and shipping staging models on what the extractors landed from
the sandbox's gateway and carrier (two runs, ten days apart, so objects are landed twice):
one row per object, counts and sums of amounts equal the sandbox's, every test passes."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from extract.payments import EXTRACTOR as PAYMENTS
from extract.runner import Runner
from extract.shipping import EXTRACTOR as SHIPPING
from lake.config import LakePaths
from lake.sandbox.carrier import Carrier
from lake.sandbox.cli import env_lines
from lake.sandbox.gateway import Gateway
from lake.sandbox.server import running_sandbox
from lake.sandbox.world import World
from tests.dbt.staging_support import StagingBuild, build_sources, ingest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[StagingBuild, Gateway, Carrier]:
    work = tmp_path_factory.mktemp("shop_apis")
    paths = LakePaths(work / "lake")
    with running_sandbox(World(today=TODAY)) as sandbox:
        env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
        for today in (TODAY, date.fromisoformat(sandbox.admin.advance(10))):
            runner = Runner(paths, env=env, today=today)
            report = asyncio.run(runner.run({"payments": PAYMENTS, "shipping": SHIPPING}))
            assert report.ok, [s.to_dict()["accounts"] for s in report.sources]
        world = sandbox.world
    shop = world.shop
    gateway = Gateway(
        world.seed, world.today, *(shop.table(n) for n in ("orders", "payments", "customers"))
    )
    carrier = Carrier(
        world.seed,
        world.today,
        *(shop.table(n) for n in ("orders", "order_items", "sellers", "customers")),
    )
    ingest(paths.root)
    return build_sources(paths.root, work, "payments", "shipping"), gateway, carrier


def test_build_passes_every_test(built) -> None:
    build, _, _ = built
    assert build.problems() == []
    assert {
        "stg_payments__charges",
        "stg_shipping__tracking_details",
        # the unit tests of the models' YAML ran too
        "stg_payments__balance_transactions__newest_version_in_minor_and_major_units",
        "stg_shipping__trackers__newest_scan_wins_over_a_late_landing",
    } <= build.node_names()


def test_charges_one_row_each_with_the_gateways_amounts_and_refunds(built) -> None:
    build, gateway, _ = built
    count, minor, major, refunded = build.one(
        "select count(*), sum(amount_minor), sum(amount), sum(amount_refunded_minor) "
        "from staging.stg_payments__charges"
    )
    assert count == len(gateway.charges)
    assert minor == sum(c.amount for c in gateway.charges)
    assert major == Decimal(minor) / 100
    # the newest version of each charge: refunds made after the first run are in it
    assert refunded == sum(r.amount for r in gateway.refunds)
    (currencies,) = build.one("select list(distinct currency) from staging.stg_payments__charges")
    assert sorted(currencies) == sorted({c.currency.upper() for c in gateway.charges})


def test_refunds_disputes_and_balance_equal_the_gateway(built) -> None:
    build, gateway, _ = built
    assert build.one("select count(*), sum(amount_minor) from staging.stg_payments__refunds") == (
        len(gateway.refunds),
        sum(r.amount for r in gateway.refunds),
    )
    statuses = dict(build.query("select dispute_id, status from staging.stg_payments__disputes"))
    assert statuses == {d.id: d.status(gateway.now) for d in gateway.disputes}
    txns = gateway.balance_transactions()
    assert build.one(
        "select count(*), sum(net_minor), count(*) filter (where status = 'pending') "
        "from staging.stg_payments__balance_transactions"
    ) == (len(txns), sum(t["net"] for t in txns), sum(t["status"] == "pending" for t in txns))


def test_trackers_newest_version_and_scans(built) -> None:
    build, _, carrier = built
    rows = dict(build.query("select tracker_id, status from staging.stg_shipping__trackers"))
    assert set(rows) == {t.id for t in carrier.trackers}
    # every tracker's newest known status: polled ones moved on, final ones never change
    current = {t.id: carrier.tracker_json(t)["status"] for t in carrier.trackers}
    assert sum(rows[i] == current[i] for i in rows) >= 0.97 * len(rows)
    assert build.one("select count(*) from staging.stg_shipping__tracking_details")[0] >= 3 * len(
        rows
    )
