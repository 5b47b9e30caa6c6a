-- Incremental: a build reads only the rows ingested since the published version
-- (`new_raw_rows`), lets them compete with the published rows of the same request ids, and
-- replaces those calls (delete+insert on the key). A full refresh reads every file; both
-- give the same rows. A daily file the gateway rewrote after it was landed lands again as a
-- new version: its calls then come twice, and the newest landing wins.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['request_id'],
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('llm_calls', 'calls') }}
    {{ new_raw_rows() }}
),

typed as (
    select
        request_id,
        created_at::timestamptz as called_at,
        agent,
        provider,
        model,
        order_id,
        session_id,
        status,
        latency_ms::integer as latency_ms,
        json_extract_string(error, '$.type') as error_type,
        json_extract_string(error, '$.code')::integer as error_code,
        json_extract_string(error, '$.message') as error_message,
        json_extract_string(response, '$.usage.prompt_tokens')::integer as prompt_tokens,
        json_extract_string(response, '$.usage.completion_tokens')::integer
            as completion_tokens,
        coalesce(
            json_extract_string(
                response, '$.usage.prompt_tokens_details.cached_tokens'
            )::integer,
            0
        ) as cached_tokens,
        json_extract_string(response, '$.usage.total_tokens')::integer as total_tokens,
        coalesce(cost_usd::decimal(18, 8), 0) as cost_usd,
        coalesce(keep_for_training::boolean, false) as keep_for_training,
        json_extract_string(response, '$.choices[0].finish_reason') as finish_reason,
        json_array_length(request, '$.messages')::integer as message_count,
        json_extract(request, '$.messages') as messages,
        json_extract_string(response, '$.choices[0].message.content') as completion_text,
        {{ lineage_columns() }}
    from source
),

{% if is_incremental() -%}
published_calls as (
    -- the published rows of the calls the new files hold again: they compete with them
    select * exclude (called_on, prompt_text)
    from {{ this }}
    where request_id in (select request_id from typed)
),
{%- endif %}

candidates as (
    select * from typed
    {% if is_incremental() -%}
        union all by name
        select * from published_calls
    {%- endif %}
),

latest_landing as (
    -- one row per call: the newest landed version of its daily file wins
    select * from candidates
    {{ latest_export(partition_by=['request_id']) }}
),

final as (
    select
        request_id,
        called_at,
        (called_at at time zone 'UTC')::date as called_on,
        agent,
        provider,
        model,
        order_id,
        session_id,
        status,
        latency_ms,
        error_type,
        error_code,
        error_message,
        prompt_tokens,
        completion_tokens,
        cached_tokens,
        total_tokens,
        cost_usd,
        keep_for_training,
        finish_reason,
        message_count,
        messages,
        -- the last message the caller sent: the question the call was about
        json_extract_string(messages, '$[#-1].content') as prompt_text,
        completion_text,
        {{ lineage_columns() }}
    from latest_landing
)

select * from final
