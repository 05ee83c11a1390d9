from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Meeting


class MeetingSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Meeting.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    """The listing pages people start from."""

    changefreq = "daily"

    def items(self):
        return ["home", "meetings:list", "people:list"]

    def location(self, item):
        return reverse(item)
