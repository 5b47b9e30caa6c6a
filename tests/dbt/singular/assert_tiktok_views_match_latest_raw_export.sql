-- TikTok views in fct_social_daily equal the export's column sum: per account, the sum of
-- `Video Views` in the newest overview export in the raw zone (summed here from the raw
-- text, independently of staging) equals the mart's TikTok views over the days that export
-- covers (the newest export wins each of its days). A returned row is a mismatch.
{{ config(tags=['reconciliation']) }}

with

raw_rows as (
    select
        coalesce(
            json_extract_string(_landing_metadata, '$.account'),
            nullif(regexp_extract(_source_file, '_([^_/]+)\.zip$', 1), ''),
            '{{ default_account() }}'
        ) as account,  -- noqa: RF04
        "Video Views" as video_views,
        _landed_at,
        _source_file,
        -- the export time in the zip's name, else the landing time (as staging orders them)
        coalesce(
            make_timestamp(
                try_cast(
                    nullif(regexp_extract(_source_file, '_(\d+)_[^_/]+\.zip$', 1), '')
                    as bigint
                ) * 1000000
            ),
            _landed_at
        ) as exported_at
    from {{ source('tiktok', 'overview') }}
),

newest_export as (
    select * from raw_rows
    qualify
        dense_rank() over (
            partition by account
            order by exported_at desc, _landed_at desc, _source_file desc
        ) = 1
),

raw_totals as (
    select
        account,
        any_value(_source_file) as source_file,
        sum(video_views::bigint) as raw_views,
        count(*) as raw_days
    from newest_export
    group by account
),

export_days as (
    -- the days the newest export covers, as staging resolved them (its rows' dates)
    select
        staged.account,
        staged.report_date
    from {{ ref('stg_tiktok__overview') }} as staged
    inner join raw_totals
        on
            staged.account = raw_totals.account
            and staged._source_file = raw_totals.source_file
),

mart_totals as (
    select
        mart.account,
        sum(mart.views) as mart_views,
        count(*) as mart_days
    from {{ ref('fct_social_daily') }} as mart
    inner join export_days
        on
            mart.account = export_days.account
            and mart.report_date = export_days.report_date
    where mart.platform = 'tiktok'
    group by mart.account
)

select
    raw_totals.account,
    raw_totals.source_file,
    raw_totals.raw_views,
    raw_totals.raw_days,
    mart_totals.mart_views,
    mart_totals.mart_days
from raw_totals
left join mart_totals on raw_totals.account = mart_totals.account
where
    mart_totals.mart_views is distinct from raw_totals.raw_views
    or mart_totals.mart_days is distinct from raw_totals.raw_days
