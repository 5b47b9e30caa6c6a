with

source as (
    select * from {{ source('linktree', 'link_titles') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        id as link_id,
        title as link_title,
        active::boolean as is_active,
        "modifiers_thumbnailUrl" as thumbnail_url,
        {{ linktree_exported_at() }} as exported_at,
        exported_at::date as snapshot_date,
        {{ lineage_columns() }}
    from source
),

latest_capture_per_link as (
    -- a link's title and state as of the newest capture that mentions it (links no longer
    -- in a newer capture keep their last title, so older clicks still resolve)
    select * from typed
    {{ latest_export(partition_by=['account', 'link_id'], order_by='exported_at desc') }}
)

select * from latest_capture_per_link
