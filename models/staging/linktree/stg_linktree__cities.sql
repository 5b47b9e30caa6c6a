-- Views and clicks per city over the capture's window (captures are not additive): the
-- newest capture per account (macro `linktree_breakdown`). The row id is the landing file
-- and row, as two cities may share a name.
{{ linktree_breakdown('cities', columns=[
    "md5(_source_file || '-' || _row_number) as city_row_id",
    'name as city_name',
    '"countryCode" as country_code',
    "json_extract_string(coordinates, '$[0]')::double as latitude",
    "json_extract_string(coordinates, '$[1]')::double as longitude",
]) }}
