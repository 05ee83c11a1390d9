"""The sitemap: the pages people start from, every public meeting and every public person."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.models import Meeting, public_people


class PageSitemap(Sitemap):
    """The listing pages people start from."""

    changefreq = "daily"

    def items(self):
        return ["home", "meetings:list", "people:list", "overview"]

    def location(self, item):
        return reverse(item)


class MeetingSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Meeting.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_people().only("slug").order_by("pk")


SITEMAPS = {"pages": PageSitemap, "meetings": MeetingSitemap, "people": PersonSitemap}
