"""Load and fault run: production server under load, then a PostgreSQL outage mid-run.

Loopback only and bounded in time (about three minutes). Run from the project root:

    .venv/bin/python bench/faults.py                 # a throwaway PostgreSQL cluster
    DATABASE_URL=postgres://... .venv/bin/python bench/faults.py --cluster main

By default it creates its own PostgreSQL 15 cluster in a temporary folder, so
stopping the database disturbs no one else; `--cluster main` stops and starts
the machine's `15 main` cluster instead (pg_ctlcluster).

Phase 1 (steady): gunicorn (debug off, production settings) answers
`--concurrency` clients for `--duration` seconds. Phase 2 (database): the same
load while the database is stopped for `--outage` seconds and started again.
Phase 3 (exports): the streamed exports (CSV, JSON, iCalendar of
`--export-meetings` meetings) under load while the database is stopped again.
It reports every status and connection error, bodies cut off (and whether any
cut off before its first row), and how long after the database's return the
app answered normally. bench/redis_faults.py does the same for a Redis outage.
"""

import argparse
import collections
import contextlib
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"


PORTS = None  # range(first, last + 1) to take ports from (--ports), else any free port


def free_port():
    for port in PORTS or [0]:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {PORTS}")


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary folder."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="backchannel-faults-"))
        self.data = self.folder / "data"
        self.port = free_port()
        shutil.chown(self.folder, "postgres", "postgres")
        self.as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.start()
        self.as_postgres(PG_BIN / "createdb", "-h", HOST, "-p", self.port, "backchannel")
        self.url = f"postgres://postgres@{HOST}:{self.port}/backchannel"

    def as_postgres(self, *args):
        return run("runuser", "-u", "postgres", "--", *map(str, args))

    def start(self):
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.folder}"
        log = self.folder / "postgres.log"
        self.as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start"
        )

    def stop(self):
        self.as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder)


