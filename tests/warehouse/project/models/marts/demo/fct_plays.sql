select track, sum(plays) as plays from {{ ref('stg_demo__plays') }} group by track
