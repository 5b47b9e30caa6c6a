-- One row per artist, keyed by `artist_key(name)`: every artist a track, a royalty row or a
-- Spotify for Artists account names, plus the sentinels `all_artists` (catalogue-level
-- figures of a distributor account) and `unattributed`.
with

tracks as (
    select
        artist_id,
        artist_name,
        distributor,
        release_date,
        is_sentinel
    from {{ ref('dim_track') }}
),

bank_details as (
    -- one row per spelling with its row count: the key is computed once per spelling, not
    -- once per royalty row (a 7 M-row export names a few hundred artists)
    select
        artist,
        count(*) as n_rows
    from {{ ref('stg_distrokid__bank_details') }}
    group by artist
),

toolost_sales as (
    select
        artist,
        count(*) as n_rows
    from {{ ref('stg_toolost__sales') }}
    group by artist
),

spotify_timeline as (
    select
        account,
        count(*) as n_rows
    from {{ ref('stg_spotify__audience_timeline') }}
    group by account
),

spotify_songs as (
    select
        account,
        count(*) as n_rows
    from {{ ref('stg_spotify__songs') }}
    group by account
),

account_artists as (
    -- social and link accounts' artists (the seed): an artist may have no release yet
    select
        artist,
        count(*) as n_rows
    from {{ ref('account_artists') }}
    group by artist
),

named as (
    select
        artist_name,
        'track' as seen_in,
        count(*) as n_rows
    from tracks
    where not is_sentinel and artist_name is not null
    group by artist_name
    union all
    select
        artist as artist_name,
        'distrokid' as seen_in,
        n_rows
    from bank_details
    union all
    select
        artist as artist_name,
        'toolost' as seen_in,
        n_rows
    from toolost_sales
    union all
    select
        account as artist_name,
        'spotify' as seen_in,
        n_rows
    from spotify_timeline
    union all
    select
        account as artist_name,
        'spotify' as seen_in,
        n_rows
    from spotify_songs
    union all
    select
        artist as artist_name,
        'account_artists' as seen_in,
        n_rows
    from account_artists
),

keyed as (
    select
        {{ artist_key('artist_name') }} as artist_id,
        artist_name,
        seen_in,
        n_rows
    from named
),

spellings as (
    select
        artist_id,
        artist_name,
        sum(n_rows) as n_rows,
        bool_or(seen_in = 'spotify') as has_spotify_account
    from keyed
    where artist_id is not null
    group by artist_id, artist_name
),

artists as (
    select
        artist_id,
        -- the spelling most rows use (ties: alphabetical)
        arg_min(artist_name, (-n_rows, artist_name)) as artist_name,
        bool_or(has_spotify_account) as has_spotify_account
    from spellings
    group by artist_id
),

track_facts as (
    select
        artist_id,
        count(*) as n_tracks,
        min(release_date) as first_release_date,
        mode(distributor order by distributor) as distributor
    from tracks
    where not is_sentinel
    group by artist_id
),

sentinel_keys as (
    select
        'all_artists' as artist_id,
        '(all artists: a catalogue-level figure)' as artist_name
    union all
    select
        'unattributed' as artist_id,
        '(no artist known)' as artist_name
),

sentinels as (
    select
        artist_id,
        artist_name,
        false as has_spotify_account
    from sentinel_keys
),

all_artists as (
    select * from artists
    union all by name
    select * from sentinels
)

select
    all_artists.artist_id,
    all_artists.artist_name,
    track_facts.distributor,
    coalesce(track_facts.n_tracks, 0) as n_tracks,
    track_facts.first_release_date,
    all_artists.has_spotify_account,
    all_artists.artist_id in ('all_artists', 'unattributed') as is_sentinel
from all_artists
left join track_facts
    on all_artists.artist_id = track_facts.artist_id
