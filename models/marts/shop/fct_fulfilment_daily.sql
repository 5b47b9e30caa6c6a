-- Fulfilment per shop day and carrier: shipments posted that day (and the status each has
-- now), deliveries made that day and how many of them came after the promised date. A
-- day appears when something was shipped or delivered; the two counts are different
-- shipments, never a funnel of each other.
with

shipments as (
    select
        *,
        coalesce(carrier, '(unknown)') as carrier_name
    from {{ ref('fct_shipments') }}
),

shipped as (
    select
        shipped_date as fulfilment_date,
        carrier_name as carrier,
        count(*) as shipped,
        count(*) filter (
            where status in (
                'pre_transit', 'in_transit', 'out_for_delivery', 'available_for_pickup'
            )
        ) as shipped_now_in_transit,
        count(*) filter (where status = 'delivered') as shipped_now_delivered,
        count(*) filter (where status = 'return_to_sender') as shipped_now_returned,
        count(*) filter (where status = 'failure') as shipped_now_failed,
        count(*) filter (where status in ('unknown', 'cancelled', 'error')) as shipped_now_other,
        count(*) filter (where is_stuck) as shipped_now_stuck,
        median(hours_to_ship) as median_hours_to_ship
    from shipments
    where shipped_date is not null
    group by shipped_date, carrier_name
),

delivered as (
    select
        delivered_date as fulfilment_date,
        carrier_name as carrier,
        count(*) as delivered,
        count(*) filter (where is_late) as delivered_late,
        count(*) filter (where is_late is not null) as delivered_with_promise,
        median(hours_to_deliver) as median_hours_to_deliver
    from shipments
    where delivered_date is not null
    group by delivered_date, carrier_name
),

days as (
    select
        fulfilment_date,
        carrier
    from shipped
    union
    select
        fulfilment_date,
        carrier
    from delivered
),

final as (
    select
        days.fulfilment_date,
        days.carrier,
        coalesce(shipped.shipped, 0) as shipped,
        coalesce(delivered.delivered, 0) as delivered,
        coalesce(delivered.delivered_late, 0) as delivered_late,
        round(
            delivered.delivered_late / nullif(delivered.delivered_with_promise, 0), 4
        )::decimal(5, 4) as late_share,
        coalesce(shipped.shipped_now_in_transit, 0) as shipped_now_in_transit,
        coalesce(shipped.shipped_now_delivered, 0) as shipped_now_delivered,
        coalesce(shipped.shipped_now_returned, 0) as shipped_now_returned,
        coalesce(shipped.shipped_now_failed, 0) as shipped_now_failed,
        coalesce(shipped.shipped_now_other, 0) as shipped_now_other,
        coalesce(shipped.shipped_now_stuck, 0) as shipped_now_stuck,
        shipped.median_hours_to_ship,
        delivered.median_hours_to_deliver
    from days
    left join shipped
        on days.fulfilment_date = shipped.fulfilment_date and days.carrier = shipped.carrier
    left join delivered
        on days.fulfilment_date = delivered.fulfilment_date and days.carrier = delivered.carrier
)

select * from final
