"""The shared parsing helpers: the JavaScript literal reader and the record-key helpers."""

from __future__ import annotations

import pytest

from lake.contracts._helpers import JsSyntaxError, flatten, parse_js_value, public_keys


def js(text: str) -> object:
    value, end = parse_js_value(text, 0)
    assert end <= len(text)
    return value


def test_strict_json_is_read_and_the_end_is_reported() -> None:
    text = 'x = {"a": [1, 2.5, -3e2, true, null], "b": "}"}; var y = 2;'
    value, end = parse_js_value(text, text.index("{"))
    assert value == {"a": [1, 2.5, -300.0, True, None], "b": "}"}
    assert text[end:] == "; var y = 2;"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{a: 1, 'b': 'two', \"c\": [3,],}", {"a": 1, "b": "two", "c": [3]}),
        ("{ /* x: { */ a: 1 // y: ]\n }", {"a": 1}),
        ("['it\\'s', \"say \\\"hi\\\"\", '\\u00e9\\x41\\n']", ["it's", 'say "hi"', "éA\n"]),
        ("{$id: 0x1F, _k: .5, n: +2, u: undefined}", {"$id": 31, "_k": 0.5, "n": 2, "u": None}),
        ("{nested: {deep: [{x: '{[}]'}]}}", {"nested": {"deep": [{"x": "{[}]"}]}}),
        ("{1: 'numeric key'}", {"1": "numeric key"}),
        ("[]", []),
        ("{}", {}),
    ],
)
def test_loose_javascript_literals(text: str, expected: object) -> None:
    assert js(text) == expected


@pytest.mark.parametrize(
    "text",
    ["{a: 1", "{a 1}", "['open", "[1 2]", "{a: foo()}", "/* never closed", "", "{a: '\\u12'}"],
)
def test_broken_literals_raise_with_an_offset(text: str) -> None:
    with pytest.raises(JsSyntaxError) as caught:
        js(text)
    assert caught.value.pos >= 0


def test_public_keys_strip_leading_underscores() -> None:
    assert public_keys({"__typename": "A", "_links": [], "id": 1}) == {
        "typename": "A",
        "links": [],
        "id": 1,
    }
    # a key the source already spells without underscores wins
    assert public_keys({"_id": "x", "id": "y"}) == {"id": "y"}


def test_flatten_lifts_one_level() -> None:
    record = {
        "name": "mobile",
        "views": {"total": 3, "__typename": "AccountViews"},
        "deep": {"a": {"b": 1}},
        "__typename": "AccountDevice",
    }
    assert flatten(record) == {
        "name": "mobile",
        "views_total": 3,
        "deep_a": {"b": 1},
        "typename": "AccountDevice",
    }
    assert flatten({"opens": {"opens_total": 1}, "id": 2}, prefix=False) == {
        "opens_total": 1,
        "id": 2,
    }
    # without a prefix, a name the parent already has keeps the prefix
    assert flatten({"id": 1, "x": {"id": 2}}, prefix=False) == {"id": 1, "x_id": 2}
