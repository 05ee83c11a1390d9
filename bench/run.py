"""Benchmark the public pages served the production way, against Datasette on the same data.

    python bench/run.py [--meetings 100000] [--seed 1] [--duration 10] [--client auto]

It populates (or reuses) bench/data/bench-<meetings>-<seed>.sqlite3, runs collectstatic, serves
the app with gunicorn (gunicorn.conf.py, debug off, WhiteNoise), serves a
denormalised copy of the same meetings with Datasette (facets on city, year and
track), loads both with wrk (or, without wrk, a Python client with threads) at
concurrency 1 and 8 on 127.0.0.1 only, and
prints one markdown table (also written to bench/out/). With DATABASE_URL set to
PostgreSQL, the app reads that database instead (populated if it has no
meetings of the seed); Datasette still serves the SQLite file.
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
OUT = BENCH / "out"
HOST = "127.0.0.1"  # never anything else
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # as behind the TLS-terminating proxy
Q_WORD = "maritime"
DEEP_PAGE = 200
PAGE_SIZE = 25
DATASETTE_VERSION = "0.65.5"

# Fresh planner statistics, and a new record version so that a shared cache (Redis) holds
# nothing from an earlier run on another database.
PREPARE_CODE = (
    "from meetings.populate.bulk import refresh_planner_statistics as r; r(); "
    "from backchannel.cache import bump_record_version as b; b()"
)
SAMPLES_CODE = """
import json
from django.db.models import Count
from meetings.models import Meeting, MeetingOrganizer, public_people
public = Meeting.objects.public()
prefix = "syn{seed}-"
count = Meeting.objects.filter(slug__startswith=prefix).count()
def top(qs, field):
    return qs.values(field).annotate(n=Count("id")).order_by("-n", field)[0][field]
if not count:
    print('SAMPLES {{"count": 0}}')
    raise SystemExit
city = top(public.exclude(city=None), "city__slug")
in_city = public.filter(city__slug=city).exclude(start_date=None)
year = top(in_city, "start_date__year")
track = top(in_city.filter(start_date__year=year), "track")
links = MeetingOrganizer.objects.filter(meeting__in=public)
print("SAMPLES " + json.dumps({{
    "count": count, "city": city, "year": year, "track": track,
    "organization": top(links, "organization__slug"),
    "meeting": public.filter(visibility="public", slug__startswith=prefix)
        .order_by("pk").values_list("slug", flat=True).first(),
    "person": public_people().filter(slug__startswith=prefix)
        .order_by("pk").values_list("slug", flat=True).first(),
}}))
"""


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fail(message):
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(2)


# Set-up ---------------------------------------------------------------------


def choose_client(asked):
    """wrk when installed (exact, light on the CPU), else the Python client."""
    if asked == "wrk" and not shutil.which("wrk"):
        fail("wrk is not installed. Install it with: sudo apt-get install wrk (or --client python)")
    if asked == "auto":
        if shutil.which("wrk"):
            return load
        log("wrk not found, using the Python client; for lighter, exact load: apt-get install wrk")
        return load_python
    return load if asked == "wrk" else load_python


def ensure_datasette():
    try:
        if metadata.version("datasette") == DATASETTE_VERSION:
            return
    except metadata.PackageNotFoundError:
        pass
    log(f"installing datasette {DATASETTE_VERSION} into {sys.prefix}")
    pip = [sys.executable, "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements.txt")]
    subprocess.run(pip, check=True)


def app_env(database_url, port=None):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env |= {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": HOST,
    }
    # Caching is off by default in production without Redis; the benchmark measures it on
    # (a read-only load, so per-process caches cannot go stale). MEETINGS_CACHE_SECONDS=0
    # measures the caches-off case.
    env.setdefault("MEETINGS_CACHE_SECONDS", "600")
    if port:
        env |= {"PORT": str(port), "HOST": HOST}
    return env


def manage(database_url, *args, capture=False):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    result = subprocess.run(
        command, env=app_env(database_url), cwd=ROOT, check=True, text=True,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip
    return result.stdout


def samples(database_url, seed):
    output = manage(
        database_url, "shell", "-v", "0", "-c", SAMPLES_CODE.format(seed=seed), capture=True
    )
    line = next(line for line in output.splitlines() if line.startswith("SAMPLES "))
    return json.loads(line.removeprefix("SAMPLES "))


def prepare_database(database_url, meetings, seed):
    """Migrate, populate unless the seed's meetings are there, return the sample parameters."""
    manage(database_url, "migrate", "--noinput", "-v0")
    found = samples_or_none(database_url, seed)
    if found is None:
        log(f"populating {meetings} meetings (seed {seed}) into {redact(database_url)}")
        manage(database_url, "populate", "--meetings", str(meetings), "--seed", str(seed))
        found = samples_or_none(database_url, seed)
    elif found["count"] != meetings:
        log(f"reusing {found['count']} meetings of seed {seed} (asked for {meetings})")
    # As a maintained database has (populate also runs it), and no stale shared cache.
    manage(database_url, "shell", "-v", "0", "-c", PREPARE_CODE)
    return found


