"""Time every admin change list in one process, logged in as a superuser.

    DATABASE_URL=postgres://... python bench/admin_lists.py [--runs 3] [PATH ...]

For each registered model's change list (and a few filtered, searched and sorted
variants of the largest), the median and worst of the whole request, the median
Python CPU time and time in SQL (on a shared machine the whole request also holds
the time this process waited for a core), and the number of queries. Logs in a
superuser named ``bench-admin`` (created when missing, with an unusable password).
"""

import argparse
import statistics
import time

from in_process import setup_django

VARIANTS = [
    "/admin/meetings/meeting/?q=maritime",
    "/admin/meetings/meeting/?q=00042",
    "/admin/meetings/meeting/?visibility__exact=public&track__exact=1.5",
    "/admin/meetings/meeting/?o=7",
    "/admin/meetings/meeting/?o=4",
    "/admin/meetings/meeting/?p=2000",
    "/admin/meetings/meeting/?start_date__year=2015",
    "/admin/meetings/participation/?q=00042",
    "/admin/meetings/participation/?side=KP",
    "/admin/meetings/participation/?capacity__exact=official",
    "/admin/people/person/?q=00042",
    "/admin/people/person/?o=4",
    "/admin/meetings/quote/?q=maritime",
]


def changelists():
    from django.contrib import admin
    from django.urls import reverse

    for model in admin.site._registry:
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def measure(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, sql = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started_cpu)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries))
    median = statistics.median
    return (response.status_code, median(times), max(times), median(cpu), median(sql), len(queries))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    client = Client(headers={"X-Forwarded-Proto": "https"}, secure=True)
    client.force_login(user)
    print("| change list | status | median ms | worst ms | CPU ms | SQL ms | queries |")
    print("|---|---|---|---|---|---|---|")
    for path in options.paths or [*changelists(), *VARIANTS]:
        client.get(path)  # warm: templates, first connection
        status, median, worst, cpu, sql, queries = measure(client, path, options.runs)
        ms = [f"{value * 1000:,.0f}" for value in (median, worst, cpu, sql)]
        print(f"| `{path}` | {status} | {' | '.join(ms)} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
