-- Identify calls, one row per message: the link from a visitor's anonymous_id to the user_id
-- at login or sign-up. Incremental and deduplicated by message_id
-- (macros/events/events_staging.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{{ events_staging(source('events', 'identifies'), [
    '"traits"::json as traits',
]) }}
