"""The benchmark's report: non-200 answers are errors, never a speed-up."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figures(rps, errors=0):
    return {"rps": rps, "p50": 1.0, "p95": 2.0, "p99": 3.0, "errors": errors}


def test_bench_ratio_compares_pages_that_answered(bench):
    assert bench.ratio(figures(300.0), 3.0) == "100.00×"


def test_bench_ratio_is_blank_when_the_app_answered_errors(bench):
    assert bench.ratio(figures(900.0, errors=12), 3.0) == "–"


def test_bench_table_has_one_row_per_page_and_concurrency(bench):
    rows = [
        {
            "label": "/healthz",
            "c": 1,
            "app": figures(1000.0),
            "ds": figures(500.0),
            "ceiling": 1000.0,
        },
        {"label": "/meetings/", "c": 1, "app": figures(250.0, errors=0), "ceiling": 1000.0},
    ]
    lines = bench.table(rows).splitlines()
    assert len(lines) == 4
    assert lines[2].endswith("| 2.00× | 1.00× |")
    assert lines[3].startswith("| /meetings/ | 1 | 250.0 | 1.0 | 2.0 | 3.0 | 0 | – |")
    assert lines[3].endswith("| – | 0.25× |")


def test_bench_scenarios_stay_on_loopback_paths(bench):
    found = {"city": "geneva", "year": 2018, "track": "1.5", "meeting": "m", "person": "p"}
    found["organization"] = "institute"
    pages = bench.scenarios(found, 7, 9)
    assert [label for label, _, _ in pages][-1].startswith("ceiling")
    assert all(path.startswith("/") for _, app, ds in pages for path in (app, ds))
    assert pages[2][:2] == ("?city=&year=&track=", "/meetings/?city=geneva&year=2018&track=1.5")
    assert bench.HOST == "127.0.0.1"


def test_bench_python_client_counts_non_200_answers(bench, live_server):
    """Against the live test server (pytest-django's), on 127.0.0.1."""
    # The live test server has no page at this path: every answer is a 404.
    # Bounded by count, not time: each of the 2 threads sends exactly 3 requests.
    result = bench.load_python(f"{live_server.url}/no-such-page/", 2, 600, max_requests=3)
    assert (result["requests"], result["errors"]) == (6, 6)
    assert result["p50"] <= result["p95"] <= result["p99"]
