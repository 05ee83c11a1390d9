"""Text as the record keeps and hands it out: only characters XML 1.0 allows, and no
spreadsheet cell that could run as a formula.

XML 1.0 allows tab, line feed, carriage return and every character from U+0020 but
the surrogates, U+FFFE and U+FFFF. The others break an Atom feed (the writer refuses
them), make a calendar invalid and are parse errors in HTML. Where text is entered
(``backchannel.records``) they are cleaned or refused; on the way out ``xml_safe``
cleans whatever got in another way (raw SQL, ``bulk_create``, a restore).
"""

import re
import unicodedata

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed: line and page breaks, as text pasted from a PDF carries them.
BREAKS = frozenset("\x0b\x0c")
# A null, a surrogate or a byte-order mark read backwards (U+FFFE) or its twin U+FFFF:
# signs of binary data or of a file read in the wrong encoding, where the text around
# them is likely garbled too. Where text is entered these are refused, not cleaned.
NOT_TEXT = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")
# JSON written as json.dumps writes it by default (ensure_ascii) holds every character
# XML forbids as an escape: \b, \f, \u0000 to \u001f, a surrogate, \ufffe or \uffff.
# An escaped backslash followed by such letters matches too: only a closer look lost.
NOT_XML_ESCAPED = re.compile(r"\\[bf]|\\u00[01]|\\ud[89a-f]|\\ufff[ef]")

FORMULA_SIGNS = frozenset("=+-@")
# A cell starting with one of these may be read as a formula or split into one.
FORMULA_STARTS = frozenset("\t\r\n")
# Printable ASCII other than the signs: the first character of almost every cell,
# which needs no closer look.
PLAIN_FIRST = frozenset(chr(code) for code in range(0x21, 0x7F)) - FORMULA_SIGNS
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def xml_safe(text, line_break=" "):
    """``text`` without the characters XML forbids: breaks become ``line_break``, the
    rest go. The same object comes back when there is nothing to clean."""
    if not NOT_XML.search(text):
        return text
    return NOT_XML.sub(lambda match: line_break if match.group() in BREAKS else "", text)


def xml_safe_data(value):
    """A JSON-like value (dicts, lists, strings, numbers...) with every string xml_safe."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {xml_safe_data(key): xml_safe_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [xml_safe_data(item) for item in value]
    return value


def xml_safe_json(values, encode):
    """``encode(value)`` (JSON, ensure_ascii) of each of ``values``, joined with commas,
    as if each went through ``xml_safe_data`` first: only values whose text shows an
    escaped character XML forbids do, which spares walking every string of an export."""
    texts = [encode(value) for value in values]
    joined = ",".join(texts)
    if not NOT_XML_ESCAPED.search(joined):
        return joined
    return ",".join(
        [
            encode(xml_safe_data(value)) if NOT_XML_ESCAPED.search(text) else text
            for value, text in zip(values, texts, strict=True)
        ]
    )


def not_text_error(text):
    """A message naming the first character that is not text, or None."""
    match = NOT_TEXT.search(text)
    if match is None:
        return None
    return (
        f"Remove the character U+{ord(match.group()):04X} at position {match.start() + 1}: "
        "it is not text. It usually comes from a file saved in another encoding than UTF-8."
    )


def formula_safe(value):
    """A spreadsheet cell that cannot run as a formula: quoted with an apostrophe when it
    starts with a tab or a line break, or when its first visible character (after NFKC
    normalisation, so that a full-width ＝ counts as =) is = + - or @.

    Spreadsheets differ in what they trim before deciding a cell is a formula, so this
    takes the strict reading: leading spaces (no-break and ideographic ones included),
    control and format characters are looked past.
    """
    if not isinstance(value, str) or not value or value[0] in PLAIN_FIRST:
        return value
    if value[0] in FORMULA_STARTS or _first_visible(value) in FORMULA_SIGNS:
        return "'" + value
    return value


def _first_visible(text):
    for char in text:
        shown = unicodedata.normalize("NFKC", char).lstrip()
        if shown and unicodedata.category(shown[0]) not in INVISIBLE_CATEGORIES:
            return shown[0]
    return ""


def spreadsheet_cell(value):
    """A text cell for a CSV or spreadsheet export: XML-safe and formula-safe."""
    return formula_safe(xml_safe(value)) if isinstance(value, str) else value


def spreadsheet_row(values):
    """A CSV row's cells as text (None as ""), each as ``spreadsheet_cell`` makes it.

    The same guard a row at a time, for exports of millions of cells: one search for
    characters XML forbids over the whole row, then only the cells whose first
    character is not plain printable ASCII go through ``formula_safe``.
    """
    texts = [
        value if value.__class__ is str else "" if value is None else str(value) for value in values
    ]
    if NOT_XML.search("\t".join(texts)):
        return [spreadsheet_cell(text) for text in texts]
    return [text if not text or text[0] in PLAIN_FIRST else formula_safe(text) for text in texts]
