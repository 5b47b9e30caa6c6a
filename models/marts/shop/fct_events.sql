-- The shop's collected interactions, one row per message: track, page and screen calls in
-- one table. Incremental like its staging models: a build reads only the staging rows
-- ingested since the published version (`new_raw_rows` on `_ingested_at`) and appends the
-- messages not published yet; a full refresh reads everything; both give the same rows.
-- Who the visitor is (the stitched customer) is not here: `dim_visitors` recomputes it on
-- every build, so a later login re-stitches earlier events.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

tracks as (
    select
        message_id,
        'track' as event_type,
        event_name,
        anonymous_id,
        user_id,
        event_at,
        received_at,
        order_id,
        product_id,
        context_library_name,
        _ingested_at
    from {{ ref('stg_events__tracks') }}
    {{ new_raw_rows() }}
),

{% for call_type, event_name, model in [
    ('page', 'Page Viewed', 'stg_events__pages'),
    ('screen', 'Screen Viewed', 'stg_events__screens'),
] %}
{{ call_type }}s as (
    select
        message_id,
        '{{ call_type }}' as event_type,
        '{{ event_name }}' as event_name,
        anonymous_id,
        user_id,
        event_at,
        received_at,
        null as order_id,
        properties ->> '$.product_id' as product_id,
        context_library_name,
        _ingested_at
    from {{ ref(model) }}
    {{ new_raw_rows() }}
),

{% endfor %}
unioned as (
    select * from tracks
    union all
    select * from pages
    union all
    select * from screens
),

first_copy as (
    -- a message id is one call: should two call types carry the same id, the first received
    -- is kept; one already published stays as it is
    select * from unioned
    {% if is_incremental() -%}
        where message_id not in (select published.message_id from {{ this }} as published)
    {%- endif %}
    qualify row_number() over (
            partition by message_id
            order by received_at asc, event_type asc
        ) = 1
),

final as (
    select
        message_id,
        event_type,
        event_name,
        anonymous_id,
        user_id,
        coalesce(anonymous_id, 'user:' || user_id) as visitor_id,
        {{ shop_event_channel('event_type', 'context_library_name') }} as channel,
        event_at,
        {{ shop_local_date('event_at') }} as event_date,
        received_at,
        order_id,
        product_id,
        _ingested_at
    from first_copy
)

select * from final
