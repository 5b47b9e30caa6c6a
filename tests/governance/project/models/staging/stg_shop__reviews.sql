select order_id, message from {{ source('shop', 'reviews') }}
