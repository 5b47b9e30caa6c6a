-- Customer reviews as they are now: one row per review and order it covers (a review may
-- cover several orders), the newest snapshot's version (an answer arrives later).
with

source as (
    select * from {{ source('shop_db', 'reviews') }}
),

typed as (
    select
        review_id,
        order_id,
        score::integer as review_score,
        title as review_title,
        message as review_message,
        created_at::timestamp as created_at,
        answered_at::timestamp as answered_at,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    select * from typed
    {{ latest_export(partition_by=['review_id', 'order_id'], order_by=['snapshot_at desc']) }}
)

select * from latest_version
