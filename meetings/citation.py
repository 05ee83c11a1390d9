"""How a meeting's record is cited: the line a researcher pastes and a BibTeX entry.

Pure: plain values in, text out. BibTeX reads a field's value up to its matching
brace, so every brace, backslash and LaTeX special character of a title is written as
a command: no title can close the field early or run a command of its own.
"""

import datetime
import re
from urllib.parse import quote

SITE_NAME = "Backchannel"
BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_SPECIAL = re.compile("|".join(re.escape(char) for char in BIBTEX_SPECIALS))
_SPACE = re.compile(r"\s+")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"  # what a URL may keep; braces, backslashes, spaces go


def long_date(day):
    """'1 December 2026'."""
    return f"{day.day} {day:%B %Y}"


def based_on(sources):
    """'Based on: A (Publisher); B.' for the record's sources (their str), or ''."""
    names = [_SPACE.sub(" ", str(source)).strip() for source in sources]
    return f"Based on: {'; '.join(names)}." if names else ""


def citation_text(title, url, updated, sources=()):
    """The citation to paste: the reader adds the date they retrieved the record. The
    record's sources follow it, so the citation carries its provenance."""
    title = _SPACE.sub(" ", title).strip()
    text = (
        f"“{title}.” {SITE_NAME}. Last updated {long_date(updated)}. {url}. "
        "Retrieved [date you read it]."
    )
    return f"{text} {based_on(sources)}".strip()


def bibtex_text(value):
    """``value`` as the inside of a braced BibTeX field: specials escaped, one line."""
    return _SPECIAL.sub(
        lambda match: BIBTEX_SPECIALS[match.group()], _SPACE.sub(" ", value).strip()
    )


def bibtex_url(url):
    """A URL that cannot break a BibTeX field (nothing to escape in a well-formed one)."""
    return quote(url, safe=_URL_SAFE)


def bibtex_key(slug):
    return "backchannel-" + re.sub(r"[^A-Za-z0-9_-]", "-", slug)


def bibtex_entry(slug, title, url, updated: datetime.date, sources=()):
    """A @misc entry for the record of one meeting (its sources in the note)."""
    link = bibtex_url(url)
    fields = [
        ("title", f"{{{bibtex_text(title)}}}"),  # double braces keep its capitals
        ("author", f"{{{SITE_NAME}}}"),
        ("howpublished", f"\\url{{{link}}}"),
        ("url", link),
        ("year", str(updated.year)),
        ("note", bibtex_text(f"Record last updated {long_date(updated)}. {based_on(sources)}")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(slug)},\n{body}\n}}\n"