def samples_or_none(database_url, seed):
    found = samples(database_url, seed)
    return found if found["count"] else None


def redact(url):
    return url.split("@")[-1]


def build_datasette_db(source, target):
    """A denormalised copy: public meetings in listing order, with city, year and track."""
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return
    log(f"building the Datasette copy {target.relative_to(ROOT)}")
    target.parent.mkdir(exist_ok=True)
    target.unlink(missing_ok=True)
    db = sqlite3.connect(f"file:{target}", uri=True)  # URI filenames for the read-only ATTACH
    db.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
    db.executescript((BENCH / "datasette.sql").read_text())
    db.commit()
    db.close()


def rowid(database, table, slug):
    with sqlite3.connect(database) as db:
        return db.execute(f"SELECT rowid FROM {table} WHERE slug = ?", (slug,)).fetchone()[0]  # noqa: S608


# Servers --------------------------------------------------------------------


class Server:
    def __init__(self, name, command, env, port, ready_path):
        self.name, self.port = name, port
        log(f"starting {name} on {HOST}:{port}")
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.wait_ready(ready_path)

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def wait_ready(self, path, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"{self.name} exited with {self.process.returncode} while starting")
            try:
                fetch(self.url(path), timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        fail(f"{self.name} did not answer {path} within {seconds}s")

    def pids(self):
        """The server process and its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *map(int, children.read_text().split())]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fetch(url, timeout=120):
    """(status, bytes) of one GET; raises OSError when nothing answers."""
    request = urllib.request.Request(url, headers=PROXY_HEADERS)  # noqa: S310 (http only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
            return response.status, size
    except urllib.error.HTTPError as error:
        return error.code, 0


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


# Measurements ---------------------------------------------------------------


def load(url, concurrency, duration):
    """wrk's figures for one URL: req/s, latency percentiles in ms, non-200 answers."""
    threads = min(concurrency, os.cpu_count() or 1)
    command = [
        "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "60s",
        "-s", str(BENCH / "report.lua"), "-H", "X-Forwarded-Proto: https", url,
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": raw["non200"] + raw["socket_errors"],
        "requests": raw["requests"],
    }


def load_python(url, concurrency, duration, max_requests=1_000_000):
    """The same figures from threads with keep-alive connections, bounded in time and count."""
    target = urllib.parse.urlsplit(url)
    path = f"{target.path}?{target.query}" if target.query else target.path
    deadline = time.monotonic() + duration
    latencies, failures, lock = [], [0], threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        mine, bad = [], 0
        while (started := time.monotonic()) < deadline and len(mine) < max_requests:
            try:
                connection.request("GET", path, headers=PROXY_HEADERS)
                response = connection.getresponse()
                response.read()
                bad += response.status != 200
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
            mine.append(time.monotonic() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    began = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def percentile(share):
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "errors": failures[0],
        "requests": len(latencies),
    }


def export(server, path):
    """Time one export request and the peak resident memory of the server meanwhile."""
    pids = server.pids()
    baseline = {pid: rss_kib(pid) for pid in pids}
    peak = dict(baseline)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kib(pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        status, size = fetch(server.url(path), timeout=600)
    finally:
        done.set()
        sampler.join()
    seconds = time.monotonic() - started
    grown = max(pids, key=lambda pid: peak[pid] - baseline[pid])
    return {
        "rps": 1 / seconds,
        "p50": seconds * 1000,
        "p95": None,
        "p99": None,
        "errors": 0 if status == 200 else 1,
        "peak_mib": peak[grown] / 1024,
        "size_mib": size / 2**20,
    }


def listed(column, value):
    """A Datasette ``_where`` clause: ``value`` among the comma-separated ``column``."""
    return f"(','||{column}||',')+like+'%25,{value},%25'"


def scenarios(found, ds_meeting, ds_person):
    """(label, app path, Datasette path) for each page measured under load."""
    facets = "_facet=city&_facet=year&_facet=track&_size=25"
    city = f"city={found['city']}"
    combined = f"{city}&year={found['year']}&track={found['track']}"
    like = f"%25{Q_WORD}%25"
    where = f"_where=title+like+'{like}'+or+summary+like+'{like}'"
    both = f"{listed('parties', 'KP')}+and+{listed('parties', 'US')}"
    return [
        ("/meetings/", "/meetings/", f"/bench/meetings?{facets}"),
        ("?city=", f"/meetings/?{city}", f"/bench/meetings?{facets}&{city}"),
        ("?city=&year=&track=", f"/meetings/?{combined}", f"/bench/meetings?{facets}&{combined}"),
        (f"?q={Q_WORD}", f"/meetings/?q={Q_WORD}", f"/bench/meetings?{facets}&{where}"),
        (
            f"?page={DEEP_PAGE}",
            f"/meetings/?page={DEEP_PAGE}",
            f"/bench/meetings?{facets}&_next={(DEEP_PAGE - 1) * PAGE_SIZE}",
        ),
        # The filters added since, each against a Datasette query selecting the same rows.
        ("?party=KP&party=US", "/meetings/?party=KP&party=US",
         f"/bench/meetings?{facets}&_where={both}"),
        ("?organization=", f"/meetings/?organization={found['organization']}",
         f"/bench/meetings?{facets}&_where={listed('organizers', found['organization'])}"),
        ("?year=unknown", "/meetings/?year=unknown",
         f"/bench/meetings?{facets}&_where=start_date+is+null"),
        ("?from=2015&to=2016-06", "/meetings/?from=2015&to=2016-06",
         f"/bench/meetings?{facets}&_where=start_date+<%3D+'2016-06-30'"
         "+and+coalesce(end_date,start_date)+>%3D+'2015-01-01'"),
        ("/overview/", "/overview/", f"/bench/meetings?{facets}"),
        ("/overview/?city=&track=", f"/overview/?{city}&track={found['track']}",
         f"/bench/meetings?{facets}&{city}&track={found['track']}"),
        ("meeting page", f"/meetings/{found['meeting']}/", f"/bench/meetings/{ds_meeting}"),
        ("person page", f"/people/{found['person']}/", f"/bench/people/{ds_person}"),
        ("ceiling (/healthz; Datasette /-/versions.json)", "/healthz", "/-/versions.json"),
    ]  # fmt: skip


# Report ---------------------------------------------------------------------


def cell(value, digits=1):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def ratio(figures, other):
    """How many times faster; none when the app's page answered anything but 200."""
    if figures["errors"] or not figures["rps"] or not other:
        return "–"
    return f"{figures['rps'] / other:,.2f}×"


def table(rows):
    header = (
        "| page | c | app req/s | app p50 ms | app p95 ms | app p99 ms | app non-200 | "
        "Datasette req/s | DS p50 ms | DS p95 ms | DS p99 ms | DS non-200 | "
        "app/Datasette | app/ceiling |"
    )
    lines = [header, "|" + "---|" * 14]
    for row in rows:
        app, ds = row["app"], row.get("ds") or {}
        lines.append(
            f"| {row['label']} | {row['c']} | {cell(app['rps'])} | {cell(app['p50'])} | "
            f"{cell(app['p95'])} | {cell(app['p99'])} | {app['errors']} | "
            f"{cell(ds.get('rps'))} | {cell(ds.get('p50'))} | {cell(ds.get('p95'))} | "
            f"{cell(ds.get('p99'))} | {ds.get('errors', '–')} | "
            f"{ratio(app, ds.get('rps'))} | {ratio(app, row.get('ceiling'))} |"
        )
    return "\n".join(lines)


def export_line(app, ds):
    def one(name, figures):
        if not figures:
            return f"{name}: not measured"
        return (
            f"{name}: {figures['p50'] / 1000:.2f} s, {figures['size_mib']:.1f} MiB, "
            f"peak RSS of the serving process {figures['peak_mib']:.0f} MiB"
            + (" (non-200!)" if figures["errors"] else "")
        )

    return f"CSV export — {one('app /meetings/export.csv', app)}; {one('Datasette .csv', ds)}"


# Main -----------------------------------------------------------------------


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--datasette-port", type=int, default=8766)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    return parser.parse_args()


def main():
    options = arguments()
    options.load = choose_client(options.client)
    if not options.no_datasette:
        ensure_datasette()
    DATA.mkdir(exist_ok=True)
    OUT.mkdir(exist_ok=True)
    sqlite_file = DATA / f"bench-{options.meetings}-{options.seed}.sqlite3"
    sqlite_url = f"sqlite:///{sqlite_file}"
    app_url = os.environ.get("DATABASE_URL") or sqlite_url
    found = prepare_database(app_url, options.meetings, options.seed)
    if not options.no_datasette and app_url != sqlite_url:
        prepare_database(sqlite_url, options.meetings, options.seed)
    manage(app_url, "collectstatic", "--noinput", "-v0")
    servers = []
    try:
        app = Server(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "backchannel.wsgi", "-c", "gunicorn.conf.py"],
            app_env(app_url, options.port),
            options.port,
            "/healthz",
        )
        servers.append(app)
        ds = None
        ds_ids = (None, None)
        if not options.no_datasette:
            # Datasette names a database after its file: /bench/meetings is the table.
            ds_file = DATA / f"datasette-{options.meetings}-{options.seed}" / "bench.sqlite3"
            build_datasette_db(sqlite_file, ds_file)
            ds_found = samples(sqlite_url, options.seed)
            ds_ids = (
                rowid(ds_file, "meetings", ds_found["meeting"]),
                rowid(ds_file, "people", ds_found["person"]),
            )
            ds = Server("datasette", datasette_command(ds_file, options), os.environ.copy(),
                        options.datasette_port, "/-/versions.json")  # fmt: skip
            servers.append(ds)
        rows = measure(app, ds, found, ds_ids, options)
        app_export = export(app, "/meetings/export.csv")
        ds_export = export(ds, "/bench/meetings.csv?_stream=on&_size=max") if ds else None
    finally:
        for server in servers:
            server.stop()
    report(options, app_url, found, rows, app_export, ds_export)


def datasette_command(ds_file, options):
    return [
        str(Path(sys.executable).with_name("datasette")), "serve", "-i", str(ds_file),
        "-h", HOST, "-p", str(options.datasette_port),
        "--setting", "sql_time_limit_ms", "120000",
        "--setting", "facet_time_limit_ms", "120000",
        "--setting", "default_page_size", str(PAGE_SIZE),
    ]  # fmt: skip


def measure(app, ds, found, ds_ids, options):
    rows = []
    ceiling = {}
    pages = scenarios(found, *ds_ids)
    for concurrency in options.concurrency:
        # The ceiling first, so every page's row can show its share of it.
        order = [pages[-1], *pages[:-1]]
        for label, app_path, ds_path in order:
            log(f"c={concurrency} {label}")
            row = {"label": label, "c": concurrency}
            row["app"] = options.load(app.url(app_path), concurrency, options.duration)
            if ds:
                row["ds"] = options.load(ds.url(ds_path), concurrency, options.duration)
            if app_path == "/healthz":
                ceiling[concurrency] = row["app"]["rps"]
            row["ceiling"] = ceiling.get(concurrency)
            rows.append(row)
    return rows


def cache_description():
    if os.environ.get("MEETINGS_CACHE_SECONDS", "600").strip() == "0":
        return "caches off"
    if os.environ.get("REDIS_URL"):
        return "caches on (Redis, shared by the workers)"
    return "caches on (per-process memory)"


def report(options, app_url, found, rows, app_export, ds_export):
    engine = "PostgreSQL" if app_url.startswith("postgres") else "SQLite"
    lines = [
        f"## Backchannel benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{found['count']:,} meetings (seed {options.seed}), app on {engine} with gunicorn "
        f"({os.cpu_count()} cores, {cache_description()}), "
        f"Datasette {DATASETTE_VERSION} on SQLite; "
        f"{'wrk' if options.load is load else 'the Python client'} for "
        f"{options.duration}s per cell on {HOST}. Samples: city={found['city']}, "
        f"year={found['year']}, track={found['track']}, q={Q_WORD}. "
        "Non-200 answers count as errors (a page that does not exist yet shows here).",
        "",
        table(rows),
        "",
        export_line(app_export, ds_export),
    ]
    text = "\n".join(lines)
    print(text)
    path = OUT / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(text + "\n")
    log(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
