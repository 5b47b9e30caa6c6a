select customer_id, email, full_name, phone, city from {{ source('shop', 'customers') }}
