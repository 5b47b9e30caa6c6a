with

source as (
    select * from {{ source('llm_calls', 'call_texts') }}
),

typed as (
    select
        request_id,
        daily_file,
        line_number::integer as line_number,
        characters::integer as text_characters,
        -- the text entry itself: what `lake landing search` returns for the call
        _source_file as text_entry_path,
        {{ lineage_columns() }}
    from source
),

latest_entry as (
    -- one entry per call: the newest landed (a rewritten daily file lands its new calls' texts)
    select * from typed
    {{ latest_export(partition_by=['request_id']) }}
)

select * from latest_entry
