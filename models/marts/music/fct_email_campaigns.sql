with

reports as (
    select
        account,
        campaign_id,
        campaign_title,
        campaign_type,
        list_id,
        list_name,
        subject_line,
        sent_at,
        emails_sent,
        hard_bounces,
        soft_bounces,
        syntax_errors,
        opens_total,
        unique_opens,
        clicks_total,
        unique_clicks,
        unique_subscriber_clicks,
        unsubscribed,
        abuse_reports,
        forwards_count,
        open_rate,
        click_rate
    from {{ ref('stg_mailchimp__campaign_reports') }}
),

counted as (
    select
        * exclude (open_rate, click_rate),
        open_rate as reported_open_rate,
        click_rate as reported_click_rate,
        hard_bounces + soft_bounces as bounces,
        -- Mailchimp's rates are over the e-mails that were not bounced
        emails_sent - hard_bounces - soft_bounces as emails_delivered
    from reports
),

final as (
    select
        campaign_id,
        account,
        campaign_title,
        campaign_type,
        list_id,
        list_name,
        subject_line,
        sent_at,
        sent_at::date as sent_date,
        emails_sent,
        emails_delivered,
        bounces,
        hard_bounces,
        soft_bounces,
        opens_total,
        unique_opens,
        clicks_total,
        unique_clicks,
        unique_subscriber_clicks,
        unsubscribed,
        abuse_reports,
        forwards_count,
        -- recomputed from the counts: null when nothing was delivered
        unique_opens / nullif(emails_delivered, 0) as open_rate,
        unique_subscriber_clicks / nullif(emails_delivered, 0) as click_rate,
        bounces / nullif(emails_sent, 0) as bounce_rate,
        unsubscribed / nullif(emails_delivered, 0) as unsubscribe_rate,
        -- as Mailchimp reported them (fractions)
        reported_open_rate,
        reported_click_rate
    from counted
)

select * from final
