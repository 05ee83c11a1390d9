"""A bounded crawl of the public site through the test client, shared by the leak tests."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from tests.pages import parse

SKIPPED = ("/admin/", "/static/")
SITEMAP_LOC = re.compile(r"<loc>([^<]+)</loc>")


def same_site_path(base, href):
    """The path and query ``href`` leads to from ``base``, or None when it leaves the site."""
    if href.startswith("#"):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIPPED) else path


def links_of(response):
    """Every href of an HTML page, every <loc> of a sitemap; nothing for other types."""
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or response.streaming:
        return []
    if content_type.startswith("text/html"):
        return [href for href, _attributes in parse(response).links]
    if "xml" in content_type:
        return SITEMAP_LOC.findall(response.content.decode())
    return []


def crawl(client, start_urls, max_depth, max_pages=1000):
    """{url: response} for every same-site page reachable from ``start_urls``."""
    seen, queue, responses = set(start_urls), deque((url, 0) for url in start_urls), {}
    while queue and len(responses) < max_pages:
        url, depth = queue.popleft()
        response = client.get(url)
        responses[url] = response
        if depth == max_depth:
            continue
        for href in links_of(response):
            target = same_site_path(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, depth + 1))
    return responses
