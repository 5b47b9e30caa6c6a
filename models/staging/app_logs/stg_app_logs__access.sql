with

source as (
    select * from {{ source('app_logs', 'access') }}
),

typed as (
    select
        -- the daily file (`access-<day>.log`) and the line in it identify a request
        regexp_extract(_source_file, '[^/]+$') as log_file,
        _row_number::integer as line_number,
        strptime(time_local, '%d/%b/%Y:%H:%M:%S %z') as requested_at,
        remote_addr as client_ip,
        nullif(remote_user, '-') as remote_user,
        split_part(request, ' ', 1) as http_method,
        split_part(split_part(request, ' ', 2), '?', 1) as request_path,
        nullif(split_part(split_part(request, ' ', 2), '?', 2), '') as request_query,
        split_part(request, ' ', 3) as http_protocol,
        status::integer as status_code,
        try_cast(nullif(body_bytes_sent, '-') as bigint) as response_bytes,
        nullif(http_referer, '-') as referer,
        nullif(http_user_agent, '-') as user_agent,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- a daily file the application rewrote after it was landed lands again: its newest
    -- landed version replaces the older one as a whole
    select * from typed
    {{ latest_export(partition_by=['log_file'], keep='export') }}
),

final as (
    select
        md5(log_file || '-' || line_number) as access_id,
        log_file,
        line_number,
        requested_at,
        (requested_at at time zone 'UTC')::date as requested_on,
        client_ip,
        remote_user,
        http_method,
        request_path,
        request_query,
        http_protocol,
        status_code,
        status_code >= 500 as is_server_error,
        response_bytes,
        referer,
        user_agent,
        {{ lineage_columns() }}
    from latest_version
)

select * from final
