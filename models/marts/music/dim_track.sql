-- One row per track, keyed by the normalised ISRC; platform tracks no rule could match get
-- a row of their own (`unmatched:<platform>:<artist>:<title>`), and two sentinel rows stand
-- for "every track" (catalogue-level figures) and "no track known" (rows without an ISRC).
{#- match methods from the strongest evidence to the weakest #}
{% set match_methods = ['exact_isrc', 'normalised_isrc', 'title', 'alias_seed'] %}
{% set method_names %}['{{ match_methods | join("', '") }}']{% endset %}

with

tracks_matched as (
    select
        platform,
        platform_track_id,
        isrc_as_written,
        platform_title,
        platform_artist,
        artist_id,
        title_key,
        upc,
        release_title,
        release_date,
        isrc,
        match_method,
        track_id
    from {{ ref('int_tracks_matched') }}
),

ranked_methods as (
    select
        *,
        case match_method
            {%- for method in match_methods %}
            when '{{ method }}' then {{ loop.index }}
            {%- endfor %}
        end as method_rank,
        case platform
            when 'distrokid' then 1
            when 'toolost_sales' then 2
            when 'toolost_apple' then 3
            when 'spotify' then 4
        end as platform_rank
    from tracks_matched
    where isrc is not null
),

isrc_tracks_ranked as (
    select
        isrc as track_id,
        isrc,
        -- canonical fields: the distributor's (DistroKid, then TooLost's statement), then
        -- TooLost's Apple totals, then Spotify
        -- (each pick in a total order: rank, then the value, never the read order)
        {{ first_ranked('platform_title', 'platform_rank') }} as track_title,
        {{ first_ranked('platform_artist', 'platform_rank') }} as artist_name,
        {{ first_ranked('upc', 'platform_rank') }} as upc,
        {{ first_ranked('release_title', 'platform_rank') }} as release_title,
        min(release_date) as release_date,
        case
            when bool_or(platform = 'distrokid') then 'distrokid'
            when bool_or(platform in ('toolost_sales', 'toolost_apple')) then 'toolost'
        end as distributor,
        min(platform_title) filter (where platform = 'distrokid') as distrokid_title,
        min(platform_title) filter (where platform = 'toolost_sales') as toolost_title,
        -- TooLost's own spelling where it differs from the key (`qt-ni9-25-02473`)
        {{ first_ranked(
            'isrc_as_written',
            'isrc_as_written = isrc',
            where="platform in ('toolost_sales', 'toolost_apple')",
        ) }} as toolost_isrc_as_written,
        min(platform_title) filter (where platform = 'toolost_apple') as toolost_apple_title,
        string_agg(
            distinct if(platform = 'spotify', platform_title, null),
            ' | ' order by if(platform = 'spotify', platform_title, null)
        ) as spotify_title,
        max(method_rank) filter (where platform = 'spotify') as spotify_method_rank,
        -- the weakest evidence any platform's row was merged on
        max(method_rank) as method_rank,
        string_agg(distinct platform, ',' order by platform) as platforms
    from ranked_methods
    group by isrc
),

isrc_tracks as (
    select
        * exclude (spotify_method_rank, method_rank),
        list_extract({{ method_names }}, spotify_method_rank) as spotify_match_method,
        list_extract({{ method_names }}, method_rank) as match_method
    from isrc_tracks_ranked
),

unmatched_tracks as (
    select
        track_id,
        null::varchar as isrc,
        min(platform_title) as track_title,
        min(platform_artist) as artist_name,
        min(upc) as upc,
        min(release_title) as release_title,
        min(release_date) as release_date,
        null::varchar as distributor,
        null::varchar as distrokid_title,
        null::varchar as toolost_title,
        null::varchar as toolost_isrc_as_written,
        null::varchar as toolost_apple_title,
        min(platform_title) filter (where platform = 'spotify') as spotify_title,
        min(match_method) filter (where platform = 'spotify') as spotify_match_method,
        'unmatched' as match_method,
        string_agg(distinct platform, ',' order by platform) as platforms
    from tracks_matched
    where isrc is null
    group by track_id
),

sentinel_keys as (
    select
        'all_tracks' as track_id,
        '(all tracks: a catalogue- or artist-level figure)' as track_title
    union all
    select
        'unattributed' as track_id,
        '(no track: the source row names no ISRC or matching title)' as track_title
),

sentinels as (
    select
        track_id,
        null::varchar as isrc,
        track_title,
        null::varchar as artist_name,
        null::varchar as upc,
        null::varchar as release_title,
        null::date as release_date,
        null::varchar as distributor,
        null::varchar as distrokid_title,
        null::varchar as toolost_title,
        null::varchar as toolost_isrc_as_written,
        null::varchar as toolost_apple_title,
        null::varchar as spotify_title,
        null::varchar as spotify_match_method,
        'sentinel' as match_method,
        null::varchar as platforms
    from sentinel_keys
),

all_tracks as (
    select * from isrc_tracks
    union all by name
    select * from unmatched_tracks
    union all by name
    select * from sentinels
)

select
    track_id,
    isrc,
    track_title,
    coalesce(
        {{ artist_key('artist_name') }},
        case when track_id = 'all_tracks' then 'all_artists' else 'unattributed' end
    ) as artist_id,
    artist_name,
    release_title,
    release_date,
    upc,
    distributor,
    distrokid_title,
    toolost_title,
    toolost_isrc_as_written,
    toolost_apple_title,
    spotify_title,
    spotify_match_method,
    match_method,
    platforms,
    track_id in ('all_tracks', 'unattributed') as is_sentinel
from all_tracks
