"""Reading the JSON list of comments a piece at a time, as json.loads would read it whole."""

import io
import json
from itertools import islice

import pytest

from masthead.discussion.services import ImportRefused
from masthead.importers import comments_json
from masthead.importers.comments_json import NotUtf8Text, read_comments

DOCUMENTS = [
    "[]",
    " [ ] \n",
    '[{"id": 1, "text": "é😀 \\"quoted\\" \\ud83d\\ude00", "votes": -12.5e3}, 7, true, null]',
    json.dumps([{"id": n, "text": "word " * n, "anchor": None} for n in range(40)], indent=2),
]

MALFORMED = [
    "",
    "[",
    "[1",
    "[1 2]",
    "[1,]",
    '[{"id": 1,\n "text": "fine"},\n{"id": 2, "text": "open]',
    '[\n{"id": 1},\n{oops}\n]',
    "[1] extra",
    "hello",
    '"a string"',
    "\ufeff[]",
]


@pytest.fixture(autouse=True)
def _small_reads(monkeypatch):
    """A few bytes a read, so that items, strings, numbers and characters are cut between them."""
    monkeypatch.setattr(comments_json, "READ_BYTES", 3)


def read(text: str) -> list:
    return list(read_comments(io.BytesIO(text.encode("utf-8"))))


def json_loads_refusal(text: str) -> str:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")
        return f"Not valid JSON: {message} at line {error.lineno}, column {error.colno}."
    assert not isinstance(data, list)
    return comments_json.NOT_A_LIST


@pytest.mark.parametrize("text", DOCUMENTS)
def test_items_are_those_of_the_whole_list(text):
    assert read(text) == json.loads(text)


@pytest.mark.parametrize("text", MALFORMED)
def test_a_fault_is_named_where_json_loads_names_it(text):
    with pytest.raises(ImportRefused) as refused:
        read(text)
    assert str(refused.value) == json_loads_refusal(text)


def test_an_object_is_not_a_list_without_being_read():
    with pytest.raises(ImportRefused, match="must hold a JSON list"):
        read('{"comments": [' + "1, " * 10_000)


def test_a_string_left_open_is_named_where_it_starts():
    with pytest.raises(ImportRefused, match=r"Unterminated string starting at line 2, column 10\."):
        read('[\n{"text": "' + "no closing quote " * 200)


def test_a_fault_late_in_a_long_list_is_named_after_the_items_before_it():
    text = json.dumps([{"id": n, "text": "word " * n} for n in range(300)], indent=1)
    broken = text[: text.rindex("}")] + ',\n "votes" 3}\n]'
    items = read_comments(io.BytesIO(broken.encode("utf-8")))
    assert [item["id"] for item in islice(items, 299)] == list(range(299))
    with pytest.raises(ImportRefused) as refused:
        next(items)
    assert str(refused.value) == json_loads_refusal(broken)
    assert "Expecting ':' delimiter at line " in str(refused.value)


def test_numbers_are_those_json_loads_reads():
    numbers = read("[10000000000000000000000000000001, -12.5e3, 1.0, 7]")
    assert numbers == [10**31 + 1, -12500.0, 1.0, 7]
    assert [type(number) for number in numbers] == [int, float, float, int]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[{"id": 1,\n  "votes": NaN}]', "NaN at line 2, column 12"),
        ('["NaN", -Infinity]', "-Infinity at line 1, column 9"),
        ('[{"Infinity": Infinity}]', "Infinity at line 1, column 15"),
    ],
)
def test_what_only_json_loads_reads_is_refused_where_it_is(text, where):
    with pytest.raises(ImportRefused) as refused:
        read(text)
    assert str(refused.value) == (
        f"Not valid JSON: {where}: JSON has no NaN or Infinity; write a number or null."
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('["a\\ud800b"]', "\\ud800 at line 1, column 4"),
        ('["ok",\n "\\udc00"]', "\\udc00 at line 2, column 3"),
        ('["\\ud83d\\u0041"]', "\\ud83d at line 1, column 3"),  # read as "\U0001f441" before
        ('["\\\\\\uDBFF"]', "\\uDBFF at line 1, column 5"),
        ('["x\\ud83d', "\\ud83d at line 1, column 4"),
    ],
)
def test_a_lone_surrogate_is_refused_where_it_is(text, where):
    with pytest.raises(ImportRefused) as refused:
        read(text)
    assert str(refused.value).startswith(f"Not valid text: {where} is half of a UTF-16 surrogate")


def test_escaped_surrogate_pairs_and_escaped_backslashes_are_read_as_json_loads_reads_them():
    text = '["\\ud83d\\ude00 \\u00e9", "\\\\ud800", "?", "\\uD83D\\uDE00"]'
    assert read(text) == json.loads(text) == ["\U0001f600 \xe9", "\\ud800", "?", "\U0001f600"]


def test_nesting_deeper_than_a_comment_could_is_refused_before_it_is_read():
    with pytest.raises(ImportRefused, match="nests lists or objects more than 32 deep"):
        read("[" * 100 + "]" * 100)


def test_a_byte_that_is_not_utf8_is_named_by_its_place_in_the_file():
    data = '[{"text": "café"}, {"text": "'.encode() + b"\xff" + b'"}]'
    with pytest.raises(NotUtf8Text) as refused:
        list(read_comments(io.BytesIO(data)))
    assert refused.value.byte == data.index(b"\xff")
