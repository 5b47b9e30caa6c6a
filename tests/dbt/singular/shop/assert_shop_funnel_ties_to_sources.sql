-- The funnel and the LLM usage marts carry their sources' figures:
--   every order of the application's database is placed once in fct_funnel_daily
--   (orders_placed sums to the orders staged);
--   every `Order Completed` order id of the events is counted once
--   (orders_completed_events sums to the distinct order ids those events name);
--   fct_llm_usage_daily's calls and cost sum to the staged LLM calls' (to the 8th decimal).
-- A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

figures as (
    select
        'orders placed' as figure,
        (select coalesce(sum(orders_placed), 0) from {{ ref('fct_funnel_daily') }})::decimal(38, 8)
            as in_mart,
        (select count(*) from {{ ref('stg_shop_db__orders') }})::decimal(38, 8) as in_source
    union all
    select
        'orders completed by events',
        (
            select coalesce(sum(orders_completed_events), 0)
            from {{ ref('fct_funnel_daily') }}
        )::decimal(38, 8),
        (
            select count(distinct order_id)
            from {{ ref('fct_events') }}
            where event_name = 'Order Completed'
        )::decimal(38, 8)
    union all
    select
        'LLM calls',
        (select coalesce(sum(calls), 0) from {{ ref('fct_llm_usage_daily') }})::decimal(38, 8),
        (select count(*) from {{ ref('stg_llm_calls__calls') }})::decimal(38, 8)
    union all
    select
        'LLM cost USD',
        (select coalesce(sum(cost_usd), 0) from {{ ref('fct_llm_usage_daily') }}),
        (
            select coalesce(sum(cost_usd::decimal(38, 8)), 0)
            from {{ ref('stg_llm_calls__calls') }}
        )
)

select * from figures
where in_mart <> in_source
