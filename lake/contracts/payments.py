"""Payments: the shop's payment gateway (Stripe's API), JSON list pages and single objects.

What lands: `extract/payments.py` reads `GET /v1/<resource>` with the official `stripe`
client (the sandbox in the demo, `https://api.stripe.com` in production) and saves each list
page as served, `<resource>_p<n>.json` (`{"object": "list", "data": [...], "has_more": ...}`),
plus single objects re-fetched after an event changed them, `charge_<id>.json` and
`dispute_<id>.json`. The layouts follow Stripe's API reference and its published example
objects (`/work/shared/fixtures/payments/stripe_example_objects.json`).

One row per object per file: the nested values a reader needs are lifted to columns (the
shop's `metadata.order_id`, `billing_details.*`, `payment_method_details.card.*`, an event's
`data.object.id`), the rest lands as JSON text. Amounts are integers in the currency's minor
unit (`1234` = 12.34 BRL), currencies lower case, times Unix seconds. An object is landed again
whenever a page repeats it (the extract windows overlap): staging keeps its newest version.

Path through the lake: `extract/payments.py` -> `landing/payments/<batch>/` ->
`raw/_source=payments/_dataset=<resource>/` -> `models/staging/payments/`.
"""

from __future__ import annotations

from lake.contracts._helpers import (
    Field,
    api_error,
    lifted_rows,
    load_json,
    require_record,
    type_name,
)
from lake.errors import ContractError
from lake.ingest.contract import (
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Records,
    Source,
)

SOURCE = "payments"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Payments (Stripe)",
    description=(
        "The shop's payment gateway (Stripe's API): charges, refunds, disputes, balance "
        "transactions and events, listed by creation time with the official `stripe` client, "
        "landed page by page by `extract/payments.py` and written to the raw zone by "
        "`lake ingest`. Amounts in minor units; the shop's order id is `metadata.order_id`."
    ),
    owner="shop-finance",
    freshness=Freshness(
        warn_days=2,
        error_days=4,
        why="Extracted daily; refunds and disputes must reach finance within days.",
    ),
)

_FIX = (
    "re-run extract/payments.py for this window; an error body means the key was refused "
    "(set LAKE_PAYMENTS_TOKEN) or the gateway failed (retry later)"
)


Spec = Field
F = Field

_COMMON: tuple[Spec, ...] = (
    F(
        "id",
        "id",
        "The object's id with its type prefix (`ch_`, `re_`, `dp_`, `txn_`, `evt_`).",
        "internal",
        None,
    ),
    F("object", "object", "Stripe's object type (`charge`, `refund`, ...).", "internal", None),
    F(
        "created",
        "created",
        "When the object was created, Unix seconds (UTC).",
        "internal",
        "bigint",
    ),
)
_MONEY: tuple[Spec, ...] = (
    F(
        "amount",
        "amount",
        "Amount in the currency's minor unit (`1234` = 12.34), an integer.",
        "confidential",
        "bigint",
    ),
    F("currency", "currency", "ISO 4217 currency code, lower case (`brl`).", "internal", None),
)
_ORDER = F(
    "order_id",
    "metadata.order_id",
    "The shop's order id, set by the shop in `metadata.order_id` (the application's orders).",
)
_METADATA = F("metadata", "metadata", "Every key/value the shop set on the object, JSON text.")

