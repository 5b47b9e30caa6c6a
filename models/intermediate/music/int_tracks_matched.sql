-- Every platform's tracks (ids and titles as each platform writes them), resolved to one
-- normalised ISRC where possible. Order of evidence, first that applies wins:
--   1. the platform gives an ISRC: `exact_isrc` when written as the key (12 characters,
--      upper case), `normalised_isrc` when it needed normalising (hyphens, lower case);
--   2. the alias seed (`seeds/music/track_aliases.csv`) names the ISRC: `alias_seed` (a person
--      decided, so the seed overrides a title match, which it exists to correct);
--   3. the artist and the normalised title equal exactly one ISRC-bearing track's: `title`;
--   4. otherwise unmatched (`isrc` null, `match_method = 'unmatched'`): add an alias row.

with

distrokid_bank_details as (
    select
        isrc,
        track_title,
        artist,
        upc,
        reporting_date
    from {{ ref('stg_distrokid__bank_details') }}
),

toolost_sales as (
    select
        account,
        isrc,
        track_title,
        artist,
        release_title,
        upc,
        reporting_month
    from {{ ref('stg_toolost__sales') }}
),

toolost_apple_tracks as (
    select
        account,
        isrc,
        track_title,
        release_title
    from {{ ref('stg_toolost__apple_tracks') }}
),

spotify_songs as (
    select
        account,
        song_title,
        release_date
    from {{ ref('stg_spotify__songs') }}
),

track_aliases as (
    select
        platform,
        platform_track_id,
        platform_title,
        artist,
        isrc
    from {{ ref('track_aliases') }}
),

distrokid_tracks as (
    -- one row per ISRC as written; the newest report's title, artist and UPC
    select
        'distrokid' as platform,
        null::varchar as account,
        isrc as platform_track_id,
        isrc as isrc_as_written,
        {{ latest_value('track_title', 'reporting_date') }} as platform_title,
        {{ latest_value('artist', 'reporting_date') }} as platform_artist,
        {{ latest_value('upc', 'reporting_date') }} as upc,
        null::varchar as release_title,
        null::date as release_date
    from distrokid_bank_details
    where nullif(trim(isrc), '') is not null
    group by isrc
),

toolost_sales_tracks as (
    select
        'toolost_sales' as platform,
        min(account) as account,
        isrc as platform_track_id,
        isrc as isrc_as_written,
        {{ latest_value('track_title', 'reporting_month') }} as platform_title,
        {{ latest_value('artist', 'reporting_month') }} as platform_artist,
        {{ latest_value('upc', 'reporting_month') }} as upc,
        {{ latest_value('release_title', 'reporting_month') }} as release_title,
        null::date as release_date
    from toolost_sales
    group by isrc
),

toolost_apple as (
    -- Apple Music's per-track totals through TooLost: ISRC and titles, no artist
    select
        'toolost_apple' as platform,
        min(account) as account,
        isrc as platform_track_id,
        isrc as isrc_as_written,
        min(track_title) as platform_title,
        null::varchar as platform_artist,
        null::varchar as upc,
        min(release_title) as release_title,
        null::date as release_date
    from toolost_apple_tracks
    group by isrc
),

spotify_tracks as (
    -- Spotify for Artists gives no ISRC: the song's title within the artist (= account)
    select
        'spotify' as platform,
        account,
        song_title as platform_track_id,
        null::varchar as isrc_as_written,
        song_title as platform_title,
        account as platform_artist,
        null::varchar as upc,
        null::varchar as release_title,
        min(release_date) as release_date
    from spotify_songs
    group by account, song_title
),

platform_tracks as (
    select * from distrokid_tracks
    union all by name
    select * from toolost_sales_tracks
    union all by name
    select * from toolost_apple
    union all by name
    select * from spotify_tracks
),

keyed as (
    select
        platform,
        account,
        platform_track_id,
        isrc_as_written,
        platform_title,
        platform_artist,
        upc,
        release_title,
        release_date,
        {{ normalise_isrc('isrc_as_written') }} as isrc_normalised,
        {{ normalise_title('platform_title') }} as title_key,
        {{ artist_key('platform_artist') }} as artist_id
    from platform_tracks
),

isrc_catalogue as (
    -- the tracks whose ISRC and artist a platform states: what titles are matched against
    select
        artist_id,
        title_key,
        isrc_normalised as isrc
    from keyed
    where
        isrc_normalised similar to '[A-Z]{2}[A-Z0-9]{3}[0-9]{7}'
        and artist_id is not null
        and title_key is not null
),

title_candidates as (
    -- an artist and title naming exactly one ISRC (two recordings sharing a title are
    -- ambiguous and left to the alias seed)
    select
        artist_id,
        title_key,
        min(isrc) as isrc
    from isrc_catalogue
    group by artist_id, title_key
    having count(distinct isrc) = 1
),

aliases as (
    select
        lower(trim(platform)) as platform,
        nullif(trim(platform_track_id), '') as platform_track_id,
        {{ normalise_title('platform_title') }} as title_key,
        {{ artist_key('artist') }} as artist_id,
        {{ normalise_isrc('isrc') }} as isrc
    from track_aliases
),

alias_matches as (
    -- a seed row names the platform and either the platform's track id or the title
    -- (within the artist when the seed gives one)
    select
        keyed.platform,
        keyed.account,
        keyed.platform_track_id,
        min(aliases.isrc) as isrc
    from keyed
    inner join aliases
        on
            keyed.platform = aliases.platform
            and (
                keyed.platform_track_id = aliases.platform_track_id
                or (
                    aliases.platform_track_id is null
                    and keyed.title_key = aliases.title_key
                    and (aliases.artist_id is null or keyed.artist_id = aliases.artist_id)
                )
            )
    group by keyed.platform, keyed.account, keyed.platform_track_id
),

resolved as (
    select
        keyed.platform,
        keyed.account,
        keyed.platform_track_id,
        keyed.isrc_as_written,
        keyed.platform_title,
        keyed.platform_artist,
        keyed.artist_id,
        keyed.title_key,
        keyed.upc,
        keyed.release_title,
        keyed.release_date,
        coalesce(keyed.isrc_normalised, alias_matches.isrc, title_candidates.isrc) as isrc,
        case
            when keyed.isrc_normalised is not null and keyed.isrc_normalised = keyed.isrc_as_written
                then 'exact_isrc'
            when keyed.isrc_normalised is not null then 'normalised_isrc'
            when alias_matches.isrc is not null then 'alias_seed'
            when title_candidates.isrc is not null then 'title'
            else 'unmatched'
        end as match_method
    from keyed
    left join alias_matches
        on
            keyed.platform = alias_matches.platform
            and keyed.platform_track_id = alias_matches.platform_track_id
            and keyed.account is not distinct from alias_matches.account
    left join title_candidates
        on
            keyed.artist_id = title_candidates.artist_id
            and keyed.title_key = title_candidates.title_key
)

select
    *,
    -- the dim_track key: the ISRC, else a stable id of the unmatched platform track
    coalesce(
        isrc,
        'unmatched:' || platform || ':' || coalesce(artist_id, 'unknown') || ':'
        || coalesce({{ artist_key('platform_title') }}, 'untitled')
    ) as track_id
from resolved
