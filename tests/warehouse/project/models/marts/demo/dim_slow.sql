-- takes as long as the tests need (var slow_rows): the window in which they kill or race a build
select count(*) as n, sum(hash(i)) % 7 as h from range({{ var('slow_rows') }}) as t(i)
