"""The sandbox's shop: a seeded online shop (`world.py`) and its application database
(`database.py`); `app_schema.sql` is the application's schema, a copy of the fixed DDL."""
