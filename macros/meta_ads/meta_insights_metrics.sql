{#- The metric columns of a Meta Ads insights row, renamed and typed: the same list in the
    daily per-ad and the ad-set window staging models. -#}
{% macro meta_insights_metrics() -%}
-- money is in the ad account's currency, exact
spend::decimal(18, 2) as spend,
impressions::bigint as impressions,
clicks::bigint as clicks,
unique_clicks::bigint as unique_clicks,
inline_link_clicks::bigint as inline_link_clicks,
reach::bigint as reach,
frequency::double as frequency,
cpc::decimal(18, 6) as cpc,
cpm::decimal(18, 6) as cpm,
cpp::decimal(18, 6) as cpp,
-- Meta writes ctr as a percentage (0.605602 means 0.6 %): store the fraction
ctr::double / 100 as ctr,
actions,
cost_per_action_type
{%- endmacro %}
