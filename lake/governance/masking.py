"""Masking as DuckDB SQL macros, applied to a database before it is published.

Macros are created `temp` on the connection that masks (the salt is a literal in their body,
so it never lands in a published file). Every macro is idempotent: masking a masked value
gives the same value, so an incremental model that carries published (masked) rows forward
and adds new ones gets one consistent masking after the next publish.

- `lake_mask_hash(v)`: `h:` + SHA-256(salt || v), joinable across tables and versions;
- `lake_mask_email(v)`: `***@domain` (lower case);
- `lake_mask_phone(v)`: `***` + the last 4 digits;
- `lake_mask_text(v)`: free text with e-mail addresses, CPF numbers, card numbers and phone
  numbers replaced by `[email]`, `[cpf]`, `[card]`, `[phone]`.
"""

from __future__ import annotations

import duckdb

from lake.governance.classification import Masking

EMAIL_RE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# A number's edges: neither a letter nor a digit next to it (as `\b`; so digits inside an id
# such as a hex hash are not a number), or, before it, a JSON escape (`\n52998224725`,
# where `\b` sees no edge). RE2 has no lookaround: the edges are matched and kept by the
# replacement (\1, \2), and each pattern is applied twice (`TEXT_STEPS`) to reach a number
# right after another one's edge.
BEFORE = r"(^|[^0-9A-Za-z]|\\[nrtbf])"
AFTER = r"([^0-9A-Za-z]|$)"
CPF_RE = BEFORE + r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}" + AFTER
CARD_RE = BEFORE + r"\d(?:[ -]?\d){12,18}" + AFTER
INTL_PHONE_RE = r"\+\d{1,3}[ .-]?\(?\d{2,3}\)?[ .-]?\d{4,5}[ .-]?\d{4}\b"
PHONE_RE = BEFORE + r"(?:\(\d{2,3}\)|\d{2,3})[ .-]?\d{3,5}[ .-]?\d{4}" + AFTER
HASHED_RE = r"^h:[0-9a-f]{64}$"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# in order: e-mails first (their digits are not a phone), CPFs before the looser phone
# pattern; each digit pattern twice, for a number right after another one's edge
TEXT_STEPS = (
    (EMAIL_RE, "[email]"),
    (CPF_RE, "\\1[cpf]\\2"),
    (CPF_RE, "\\1[cpf]\\2"),
    (INTL_PHONE_RE, "[phone]"),
    (CARD_RE, "\\1[card]\\2"),
    (CARD_RE, "\\1[card]\\2"),
    (PHONE_RE, "\\1[phone]\\2"),
    (PHONE_RE, "\\1[phone]\\2"),
)


def _text_masking(value: str) -> str:
    for pattern, replacement in TEXT_STEPS:
        value = f"regexp_replace({value}, '{pattern}', '{replacement}', 'g')"
    return value


def macro_sql(salt: str) -> list[str]:
    digits = "regexp_replace(v::varchar, '[^0-9]', '', 'g')"
    return [
        f"""create or replace temp macro lake_mask_hash(v) as
            case when v is null then null
                 when regexp_matches(v::varchar, '{HASHED_RE}') then v::varchar
                 else 'h:' || sha256({_literal(salt)} || v::varchar) end""",
        """create or replace temp macro lake_mask_email(v) as
            case when v is null then null
                 when strpos(v::varchar, '@') > 0
                     then '***@' || lower(trim(split_part(v::varchar, '@', -1)))
                 else lake_mask_hash(v) end""",
        f"""create or replace temp macro lake_mask_phone(v) as
            case when v is null then null
                 else '***' || right({digits}, 4) end""",
        f"create or replace temp macro lake_mask_text(v) as {_text_masking('v::varchar')}",
    ]


def install_macros(con: duckdb.DuckDBPyConnection, salt: str) -> None:
    for statement in macro_sql(salt):
        con.execute(statement)


def _expression(column: str, masking: Masking, data_type: str) -> str:
    quoted = f'"{column}"'
    if masking == "null":
        return "null"
    if data_type == "JSON":
        return f"lake_mask_text({quoted})::json"
    if data_type != "VARCHAR":
        return "null"  # a restricted date, number or struct: no partial mask means anything
    return f"lake_mask_{masking}({quoted})"


def mask_database(
    con: duckdb.DuckDBPyConnection,
    salt: str,
    columns: dict[tuple[str, str], dict[str, Masking]],
    *,
    catalog: str | None = None,
) -> dict[str, list[str]]:
    """Mask the restricted columns of every base table of `catalog` (default: the current
    database) that `columns` names. Returns `schema.table` -> the columns masked."""
    install_macros(con, salt)
    present = _base_table_types(con, catalog)
    done: dict[str, list[str]] = {}
    prefix = f'"{catalog}".' if catalog else ""
    for (schema, table), wanted in sorted(columns.items()):
        types = present.get((schema, table))
        if types is None:
            continue
        sets = [
            f'"{name}" = {_expression(name, masking, types[name])}'
            for name, masking in sorted(wanted.items())
            if name in types
        ]
        if sets:
            con.execute(f'update {prefix}"{schema}"."{table}" set {", ".join(sets)}')
            done[f"{schema}.{table}"] = sorted(n for n in wanted if n in types)
    return done


def _base_table_types(
    con: duckdb.DuckDBPyConnection, catalog: str | None
) -> dict[tuple[str, str], dict[str, str]]:
    rows = con.execute(
        "select c.schema_name, c.table_name, c.column_name, c.data_type "
        "from duckdb_columns() c join duckdb_tables() t "
        "on c.database_name = t.database_name and c.schema_name = t.schema_name "
        "and c.table_name = t.table_name "
        "where c.database_name = coalesce(?, current_database())",
        [catalog],
    ).fetchall()
    found: dict[tuple[str, str], dict[str, str]] = {}
    for schema, table, column, data_type in rows:
        found.setdefault((str(schema), str(table)), {})[str(column)] = str(data_type)
    return found
