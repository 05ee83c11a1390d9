from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from backchannel.text import xml_safe

from .models import Meeting

FEED_SIZE = 50


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom whose entries drop the characters XML forbids, which the feed writer refuses:
    one record written past full_clean (raw SQL, bulk_create) would otherwise break the
    feed for everyone."""

    def add_item(self, *args, **kwargs):
        cleaned = {k: xml_safe(v) if isinstance(v, str) else v for k, v in kwargs.items()}
        super().add_item(*args, **cleaned)


class LatestMeetingsFeed(Feed):
    """Public meetings, the most recently published first."""

    feed_type = XmlSafeAtom1Feed
    title = "Backchannel: informal diplomatic talks on the record"
    subtitle = "Public Track 1.5 and Track 2 meetings, newest entries first."
    link = reverse_lazy("meetings:list")

    def items(self):
        return (
            Meeting.objects.public()
            .select_related("city")
            .order_by(F("published_at").desc(nulls_last=True), "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """Plain text, escaped: Atom marks the summary as HTML, which readers render."""
        parts = [item.date_display]
        if item.city:
            parts.append(f"{item.city.name}, {item.city.country.name}")
        parts.append(f"Track {item.track}" if item.track else "Track not determined")
        parts.append(item.get_status_display())
        text = " · ".join(parts)
        return escape(f"{text}. {item.summary}" if item.summary else text)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
