with

source as (
    select * from {{ source('shipping', 'trackers') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as tracker_id,
        tracking_code,
        order_id,
        carrier,
        carrier_service,
        status,
        status_detail,
        status in ('delivered', 'return_to_sender', 'failure') as is_final,
        is_return::boolean as is_return,
        strptime(created_at, '%Y-%m-%dT%H:%M:%SZ') as created_at,
        strptime(updated_at, '%Y-%m-%dT%H:%M:%SZ') as updated_at,
        strptime(est_delivery_date, '%Y-%m-%dT%H:%M:%SZ') as estimated_delivery_at,
        signed_by,
        destination_location,
        tracking_details,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- a tracker is landed again at every poll: the newest scan, then the newest landing
    select * from typed
    {{ latest_export(
        partition_by=['account', 'tracker_id'],
        order_by=['updated_at desc', '_landed_at desc'],
    ) }}
)

select * from latest_version
