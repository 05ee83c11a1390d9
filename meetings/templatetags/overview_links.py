"""``{% count_link link path %}``: an overview number (``charts.Link``) as a link to the
page that counts it, carrying that page's total as ``data-count``; plain when no page
selects it. A tag, not an included template: the overview prints hundreds of them."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def count_link(link, path):
    if link.query is None:
        return str(link.count)
    href = f"{path}?{link.query}" if link.query else path
    return format_html(
        '<a href="{}" data-count="{}" rel="nofollow">{}</a>', href, link.count, link.count
    )
