with

source as (
    select * from {{ source('mailchimp', 'reports') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as campaign_id,
        campaign_title,
        type as campaign_type,
        list_id,
        list_name,
        list_is_active::boolean as is_list_active,
        subject_line,
        preview_text,
        send_time::timestamptz as sent_at,
        emails_sent::bigint as emails_sent,
        abuse_reports::bigint as abuse_reports,
        unsubscribed::bigint as unsubscribed,
        hard_bounces::bigint as hard_bounces,
        soft_bounces::bigint as soft_bounces,
        syntax_errors::bigint as syntax_errors,
        forwards_count::bigint as forwards_count,
        forwards_opens::bigint as forwards_opens,
        opens_total::bigint as opens_total,
        unique_opens::bigint as unique_opens,
        -- Mailchimp's rates are fractions already (0.4537 = 45.37 %)
        open_rate::double as open_rate,
        last_open::timestamptz as last_opened_at,
        proxy_excluded_opens::bigint as proxy_excluded_opens,
        proxy_excluded_unique_opens::bigint as proxy_excluded_unique_opens,
        proxy_excluded_open_rate::double as proxy_excluded_open_rate,
        clicks_total::bigint as clicks_total,
        unique_clicks::bigint as unique_clicks,
        unique_subscriber_clicks::bigint as unique_subscriber_clicks,
        click_rate::double as click_rate,
        last_click::timestamptz as last_clicked_at,
        list_stats,
        ecommerce,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- pages repeat reports already landed, with counters that keep growing: per account and
    -- campaign the newest export wins
    select * from typed
    {{ latest_export(partition_by=['account', 'campaign_id']) }}
)

select * from latest_export