class MainCluster:
    """The machine's own cluster: stopping it interrupts everyone using it."""

    def __init__(self):
        self.url = os.environ["DATABASE_URL"]

    def start(self):
        run("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start")

    def stop(self):
        run("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "stop", "-m", "fast")

    def remove(self):
        """Leave the cluster running, whatever happened."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.start()


def app_env(database_url):
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return keep | {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
    }


SEED = """
from tests.factories import make_berlin_meeting, make_city
city = make_city(name="Berlin")
for _ in range(20):
    make_berlin_meeting(city=city)
"""


def prepare(env):
    manage = [sys.executable, "manage.py"]
    run(*manage, "migrate", "--noinput", cwd=PROJECT, env=env)
    run(*manage, "collectstatic", "--noinput", "-v", "0", cwd=PROJECT, env=env)
    run(*manage, "shell", "--no-imports", "-c", SEED, cwd=PROJECT, env=env)


@contextlib.contextmanager
def gunicorn(env, port, log_path):
    command = [sys.executable, "-m", "gunicorn", "backchannel.wsgi", "--bind", f"{HOST}:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "8"]
    command += ["--keep-alive", "5", "--timeout", "30"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=log)
        try:
            wait_until_healthy(port)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_until_healthy(port, limit=30):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(http.client.HTTPConnection(HOST, port, timeout=2), "/healthz")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


CUT_OFF = "200 cut off"
CUT_OFF_BEFORE_A_ROW = "200 cut off before a row"
# What only a data row of each streamed export carries.
ROW_MARKS = {"export.csv": b"/meetings/", "export.json": b'"slug"', "calendar.ics": b"BEGIN:VEVENT"}


def cut_off(path, partial):
    """How a 200 whose body ended without its final chunk is counted."""
    mark = next((m for name, m in ROW_MARKS.items() if path.endswith(name)), b"")
    return CUT_OFF if mark in partial else CUT_OFF_BEFORE_A_ROW


def get(conn, path):
    """(status, Retry-After, connection closing, body); a 200 whose body was cut off
    (no final chunk) gets a status of its own."""
    # As the TLS-terminating proxy in front of the app would send it.
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    try:
        body = response.read()
    except http.client.IncompleteRead as error:
        return cut_off(path, error.partial), None, True, error.partial
    return response.status, response.getheader("Retry-After"), response.will_close, body


def client(port, paths, offset, stop_at, results):
    conn = None
    turn = offset
    while time.monotonic() < stop_at:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.monotonic()
        try:
            conn = conn or http.client.HTTPConnection(HOST, port, timeout=10)
            status, retry_after, closing, _body = get(conn, path)
        except (OSError, http.client.HTTPException) as error:
            results.append((started, 0.0, path, f"error {type(error).__name__}", None))
            conn.close()
            conn = None
            continue
        results.append((started, time.monotonic() - started, path, status, retry_after))
        if closing:
            conn.close()
            conn = None


def load(port, paths, concurrency, seconds, during=None):
    """Run the clients for `seconds`; `during(t0)` runs alongside in this thread."""
    results = []
    t0 = time.monotonic()
    threads = [
        threading.Thread(target=client, args=(port, paths, n, t0 + seconds, results))
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    events = during(t0) if during else {}
    for thread in threads:
        thread.join()
    return t0, results, events


def summarise(title, t0, results, seconds):
    statuses = collections.Counter(str(r[3]) for r in results)
    by_path = collections.defaultdict(collections.Counter)
    for result in results:
        by_path[result[2]][str(result[3])] += 1
    latencies = sorted(r[1] * 1000 for r in results if r[3] == 200)
    print(f"\n## {title}\n")
    print(f"requests: {len(results)} in {seconds} s = {len(results) / seconds:.0f} req/s")
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    for path, counts in sorted(by_path.items()):
        print(f"  {path}: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    if latencies:
        q = statistics.quantiles(latencies, n=100)
        print(
            f"latency of 200s (ms): p50 {q[49]:.1f}, p95 {q[94]:.1f}, "
            f"p99 {q[98]:.1f}, max {latencies[-1]:.1f}"
        )
    return statuses


def outage(cluster, seconds_before, seconds_down):
    def during(t0):
        time.sleep(seconds_before)
        events = {"stop issued": time.monotonic() - t0}
        cluster.stop()  # returns once the server has shut down
        events["stopped"] = time.monotonic() - t0
        time.sleep(seconds_down)
        events["start issued"] = time.monotonic() - t0
        cluster.start()  # returns once the server accepts connections
        events["accepting"] = time.monotonic() - t0
        return events

    return during


def classify(status):
    if status in (200, 503, 500, CUT_OFF, CUT_OFF_BEFORE_A_ROW):
        return status
    return "errors" if "error" in str(status) else "other"


COLUMNS = [200, 503, 500, CUT_OFF, CUT_OFF_BEFORE_A_ROW, "other", "errors"]


def report_outage(t0, results, events, name="database"):
    print(f"\n{name}: " + ", ".join(f"{what} at t={at:.2f} s" for what, at in events.items()))
    print("\n| second | " + " | ".join(str(c) for c in COLUMNS) + " |")
    print("|---:" * (len(COLUMNS) + 1) + "|")
    by_second = collections.defaultdict(collections.Counter)
    for started, _, _, status, _ in results:
        by_second[int(started - t0)][classify(status)] += 1
    for second in sorted(by_second):
        counts = by_second[second]
        print(f"| {second} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    unavailable = [r for r in results if r[3] == 503]
    with_retry = sum(1 for r in unavailable if r[4])
    print(f"\n503 responses: {len(unavailable)}, with Retry-After: {with_retry}")
    down_from, up = events["stop issued"], events["accepting"]
    bad = [r[0] - t0 for r in results if r[3] != 200]
    if not bad:
        print("no request failed")
        return
    print(f"first non-200 began {min(bad) - down_from:+.2f} s after the stop was issued")
    last_bad = max(bad)
    print(
        f"last non-200 began {last_bad - up:+.2f} s after the database accepted connections "
        f"again; only 200s from then on ({len([r for r in results if r[0] - t0 > last_bad])} "
        "requests)"
    )


EXPORTS = ["/meetings/export.csv", "/meetings/export.json", "/meetings/calendar.ics"]


def server_log_summary(log):
    """What the server logged, by kind: tracebacks must be 0."""
    counts = {
        "tracebacks": log.count("Traceback"),
        "'Error handling request'": log.count("Error handling request"),
        "'Database unavailable for' warnings": log.count("Database unavailable for"),
        "'Database unavailable while streaming' warnings": log.count("while streaming"),
    }
    return ", ".join(f"{count} {what}" for what, count in counts.items())


def exports_phase(port, cluster, env, args):
    """The streamed exports under load while the database goes away and comes back."""
    run(
        sys.executable,
        "manage.py",
        "populate",
        "--meetings",
        str(args.export_meetings),
        "--seed",
        "7",
        cwd=PROJECT,
        env=env,
    )
    seconds = 10 + args.outage + 20
    t0, results, events = load(
        port, EXPORTS, args.export_concurrency, seconds, outage(cluster, 10, args.outage)
    )
    title = f"Exports of {args.export_meetings} meetings, database outage of {args.outage:g} s"
    summarise(title, t0, results, seconds)
    report_outage(t0, results, events)


def parse_ports(text):
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", choices=["private", "main"], default="private")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--outage", type=float, default=6, help="seconds the database is down")
    parser.add_argument("--paths", nargs="+", default=["/healthz", "/"])
    parser.add_argument("--phases", nargs="+", default=["steady", "database", "exports"])
    parser.add_argument("--export-meetings", type=int, default=2000)
    parser.add_argument("--export-concurrency", type=int, default=8)
    parser.add_argument("--ports", type=parse_ports, help="e.g. 8120-8139 (default: any free)")
    args = parser.parse_args()
    if args.outage > 10:
        parser.error("keep the outage to 10 s or less")
    return args


def main():
    global PORTS  # set once, from the command line
    args = arguments()
    PORTS = args.ports

    cluster = PrivateCluster() if args.cluster == "private" else MainCluster()
    log_path = Path(tempfile.mkstemp(prefix="backchannel-gunicorn-", suffix=".log")[1])
    try:
        env = app_env(cluster.url)
        prepare(env)
        port = free_port()
        print(f"# Load and faults: {', '.join(args.phases)}")
        print(f"{args.concurrency} clients on {', '.join(args.paths)}; exports: ", end="")
        print(f"{args.export_concurrency} clients on {', '.join(EXPORTS)}")
        print("gunicorn: 2 workers x 8 threads (gthread), debug off; PostgreSQL 15")
        with gunicorn(env, port, log_path):
            if "steady" in args.phases:
                t0, results, _ = load(port, args.paths, args.concurrency, args.duration)
                summarise(f"Steady load, {args.duration} s", t0, results, args.duration)
            if "database" in args.phases:
                seconds = 10 + args.outage + 20
                t0, results, events = load(
                    port, args.paths, args.concurrency, seconds, outage(cluster, 10, args.outage)
                )
                summarise(f"Database outage of {args.outage:g} s mid-run", t0, results, seconds)
                report_outage(t0, results, events)
            if "exports" in args.phases:
                exports_phase(port, cluster, env, args)
        print(f"\nserver log: {server_log_summary(log_path.read_text())}")
    finally:
        cluster.remove()
        log_path.unlink()


if __name__ == "__main__":
    main()
