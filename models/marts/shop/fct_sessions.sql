-- Sessions: 30 minutes of inactivity end a visitor's session (`int_events_sessionised`).
-- A session belongs to the shop day it started on, whatever time it ends. Its channel is
-- the channel of its first event whose channel is known (`shop_event_channel`: page calls
-- are web, screen calls app, the server SDKs the shop's agents); its customer the one the
-- visitor is stitched to (`dim_visitors`), so events before the login count for the
-- customer. Rebuilt whole on every build.

with

events as (
    select * from {{ ref('int_events_sessionised') }}
),

visitors as (
    select * from {{ ref('dim_visitors') }}
),

sessions as (
    select
        session_id,
        visitor_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        arg_min(channel, (event_at, message_id)) filter (
            where channel != 'unknown'
        ) as known_channel,
        count(*) as events,
        count(*) filter (where event_type in ('page', 'screen')) as views,
        bool_or(event_name = 'Products Searched') as reached_products_searched,
        bool_or(event_name = 'Product Viewed') as reached_product_viewed,
        bool_or(event_name = 'Product Added') as reached_product_added,
        bool_or(event_name = 'Checkout Started') as reached_checkout_started,
        bool_or(event_name = 'Order Completed') as reached_order_completed,
        count(distinct order_id) filter (where event_name = 'Order Completed')
            as orders_completed
    from events
    group by session_id, visitor_id
),

final as (
    select
        sessions.session_id,
        sessions.visitor_id,
        visitors.customer_id,
        coalesce(sessions.known_channel, 'unknown') as channel,
        sessions.started_at,
        sessions.ended_at,
        {{ shop_local_date('sessions.started_at') }} as session_date,
        datediff('second', sessions.started_at, sessions.ended_at) as duration_seconds,
        sessions.events,
        sessions.views,
        sessions.reached_products_searched,
        sessions.reached_product_viewed,
        sessions.reached_product_added,
        sessions.reached_checkout_started,
        sessions.reached_order_completed,
        sessions.orders_completed
    from sessions
    left join visitors on sessions.visitor_id = visitors.visitor_id
)

select * from final
