"""Slugs that keep the words around dashes, made on the server when staff leave them empty.

Django's ``slugify`` drops an en dash with the letters either side joined
("North Korea–US" gives ``north-koreaus``); here every kind of dash is a word break,
as in ``static/staff/slug.js``, which does the same in the admin's prepopulated fields.
"""

import re

from django.utils.text import slugify

# Hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar, minus sign,
# and slashes, which join words the same way.
DASHES = re.compile(r"[\u2010-\u2015\u2212/\\]")


def slug_from(text):
    """'North Korea–US talks in Stockholm' -> 'north-korea-us-talks-in-stockholm'."""
    return slugify(DASHES.sub(" ", text))


def unique_slug(model, text, exclude_pk=None, field="slug"):
    """A slug for ``text`` that no other row of ``model`` has: 'stockholm', 'stockholm-2'.

    Text with no letters a slug can keep (all Korean, say) gives the model's name.
    """
    max_length = model._meta.get_field(field).max_length
    base = slug_from(text)[: max_length - 4].strip("-") or model._meta.model_name
    rows = model._default_manager.filter(**{f"{field}__startswith": base})
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    numbered = re.compile(rf"{re.escape(base)}(-[0-9]+)?")
    taken = {slug for slug in rows.values_list(field, flat=True) if numbered.fullmatch(slug)}
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
