-- The identity map: every visitor (a client's anonymous id, or a user id that never came
-- with one, e.g. the shop's agents) and the customer it is stitched to. An anonymous id is
-- stitched by the calls that carry it together with a user id: the identify call at login
-- or sign-up, and every later call of the logged-in visitor. Should one anonymous id be
-- seen with several user ids (a shared device), the latest login wins. Rebuilt whole on
-- every build (a table, not part of the incremental `fct_events`), so a login today
-- stitches the same visitor's anonymous events of last week.

with

events as (
    select
        visitor_id,
        anonymous_id,
        user_id,
        event_at,
        message_id
    from {{ ref('fct_events') }}
),

identifies as (
    select
        coalesce(anonymous_id, 'user:' || user_id) as visitor_id,
        anonymous_id,
        user_id,
        event_at,
        message_id
    from {{ ref('stg_events__identifies') }}
),

identified_calls as (
    select * from events
    where user_id is not null
    union all
    select * from identifies
    where user_id is not null
),

visitors as (
    select
        visitor_id,
        any_value(anonymous_id) as anonymous_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at
    from (
        select
            visitor_id,
            anonymous_id,
            event_at
        from events
        union all
        select
            visitor_id,
            anonymous_id,
            event_at
        from identifies
    ) as calls
    group by visitor_id
),

stitches as (
    select
        visitor_id,
        arg_max(user_id, (event_at, message_id)) as customer_id,
        min(event_at) as stitched_at,
        count(distinct user_id) as user_ids_seen
    from identified_calls
    group by visitor_id
),

final as (
    select
        visitors.visitor_id,
        visitors.anonymous_id,
        stitches.customer_id,
        stitches.stitched_at,
        coalesce(stitches.user_ids_seen, 0) as user_ids_seen,
        visitors.first_seen_at,
        visitors.last_seen_at
    from visitors
    left join stitches on visitors.visitor_id = stitches.visitor_id
)

select * from final
