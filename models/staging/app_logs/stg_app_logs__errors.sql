with

source as (
    select * from {{ source('app_logs', 'errors') }}
),

typed as (
    select
        -- the daily file (`error-<day>.jsonl`) and the line in it identify a record
        regexp_extract(_source_file, '[^/]+$') as log_file,
        _row_number::integer as line_number,
        "timestamp"::timestamptz as logged_at,  -- noqa: RF06
        level as log_level,
        logger,
        message,
        request_id,
        method as http_method,
        path as request_path,
        status::integer as status_code,
        json_extract_string(exception, '$.type') as exception_type,
        json_extract_string(exception, '$.message') as exception_message,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- a daily file rewritten after it was landed: its newest landed version wins as a whole
    select * from typed
    {{ latest_export(partition_by=['log_file'], keep='export') }}
),

final as (
    select
        md5(log_file || '-' || line_number) as error_id,
        log_file,
        line_number,
        logged_at,
        log_level,
        logger,
        message,
        request_id,
        http_method,
        request_path,
        status_code,
        exception_type,
        exception_message,
        {{ lineage_columns() }}
    from latest_version
)

select * from final
