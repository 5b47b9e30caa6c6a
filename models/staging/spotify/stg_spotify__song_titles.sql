-- One title per Spotify song (account and Spotify id): the newest the Songs page showed when
-- a timeline was downloaded (the extractor records it in the landing metadata; the file holds
-- none). A song renamed on Spotify is matched under its current title, as in the newest songs
-- download; a file dropped by hand, without a title, takes the title of the extractor's
-- landings. Reads three columns of every raw file, grouped per file first.
with

source as (
    select
        _source_file,
        _landing_metadata,
        _landed_at
    from {{ source('spotify', 'song_timeline') }}
),

files as (
    select
        _source_file,
        any_value(_landing_metadata) as _landing_metadata,
        any_value(_landed_at) as _landed_at
    from source
    group by _source_file
),

typed as (
    select
        {{ landing_account(source_file_part('([^/]+)-song-[0-9A-Za-z]{22}-timeline[.]csv$')) }}
            as account,
        {{ landing_metadata(
            'spotify_track_id',
            source_file_part('-song-([0-9A-Za-z]{22})-timeline[.]csv$'),
        ) }} as spotify_track_id,
        {{ landing_metadata('song_title') }} as song_title,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as titled_at,
        _source_file
    from files
),

newest_title as (
    select
        account,
        spotify_track_id,
        song_title,
        titled_at,
        _source_file
    from typed
    where song_title is not null
    qualify
        row_number() over (
            partition by account, spotify_track_id
            order by titled_at desc, _source_file desc
        ) = 1
)

select * from newest_title
