-- Page calls, one row per message: incremental and deduplicated by message_id
-- (macros/events/events_staging.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{{ events_staging(source('events', 'pages'), [
    '"name" as page_name',
    '"category" as page_category',
    '"properties"::json as properties',
]) }}
