-- The shop's agents' LLM calls, one row per call, without their texts (the prompts and the
-- answers stay in staging, restricted and masked when published). Incremental like
-- `stg_llm_calls__calls`: a build reads only the staging rows ingested since the published
-- version and replaces those calls (delete+insert on request_id: a daily file the gateway
-- rewrote lands again and its newest version wins in staging); a full refresh gives the
-- same rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['request_id'],
    on_schema_change='fail',
) }}

with

calls as (
    select * from {{ ref('stg_llm_calls__calls') }}
    {{ new_raw_rows() }}
),

final as (
    select
        request_id,
        called_at,
        {{ shop_local_date("calls.called_at at time zone 'UTC'") }} as call_date,
        agent,
        provider,
        model,
        order_id,
        status,
        status != 'ok' as is_error,
        error_type,
        error_code,
        latency_ms,
        prompt_tokens,
        completion_tokens,
        cached_tokens,
        total_tokens,
        cost_usd::decimal(18, 8) as cost_usd,
        keep_for_training,
        finish_reason,
        message_count,
        _ingested_at
    from calls
)

select * from final
