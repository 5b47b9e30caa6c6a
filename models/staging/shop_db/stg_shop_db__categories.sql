-- Product categories as they are now: every snapshot reads the table whole, so the newest
-- snapshot's rows are the current set (a category the application removed is gone).
with

source as (
    select * from {{ source('shop_db', 'categories') }}
),

typed as (
    select
        category_id,
        name_en as category_name_en,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

newest_snapshot as (
    select * from typed
    {{ latest_export(order_by=['snapshot_at desc'], keep='export') }}
)

select * from newest_snapshot
