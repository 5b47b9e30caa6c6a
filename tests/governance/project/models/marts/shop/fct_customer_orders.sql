select c.customer_id, c.full_name, count(*) as orders, sum(o.amount) as amount
from {{ ref('stg_shop__orders') }} as o
inner join {{ ref('stg_shop__customers') }} as c using (customer_id)
group by all
