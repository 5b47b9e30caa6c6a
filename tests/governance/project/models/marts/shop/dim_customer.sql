select customer_id, email, full_name, city from {{ ref('stg_shop__customers') }}
