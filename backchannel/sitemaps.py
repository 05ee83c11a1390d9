"""The sitemap: the pages people start from, and every public meeting, person,
organisation and dialogue series."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.models import DialogueSeries, Meeting, public_organizations, public_people


class PageSitemap(Sitemap):
    """The listing pages people start from."""

    changefreq = "daily"

    def items(self):
        return [
            "home",
            "meetings:list",
            "people:list",
            "organizations:list",
            "series:list",
            "overview",
        ]

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


class OrganizationSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_organizations().only("slug").order_by("pk")


class SeriesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return DialogueSeries.objects.public().only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "meetings": MeetingSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
    "series": SeriesSitemap,
}
