{#- When a DistroKid download was made: the time in the name DistroKid gives the file
    (`dk_bank_details_<YYYYMMDD>_<HHMMSS>*.tsv`, `streams_stats_<YYYYMMDD>_<HHMMSS>.html`,
    ...), else the landing time (a file renamed by hand: nothing else states it). An old
    download landed late is therefore older than the newest one, not newer. -#}
{% macro distrokid_exported_at() -%}
{{ file_name_time('_(\d{8}_\d{6})[^/]*$', '%Y%m%d_%H%M%S') }}
{%- endmacro %}
