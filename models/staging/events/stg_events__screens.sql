-- Screen calls (the mobile app), one row per message: incremental and deduplicated by
-- message_id (macros/events/events_staging.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{{ events_staging(source('events', 'screens'), [
    '"name" as screen_name',
    '"category" as screen_category',
    '"properties"::json as properties',
]) }}
