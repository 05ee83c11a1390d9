"""Time an export streamed in one process, debug off, and keep or compare its body.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/export.py [--runs 3] [URL]
    python bench/export.py --save /tmp/before.csv      # the body, to compare later
    python bench/export.py --compare /tmp/before.csv   # exit 1 unless byte-identical
    python bench/export.py --profile                   # a pyinstrument profile of one run
    python bench/export.py --cprofile                  # cProfile, top functions by own time

URL defaults to /meetings/export.csv. Each run streams the whole body through Django's
test client (as a server would, chunk by chunk) and reports its seconds, the CPU time
of this process and of the PostgreSQL backend (a fairer measure on a busy machine),
bytes, chunks, queries, the time spent waiting for them, and the process's peak RSS so far.
"""

import argparse
import hashlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from in_process import QueryTimer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backchannel.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("MEETINGS_CACHE_SECONDS", "0")


def stream(client, url, keep=None):
    """(seconds, bytes, chunks, sha256) of one request, its body streamed to the end."""
    digest = hashlib.sha256()
    size = chunks = 0
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    for chunk in response.streaming_content:
        digest.update(chunk)
        size += len(chunk)
        chunks += 1
        if keep is not None:
            keep.write(chunk)
    response.close()
    return time.perf_counter() - start, size, chunks, digest.hexdigest()


def backend_cpu(connection):
    """CPU seconds used so far by the PostgreSQL backend serving ``connection`` (on this
    machine), or 0.0 for SQLite, whose work is the process's own."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="/meetings/export.csv")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--save")
    parser.add_argument("--compare")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cprofile", action="store_true")
    options = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(headers={"X-Forwarded-Proto": "https"}, secure=True)
    print(f"before the first request: peak RSS {peak_mib():.0f} MiB", flush=True)
    if options.save:
        with open(options.save, "wb") as keep:
            print(stream(client, options.url, keep)[:3], "saved to", options.save)
        return
    if options.compare:
        expected = hashlib.sha256(Path(options.compare).read_bytes()).hexdigest()
        seconds, size, chunks, digest = stream(client, options.url)
        same = digest == expected
        print(f"{seconds:.2f} s, {size:,} bytes: {'identical' if same else 'DIFFERENT'}")
        sys.exit(0 if same else 1)
    if options.profile or options.cprofile:
        profile(client, options)
        return
    times = []
    for _ in range(options.runs):
        queries = QueryTimer()
        database, cpu = backend_cpu(connection), time.process_time()
        with connection.execute_wrapper(queries):
            seconds, size, chunks, _digest = stream(client, options.url)
        cpu, database = time.process_time() - cpu, backend_cpu(connection) - database
        times.append(seconds)
        print(
            f"{seconds:.2f} s ({cpu:.2f} s CPU here, {database:.2f} s in the database server), "
            f"{size:,} bytes in {chunks} chunks, {queries.count} queries "
            f"({queries.seconds:.2f} s in them), peak RSS {peak_mib():.0f} MiB",
            flush=True,
        )
    print(f"median {statistics.median(times):.2f} s, best {min(times):.2f} s")


def profile(client, options):
    if options.cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(stream, client, options.url)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    from pyinstrument import Profiler

    with Profiler(interval=0.0005) as profiler:
        stream(client, options.url)
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
