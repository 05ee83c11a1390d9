"""Load and fault run for Redis: the production server with REDIS_URL, Redis stopped mid-run.

Loopback only and bounded in time (about a minute). Run from the project root:

    .venv/bin/python bench/redis_faults.py                 # a throwaway PostgreSQL cluster
    DATABASE_URL=postgres://... .venv/bin/python bench/redis_faults.py --cluster main

Like bench/faults.py it serves the app with gunicorn (debug off, 2 workers x 8
threads) on a PostgreSQL cluster of its own, here with REDIS_URL pointing at a
private redis-server that keeps an append-only file: the entries cached before
an outage are still there when it returns, the hard case. Clients request the
listing, a filtered listing, a meeting page and a person page; a watcher asks
/healthz and the page of one public meeting every 50 ms. At 10 s Redis is stopped
by its process id, that meeting is made confidential by another process (as an
editor's save would be) while Redis is away, and `--outage` seconds after the stop
Redis is started again. Reported: statuses per second (no 5xx), whether the
meeting's page was ever served after the change (never), how fast pages were
before, during and after, when /healthz saw the cache again, and what the server
logged (one warning a minute per worker at most, no traceback).
"""

import argparse
import collections
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import faults
from faults import HOST, PROJECT, get, load, report_outage, run, summarise

sys.path.insert(0, str(PROJECT))
from tests.redis_servers import PrivateRedis  # with the project on the path

VICTIM = "faults-victim"
CITY, PERSON = "faults-geneva", "faults-person"
# Slugs of its own: the factories' numbering starts again in every process.
SEED = f"""
import datetime
from tests.factories import make_city, make_meeting, make_participation, make_person
city = make_city(name="Geneva", slug="{CITY}", country="CH")
meeting = make_meeting(slug="{VICTIM}", title="Faults victim", city=city,
                       start_date=datetime.date(2019, 5, 1))
person = make_person(full_name="Faults Person", slug="{PERSON}")
make_participation(meeting, person)
# The city and the person stay public when the victim is not.
other = make_meeting(slug="faults-steady", title="Faults steady", city=city,
                     start_date=datetime.date(2018, 5, 1))
make_participation(other, person)
"""
UNPUBLISH = f"""
from meetings.models import Meeting, Visibility
meeting = Meeting.objects.get(slug="{VICTIM}")
meeting.visibility = Visibility.CONFIDENTIAL
meeting.save()
"""


def watch(port, stop_at, seen):
    """Ask /healthz and the victim's page every 50 ms: (t, what, status, note)."""
    conn = None
    while time.monotonic() < stop_at:
        for path in ("/healthz", f"/meetings/{VICTIM}/"):
            started = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection(HOST, port, timeout=10)
                status, _, _, body = get(conn, path)
            except (OSError, http.client.HTTPException):
                seen.append((started, path, "error", ""))
                conn = None
                continue
            cache = next((line for line in body.decode().splitlines() if "cache" in line), "")
            seen.append((started, path, status, cache))
        time.sleep(0.05)


def make_confidential(env, t0):
    """Unpublish the victim in another process, as an editor's save would: {event: t}."""
    saved = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", UNPUBLISH],
        cwd=PROJECT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if saved.returncode:  # an editor's save would have failed too
        last_line = (saved.stderr.strip().splitlines() or ["?"])[-1]
        print(f"making the meeting confidential failed: {last_line}")
        return {"save failed": time.monotonic() - t0}
    return {"meeting made confidential": time.monotonic() - t0}


def redis_outage(redis, env, seconds_before, seconds_down):
    def during(t0):
        time.sleep(seconds_before)
        events = {"stop issued": time.monotonic() - t0}
        redis.stop()
        events["stopped"] = time.monotonic() - t0
        events |= make_confidential(env, t0)
        time.sleep(max(0.0, t0 + events["stopped"] + seconds_down - time.monotonic()))
        events["start issued"] = time.monotonic() - t0
        redis.start()
        events["accepting"] = time.monotonic() - t0
        return events

    return during


def p50(results, start, end):
    latencies = [r[1] * 1000 for r in results if r[3] == 200 and start <= r[0] < end]
    return f"{statistics.median(latencies):.1f} ms ({len(latencies)} answers)" if latencies else "-"


