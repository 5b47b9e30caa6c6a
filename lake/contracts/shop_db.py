"""The shop's application database: its eight tables, read by `lake extract shop_db`.

What lands: `extract/shop_db.py` reads the application's database (`LAKE_SHOP_DB_URL`:
PostgreSQL in production, SQLite in the demo) in one consistent snapshot and lands one
Parquet file per table and run, `<table>_<YYYYMMDDTHHMMSSffffffZ>.parquet`, typed as the
application's schema says (`lake/sandbox/shop/app_schema.sql`: text, integer, boolean,
numeric(12, 2), timestamp without zone (UTC), date). Raw keeps every value as text, as
always. Each file's landing metadata holds the run's snapshot (`snapshot_id`, the UTC time it
was taken, sortable), `mode` (`full` or `incremental`), the table's watermark before and
after the run (`watermark_from`, `watermark`) and the overlap.

Incremental, per table: customers, sellers, products and orders by `updated_at` (rows
changed since the last watermark minus the overlap); order items and payments, which have no
`updated_at`, are re-read whole for every order in the run's orders file, so the items of an
order re-read in a run are its complete current set (a line absent from it was deleted);
reviews by `created_at` and `answered_at`; categories in full every run. Raw keeps every
version; staging (`models/staging/shop_db/`) shows the application's current state.

Path through the lake: `extract/shop_db.py` -> `landing/shop_db/<batch>/` ->
`raw/_source=shop_db/_dataset=<table>/` -> `models/staging/shop_db/`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lake.ingest.contract import (
    NOT_NULL,
    Classification,
    Column,
    ColumnTest,
    Dataset,
    Freshness,
    Layout,
    Parquet,
    Retention,
    Source,
)

SOURCE = "shop_db"

SOURCE_INFO = Source(
    name=SOURCE,
    title="the shop's application database",
    description=(
        "The online shop's application database (schema version 1, owned by the application;"
        " the lake only reads it): customers, sellers, categories, products, orders, order "
        "items, payments and reviews, read in one consistent snapshot by `extract/shop_db.py`"
        " (incremental by `updated_at` per table, with an overlap) and landed as one Parquet "
        "file per table and run, written to the raw zone as text by `lake ingest`. Times are "
        "UTC; money is numeric(12, 2) in the order's currency (`orders.currency`)."
    ),
    owner="shop-engineering",
    freshness=Freshness(
        warn_days=2,
        error_days=4,
        why="The extractor runs daily (or more often); two days without a snapshot means it "
        "stopped.",
    ),
)

TEXT, INTEGER, BOOLEAN, MONEY, TIMESTAMP, DATE = (
    "varchar",
    "integer",
    "boolean",
    "decimal(12,2)",
    "timestamp",
    "date",
)


@dataclass(frozen=True)
class Table:
    """One application table as the extractor reads it: columns with their DuckDB types,
    the primary key and how it is read incrementally."""

    name: str
    description: str
    columns: tuple[tuple[Column, str], ...]  # (described column, DuckDB type)
    primary_key: tuple[str, ...]
    incremental: tuple[str, ...]  # watermark columns; () = by the orders re-read, or in full
    retention: Retention = "raw_default"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column, _ in self.columns)

    @property
    def types(self) -> dict[str, str]:
        return {column.name: kind for column, kind in self.columns}


def _col(
    name: str,
    kind: str,
    description: str,
    classification: Classification,
    tests: tuple[ColumnTest, ...] = (),
) -> tuple[Column, str]:
    return Column(name, description, classification, type=kind, tests=tests), kind


_CREATED = "When the row was created in the application (UTC)."
_UPDATED = "When the application last changed the row (UTC); moves on every change."
_DELETED = "When the row was soft-deleted (UTC); empty while it is live."

CUSTOMERS = Table(
    "customers",
    "The shop's customers, one row per customer version (changed rows re-land). Soft-deleted "
    "on an erasure request (`deleted_at`).",
    (
        _col("customer_id", TEXT, "The application's customer id.", "internal", NOT_NULL),
        _col("email", TEXT, "E-mail address (personal data; case as typed).", "restricted"),
        _col("full_name", TEXT, "Full name (personal data).", "restricted"),
        _col("phone", TEXT, "Phone, `+55 DD 9NNNNNNNN` (personal data).", "restricted"),
        _col("zip_code_prefix", TEXT, "First five digits of the zip code.", "confidential"),
        _col("city", TEXT, "City, lower case without accents.", "internal"),
        _col("state", TEXT, "Brazilian state, two letters.", "internal"),
        _col("marketing_opt_in", BOOLEAN, "Consent to marketing e-mail.", "internal"),
        _col("created_at", TIMESTAMP, _CREATED, "internal", NOT_NULL),
        _col("updated_at", TIMESTAMP, _UPDATED, "internal", NOT_NULL),
        _col("deleted_at", TIMESTAMP, _DELETED, "internal"),
    ),
    ("customer_id",),
    ("updated_at",),
    retention="personal_data",
)

SELLERS = Table(
    "sellers",
    "The marketplace's sellers, one row per seller version.",
    (
        _col("seller_id", TEXT, "The application's seller id.", "internal", NOT_NULL),
        _col("zip_code_prefix", TEXT, "First five digits of the seller's zip code.", "internal"),
        _col("city", TEXT, "City, lower case without accents.", "internal"),
        _col("state", TEXT, "Brazilian state, two letters.", "internal"),
        _col("created_at", TIMESTAMP, _CREATED, "internal", NOT_NULL),
        _col("updated_at", TIMESTAMP, _UPDATED, "internal", NOT_NULL),
    ),
    ("seller_id",),
    ("updated_at",),
)

CATEGORIES = Table(
    "categories",
    "Product categories: the application's Portuguese slug and an English name (may be "
    "missing). Read in full every run.",
    (
        _col("category_id", TEXT, "The category's slug (Portuguese).", "public", NOT_NULL),
        _col("name_en", TEXT, "English name; empty where the application has none.", "public"),
    ),
    ("category_id",),
    (),
)

PRODUCTS = Table(
    "products",
    "The catalogue, one row per product version (a price or stock change re-lands the row). "
    "Soft-deleted when discontinued.",
    (
        _col("product_id", TEXT, "The application's product id.", "internal", NOT_NULL),
        _col("category_id", TEXT, "The product's category slug; empty for some.", "public"),
        _col("title", TEXT, "The product's title.", "public"),
        _col("gtin", TEXT, "GTIN/EAN-13 where the product has one.", "public"),
        _col("description_length", INTEGER, "Characters in the description.", "internal"),
        _col("photos_qty", INTEGER, "Photos on the product page.", "internal"),
        _col("weight_g", INTEGER, "Weight in grams.", "internal"),
        _col("length_cm", INTEGER, "Length in centimetres.", "internal"),
        _col("height_cm", INTEGER, "Height in centimetres.", "internal"),
        _col("width_cm", INTEGER, "Width in centimetres.", "internal"),
        _col("list_price", MONEY, "The current list price, in BRL.", "public"),
        _col("stock_qty", INTEGER, "Units in stock.", "internal"),
        _col("created_at", TIMESTAMP, _CREATED, "internal", NOT_NULL),
        _col("updated_at", TIMESTAMP, _UPDATED, "internal", NOT_NULL),
        _col("deleted_at", TIMESTAMP, _DELETED, "internal"),
    ),
    ("product_id",),
    ("updated_at",),
)

ORDER_STATUSES = (
    "created",
    "approved",
    "invoiced",
    "processing",
    "shipped",
    "delivered",
    "canceled",
    "unavailable",
)
ORDERS = Table(
    "orders",
    "Orders, one row per order version: a status change re-lands the row with a later "
    "`updated_at`.",
    (
        _col("order_id", TEXT, "The application's order id.", "internal", NOT_NULL),
        _col("customer_id", TEXT, "The customer who placed it.", "internal", NOT_NULL),
        _col("status", TEXT, f"One of {', '.join(ORDER_STATUSES)}.", "internal", NOT_NULL),
        _col("channel", TEXT, "web, app or agent (placed by a shopping agent).", "internal"),
        _col("currency", TEXT, "ISO 4217 currency of every amount of the order.", "internal"),
        _col("purchased_at", TIMESTAMP, "When the order was placed (UTC).", "internal"),
        _col("approved_at", TIMESTAMP, "When payment was approved (UTC).", "internal"),
        _col("delivered_carrier_at", TIMESTAMP, "Handed to the carrier (UTC).", "internal"),
        _col("delivered_customer_at", TIMESTAMP, "Delivered to the customer (UTC).", "internal"),
        _col("estimated_delivery_date", DATE, "Delivery date promised at purchase.", "internal"),
        _col("updated_at", TIMESTAMP, _UPDATED, "internal", NOT_NULL),
    ),
    ("order_id",),
    ("updated_at",),
)

ORDER_ITEMS = Table(
    "order_items",
    "Order lines. No `updated_at`: the complete current lines of every order in the same "
    "run's orders file (an order re-read with no lines has none left: canceled, or rewritten "
    "while open).",
    (
        _col("order_id", TEXT, "The order.", "internal", NOT_NULL),
        _col("line_number", INTEGER, "Line within the order, from 1.", "internal", NOT_NULL),
        _col("product_id", TEXT, "The product sold.", "internal", NOT_NULL),
        _col("seller_id", TEXT, "The seller who ships it.", "internal", NOT_NULL),
        _col("shipping_limit_at", TIMESTAMP, "The seller's shipping deadline (UTC).", "internal"),
        _col("price", MONEY, "Price of the line, in the order's currency.", "internal", NOT_NULL),
        _col("freight_value", MONEY, "Freight of the line, order currency.", "internal", NOT_NULL),
    ),
    ("order_id", "line_number"),
    (),
)

PAYMENT_METHODS = ("credit_card", "boleto", "voucher", "debit_card", "not_defined")
PAYMENTS = Table(
    "payments",
    "Payments of orders (an order may be paid in several parts). No `updated_at`: the "
    "complete current payments of every order in the same run's orders file.",
    (
        _col("order_id", TEXT, "The order.", "internal", NOT_NULL),
        _col("sequence", INTEGER, "Part of the payment, from 1.", "internal", NOT_NULL),
        _col("method", TEXT, f"One of {', '.join(PAYMENT_METHODS)}.", "confidential", NOT_NULL),
        _col("installments", INTEGER, "Installments chosen (1 = paid at once).", "confidential"),
        _col("amount", MONEY, "Amount, in the order's currency.", "confidential", NOT_NULL),
        _col("created_at", TIMESTAMP, "When the payment was recorded (UTC).", "internal"),
    ),
    ("order_id", "sequence"),
    (),
)

REVIEWS = Table(
    "reviews",
    "Customer reviews; one review may cover several orders (one row per review and order). "
    "Re-read when created or answered since the last run.",
    (
        _col("review_id", TEXT, "The review.", "internal", NOT_NULL),
        _col("order_id", TEXT, "An order it covers.", "internal", NOT_NULL),
        _col("score", INTEGER, "Score 1..5.", "internal", NOT_NULL),
        _col("title", TEXT, "Title the customer wrote (free text, personal data).", "restricted"),
        _col(
            "message",
            TEXT,
            "Message the customer wrote: free text with newlines and quotes, may hold names, "
            "e-mail addresses and phone numbers (personal data).",
            "restricted",
        ),
        _col("created_at", TIMESTAMP, "When the review was written (UTC).", "internal", NOT_NULL),
        _col("answered_at", TIMESTAMP, "When the shop answered it (UTC).", "internal"),
    ),
    ("review_id", "order_id"),
    ("created_at", "answered_at"),
    retention="personal_data",
)

TABLES: tuple[Table, ...] = (
    CUSTOMERS,
    SELLERS,
    CATEGORIES,
    PRODUCTS,
    ORDERS,
    ORDER_ITEMS,
    PAYMENTS,
    REVIEWS,
)
"""In the application's load order (foreign keys point to earlier tables)."""

# the tables re-read for the orders whose `updated_at` moved
PER_ORDER: tuple[str, ...] = ("order_items", "payments")

_SNAPSHOT_NOTE = (
    "{{ doc('raw_landing_metadata') }} Here `snapshot_id` (the UTC time of the run's "
    "snapshot, sortable), `mode` (full or incremental), `watermark_from` and `watermark` "
    "(the table's watermark before and after the run) and `overlap_minutes`."
)


def _dataset(table: Table) -> Dataset:
    return Dataset(
        source=SOURCE,
        name=table.name,
        description=table.description,
        pattern=f"{table.name}_[0-9]*.parquet",
        format=Parquet(),
        layouts=(Layout("app_v1", required=table.column_names),),
        primary_key=table.primary_key,
        schema=(
            *(column for column, _ in table.columns),
            Column("_landing_metadata", _SNAPSHOT_NOTE, "confidential"),
        ),
        retention=table.retention,
    )


DATASETS = [_dataset(table) for table in TABLES]


def table(name: str) -> Table:
    """The application table called `name`."""
    for candidate in TABLES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
