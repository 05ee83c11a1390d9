"""The project's template engine: Django's, with every rendered page XML-safe.

A record written past full_clean (raw SQL, ``bulk_create``) can carry control
characters, which are parse errors in HTML and fatal in the XML sitemap. Cleaning
the rendered page once (``backchannel.text.xml_safe``) covers every value any
template shows, and a cached page is stored clean, so a cache hit costs nothing.
"""

from django.template.backends.django import DjangoTemplates, Template
from django.utils.safestring import SafeData, mark_safe

from .text import xml_safe


class XmlSafeTemplate(Template):
    def render(self, context=None, request=None):
        rendered = super().render(context, request)
        cleaned = xml_safe(rendered)
        if cleaned is rendered or not isinstance(rendered, SafeData):
            return cleaned
        # Dropping characters from safe markup cannot make it unsafe.
        return mark_safe(cleaned)  # noqa: S308


class XmlSafeDjangoTemplates(DjangoTemplates):
    def from_string(self, template_code):
        return XmlSafeTemplate(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return XmlSafeTemplate(super().get_template(template_name).template, self)
