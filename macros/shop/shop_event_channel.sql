{#- The client channel of one collected call (web, app or agent), from what the call says
    about its sender: a `page` call is a web page view and a `screen` call an app screen view;
    otherwise the SDK that sent it (`context.library.name`): the browser SDK (analytics.js,
    analytics-next) is web, the mobile SDKs (analytics-ios, -android, -swift, -kotlin,
    -react-native, -flutter) are app, and the server SDKs (analytics-python, -node, -go,
    -ruby, -java, -php, -dotnet) are the shop's agents, which call from its servers. Anything
    else is `unknown`. -#}
{% macro shop_event_channel(event_type, library_name) -%}
    case
        when {{ event_type }} = 'page' then 'web'
        when {{ event_type }} = 'screen' then 'app'
        when lower({{ library_name }}) in ('analytics.js', 'analytics-next')
            or lower({{ library_name }}) like '@segment/analytics-next%'
            then 'web'
        when regexp_matches(
            lower({{ library_name }}), '(ios|android|swift|kotlin|react-native|flutter)'
        )
            then 'app'
        when regexp_matches(
            lower({{ library_name }}),
            '^analytics[-.]?(python|node|go|ruby|java|php|dotnet|net)'
        )
            then 'agent'
        else 'unknown'
    end
{%- endmacro %}