CHARGE: tuple[Spec, ...] = (
    *_COMMON,
    *_MONEY,
    F(
        "amount_captured",
        "amount_captured",
        "Amount captured, minor units.",
        "confidential",
        "bigint",
    ),
    F(
        "amount_refunded",
        "amount_refunded",
        "Amount refunded so far, minor units.",
        "confidential",
        "bigint",
    ),
    F("status", "status", "`succeeded`, `pending` or `failed`.", "internal", None),
    F("paid", "paid", "`true` when the charge succeeded or was authorised.", "internal", "boolean"),
    F("captured", "captured", "`true` once the charge was captured.", "internal", "boolean"),
    F("refunded", "refunded", "`true` once fully refunded.", "internal", "boolean"),
    F("disputed", "disputed", "`true` once the charge was disputed.", "internal", "boolean"),
    F(
        "description",
        "description",
        "The shop's description of the charge (`Order <id>`).",
        "internal",
        None,
    ),
    F(
        "balance_transaction",
        "balance_transaction",
        "Id of the balance transaction (`txn_...`).",
        "internal",
        None,
    ),
    F("payment_intent", "payment_intent", "Id of the payment intent (`pi_...`).", "internal", None),
    F("payment_method", "payment_method", "Id of the payment method (`pm_...`).", "internal", None),
    F(
        "failure_code",
        "failure_code",
        "Why the charge failed (`card_declined`, ...); null when it did not.",
        "internal",
        None,
    ),
    F("failure_message", "failure_message", "The failure, in words.", "internal", None),
    F("livemode", "livemode", "`false` for test-mode objects.", "internal", "boolean"),
    _ORDER,
    F(
        "payment_sequence",
        "metadata.payment_sequence",
        "The application's `payments.sequence` this charge pays (`metadata.payment_sequence`).",
        "internal",
        "integer",
    ),
    _METADATA,
    F(
        "billing_name",
        "billing_details.name",
        "Card holder's name (`billing_details.name`).",
        "restricted",
        None,
    ),
    F(
        "billing_email",
        "billing_details.email",
        "Card holder's e-mail (`billing_details.email`).",
        "restricted",
        None,
    ),
    F(
        "billing_phone",
        "billing_details.phone",
        "Card holder's phone (`billing_details.phone`).",
        "restricted",
        None,
    ),
    F(
        "billing_address_line1",
        "billing_details.address.line1",
        "Billing street address.",
        "restricted",
        None,
    ),
    F(
        "billing_address_line2",
        "billing_details.address.line2",
        "Billing address, second line.",
        "restricted",
        None,
    ),
    F("billing_address_city", "billing_details.address.city", "Billing city.", "restricted", None),
    F(
        "billing_address_state",
        "billing_details.address.state",
        "Billing state.",
        "restricted",
        None,
    ),
    F(
        "billing_address_postal_code",
        "billing_details.address.postal_code",
        "Billing postal code.",
        "restricted",
        None,
    ),
    F(
        "billing_address_country",
        "billing_details.address.country",
        "Billing country (ISO 3166-1 alpha-2).",
        "restricted",
        None,
    ),
    F("receipt_email", "receipt_email", "Where the receipt was sent.", "restricted", None),
    F(
        "payment_method_type",
        "payment_method_details.type",
        "Payment method type (`card`).",
        "internal",
        None,
    ),
    F(
        "card_brand",
        "payment_method_details.card.brand",
        "Card brand (`visa`, `mastercard`, `elo`, `amex`).",
        "internal",
        None,
    ),
    F(
        "card_funding",
        "payment_method_details.card.funding",
        "`credit`, `debit`, `prepaid` or `unknown`.",
        "internal",
        None,
    ),
    F(
        "card_country",
        "payment_method_details.card.country",
        "Country of the card's issuer.",
        "internal",
        None,
    ),
    F(
        "card_last4",
        "payment_method_details.card.last4",
        "Last four digits of the card number.",
        "restricted",
        None,
    ),
    F(
        "card_exp_month",
        "payment_method_details.card.exp_month",
        "Card expiry month.",
        "restricted",
        "integer",
    ),
    F(
        "card_exp_year",
        "payment_method_details.card.exp_year",
        "Card expiry year.",
        "restricted",
        "integer",
    ),
    F(
        "card_fingerprint",
        "payment_method_details.card.fingerprint",
        "Stripe's fingerprint of the card number (the same card gives the same value).",
        "restricted",
        None,
    ),
    F(
        "card_installments",
        "payment_method_details.card.installments.plan.count",
        "Number of monthly installments (null: paid at once).",
        "internal",
        "integer",
    ),
    F(
        "outcome_type",
        "outcome.type",
        "Outcome of the authorisation (`authorized`, `issuer_declined`, ...).",
        "internal",
        None,
    ),
    F(
        "outcome_network_status",
        "outcome.network_status",
        "The card network's answer.",
        "internal",
        None,
    ),
    F(
        "outcome_risk_level",
        "outcome.risk_level",
        "Stripe's risk evaluation (`normal`, `elevated`, `highest`).",
        "internal",
        None,
    ),
)