def report_speed(t0, results, events):
    stopped, back = t0 + events["stop issued"], t0 + events["accepting"]
    print("\nmedian latency of 200s:")
    print(f"  before the outage: {p50(results, t0, stopped)}")
    print(f"  while Redis was away: {p50(results, stopped + 0.5, back)}")
    print(f"  from 3 s after its return: {p50(results, back + 3, float('inf'))}")


def report_watch(t0, seen, events):
    back = t0 + events["accepting"]
    changed = t0 + events.get("meeting made confidential", float("inf"))
    victim = [(t, status) for t, path, status, _ in seen if path.startswith("/meetings/")]
    after = counted(status for t, status in victim if t >= changed)
    stale = sum(1 for t, status in victim if t >= changed and status == 200)
    print(f"\nthe meeting made confidential, its page after the change: {after}")
    print(f"served stale after the change: {stale}")
    health = [(t, note) for t, path, status, note in seen if path == "/healthz"]
    down = [t for t, note in health if note == "cache: unavailable"]
    up_again = [t for t, note in health if note == "cache: ok" and t > back]
    if down:
        print(
            f"/healthz: 'cache: unavailable' from t={down[0] - t0:.2f} s to t={down[-1] - t0:.2f} s"
        )
    if up_again:
        print(f"/healthz: 'cache: ok' again {up_again[0] - back:+.2f} s after Redis accepted again")
    statuses = counted(status for _, _, status, _ in seen if status != 200)
    print(f"/healthz and the meeting's page, answers other than 200: {statuses}")


def counted(items):
    counts = collections.Counter(items)
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)) or "none"


def log_summary(log):
    counts = {
        "tracebacks": log.count("Traceback"),
        "'does not answer' warnings": log.count("does not answer"),
        "'answers again' lines": log.count("answers again"),
    }
    return ", ".join(f"{count} {what}" for what, count in counts.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", choices=["private", "main"], default="private")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--outage", type=float, default=6, help="seconds Redis is down")
    parser.add_argument("--ports", type=faults.parse_ports, help="e.g. 8120-8139")
    args = parser.parse_args()
    if args.outage > 10:
        parser.error("keep the outage to 10 s or less")
    faults.PORTS = args.ports

    cluster = faults.PrivateCluster() if args.cluster == "private" else faults.MainCluster()
    redis = PrivateRedis(
        Path(tempfile.mkdtemp(prefix="backchannel-redis-faults-")), faults.free_port()
    )
    log_path = Path(tempfile.mkstemp(prefix="backchannel-gunicorn-", suffix=".log")[1])
    try:
        redis.start()
        env = faults.app_env(cluster.url) | {"REDIS_URL": redis.url}
        faults.prepare(env)
        run(sys.executable, "manage.py", "shell", "--no-imports", "-c", SEED, cwd=PROJECT, env=env)
        paths = ["/meetings/", f"/meetings/?city={CITY}", "/meetings/?sort=date",
                 f"/people/{PERSON}/"]  # fmt: skip
        port = faults.free_port()
        print(f"# Redis outage: {args.concurrency} clients on {', '.join(paths)}")
        print("gunicorn: 2 workers x 8 threads (gthread), debug off; PostgreSQL 15; Redis 7")
        with faults.gunicorn(env, port, log_path):
            seconds = 10 + args.outage + 20
            seen = []
            watcher = threading.Thread(target=watch, args=(port, time.monotonic() + seconds, seen))
            watcher.start()
            t0, results, events = load(
                port, paths, args.concurrency, seconds, redis_outage(redis, env, 10, args.outage)
            )
            watcher.join()
        summarise(f"Redis outage of {args.outage:g} s mid-run", t0, results, seconds)
        report_outage(t0, results, events, name="redis")
        report_speed(t0, results, events)
        report_watch(t0, seen, events)
        log = log_path.read_text()
        print(f"\nserver log: {log_summary(log)}")
        for line in log.splitlines():
            if "Redis at" in line:
                print(f"  {line}")
    finally:
        if redis.running():
            redis.stop()
        shutil.rmtree(redis.folder)
        cluster.remove()
        log_path.unlink()


if __name__ == "__main__":
    main()
