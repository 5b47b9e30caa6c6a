-- The statement view of royalties (by reporting month) holds exactly the money of the sale
-- month view: per source and currency, the original-currency sums are equal to the last
-- decimal, and so are the quantities. A returned row is a difference.
{{ config(tags=['reconciliation']) }}

with

by_sale_month as (
    select
        source,
        currency,
        sum(earnings) as earnings,
        sum(quantity) as quantity
    from {{ ref('fct_royalties_monthly') }}
    group by source, currency
),

by_reporting_month as (
    select
        source,
        currency,
        sum(earnings_in_currency) as earnings,
        sum(quantity) as quantity
    from {{ ref('fct_royalties_by_reporting_month') }}
    group by source, currency
)

select
    coalesce(by_sale_month.source, by_reporting_month.source) as source,
    coalesce(by_sale_month.currency, by_reporting_month.currency) as currency,
    by_sale_month.earnings as sale_month_earnings,
    by_reporting_month.earnings as reporting_month_earnings,
    by_sale_month.quantity as sale_month_quantity,
    by_reporting_month.quantity as reporting_month_quantity
from by_sale_month
full outer join by_reporting_month
    on
        by_sale_month.source = by_reporting_month.source
        and by_sale_month.currency = by_reporting_month.currency
where
    by_sale_month.earnings is distinct from by_reporting_month.earnings
    or by_sale_month.quantity is distinct from by_reporting_month.quantity
