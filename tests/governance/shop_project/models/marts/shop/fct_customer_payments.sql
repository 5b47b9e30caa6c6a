with

customers as (
    select customer_id, email, full_name from {{ ref('stg_shop_db__customers') }}
),

orders as (
    select order_id, customer_id from {{ ref('stg_shop_db__orders') }}
),

payments as (
    select order_id, amount from {{ ref('stg_shop_db__payments') }}
)

select
    customers.customer_id,
    customers.email,
    customers.full_name,
    count(distinct orders.order_id) as orders,
    coalesce(sum(payments.amount), 0) as amount_paid
from customers
inner join orders on customers.customer_id = orders.customer_id
left join payments on orders.order_id = payments.order_id
group by all
