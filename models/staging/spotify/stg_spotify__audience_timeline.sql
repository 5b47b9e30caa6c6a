with

source as (
    select * from {{ source('spotify', 'audience_timeline') }}
),

typed as (
    select
        -- the artist is the account: the landing metadata's, else the download's file name
        -- (`<Artist>-audience-timeline.csv`)
        coalesce(
            json_extract_string(_landing_metadata, '$.account'),
            nullif(regexp_extract(_source_file, '([^/]+)-audience-timeline\.csv$', 1), '')
        ) as account,
        strptime(date, '%Y-%m-%d')::date as report_date,
        listeners::bigint as listeners,
        streams::bigint as streams,
        followers::bigint as followers,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from source
),

latest_export_per_day as (
    -- downloads overlap (each covers a rolling window or the whole history): per artist and
    -- day the newest download's figures win; days only older downloads cover are kept
    select * from typed
    qualify
        row_number() over (
            partition by account, report_date
            order by exported_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export_per_day
