-- Track calls, one row per message: incremental (only raw files ingested since the published
-- build are read) and deduplicated by message_id (macros/events/events_staging.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{{ events_staging(source('events', 'tracks'), [
    '"event" as event_name',
    '"properties"::json as properties',
    '"properties"::json ->> \'$.order_id\' as order_id',
    '"properties"::json ->> \'$.product_id\' as product_id',
]) }}
