"""The shop's LLM usage report, computed from the published shop marts (schema `shop`):
what the agents' LLM calls cost per day and per order served, with calls, tokens, latency
and errors per agent and model (`fct_llm_usage_daily`, `fct_llm_calls`; the dbt exposure of
`models/marts/shop/_exposures_shop-funnel.yml`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb

from lake.reports.charts import Series, line_chart, stacked_bar_chart
from lake.reports.model import Chart, Report, ReportDefinition, Table, number
from lake.reports.periods import Period, PeriodKind

# Percentiles and distinct orders do not add up over days: the period's come from the calls.
ORDER_COST = "coalesce(sum(cost_usd::decimal(38, 8)) filter (where order_id is not null), 0)"
COST_PER_ORDER_SERVED = (
    f"({ORDER_COST} / nullif(count(distinct order_id), 0))::decimal(38, 8)"
    " as cost_per_order_served_usd"
)
AGENT_MODELS = f"""
select
    agent,
    provider,
    model,
    count(*) as calls,
    count(*) filter (where is_error) as failed_calls,
    round(count(*) filter (where is_error) / count(*), 4) as error_rate,
    coalesce(sum(prompt_tokens), 0) as prompt_tokens,
    coalesce(sum(completion_tokens), 0) as completion_tokens,
    coalesce(sum(cached_tokens), 0) as cached_tokens,
    sum(cost_usd::decimal(38, 8)) as cost_usd,
    round(quantile_cont(latency_ms, 0.5))::bigint as latency_p50_ms,
    round(quantile_cont(latency_ms, 0.95))::bigint as latency_p95_ms,
    count(distinct order_id) as orders_served,
    {COST_PER_ORDER_SERVED}
from shop.fct_llm_calls
where call_date between ? and ?
group by all
order by cost_usd desc, agent, provider, model
"""

AGENTS = f"""
select
    agent,
    count(*) as calls,
    sum(cost_usd::decimal(38, 8)) as cost_usd,
    count(distinct order_id) as orders_served,
    {ORDER_COST} as order_cost_usd,
    {COST_PER_ORDER_SERVED}
from shop.fct_llm_calls
where call_date between ? and ?
group by all
order by cost_usd desc, agent
"""

DAILY_COST = """
select agent, call_date, sum(cost_usd) * 100 as cost_us_cents
from shop.fct_llm_usage_daily
where call_date between ? and ?
group by all
"""

DAILY_CALLS = """
select call_date, agent, sum(calls) as calls
from shop.fct_llm_usage_daily
where call_date between ? and ?
group by all
"""


def _last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select max(call_date) from shop.fct_llm_usage_daily").fetchone()
    return row[0] if row else None


def _cost_series(rows: list[tuple]) -> list[Series]:
    points: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for agent, day, cost in rows:
        points[agent].append((day, number(cost)))
    return [Series(agent, sorted(values)) for agent, values in sorted(points.items())]


def _calls_stacks(rows: list[tuple], period: Period) -> tuple[list[str], dict[str, list[float]]]:
    days = [
        period.start.fromordinal(o)
        for o in range(period.start.toordinal(), period.end.toordinal() + 1)
    ]
    index = {day: i for i, day in enumerate(days)}
    stacks: dict[str, list[float]] = {}
    for day, agent, calls in sorted(rows):
        stacks.setdefault(agent, [0.0] * len(days))[index[day]] = number(calls)
    return [day.isoformat() for day in days], dict(sorted(stacks.items()))


def llm_usage(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    window = (period.start, period.end)
    models = con.execute(AGENT_MODELS, list(window)).fetchall()
    agents = con.execute(AGENTS, list(window)).fetchall()
    categories, stacks = _calls_stacks(con.execute(DAILY_CALLS, list(window)).fetchall(), period)
    cost_title = "LLM cost per day and agent (US cents)"
    calls_title = "LLM calls per day and agent"
    charts = [
        Chart(
            "cost_per_agent",
            cost_title,
            line_chart(
                cost_title,
                _cost_series(con.execute(DAILY_COST, list(window)).fetchall()),
                period.start,
                period.end,
                "US cents",
            ),
        ),
        Chart(
            "calls_per_agent",
            calls_title,
            stacked_bar_chart(calls_title, categories, stacks, "calls"),
        ),
    ]
    tables = [
        Table(
            "agents",
            "Cost per order served, per agent",
            ("agent", "calls", "cost USD", "orders served", "cost of calls with an order USD",
             "cost per order served USD"),
            agents,
        ),
        Table(
            "agent_models",
            "Calls, tokens, cost, latency and errors per agent and model",
            ("agent", "provider", "model", "calls", "failed calls", "error rate",
             "prompt tokens", "completion tokens", "cached tokens", "cost USD",
             "p50 latency ms", "p95 latency ms", "orders served", "cost per order served USD"),
            models,
        ),
    ]  # fmt: skip
    last = _last_day(con)
    notes = (
        "Days are the shop's (its time zone). A call serves an order when it carries the "
        "order's id (support answers about it, shopping-assistant sessions that ended in "
        "it); cost per order served is the cost of those calls over the distinct orders they "
        "served in the period. Failed calls (errors, timeouts) cost nothing and count in the "
        "error rate and the latency percentiles. Costs are USD as the gateway reported them.",
        f"The published data reaches {last.isoformat() if last else 'no day'}; days after it "
        "in the period have no calls yet.",
    )
    return Report("llm_usage", "LLM usage", period, charts, tables, notes)


REPORTS = {
    "llm_usage": ReportDefinition(
        "llm_usage",
        "LLM usage",
        PeriodKind.month,
        _last_day,
        llm_usage,
        "LLM calls, tokens, cost, latency and cost per order served per agent and model "
        "(fct_llm_usage_daily, fct_llm_calls)",
    )
}