REFUND: tuple[Spec, ...] = (
    *_COMMON,
    *_MONEY,
    F("charge", "charge", "Id of the refunded charge (`ch_...`).", "internal", None),
    F(
        "status",
        "status",
        "`pending`, `succeeded`, `failed`, `canceled` or `requires_action`.",
        "internal",
        None,
    ),
    F(
        "reason",
        "reason",
        "`duplicate`, `fraudulent` or `requested_by_customer`; null when not given.",
        "internal",
        None,
    ),
    F(
        "balance_transaction",
        "balance_transaction",
        "Id of the balance transaction (`txn_...`).",
        "internal",
        None,
    ),
    F("payment_intent", "payment_intent", "Id of the charge's payment intent.", "internal", None),
    _ORDER,
    _METADATA,
)

DISPUTE: tuple[Spec, ...] = (
    *_COMMON,
    *_MONEY,
    F("charge", "charge", "Id of the disputed charge (`ch_...`).", "internal", None),
    F(
        "status",
        "status",
        "`needs_response`, `under_review`, `won` or `lost` (or `warning_*` for inquiries).",
        "internal",
        None,
    ),
    F(
        "reason",
        "reason",
        "The card holder's reason (`fraudulent`, `product_not_received`, ...).",
        "internal",
        None,
    ),
    F(
        "is_charge_refundable",
        "is_charge_refundable",
        "Whether the charge can still be refunded.",
        "internal",
        "boolean",
    ),
    F(
        "evidence_due_by",
        "evidence_details.due_by",
        "When the evidence is due, Unix seconds.",
        "internal",
        "bigint",
    ),
    F(
        "has_evidence",
        "evidence_details.has_evidence",
        "Whether evidence was submitted.",
        "internal",
        "boolean",
    ),
    F(
        "balance_transactions",
        "balance_transactions",
        "Ids of the balance transactions the dispute caused, JSON array text.",
        "internal",
        None,
    ),
    F("payment_intent", "payment_intent", "Id of the charge's payment intent.", "internal", None),
    _ORDER,
    _METADATA,
)

BALANCE_TRANSACTION: tuple[Spec, ...] = (
    *_COMMON,
    *_MONEY,
    F("fee", "fee", "Fees paid for this transaction, minor units.", "confidential", "bigint"),
    F("net", "net", "`amount - fee`, minor units.", "confidential", "bigint"),
    F(
        "available_on",
        "available_on",
        "When the money becomes available, Unix seconds.",
        "internal",
        "bigint",
    ),
    F("status", "status", "`available` or `pending`.", "internal", None),
    F(
        "type",
        "type",
        "Transaction type (`charge`, `refund`, `adjustment`, `payout`, ...).",
        "internal",
        None,
    ),
    F(
        "reporting_category",
        "reporting_category",
        "Stripe's reporting category (`charge`, `refund`, `dispute`, `dispute_reversal`, ...).",
        "internal",
        None,
    ),
    F(
        "source",
        "source",
        "Id of the object that caused it (`ch_`, `re_`, `dp_`).",
        "internal",
        None,
    ),
    F("description", "description", "Description of the transaction.", "internal", None),
    F(
        "exchange_rate",
        "exchange_rate",
        "Rate applied when the currency was converted; null when it was not.",
        "internal",
        "double",
    ),
    F(
        "fee_details",
        "fee_details",
        "The fees, itemised, as JSON array text.",
        "confidential",
        None,
    ),
)

