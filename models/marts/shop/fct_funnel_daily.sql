-- The conversion funnel per shop day and channel: sessions (by the day they started) and
-- how many reached each step of Segment's e-commerce spec, each counted on its own (a
-- session that reached `Product Added` without a `Product Viewed` counts for the first only).
-- `Order Completed` events are tied to the application's orders by `order_id`; the
-- application's orders that no event completed are counted apart, on the order's purchase
-- day and channel (stg_shop_db__orders: every order placed, whatever its status).
-- A day and channel with orders and no sessions (or the reverse) has a row; days with
-- neither have none.

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

session_events as (
    select * from {{ ref('int_events_sessionised') }}
),

orders as (
    select
        order_id,
        coalesce(channel, 'unknown') as channel,
        {{ shop_local_date('purchased_at') }} as purchase_date
    from {{ ref('stg_shop_db__orders') }}
),

completed_orders as (
    -- each order an `Order Completed` event names, on the day and channel of the session
    -- it was completed in (the first such session when a client sent it twice)
    select
        session_events.order_id,
        sessions.session_date,
        sessions.channel
    from session_events
    inner join sessions on session_events.session_id = sessions.session_id
    where session_events.event_name = 'Order Completed' and session_events.order_id is not null
    qualify row_number() over (
            partition by session_events.order_id
            order by session_events.event_at, session_events.message_id
        ) = 1
),

sessions_daily as (
    select
        session_date as funnel_date,
        channel,
        count(*) as sessions,
        count(*) filter (where reached_products_searched) as sessions_products_searched,
        count(*) filter (where reached_product_viewed) as sessions_product_viewed,
        count(*) filter (where reached_product_added) as sessions_product_added,
        count(*) filter (where reached_checkout_started) as sessions_checkout_started,
        count(*) filter (where reached_order_completed) as sessions_order_completed
    from sessions
    group by session_date, channel
),

completed_daily as (
    select
        completed_orders.session_date as funnel_date,
        completed_orders.channel,
        count(*) as orders_completed_events,
        count(orders.order_id) as orders_completed_matched,
        count(*) - count(orders.order_id) as orders_completed_unmatched
    from completed_orders
    left join orders on completed_orders.order_id = orders.order_id
    group by completed_orders.session_date, completed_orders.channel
),

orders_daily as (
    select
        orders.purchase_date as funnel_date,
        orders.channel,
        count(*) as orders_placed,
        count(*) filter (where completed_orders.order_id is null) as orders_without_events
    from orders
    left join completed_orders on orders.order_id = completed_orders.order_id
    group by orders.purchase_date, orders.channel
),

days as (
    select
        funnel_date,
        channel
    from sessions_daily
    union
    select
        funnel_date,
        channel
    from completed_daily
    union
    select
        funnel_date,
        channel
    from orders_daily
),

final as (
    select
        days.funnel_date,
        days.channel,
        coalesce(sessions_daily.sessions, 0) as sessions,
        coalesce(sessions_daily.sessions_products_searched, 0) as sessions_products_searched,
        coalesce(sessions_daily.sessions_product_viewed, 0) as sessions_product_viewed,
        coalesce(sessions_daily.sessions_product_added, 0) as sessions_product_added,
        coalesce(sessions_daily.sessions_checkout_started, 0) as sessions_checkout_started,
        coalesce(sessions_daily.sessions_order_completed, 0) as sessions_order_completed,
        coalesce(completed_daily.orders_completed_events, 0) as orders_completed_events,
        coalesce(completed_daily.orders_completed_matched, 0) as orders_completed_matched,
        coalesce(completed_daily.orders_completed_unmatched, 0) as orders_completed_unmatched,
        coalesce(orders_daily.orders_placed, 0) as orders_placed,
        coalesce(orders_daily.orders_without_events, 0) as orders_without_events,
        coalesce(sessions_daily.sessions_order_completed, 0)
        / nullif(coalesce(sessions_daily.sessions, 0), 0) as session_conversion_rate
    from days
    left join sessions_daily
        on days.funnel_date = sessions_daily.funnel_date and days.channel = sessions_daily.channel
    left join completed_daily
        on
            days.funnel_date = completed_daily.funnel_date
            and days.channel = completed_daily.channel
    left join orders_daily
        on days.funnel_date = orders_daily.funnel_date and days.channel = orders_daily.channel
)

select * from final
