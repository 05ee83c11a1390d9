"""Countries chosen by typing their names: an autocomplete for the admin that loads them
from ``countries_json`` as staff type, instead of a 250-option list in the page."""

from django import forms
from django.contrib.admin.widgets import AutocompleteMixin
from django.http import JsonResponse
from django_countries import countries

from .admin_choices import with_staff_script


class CountryAutocomplete(AutocompleteMixin, forms.SelectMultiple):
    """Countries chosen by typing their names; the page holds only the chosen ones."""

    def __init__(self, url, attrs=None):
        super().__init__(field=None, admin_site=None, attrs=attrs)
        self.url = url

    def get_url(self):
        return str(self.url)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = forms.SelectMultiple.build_attrs(self, base_attrs, extra_attrs)
        classes = f"{attrs.get('class', '')} admin-autocomplete".strip()
        return attrs | {
            "class": classes,
            "data-ajax--cache": "true",
            "data-ajax--delay": 250,
            "data-ajax--type": "GET",
            "data-ajax--url": self.get_url(),
            "data-theme": "admin-autocomplete",
            "data-allow-clear": "false",
            "data-placeholder": "",
            "lang": self.i18n_name,
        }

    @property
    def media(self):
        return with_staff_script(super().media)

    def optgroups(self, name, value, attr=None):
        chosen = [str(code) for code in value if str(code) in countries]
        options = [
            self.create_option(name, code, countries.name(code), True, index)
            for index, code in enumerate(chosen)
        ]
        return [(None, options, 0)]


def countries_json(request):
    """Countries whose name or code matches ``term``, as the admin's select2 reads them:
    the country with that code first, then names that start so, then the others."""
    term = request.GET.get("term", "").strip().casefold()[:60]
    found = {}  # by code: the countries listed first (COUNTRIES_FIRST) come twice
    for code, name in countries:
        rank = _country_rank(term, code.casefold(), name.casefold())
        if rank is not None:
            found[code] = (rank, name, code)
    results = [{"id": code, "text": name} for _rank, name, code in sorted(found.values())]
    return JsonResponse({"results": results[:30], "pagination": {"more": False}})


def _country_rank(term, code, name):
    if not term or term == code:
        return 0
    if name.startswith(term) or f" {term}" in name:
        return 1
    return 2 if term in name else None
