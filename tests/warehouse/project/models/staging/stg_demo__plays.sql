select track, cast(plays as bigint) as plays, _ingested_at from {{ source('demo', 'plays') }}
