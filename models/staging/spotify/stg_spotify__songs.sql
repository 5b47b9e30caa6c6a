with

source as (
    select * from {{ source('spotify', 'songs') }}
),

typed as (
    select
        -- the artist is the account: the landing metadata's, else the download's file name
        -- (`<Artist>-songs-all.csv`)
        {{ landing_account(source_file_part('([^/]+)-songs-all[.]csv$')) }} as account,
        song as song_title,
        strptime(release_date, '%Y-%m-%d')::date as release_date,
        listeners::bigint as listeners,
        streams::bigint as streams,
        saves::bigint as saves,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        _landed_at::date as snapshot_date,
        {{ lineage_columns() }}
    from source
),

latest_export_per_artist as (
    -- each download lists every song with all-time totals: the newest download per artist
    -- is the current picture (a song renamed since an older download is not kept twice)
    select * from typed
    {{ latest_export(partition_by='account', order_by='exported_at desc', keep='export') }}
)

select * from latest_export_per_artist
