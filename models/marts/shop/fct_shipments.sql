-- One row per carrier tracker (a shipped order, or a return): when it was shipped and
-- delivered, against the date the shop promised, and whether it is stuck.
-- - shipped: the carrier's first `in_transit` scan (the parcel posted), else the order's
--   `delivered_carrier_at`; delivered: the first `delivered` scan, else, for a tracker whose
--   status is delivered, the order's `delivered_customer_at`.
-- - late: delivered after the order's `estimated_delivery_date` (shop days), or, not
--   delivered, that date already past on the reference day.
-- - reference time (`as_of_at`): the latest tracking event in the data, not the clock, so a
--   build of the same files gives the same rows.
-- - stuck: not final and no tracking update for var('shipment_stuck_days') days.
with

trackers as (
    select * from {{ ref('stg_shipping__trackers') }}
),

scans as (
    select * from {{ ref('stg_shipping__tracking_details') }}
),

orders as (
    select * from {{ ref('stg_shop_db__orders') }}
),

scan_times as (
    select
        account,
        tracker_id,
        count(*) as scans,
        min(scanned_at) filter (where status = 'in_transit') as first_in_transit_at,
        min(scanned_at) filter (where status = 'delivered') as first_delivered_at,
        max(scanned_at) as last_scanned_at
    from scans
    group by account, tracker_id
),

reference as (
    select
        coalesce(
            (select max(scanned_at) as last_scanned_at from scans),
            (select max(updated_at) as last_updated_at from trackers)
        ) as as_of_at
),

joined as (
    select
        md5(trackers.account || '|' || trackers.tracker_id) as shipment_id,
        trackers.account,
        trackers.tracker_id,
        trackers.tracking_code,
        trackers.order_id,
        trackers.carrier,
        trackers.carrier_service,
        trackers.status,
        trackers.status_detail,
        trackers.is_final,
        trackers.is_return,
        orders.purchased_at,
        coalesce(scan_times.first_in_transit_at, orders.delivered_carrier_at) as shipped_at,
        coalesce(
            scan_times.first_delivered_at,
            case when trackers.status = 'delivered' then orders.delivered_customer_at end
        ) as delivered_at,
        orders.estimated_delivery_date,
        trackers.estimated_delivery_at as carrier_estimated_delivery_at,
        coalesce(scan_times.scans, 0) as scans,
        greatest(scan_times.last_scanned_at, trackers.updated_at) as last_tracking_event_at,
        reference.as_of_at
    from trackers
    cross join reference
    left join scan_times
        on trackers.account = scan_times.account and trackers.tracker_id = scan_times.tracker_id
    left join orders on trackers.order_id = orders.order_id
),

measured as (
    select
        *,
        {{ shop_local_date('shipped_at') }} as shipped_date,
        {{ shop_local_date('delivered_at') }} as delivered_date,
        {{ shop_local_date('as_of_at') }} as as_of_date,
        round(date_diff('second', purchased_at, shipped_at) / 3600, 2)::decimal(10, 2)
            as hours_to_ship,
        round(date_diff('second', shipped_at, delivered_at) / 3600, 2)::decimal(10, 2)
            as hours_to_deliver,
        round(
            date_diff('second', last_tracking_event_at, as_of_at) / 86400, 2
        )::decimal(10, 2) as days_since_last_update
    from joined
),

final as (
    select
        shipment_id,
        account,
        tracker_id,
        tracking_code,
        order_id,
        carrier,
        carrier_service,
        status,
        status_detail,
        is_final,
        is_return,
        purchased_at,
        shipped_at,
        shipped_date,
        delivered_at,
        delivered_date,
        estimated_delivery_date,
        carrier_estimated_delivery_at,
        hours_to_ship,
        hours_to_deliver,
        case
            when estimated_delivery_date is null then null
            when delivered_date is not null then delivered_date > estimated_delivery_date
            else as_of_date > estimated_delivery_date
        end as is_late,
        case
            when estimated_delivery_date is null then null
            else greatest(
                    date_diff('day', estimated_delivery_date, coalesce(delivered_date, as_of_date)),
                    0
                )
        end as days_late,
        scans,
        last_tracking_event_at,
        days_since_last_update,
        not is_final
        and days_since_last_update >= {{ var('shipment_stuck_days') }} as is_stuck,
        as_of_at
    from measured
)

select * from final
