-- Alias calls, one row per message: previous_id merged into user_id. Incremental and
-- deduplicated by message_id (macros/events/events_staging.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{{ events_staging(source('events', 'aliases'), [
    '"previousId" as previous_id',
]) }}
