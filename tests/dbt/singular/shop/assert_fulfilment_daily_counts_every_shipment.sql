-- fct_fulfilment_daily ties to the trackers: every posted parcel is shipped on exactly one
-- day, every delivered one delivered on exactly one, and the late deliveries are the late
-- delivered shipments. Returns the measures that disagree.
with

shipments as (
    select
        count(*) filter (where shipped_date is not null) as shipped,
        count(*) filter (where delivered_date is not null) as delivered,
        count(*) filter (where delivered_date is not null and is_late) as delivered_late
    from {{ ref('fct_shipments') }}
),

trackers as (
    select count(*) as trackers
    from {{ ref('stg_shipping__trackers') }}
),

daily as (
    select
        coalesce(sum(shipped), 0) as shipped,
        coalesce(sum(delivered), 0) as delivered,
        coalesce(sum(delivered_late), 0) as delivered_late
    from {{ ref('fct_fulfilment_daily') }}
)

select
    shipments.shipped as shipments_shipped,
    daily.shipped as daily_shipped,
    shipments.delivered as shipments_delivered,
    daily.delivered as daily_delivered,
    shipments.delivered_late as shipments_late,
    daily.delivered_late as daily_late,
    trackers.trackers
from shipments
cross join daily
cross join trackers
where
    shipments.shipped != daily.shipped
    or shipments.delivered != daily.delivered
    or shipments.delivered_late != daily.delivered_late
    or shipments.shipped > trackers.trackers
