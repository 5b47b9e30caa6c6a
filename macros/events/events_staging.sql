{#- A tracking-API time as a UTC timestamp: the collector accepts RFC 3339 only (`t` and `z`
    allowed in lower case, which DuckDB's cast does not take); NULL when absent. -#}
{% macro events_utc(column) -%}
    (try_cast(upper({{ column }}) as timestamptz) at time zone 'UTC')
{%- endmacro %}

{#- The event time Segment documents: the client's `timestamp` corrected by its clock skew,
    `receivedAt - sentAt` (how far the client's clock is behind the collector's). Without
    `sentAt` the client's timestamp as it is; without a timestamp, when it was received. -#}
{% macro events_event_at() -%}
    coalesce(
        {{ events_utc('"timestamp"') }}
        + ({{ events_utc('"receivedAt"') }} - {{ events_utc('"sentAt"') }}),
        {{ events_utc('"timestamp"') }},
        {{ events_utc('"receivedAt"') }}
    )
{%- endmacro %}

{#- The whole staging model of one call type (`stg_events__<dataset>`): the columns every
    call has, the type's own `columns` (each `<raw expression> as <name>`), the lineage;
    read incrementally (`new_raw_rows`) and deduplicated by `messageId`: the first copy
    received wins, and in an incremental run a message already published is not added
    again. -#}
{% macro events_staging(relation, columns=[]) -%}
with

source as (
    select * from {{ relation }}
    {{ new_raw_rows() }}
),

typed as (
    select
        "messageId" as message_id,
        "userId" as user_id,
        "anonymousId" as anonymous_id,
        {{ events_event_at() }} as event_at,
        {{ events_utc('"timestamp"') }} as client_timestamp,
        {{ events_utc('"sentAt"') }} as sent_at,
        {{ events_utc('"receivedAt"') }} as received_at,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        "context"::json ->> '$.ip' as context_ip,
        "context"::json ->> '$.userAgent' as context_user_agent,
        "context"::json ->> '$.page.url' as context_page_url,
        "context"::json ->> '$.page.referrer' as context_page_referrer,
        "context"::json ->> '$.library.name' as context_library_name,
        "context"::json ->> '$.library.version' as context_library_version,
        {{ lineage_columns() }}
    from source
),

first_copy as (
    -- a retried call repeats its messageId: the first copy received is the event
    select * from typed
    {% if is_incremental() -%}
        where message_id not in (select published.message_id from {{ this }} as published)
    {%- endif %}
    qualify row_number() over (
        partition by message_id
        order by received_at asc, _source_file asc, _row_number asc
    ) = 1
)

select * from first_copy
{%- endmacro %}
