with

source as (
    select * from {{ source('spotify', 'audience_timeline') }}
),

typed as (
    select
        -- the artist is the account: the landing metadata's, else the download's file name
        -- (`<Artist>-audience-timeline.csv`)
        {{ landing_account(source_file_part('([^/]+)-audience-timeline[.]csv$')) }} as account,
        strptime(date, '%Y-%m-%d')::date as report_date,
        listeners::bigint as listeners,
        streams::bigint as streams,
        followers::bigint as followers,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        {{ lineage_columns() }}
    from source
),

latest_export_per_day as (
    -- downloads overlap (each covers a rolling window or the whole history): per artist and
    -- day the newest download's figures win; days only older downloads cover are kept
    select * from typed
    {{ latest_export(partition_by=['account', 'report_date'], order_by='exported_at desc') }}
)

select * from latest_export_per_day
