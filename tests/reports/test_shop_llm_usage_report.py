"""`lake report llm_usage`: rendered from a published database holding the shop's LLM marts
(hand-made calls), as HTML and PDF; headless Chromium shows the cost per order served per
agent and the daily charts with the figures computed by hand here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
from playwright.sync_api import Browser

from lake.config import LakePaths
from lake.reports.render import ReportFormat
from lake.reports.run import render_report

LAKE_BIN = Path(sys.executable).with_name("lake")

# request_id, call_date, agent, provider, model, order_id, is_error, latency_ms, cost_usd
CALLS = [
    ("r1", "2026-11-03", "support", "openai", "gpt-4o-mini", "o1", False, 1000, "0.00030000"),
    ("r2", "2026-11-03", "support", "openai", "gpt-4o-mini", "o1", False, 2000, "0.00010000"),
    ("r3", "2026-11-03", "support", "openai", "gpt-4o-mini", "o2", False, 3000, "0.00020000"),
    ("r4", "2026-11-03", "support", "openai", "gpt-4o-mini", None, True, 30000, "0"),
    ("r5", "2026-11-04", "pricing", "openai", "gpt-4.1", None, False, 1500, "0.01005400"),
    ("r6", "2026-11-04", "shopping_assistant", "mistral", "mistral-small-latest", "o3", False,
     1200, "0.00001000"),
    ("r7", "2026-10-31", "shopping_assistant", "mistral", "mistral-small-latest", "o4", False,
     1200, "0.50000000"),  # the month before: not in the report
]  # fmt: skip


def make_published(root: Path) -> None:
    published = root / "warehouse" / "lake.duckdb"
    published.parent.mkdir(parents=True)
    with duckdb.connect(str(published)) as con:
        con.execute("create schema shop")
        con.execute(
            "create table shop.fct_llm_calls (request_id varchar, call_date date, agent "
            "varchar, provider varchar, model varchar, order_id varchar, is_error boolean, "
            "latency_ms integer, prompt_tokens integer, completion_tokens integer, "
            "cached_tokens integer, cost_usd decimal(18, 8))"
        )
        for row in CALLS:
            con.execute(
                "insert into shop.fct_llm_calls values (?, ?, ?, ?, ?, ?, ?, ?, 10, 5, 0, ?)",
                list(row),
            )
        con.execute(
            "create table shop.fct_llm_usage_daily as select call_date, agent, provider, "
            "model, count(*) as calls, sum(cost_usd::decimal(38, 8)) as cost_usd "
            "from shop.fct_llm_calls group by all"
        )


def test_llm_usage_report_shows_cost_per_order_served(tmp_path: Path, browser: Browser) -> None:
    make_published(tmp_path)
    paths = LakePaths(tmp_path)
    rendered = render_report(paths, "llm_usage", "2026-11", ReportFormat.html)
    assert rendered.path == tmp_path / "reports" / "llm_usage_2026-11_20261130.html"

    page = browser.new_page()
    page.goto(rendered.path.as_uri())
    assert page.locator("body").get_attribute("data-period") == "2026-11"
    rows = page.locator("#table-agents tbody tr")
    assert rows.count() == 3  # October's call is not in November's report
    table = {
        cells[0]: cells[1:]
        for cells in rows.evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.dataset.value ?? c.textContent))"
        )
    }
    # agent: calls, cost, orders served, cost of calls with an order, cost per order served
    assert table["support"][0] == "4"
    assert Decimal(table["support"][1]) == Decimal("0.0006")
    assert table["support"][2] == "2"  # o1 twice, o2: two orders
    assert Decimal(table["support"][4]) == Decimal("0.0003")  # 0.0006 / 2
    assert Decimal(table["pricing"][1]) == Decimal("0.010054")
    assert table["pricing"][2] == "0" and table["pricing"][4] == ""  # no order served
    assert Decimal(table["shopping_assistant"][4]) == Decimal("0.00001")
    # the cell shows the small cost, not 0.00
    assert page.locator("#table-agents tbody tr", has_text="support").locator("td").nth(5)\
        .inner_text() == "0.000300"  # fmt: skip

    models = page.locator("#table-agent_models tbody tr", has_text="support")
    values = models.locator("td").evaluate_all("cells => cells.map(c => c.dataset.value)")
    assert values[4] == "1"  # one failed call
    assert Decimal(values[5]) == Decimal("0.25")  # error rate
    assert values[10] == "2500"  # p50 of 1000, 2000, 3000, 30000 ms

    cost_points = page.locator("#chart-cost_per_agent circle")
    points = cost_points.evaluate_all("cs => cs.map(c => [c.dataset.day, Number(c.dataset.value)])")
    # US cents per agent and day
    assert sorted(points) == [["2026-11-03", 0.06], ["2026-11-04", 0.001], ["2026-11-04", 1.0054]]
    bars = page.locator("#chart-calls_per_agent rect.bar")
    assert sum(float(v) for v in bars.evaluate_all("bs => bs.map(b => b.dataset.value)")) == 6
    page.close()


def test_llm_usage_report_as_pdf_from_the_command_line(tmp_path: Path) -> None:
    make_published(tmp_path)
    done = subprocess.run(
        [str(LAKE_BIN), "report", "llm_usage", "--period", "2026-11", "--format", "pdf",
         "--root", str(tmp_path), "--json"],
        capture_output=True, text=True, check=True, timeout=300,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )  # fmt: skip
    path = Path(json.loads(done.stdout)["path"])
    assert path == tmp_path / "reports" / "llm_usage_2026-11_20261130.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    assert path.stat().st_size > 10_000


def test_llm_usage_report_as_csv_keeps_exact_money(tmp_path: Path) -> None:
    make_published(tmp_path)
    rendered = render_report(LakePaths(tmp_path), "llm_usage", "2026-11", ReportFormat.csv)
    lines = rendered.path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [
        '"# Cost per order served, per agent"',
        "agent,calls,cost USD,orders served,cost of calls with an order USD,"
        "cost per order served USD",
    ]
    # exact decimals in plain notation: no 0E-8 for pricing's zero cost of calls with an order
    assert "pricing,1,0.01005400,0,0.00000000," in lines
    assert "support,4,0.00060000,2,0.00060000,0.00030000" in lines
