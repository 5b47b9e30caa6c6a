-- Every collected event with its session: a visitor's events with no gap longer than
-- `var('shop_session_gap_minutes')` (30) minutes between one and the next form a session; a
-- gap of exactly 30 minutes stays in it. Ties in time are ordered by message id, so the
-- result does not depend on the order rows were read. Rebuilt whole on every build: a late
-- event can join two sessions or split one.

with

events as (
    select
        message_id,
        visitor_id,
        event_type,
        event_name,
        channel,
        event_at,
        order_id
    from {{ ref('fct_events') }}
),

gaps as (
    select
        *,
        event_at - lag(event_at) over visitor_timeline as gap_before
    from events
    window visitor_timeline as (partition by visitor_id order by event_at, message_id)
),

numbered as (
    select
        *,
        sum(
            case
                when
                    gap_before is null
                    or gap_before > to_minutes({{ var('shop_session_gap_minutes', 30) }})
                    then 1
                else 0
            end
        ) over (
            partition by visitor_id order by event_at, message_id
            rows between unbounded preceding and current row
        ) as session_number
    from gaps
),

final as (
    select
        message_id,
        visitor_id,
        session_number,
        min(event_at) over (partition by visitor_id, session_number) as session_started_at,
        event_type,
        event_name,
        channel,
        event_at,
        gap_before,
        order_id
    from numbered
)

select
    md5(visitor_id || '|' || strftime(session_started_at, '%Y-%m-%dT%H:%M:%S.%f'))
        as session_id,
    *
from final
