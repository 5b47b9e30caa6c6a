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

{#- The value of `expression` on the row with the greatest `by` (rows with a null `by`
    ignored), ties broken by the greatest value itself: a total order, so the pick never
    depends on the order rows are read in (`arg_max` picks any of the tied rows). -#}
{% macro latest_value(expression, by) -%}
first({{ expression }} order by {{ by }} desc nulls last, {{ expression }} desc nulls last)
    filter (where {{ by }} is not null)
{%- endmacro %}

{#- The value of `expression` on the row with the least `rank`, ties broken by the least
    value itself (a total order; `arg_min` picks any of the tied rows). Nulls never win;
    `where` (SQL) limits the rows considered. -#}
{% macro first_ranked(expression, rank, where=none) -%}
first({{ expression }} order by {{ rank }} asc nulls last, {{ expression }} asc nulls last)
    filter (where {{ expression }} is not null{% if where %} and ({{ where }}){% endif %})
{%- endmacro %}
