with

source as (
    select * from {{ source('toolost', 'sales') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        strptime("Reporting Month", '%Y-%m')::date as reporting_month,
        strptime("Sale Month", '%Y-%m')::date as sale_month,
        "Store" as store,
        "Country" as country_code,
        "Artist" as artist,
        "Release" as release_title,
        "Track Title" as track_title,
        -- as written: TooLost may write an ISRC with hyphens (normalised in the marts)
        "ISRC" as isrc,
        "UPC" as upc,
        "Quantity"::bigint as quantity,
        upper("Currency") as currency,
        -- money exact, in the row's own currency (never converted here)
        "Gross Earnings"::decimal(18, 8) as gross_earnings,
        "Net Earnings"::decimal(18, 8) as net_earnings,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_statement as (
    -- a statement is final, and a later file for the same reporting month replaces it as a
    -- whole: per account and reporting month only the newest file's rows are kept (a row the
    -- newer statement dropped is gone, not stale)
    select * from typed
    {{ latest_export(partition_by=['account', 'reporting_month'], keep='export') }}
)

select * from latest_statement
