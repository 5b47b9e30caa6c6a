-- LLM usage per shop day, agent, provider and model. Error rate: calls that did not answer
-- (`error` or `timeout`) over all calls. Latency percentiles over every call, failed ones
-- included (a timeout's latency is how long the gateway waited). An order is served by a
-- call that carries its `order_id` (support answers about an order, assistant sessions that
-- ended in one); cost per order served = the cost of the calls carrying an order id over the
-- distinct orders they served that day (null when none). Distinct orders do not add up
-- across days or agents: count them from `fct_llm_calls` for a longer period.

with

calls as (
    select * from {{ ref('fct_llm_calls') }}
),

daily as (
    select
        call_date,
        agent,
        provider,
        model,
        count(*) as calls,
        count(*) filter (where is_error) as failed_calls,
        coalesce(sum(prompt_tokens), 0) as prompt_tokens,
        coalesce(sum(completion_tokens), 0) as completion_tokens,
        coalesce(sum(cached_tokens), 0) as cached_tokens,
        sum(cost_usd::decimal(38, 8)) as cost_usd,
        quantile_cont(latency_ms, 0.5) as latency_p50_ms,
        quantile_cont(latency_ms, 0.95) as latency_p95_ms,
        count(*) filter (where order_id is not null) as calls_with_order,
        count(distinct order_id) as orders_served,
        coalesce(sum(cost_usd::decimal(38, 8)) filter (where order_id is not null), 0)
            as order_cost_usd
    from calls
    group by call_date, agent, provider, model
),

final as (
    select
        call_date,
        agent,
        provider,
        model,
        calls,
        failed_calls,
        failed_calls / calls as error_rate,
        prompt_tokens,
        completion_tokens,
        cached_tokens,
        cost_usd,
        latency_p50_ms,
        latency_p95_ms,
        calls_with_order,
        orders_served,
        order_cost_usd,
        (order_cost_usd / nullif(orders_served, 0))::decimal(38, 8)
            as cost_per_order_served_usd
    from daily
)

select * from final
