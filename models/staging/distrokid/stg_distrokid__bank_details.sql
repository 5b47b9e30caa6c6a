with

source as (
    select * from {{ source('distrokid', 'bank_details') }}
),

newest_layout_columns as (
    -- columns only the 16-column layout has: if no file of that layout has been ingested
    -- yet the raw union lacks them, so add them here (null) to keep one column list
    select
        null::varchar as "Date Inserted",
        null::varchar as "Source Type",
        null::varchar as "Recoup (USD)"
    where false
),

all_layouts as (
    select * from source
    union all by name
    select * from newest_layout_columns
),

typed as (
    select
        md5(_source_file || '-' || _row_number) as bank_detail_id,
        {{ landing_account() }} as account,
        strptime("Reporting Date", '%Y-%m-%d')::date as reporting_date,
        strptime("Sale Month", '%Y-%m')::date as sale_month,
        "Store" as store,
        "Artist" as artist,
        "Title" as track_title,
        "ISRC" as isrc,
        "UPC" as upc,
        "Quantity"::bigint as quantity,
        "Team Percentage"::decimal(9, 4) as team_percentage,
        "Song/Album" as song_or_album,
        "Country of Sale" as country_code,
        "Songwriter Royalties Withheld"::decimal(18, 8) as songwriter_royalties_withheld,
        "Earnings (USD)"::decimal(18, 8) as earnings_usd,
        "Date Inserted"::date as inserted_date,
        "Source Type" as source_type,
        "Recoup (USD)"::decimal(18, 8) as recoup_usd,
        {{ distrokid_exported_at() }} as exported_at,
        _layout,
        {{ lineage_columns() }}
    from all_layouts
),

latest_export as (
    -- every export repeats its account's whole history: per account keep the rows of the
    -- newest export only (greatest export time, from DistroKid's file name, so an old
    -- download landed late never rolls royalties back; ties: greatest _source_file);
    -- another account's export never replaces this one's
    select * from typed
    {{ latest_export(partition_by='account', order_by='exported_at desc', keep='export') }}
)

select * from latest_export
