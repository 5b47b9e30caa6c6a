-- One row per platform account the marts name, with the artist it belongs to: TikTok
-- accounts and Linktree profiles through the seed `account_artists` (they name no
-- artist), Spotify for Artists accounts as themselves (the account is the artist). Join a
-- social or link mart on (platform, account) to put TikTok views, Linktree clicks and
-- Spotify streams side by side per artist.
with

social_accounts as (
    select distinct
        platform,
        account
    from {{ ref('fct_social_daily') }}
),

link_accounts as (
    select distinct
        'linktree' as platform,
        account
    from {{ ref('fct_link_clicks_daily') }}
),

spotify_accounts as (
    select distinct
        'spotify' as platform,
        account
    from {{ ref('stg_spotify__audience_timeline') }}
),

account_artists as (
    select
        platform,
        account,
        artist
    from {{ ref('account_artists') }}
),

accounts as (
    select * from social_accounts
    union
    select * from link_accounts
    union
    select * from spotify_accounts
    union
    select
        platform,
        account
    from account_artists
)

select
    accounts.platform,
    accounts.account,
    coalesce(
        {{ artist_key('account_artists.artist') }},
        if(accounts.platform = 'spotify', {{ artist_key('accounts.account') }}, null),
        'unattributed'
    ) as artist_id,
    case
        when account_artists.artist is not null then 'account_artists_seed'
        when accounts.platform = 'spotify' then 'spotify_account'
        else 'unmapped'
    end as mapped_by
from accounts
left join account_artists
    on
        accounts.platform = account_artists.platform
        and accounts.account = account_artists.account
