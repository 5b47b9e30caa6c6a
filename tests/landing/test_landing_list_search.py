"""list() filters and search() ranking, filters and punctuation."""

from __future__ import annotations

import pytest

from lake.errors import ValidationError
from lake.landing import SyncLandingStore


@pytest.fixture
def filled(store: SyncLandingStore, clock) -> SyncLandingStore:
    store.store("streams.csv", b"date,streams\n", "csv", source="distrokid")
    store.store("bank.tsv", b"iban\tname\n", "tsv", source="distrokid")
    store.store("deep.csv", b"a\n", "csv", subpath="eu/daily", source="distrokid")
    store.store("orders.json", b"[]", "json", source="shop")
    clock.advance(1)
    store.store("later.csv", b"b\n", "csv", source="distrokid")
    return store


def paths_of(entries) -> list[str]:
    return [entry.path for entry in entries]


def test_list_all_and_by_type(filled: SyncLandingStore) -> None:
    assert paths_of(filled.list()) == [
        "landing/distrokid/2026-11-23-1342/bank.tsv",
        "landing/distrokid/2026-11-23-1342/eu/daily/deep.csv",
        "landing/distrokid/2026-11-23-1342/streams.csv",
        "landing/distrokid/2026-11-23-1343/later.csv",
        "landing/shop/2026-11-23-1342/orders.json",
    ]
    assert len(filled.list(data_type="csv")) == 3
    assert paths_of(filled.list(data_type="json")) == ["landing/shop/2026-11-23-1342/orders.json"]
    assert filled.list(data_type="parquet") == []


def test_list_by_folder(filled: SyncLandingStore) -> None:
    assert len(filled.list(subpath="distrokid")) == 4
    assert len(filled.list(subpath="distrokid/")) == 4
    assert filled.list(subpath="distrokid", recursive=False) == []
    assert len(filled.list(subpath="distrokid/2026-11-23-1342")) == 3
    assert paths_of(filled.list(subpath="distrokid/2026-11-23-1342", recursive=False)) == [
        "landing/distrokid/2026-11-23-1342/bank.tsv",
        "landing/distrokid/2026-11-23-1342/streams.csv",
    ]
    assert paths_of(filled.list(subpath="distrokid/2026-11-23-1342/eu", recursive=False)) == []
    assert len(filled.list(subpath="distrokid/2026-11-23-1342/eu")) == 1
    assert len(filled.list(data_type="csv", subpath="distrokid/2026-11-23-1342")) == 2
    assert filled.list(subpath="dist") == []  # a folder name, not a prefix
    assert len(filled.list(subpath="shop")) == 1


def test_list_refuses_bad_filters(filled: SyncLandingStore) -> None:
    with pytest.raises(ValidationError):
        filled.list(subpath="../x")
    with pytest.raises(ValidationError):
        filled.list(data_type="CSV; drop table")


def test_list_shows_latest_live_versions(filled: SyncLandingStore, clock) -> None:
    streams = filled.retrieve_by_path("landing/distrokid/2026-11-23-1342/streams.csv")
    bank = filled.retrieve_by_path("landing/distrokid/2026-11-23-1342/bank.tsv")
    clock.advance(5)
    newer = filled.update(streams.id, b"date,streams\n2026-11-01,4\n")
    filled.delete(bank.id)

    listed = filled.list()
    assert newer in listed
    assert streams not in listed
    assert bank.id not in {entry.id for entry in listed}
    assert len(listed) == 4


@pytest.fixture
def corpus(store: SyncLandingStore) -> dict[str, str]:
    ids = {}
    ids["name"] = store.store(
        "dk_bank_details_x.tsv", b"iban\tholder\n", "tsv", source="distrokid"
    ).id
    ids["body"] = store.store(
        "payouts.csv",
        b"note\nsee the bank details of the label\nmore rows\n",
        "csv",
        source="distrokid",
    ).id
    ids["meta"] = store.store(
        "artist.json",
        b'{"plays": 1}',
        "json",
        {"artist": "Blue Frog", "campaign_id": "zone.a0"},
        source="spotify",
    ).id
    ids["other"] = store.store("unrelated.csv", b"apples\n", "csv", source="shop").id
    return ids


def ids_of(entries) -> list[str]:
    return [entry.id for entry in entries]


def test_search_ranks_name_over_body(store: SyncLandingStore, corpus: dict[str, str]) -> None:
    hits = store.search("bank details")
    assert ids_of(hits) == [corpus["name"], corpus["body"]]
    assert ids_of(store.search("dk_bank_details")) == [corpus["name"]]
    assert ids_of(store.search("bank_details")) == [corpus["name"], corpus["body"]]


def test_search_metadata_keys_and_values(store: SyncLandingStore, corpus: dict[str, str]) -> None:
    assert ids_of(store.search("Blue Frog")) == [corpus["meta"]]
    assert ids_of(store.search("blue frog")) == [corpus["meta"]]
    assert ids_of(store.search("zone.a0")) == [corpus["meta"]]
    assert ids_of(store.search("campaign_id")) == [corpus["meta"]]
    assert ids_of(store.search('"Blue Frog"')) == [corpus["meta"]]


def test_search_filters_and_limit(store: SyncLandingStore, corpus: dict[str, str]) -> None:
    assert ids_of(store.search("bank", data_type="csv")) == [corpus["body"]]
    assert ids_of(store.search("bank", subpath="spotify")) == []
    assert ids_of(store.search("distrokid", limit=1)) != []
    assert len(store.search("distrokid", limit=1)) == 1
    assert len(store.search("distrokid")) == 2
    with pytest.raises(ValidationError):
        store.search("bank", limit=0)


def test_search_fallbacks(store: SyncLandingStore, corpus: dict[str, str]) -> None:
    assert set(ids_of(store.search("distro"))) == {corpus["name"], corpus["body"]}
    assert ids_of(store.search("apples nonexistentword")) == [corpus["other"]]
    assert store.search("nonexistentword") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        '""',
        "AND",
        "OR NOT",
        "NEAR(",
        "(bank",
        "bank)",
        "*",
        "bank*",
        "^bank",
        "a:b",
        "name:bank",
        "-",
        "+bank -details",
        "{name}: x",
        "zone.a0",
        "dk_bank_details",
        "...",
        "",
        "   ",
        "\x00",
        "ünïcödé ✓ 日本",
        "bank' OR 1=1 --",
    ],
)
def test_search_never_raises_on_punctuation(
    store: SyncLandingStore, corpus: dict[str, str], query: str
) -> None:
    assert isinstance(store.search(query), list)


def test_search_content_only_for_text(store: SyncLandingStore) -> None:
    store.store("a.parquet", b"PAR1 hiddenword PAR1", "parquet", source="s")
    text = store.store("b.dat", b"visibleword in utf-8 text", "dat", source="s")
    store.store("c.dat", b"\xff\xfe binaryword \x00\x81", "dat", source="s")
    assert store.search("hiddenword") == []
    assert ids_of(store.search("visibleword")) == [text.id]
    assert store.search("binaryword") == []


def test_search_sees_latest_live_versions_only(
    store: SyncLandingStore, corpus: dict[str, str]
) -> None:
    store.update(corpus["other"], b"pears\n")
    assert store.search("apples") == []
    assert ids_of(store.search("pears")) == [corpus["other"]]
    store.delete(corpus["meta"])
    assert store.search("Blue Frog") == []
