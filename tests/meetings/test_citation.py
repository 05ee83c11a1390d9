"""meetings/citation.py: the citation text and a BibTeX entry no title can break,
read back by a strict parser of the subset of BibTeX the entry uses."""

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.citation import BIBTEX_SPECIALS, bibtex_entry, bibtex_text, citation_text

DAY = datetime.date(2026, 12, 1)
URL = "https://backchannel.example.org/meetings/talks/"
HOSTILE_TITLES = [
    "Talks}, note = {injected",
    "Talks} @misc{evil, title={x}",
    "{{{",
    "}}}",
    "\\end{document} \\input{/etc/passwd}",
    "100% of $ & # _ ^ ~ \\ {}",
    "line\nbreak\ttab",
    "“Quotes” – dashes",
]


class BibtexError(ValueError):
    pass


def braced(text, start):
    """(content, end) of the brace group opening at ``text[start]``; braces must balance."""
    if text[start] != "{":
        raise BibtexError(f"expected '{{' at {start}")
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start + 1 : index], index + 1
    raise BibtexError("unbalanced braces")


def parse_entry(text):
    """(type, key, {field: value}) of exactly one entry, braced values only, or BibtexError."""
    head = re.match(r"@([a-z]+)\{([A-Za-z0-9_:-]+),\n", text)
    if not head:
        raise BibtexError("no entry head")
    fields, position = {}, head.end()
    while True:
        field = re.compile(r"  ([a-z]+) = ").match(text, position)
        if not field:
            raise BibtexError(f"no field at {position}")
        value, position = braced(text, field.end())
        if field.group(1) in fields:
            raise BibtexError(f"field {field.group(1)} twice")
        fields[field.group(1)] = value
        if text.startswith(",\n", position):
            position += 2
        elif text[position:] == "\n}\n":
            return head.group(1), head.group(2), fields
        else:
            raise BibtexError(f"unexpected text at {position}: {text[position:]!r}")


def unescape(value):
    for char, command in BIBTEX_SPECIALS.items():
        value = value.replace(command, char)
    return value


def test_entry_is_a_misc_with_title_url_and_update():
    kind, key, fields = parse_entry(bibtex_entry("talks", "Talks in Berlin", URL, DAY))
    assert (kind, key) == ("misc", "backchannel-talks")
    assert fields == {
        "title": "{Talks in Berlin}",
        "author": "{Backchannel}",
        "howpublished": f"\\url{{{URL}}}",
        "url": URL,
        "year": "2026",
        "note": "Record last updated 1 December 2026.",
    }


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_stay_inside_the_title_field(title):
    _kind, _key, fields = parse_entry(bibtex_entry("talks", title, URL, DAY))
    assert set(fields) == {"title", "author", "howpublished", "url", "year", "note"}
    inner, _end = braced(fields["title"], 0)
    assert unescape(inner) == " ".join(title.split())
    assert not re.search(r"(?<!\\)[{}]", inner.replace("{}", ""))  # no brace of its own


@given(st.text(max_size=80))
def test_any_title_parses_and_reads_back(title):
    _kind, _key, fields = parse_entry(bibtex_entry("talks", title, URL, DAY))
    assert unescape(braced(fields["title"], 0)[0]) == " ".join(title.split())


def test_hostile_url_and_slug_cannot_break_the_entry():
    entry = bibtex_entry("a}b{c", "Talks", "https://x.example/a}b{c\\ d/", DAY)
    _kind, key, fields = parse_entry(entry)
    assert key == "backchannel-a-b-c"
    assert fields["url"] == "https://x.example/a%7Db%7Bc%5C%20d/"


def test_the_strict_parser_refuses_a_broken_entry():
    with pytest.raises(BibtexError):
        parse_entry("@misc{k,\n  title = {{Talks}}, note = {x}},\n}\n")
    with pytest.raises(BibtexError):
        parse_entry("@misc{k,\n  title = {{Talks}\n}\n")


def test_bibtex_text_is_one_line():
    assert bibtex_text("  a\n\tb  ") == "a b"


def test_citation_text_leaves_the_retrieved_date_to_the_reader():
    assert citation_text("Talks\nin Berlin", URL, DAY) == (
        f"“Talks in Berlin.” Backchannel. Last updated 1 December 2026. {URL}. "
        "Retrieved [date you read it]."
    )


def test_the_citation_and_the_entry_name_the_records_sources():
    sources = ["Informal Dialogue (How Africa)", "Notes {on} 100% of it"]
    assert citation_text("Talks", URL, DAY, sources).endswith(
        "Based on: Informal Dialogue (How Africa); Notes {on} 100% of it."
    )
    _kind, _key, fields = parse_entry(bibtex_entry("talks", "Talks", URL, DAY, sources))
    assert unescape(fields["note"]) == (
        "Record last updated 1 December 2026. "
        "Based on: Informal Dialogue (How Africa); Notes {on} 100% of it."
    )


@given(st.lists(st.text(max_size=40), max_size=3))
def test_any_sources_keep_the_entry_parseable(sources):
    _kind, _key, fields = parse_entry(bibtex_entry("talks", "Talks", URL, DAY, sources))
    assert set(fields) == {"title", "author", "howpublished", "url", "year", "note"}
