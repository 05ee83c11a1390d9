"""Reading the machine-readable hooks out of public pages."""

import re
from html.parser import HTMLParser


class LinkParser(HTMLParser):
    """Collects (href, attributes) of every <a> and the data-total of the page."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.total = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-total" in attributes and self.total is None:
            self.total = int(attributes["data-total"])
        if tag == "a" and "href" in attributes:
            self.links.append((attributes["href"], attributes))


def parse(response):
    parser = LinkParser()
    parser.feed(response.content.decode())
    return parser


def data_total(response):
    return parse(response).total


def facet_links(response):
    """{href: data-count} for every link that adds a filter value."""
    return {
        href: int(attributes["data-count"])
        for href, attributes in parse(response).links
        if "data-count" in attributes
    }


def row_titles(response):
    """Titles of the meeting rows, in page order."""
    html = response.content.decode()
    return re.findall(r'class="meeting-row__title"><a href="[^"]*">([^<]*)</a>', html)


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


class StartTags(HTMLParser):
    """Counts the elements of an HTML page: what the browser builds and Lighthouse weighs."""

    count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def elements(html):
    parser = StartTags()
    parser.feed(html)
    return parser.count
