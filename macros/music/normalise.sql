{#- Keys the music marts match on. Each returns SQL (an expression), not a value. -#}

{#- An ISRC as a key: upper case, everything but letters and digits removed
    (`qt-ni9-25-02473 ` -> `QTNI92502473`); null when nothing is left. -#}
{% macro normalise_isrc(expression) -%}
nullif(upper(regexp_replace(coalesce({{ expression }}, ''), '[^A-Za-z0-9]', '', 'g')), '')
{%- endmacro %}

{#- A title as a match key: accents stripped, lower case, every run of characters other
    than letters, digits and parentheses collapsed to one space, trimmed. Parenthesised
    parts stay (`Faded Letters (Radio Edit)` is not `Faded Letters`: a version is another
    recording unless the alias seed says otherwise). -#}
{% macro normalise_title(expression) -%}
nullif(trim(regexp_replace(lower(strip_accents(coalesce({{ expression }}, ''))), '[^a-z0-9()]+', ' ', 'g')), '')
{%- endmacro %}

{#- An artist's id: accents stripped, lower case, runs of other characters as one hyphen
    (`Nova Reyes` -> `nova-reyes`, `ZONE A0` -> `zone-a0`). -#}
{% macro artist_key(expression) -%}
nullif(trim(regexp_replace(lower(strip_accents(coalesce({{ expression }}, ''))), '[^a-z0-9]+', '-', 'g'), '-'), '')
{%- endmacro %}
