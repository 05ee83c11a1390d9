"""Each query a page runs, with PostgreSQL's planning and execution time (PostgreSQL only).

    DATABASE_URL=postgres://... python bench/plans.py [--runs 3] URL ...

Requests each URL through Django's test client (caches off), records the
queries it sends, then runs ``EXPLAIN (ANALYZE, SUMMARY, TIMING OFF)`` on each one
(parameters bound as the driver would bind them) and prints the best of ``--runs`` per
query, then the page's sums. Planning time counts: a query over a gate of several
EXISTS took longer to plan than to run (bench/RESULTS.md, 2026-12-02).
"""

import argparse
import re

from in_process import setup_django

TIMES = re.compile(r"Planning Time: ([\d.]+) ms.*Execution Time: ([\d.]+) ms", re.DOTALL)


def queries_of(client, url):
    from django.db import connection

    client.get(url)  # warm: templates, option lists
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    return sent


def timed(sql, params, runs):
    """(planning ms, execution ms) of one query, the best of ``runs``."""
    from django.db import connection

    best = None
    with connection.cursor() as cursor:
        bound = cursor.mogrify(sql, params)
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) {bound}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            planning, execution = map(float, TIMES.search(plan).groups())
            if best is None or planning + execution < sum(best):
                best = (planning, execution)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        raise SystemExit("bench/plans.py reads PostgreSQL's plans: set DATABASE_URL to one.")
    client = Client()
    for url in options.urls:
        sums = [0.0, 0.0]
        queries = queries_of(client, url)
        for sql, params in queries:
            planning, execution = timed(sql, params, options.runs)
            sums[0] += planning
            sums[1] += execution
            print(f"  plan {planning:7.2f}  run {execution:7.2f}  {sql[:110]}")
        print(f"{url}: {len(queries)} queries, planning {sums[0]:.1f} ms, running {sums[1]:.1f} ms")


if __name__ == "__main__":
    main()
