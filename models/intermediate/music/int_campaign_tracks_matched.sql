-- The track(s) each Meta campaign promotes. A campaign listed in `seeds/music/campaign_tracks.csv`
-- takes its tracks from the seed only (`campaign_seed`). Otherwise its name is read as
-- `ARTIST - TRACK TITLE - AUDIENCE` (or `TRACK TITLE - AUDIENCE` when it has two parts)
-- and the title matched, case- and punctuation-insensitively, to the titles any platform
-- gives a track with an ISRC (within the artist when the name states one): exactly one
-- ISRC matches -> `campaign_name`; none or several -> `unmatched`, with the `unattributed`
-- track, so the campaign's spend is still reported.

with

campaigns as (
    select
        account,
        campaign_id,
        campaign_name,
        _landed_at
    from {{ ref('stg_meta_ads__campaigns') }}
),

tracks_matched as (
    select
        isrc,
        title_key,
        artist_id
    from {{ ref('int_tracks_matched') }}
    where isrc is not null
),

tracks as (
    select
        track_id,
        artist_id
    from {{ ref('dim_track') }}
),

campaign_tracks as (
    select
        campaign_id,
        isrc
    from {{ ref('campaign_tracks') }}
),

one_per_campaign as (
    -- campaign ids are global at Meta: the newest export's name wins
    select * from campaigns
    qualify row_number() over (partition by campaign_id order by _landed_at desc, account asc) = 1
),

named as (
    select
        account,
        campaign_id,
        campaign_name,
        string_split(campaign_name, ' - ') as name_parts
    from one_per_campaign
),

parsed as (
    select
        account,
        campaign_id,
        campaign_name,
        case when len(name_parts) >= 3 then {{ artist_key('name_parts[1]') }} end
            as named_artist_id,
        case
            when len(name_parts) >= 3 then {{ normalise_title('name_parts[2]') }}
            when len(name_parts) = 2 then {{ normalise_title('name_parts[1]') }}
        end as named_title_key
    from named
),

seeded as (
    select
        parsed.account,
        parsed.campaign_id,
        parsed.campaign_name,
        {{ normalise_isrc('campaign_tracks.isrc') }} as isrc,
        'campaign_seed' as match_method
    from parsed
    inner join campaign_tracks
        on parsed.campaign_id = campaign_tracks.campaign_id
),

name_candidates as (
    select
        parsed.campaign_id,
        count(distinct tracks_matched.isrc) as n_isrcs,
        min(tracks_matched.isrc) as isrc
    from parsed
    inner join tracks_matched
        on
            parsed.named_title_key = tracks_matched.title_key
            and (
                parsed.named_artist_id is null
                or tracks_matched.artist_id is null
                or parsed.named_artist_id = tracks_matched.artist_id
            )
    where parsed.campaign_id not in (select seeded.campaign_id from seeded)
    group by parsed.campaign_id
),

by_name as (
    select
        parsed.account,
        parsed.campaign_id,
        parsed.campaign_name,
        if(name_candidates.n_isrcs = 1, name_candidates.isrc, null) as isrc,
        if(name_candidates.n_isrcs = 1, 'campaign_name', 'unmatched') as match_method
    from parsed
    left join name_candidates
        on parsed.campaign_id = name_candidates.campaign_id
    where parsed.campaign_id not in (select seeded.campaign_id from seeded)
),

resolved as (
    select * from seeded
    union all
    select * from by_name
)

select
    resolved.campaign_id,
    resolved.account,
    resolved.campaign_name,
    coalesce(resolved.isrc, 'unattributed') as track_id,
    coalesce(tracks.artist_id, 'unattributed') as artist_id,
    resolved.match_method,
    count(*) over (partition by resolved.campaign_id) as n_promoted_tracks
from resolved
left join tracks
    on resolved.isrc = tracks.track_id
