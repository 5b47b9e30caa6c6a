"""Find unmasked personal values in what is published: e-mail addresses, phone numbers,
card numbers (Luhn-valid), Brazilian CPF numbers (check digits valid).

`scan_published(paths)` reads every table of every published database (`lake.duckdb`, kept
versions, masked role databases; the encrypted data_engineer one is meant to hold them), the
curated Parquet and the docs site's embedded catalog, and returns one finding per
(place, table, column, kind) with an example. A match runs in DuckDB first (regexp), then the
check digits in Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.governance.roles import ENCRYPTED_ROLE

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# international (+55 11 91234-5678), bracketed area code ((11) 91234-5678), or a national
# number written with its separators (11 91234-5678, 021.99876.4321, 555-123-4567); bare
# digit runs are left to the CPF and card checks (order ids and amounts look like them).
# A number's edges (`B`, `A`): neither a letter nor a digit next to it (as `\b`: digits in a
# hex id are not a number), or, before it, a JSON escape (`\n52998224725`, where `\b` sees
# no edge).
B = r"(?:(?<![0-9A-Za-z])|(?<=\\[nrtbf]))"
A = r"(?![0-9A-Za-z])"
PHONE = (
    rf"(\+\d{{1,3}}[ .-]?\(?\d{{2,3}}\)?[ .-]?\d{{4,5}}[ .-]?\d{{4}}{A}"
    rf"|\(\d{{2,3}}\) ?\d{{4,5}}-\d{{4}}{A}"
    rf"|{B}\d{{2,3}}[ .-]\d{{3,5}}[ .-]\d{{4}}{A})"
)
CARD = rf"{B}\d{{4}}([ -]?\d{{4}}){{2}}[ -]?\d{{1,7}}{A}"
CPF = rf"{B}\d{{3}}\.\d{{3}}\.\d{{3}}-\d{{2}}{A}|{B}\d{{11}}{A}"
PATTERNS = {"email": EMAIL, "phone": PHONE, "card": CARD, "cpf": CPF}
# DuckDB's regexp (RE2) has no lookaround: it preselects rows with the patterns whose edges
# are matched instead (a non-digit or the text's end), then Python's `re` finds the values
_ANY = "|".join(
    "(" + p.replace(B, r"(^|[^0-9A-Za-z]|\\[nrtbf])").replace(A, "([^0-9A-Za-z]|$)") + ")"
    for p in PATTERNS.values()
)


@dataclass(frozen=True)
class Finding:
    place: str
    table: str
    column: str
    kind: str
    example: str

    def __str__(self) -> str:
        where = f"{self.place}: {self.table}.{self.column}"
        return f"{where} holds an unmasked {self.kind} ({self.example})"


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


_CARD_BRANDS = (
    (r"4", (13, 16, 19)),
    (r"5[1-5]|2(2[2-9][1-9]|[3-6]\d\d|7[01]\d|720)", (16,)),
    (r"3[47]", (15,)),
    (r"6011|65|64[4-9]", (16,)),
    (r"35(2[89]|[3-8]\d)", (16,)),
)


def card_like(digits: str) -> bool:
    """A card number's shape: a known brand's prefix and length, and a valid Luhn digit."""
    return luhn(digits) and any(
        re.match(prefix, digits) and len(digits) in lengths for prefix, lengths in _CARD_BRANDS
    )


def cpf_valid(digits: str) -> bool:
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    for size in (9, 10):
        total = sum(int(d) * (size + 1 - i) for i, d in enumerate(digits[:size]))
        if (total * 10 % 11) % 10 != int(digits[size]):
            return False
    return True


def kinds_in(text: str) -> Iterator[tuple[str, str]]:
    """(kind, match) of every personal value in `text`."""
    for kind, pattern in PATTERNS.items():
        for match in re.finditer(pattern, text):
            value = match.group(0)
            digits = re.sub(r"\D", "", value)
            if kind == "card" and not card_like(digits):
                continue
            if kind == "cpf" and not cpf_valid(digits):
                continue
            yield kind, value


def _scan_catalog(con: duckdb.DuckDBPyConnection, place: str, catalog: str) -> list[Finding]:
    columns = con.execute(
        "select c.schema_name, c.table_name, c.column_name from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.database_name = ? and c.data_type in ('VARCHAR', 'JSON')",
        [catalog],
    ).fetchall()
    found = []
    for schema, table, column in columns:
        rows = con.execute(
            f'select distinct "{column}"::varchar from "{catalog}"."{schema}"."{table}" '
            f'where regexp_matches("{column}"::varchar, ?) limit 1000',
            [_ANY],
        ).fetchall()
        seen: set[str] = set()
        for (value,) in rows:
            for kind, match in kinds_in(str(value)):
                if kind not in seen:
                    seen.add(kind)
                    found.append(Finding(place, f"{schema}.{table}", str(column), kind, match))
    return found


def scan_database(path: Path) -> list[Finding]:
    with duckdb.connect() as con:
        quoted = str(path).replace("'", "''")
        con.execute(f"attach '{quoted}' as scanned (read_only)")
        return _scan_catalog(con, str(path), "scanned")


def scan_parquet(path: Path) -> list[Finding]:
    with duckdb.connect() as con:
        quoted = str(path).replace("'", "''")
        con.execute(f"create table t as from read_parquet('{quoted}')")
        return [
            Finding(str(path), path.stem, f.column, f.kind, f.example)
            for f in _scan_catalog(con, str(path), "memory")
        ]


def docs_catalog(site: Path) -> dict[str, object]:
    """The catalog the static docs site embeds (`dbt docs generate --static`)."""
    text = site.read_text(encoding="utf-8")
    match = re.search(r'(?:"catalog"|\bcatalog)\s*:\s*(?=\{\s*"metadata")', text)
    if match is None:
        return {}
    return dict(json.JSONDecoder().raw_decode(text[match.end() :])[0])


def scan_docs(site: Path) -> list[Finding]:
    catalog = docs_catalog(site)
    found = []
    nodes = {**(catalog.get("nodes") or {}), **(catalog.get("sources") or {})}  # type: ignore[dict-item]
    for node_id, node in nodes.items():
        for kind, match in kinds_in(json.dumps(node, ensure_ascii=False)):
            found.append(Finding(str(site), str(node_id), "(catalog)", kind, match))
    return found


def published_databases(paths: LakePaths) -> list[Path]:
    warehouse = paths.warehouse
    found = [warehouse / "lake.duckdb", *sorted((warehouse / "versions").glob("*.duckdb"))]
    found += [p for p in sorted((warehouse / "roles").glob("*.duckdb")) if p.stem != ENCRYPTED_ROLE]
    return [p for p in found if p.exists()]


def scan_published(paths: LakePaths) -> list[Finding]:
    found: list[Finding] = []
    for db in published_databases(paths):
        found += scan_database(db)
    for parquet in sorted(paths.curated.rglob("*.parquet")):
        found += scan_parquet(parquet)
    site = paths.docs / "index.html"
    if site.exists():
        found += scan_docs(site)
    return found
