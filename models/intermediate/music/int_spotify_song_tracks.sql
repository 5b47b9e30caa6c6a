-- Every Spotify song (artist account and Spotify track id) resolved to a track: its title
-- matched within the artist, or through the alias seed (`int_tracks_matched`); a title the
-- songs download never listed gets the id int_tracks_matched would give it unmatched. The
-- mapping `fct_streams_daily` applies, and compares with the one it last applied (a song
-- whose title or track changed is recomputed on all its days).

with

songs as (
    select distinct
        account,
        spotify_track_id,
        song_title
    from {{ ref('stg_spotify__song_timeline') }}
),

spotify_tracks as (
    select
        account,
        platform_track_id,
        track_id
    from {{ ref('int_tracks_matched') }}
    where platform = 'spotify'
),

resolved as (
    select
        songs.account,
        songs.spotify_track_id,
        songs.song_title,
        coalesce({{ artist_key('songs.account') }}, 'unattributed') as artist_id,
        -- dim_track lacks an unmatched id, so the mart's relationships test says to land the
        -- songs download or map the title in the alias seed
        coalesce(
            spotify_tracks.track_id,
            'unmatched:spotify:'
            || coalesce({{ artist_key('songs.account') }}, 'unknown')
            || ':'
            || coalesce({{ artist_key('songs.song_title') }}, 'untitled')
        ) as track_id
    from songs
    left join spotify_tracks
        on
            songs.account = spotify_tracks.account
            and songs.song_title = spotify_tracks.platform_track_id
)

select * from resolved
