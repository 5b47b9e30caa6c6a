-- Every DistroKid bank-details export in the raw zone, newest first: rows, total earnings and
-- layout. The staging model keeps only the first one. Compile with
-- `dbt compile --select path:analyses` and run the SQL in target/compiled/.
with

raw_rows as (
    select * from {{ raw_dataset_location('distrokid', 'bank_details') }}
),

exports as (
    select
        _source_file,
        _layout,
        _landed_at,
        count(*) as n_rows,
        sum("Earnings (USD)"::decimal(18, 8)) as earnings_usd
    from raw_rows
    group by all
)

select * from exports
order by _landed_at desc, _source_file desc
