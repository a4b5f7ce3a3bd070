"""Reading the JSON list of comments a piece at a time, as json.loads would read it whole."""

import io
import json

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
        return f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
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


def test_an_item_left_open_is_refused_at_its_start(monkeypatch):
    monkeypatch.setattr(comments_json, "ITEM_MAX_CHARS", 1000)
    with pytest.raises(ImportRefused, match=r"the item at line 2, column 1 does not end within"):
        read('[\n{"text": "' + "no closing quote " * 200)


def test_a_byte_that_is_not_utf8_is_named_by_its_place_in_the_file():
    data = '[{"text": "café"}, {"text": "'.encode() + b"\xff" + b'"}]'
    with pytest.raises(NotUtf8Text) as refused:
        list(read_comments(io.BytesIO(data)))
    assert refused.value.byte == data.index(b"\xff")
