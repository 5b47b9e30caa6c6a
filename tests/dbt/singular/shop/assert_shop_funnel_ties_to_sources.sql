-- The funnel and the LLM usage marts carry their sources' figures:
--   every order of the application's database is placed once in fct_funnel_daily
--   (orders_placed sums to the orders staged);
--   every `Order Completed` order id of the events is counted once
--   (orders_completed_events sums to the distinct order ids those events name);
--   fct_llm_usage_daily's calls and cost sum to the staged LLM calls' (to the 8th decimal).
-- A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

funnel as (
    select
        coalesce(sum(orders_placed), 0) as orders_placed,
        coalesce(sum(orders_completed_events), 0) as orders_completed_events
    from {{ ref('fct_funnel_daily') }}
),

staged_orders as (
    select count(*) as orders from {{ ref('stg_shop_db__orders') }}
),

completed_events as (
    select count(distinct order_id) as orders
    from {{ ref('fct_events') }}
    where event_name = 'Order Completed'
),

usage as (
    select
        coalesce(sum(calls), 0) as calls,
        coalesce(sum(cost_usd), 0) as cost_usd
    from {{ ref('fct_llm_usage_daily') }}
),

staged_calls as (
    select
        count(*) as calls,
        coalesce(sum(cost_usd::decimal(38, 8)), 0) as cost_usd
    from {{ ref('stg_llm_calls__calls') }}
),

figures as (
    select
        'orders placed' as figure,
        funnel.orders_placed::decimal(38, 8) as in_mart,
        staged_orders.orders::decimal(38, 8) as in_source
    from funnel, staged_orders
    union all
    select
        'orders completed by events' as figure,
        funnel.orders_completed_events::decimal(38, 8) as in_mart,
        completed_events.orders::decimal(38, 8) as in_source
    from funnel, completed_events
    union all
    select
        'LLM calls' as figure,
        usage.calls::decimal(38, 8) as in_mart,
        staged_calls.calls::decimal(38, 8) as in_source
    from usage, staged_calls
    union all
    select
        'LLM cost USD' as figure,
        usage.cost_usd as in_mart,
        staged_calls.cost_usd as in_source
    from usage, staged_calls
)

select * from figures
where in_mart != in_source
