with

source as (
    select * from {{ source('payments', 'events') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as event_id,
        type as event_type,
        data_object_id as object_id,
        data_object_type as object_type,
        data_object_order_id as order_id,
        to_timestamp(created::bigint) as created_at,
        api_version,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- events never change; overlapping pages land them again
    select * from typed
    {{ latest_export(partition_by=['account', 'event_id']) }}
)

select * from latest_version
