with

trackers as (
    select * from {{ ref('stg_shipping__trackers') }}
),

scans as (
    select
        account,
        tracker_id,
        order_id,
        unnest(range(json_array_length(tracking_details::json)::bigint)) as scan_index
    from trackers
),

typed as (
    select
        scans.account,
        scans.tracker_id,
        scans.order_id,
        scans.scan_index + 1 as scan_number,
        trackers.tracking_details::json -> scans.scan_index::integer as scan,
        {{ lineage_columns('trackers') }}
    from scans
    inner join trackers
        on scans.account = trackers.account and scans.tracker_id = trackers.tracker_id
),

renamed as (
    select
        account,
        tracker_id,
        order_id,
        scan_number,
        scan ->> 'status' as status,
        scan ->> 'status_detail' as status_detail,
        scan ->> 'message' as message,
        strptime(scan ->> 'datetime', '%Y-%m-%dT%H:%M:%SZ') as scanned_at,
        scan -> 'tracking_location' ->> 'city' as city,
        scan -> 'tracking_location' ->> 'state' as state,
        scan -> 'tracking_location' ->> 'country' as country,
        {{ lineage_columns() }}
    from typed
)

select * from renamed
