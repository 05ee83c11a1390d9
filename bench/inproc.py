"""Time pages in one process (Django's test client, caches off) and weigh them.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/inproc.py [--runs 20] [URL ...]

For each URL: the median and p95 of the whole request, the share of it spent in SQL,
the response's bytes (and gzip-compressed, as a browser accepting gzip receives it),
and the number of elements in the HTML (the DOM nodes Lighthouse counts, roughly).
With --profile URL, prints a pyinstrument profile of one request instead.
"""

import argparse
import gzip
import statistics
import time
from html.parser import HTMLParser

from in_process import QueryTimer, setup_django

URLS = [
    "/meetings/",
    "/meetings/?q=maritime",
    "/meetings/?q=maritime+security",
    "/meetings/?q=choe",
    "/meetings/?city={city}",
    "/meetings/?page=200",
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.count


def measure(client, url, runs):
    from django.db import connection

    client.get(url)  # warm: templates, option lists
    totals, sql = [], []
    for _ in range(runs):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(url)
            totals.append(time.perf_counter() - start)
        sql.append(timer.seconds)
    body = response.content
    return {
        "status": response.status_code,
        "median": statistics.median(totals) * 1000,
        "p95": sorted(totals)[int(0.95 * (len(totals) - 1))] * 1000,
        "sql": statistics.median(sql) * 1000,
        "bytes": len(body),
        "gzip": len(gzip.compress(body, 6)),
        "elements": elements(body.decode()),
        "total": _total(body),
    }


def _total(body):
    marker = b'data-total="'
    at = body.find(marker)
    return body[at + len(marker) : body.find(b'"', at + len(marker))].decode() if at >= 0 else "-"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile")
    options = parser.parse_args()
    setup_django()
    from django.test import Client

    from meetings.models import City, Meeting

    client = Client(headers={"X-Forwarded-Proto": "https"}, secure=True)
    if options.profile:
        from pyinstrument import Profiler

        client.get(options.profile)
        with Profiler() as profiler:
            client.get(options.profile)
        print(profiler.output_text(unicode=True, color=False))
        return
    city = Meeting.objects.public().exclude(city=None).values_list("city__slug", flat=True).first()
    city = city or City.objects.values_list("slug", flat=True).first()
    print("| URL | status | results | median ms | p95 ms | SQL ms | bytes | gzip | elements |")
    print("|---|---|---|---|---|---|---|---|---|")
    for url in options.urls or [u.format(city=city) for u in URLS]:
        r = measure(client, url, options.runs)
        print(
            f"| `{url}` | {r['status']} | {r['total']} | {r['median']:.1f} | {r['p95']:.1f} "
            f"| {r['sql']:.1f} | {r['bytes']:,} | {r['gzip']:,} | {r['elements']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
