"""Turning what a person types into an FTS5 query that can never be a syntax error.

The query is split on whitespace; every piece becomes an FTS5 string (double quotes doubled),
which FTS5 tokenizes with the index's tokenizer into a phrase. So `dk_bank_details` is the
phrase `dk bank details`, `zone.a0` is `zone a0`, and `"`, `AND`, `(`, `*` or `a:b` are plain
text, not operators. Pieces with no letter or digit are dropped (they hold no token).
"""

from __future__ import annotations

from enum import Enum


class Mode(Enum):
    """How the phrases combine: all of them, any of them, or all of them as prefixes."""

    ALL = "all"
    ANY = "any"
    PREFIX = "prefix"


def terms(query: str) -> list[str]:
    """The whitespace-separated pieces of `query` that hold at least one letter or digit."""
    return [piece for piece in query.split() if any(char.isalnum() for char in piece)]


def phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(pieces: list[str], mode: Mode) -> str:
    """An FTS5 MATCH expression for the pieces ('' when there is nothing to match)."""
    if not pieces:
        return ""
    if mode is Mode.ANY:
        return " OR ".join(phrase(piece) for piece in pieces)
    if mode is Mode.PREFIX:
        return " AND ".join(f"{phrase(piece)} *" for piece in pieces)
    return " AND ".join(phrase(piece) for piece in pieces)