EVENT: tuple[Spec, ...] = (
    *_COMMON,
    F(
        "type",
        "type",
        "Event type (`charge.succeeded`, `charge.refunded`, `charge.dispute.created`, ...).",
        "internal",
        None,
    ),
    F("api_version", "api_version", "API version the event was rendered with.", "internal", None),
    F("livemode", "livemode", "`false` for test-mode events.", "internal", "boolean"),
    F("data_object_id", "data.object.id", "Id of the object the event is about.", "internal", None),
    F(
        "data_object_type",
        "data.object.object",
        "Type of that object (`charge`, `dispute`, ...).",
        "internal",
        None,
    ),
    F(
        "data_object_order_id",
        "data.object.metadata.order_id",
        "The shop's order id on that object.",
        "internal",
        None,
    ),
    F(
        "data_object",
        "data.object",
        "The object as it was when the event happened, JSON text (with billing and card data).",
        "restricted",
        None,
    ),
    F(
        "pending_webhooks",
        "pending_webhooks",
        "Webhook deliveries not yet acknowledged.",
        "internal",
        "integer",
    ),
)


def _parser(kind: str, specs: tuple[Spec, ...]) -> Hook:
    """A hook reading a list page of `kind` objects, or one `kind` object."""
    what = f"the Stripe {kind} response"

    def parse(inp: ParseInput) -> Records | None:
        doc = load_json(inp, what=what, fix=_FIX)
        if not isinstance(doc, dict):
            return None
        if "error" in doc and "object" not in doc:
            raise api_error(inp, doc["error"], what=what, fix=_FIX)
        if doc.get("object") == kind:
            return lifted_rows(specs, [doc])
        if doc.get("object") != "list":
            return None
        data = doc.get("data")
        if not isinstance(data, list):
            raise ContractError(
                "unexpected_shape",
                f"{inp.name}: 'data' should be an array, found {type_name(data)}",
                _FIX,
                {"file": inp.name},
            )
        rows = [require_record(o, inp, i, what=what, fix=_FIX) for i, o in enumerate(data)]
        wrong = sorted({str(r.get("object")) for r in rows} - {kind})
        if wrong:
            return None  # another resource's page
        return lifted_rows(specs, rows)

    return Hook(parse)


def _dataset(
    name: str, kind: str, pattern: str, specs: tuple[Spec, ...], description: str
) -> Dataset:
    required = ("id", "created")
    restricted = any(s.classification == "restricted" for s in specs)
    columns = tuple(s.name for s in specs)
    return Dataset(
        source=SOURCE,
        name=name,
        description=description,
        pattern=pattern,
        format=_parser(kind, specs),
        layouts=(
            Layout(
                f"{name}_v1",
                required=required,
                optional=tuple(c for c in columns if c not in required),
            ),
        ),
        primary_key=("id",),
        schema=tuple(s.column() for s in specs),
        retention="personal_data" if restricted else "raw_default",
    )


charges = _dataset(
    "charges",
    "charge",
    "charge*.json",
    CHARGE,
    "One row per charge per landed file (`GET /v1/charges` pages and `charge_<id>.json` "
    "re-fetches): amounts in minor units, the shop's `order_id`, billing details and card "
    "fields (restricted), outcome. Staging keeps the newest version of each charge.",
)
refunds = _dataset(
    "refunds",
    "refund",
    "refunds_*.json",
    REFUND,
    "One row per refund per landed page (`GET /v1/refunds`): amount in minor units, the "
    "refunded charge, status and reason.",
)
disputes = _dataset(
    "disputes",
    "dispute",
    "dispute*.json",
    DISPUTE,
    "One row per dispute (chargeback) per landed file (`GET /v1/disputes` pages and "
    "`dispute_<id>.json` re-fetches): amount, charge, status (moves to `won`/`lost`), reason, "
    "evidence deadline.",
)
balance_transactions = _dataset(
    "balance_transactions",
    "balance_transaction",
    "balance_transactions_*.json",
    BALANCE_TRANSACTION,
    "One row per balance transaction per landed page (`GET /v1/balance_transactions`): "
    "amount, fee and net in minor units, type and reporting category, the source object, "
    "when it becomes available.",
)
events = _dataset(
    "events",
    "event",
    "events_*.json",
    EVENT,
    "One row per event per landed page (`GET /v1/events`, the gateway keeps 30 days): type, "
    "the object it is about (id, type, order id) and that object as it was, JSON text.",
)

DATASETS = [charges, refunds, disputes, balance_transactions, events]
