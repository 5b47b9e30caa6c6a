-- incremental: each build adds only the raw rows ingested since the published version's
-- newest; `loaded_by` says which build wrote a row (the tests tell incremental from whole)
{{ config(materialized='incremental') }}
select
    track,
    cast(plays as bigint) as plays,
    _ingested_at,
    '{{ invocation_id }}' as loaded_by
from {{ source('demo', 'plays') }}
{% if is_incremental() %}
    where _ingested_at > (select max(_ingested_at) from {{ this }})
{% endif %}
