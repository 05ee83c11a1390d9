"""The meeting form's track preview (static/staff/track.js) follows the same rule as
meetings/track.py: run in Node against every case tests/meetings/test_track.py checks.

The cases are not copied: the pure-function tests of test_track.py are run here with
``compute_track`` recording its calls, so a case added there is checked here too.
"""

import inspect
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from meetings.track import compute_track
from tests.meetings import test_track

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "staff" / "track.js"
NODE = shutil.which("node")
RUN = """
const track = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const results = cases.map((c) => ({
  rule: track.computeTrack(c.parties, c.rows, c.override),
  form: track.computeTrack(track.partiesOf(c.rows, c.parties), c.rows, c.override),
}));
process.stdout.write(JSON.stringify(results));
"""

pytestmark = pytest.mark.skipif(
    NODE is None, reason="no Node.js: install it (Debian: apt-get install nodejs) to run this"
)


def _calls_of(test, monkeypatch):
    """Each (parties, rows, override) a test of test_track.py passes to compute_track."""
    calls = []

    def recording(parties, participations, override=""):
        calls.append((list(parties), [list(row) for row in participations], override))
        return compute_track(parties, participations, override)

    monkeypatch.setattr(test_track, "compute_track", recording)
    marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    if marks:
        name, values = marks[0].args
        for value in values:
            test(**{name: value})
    else:
        test()
    return calls


def track_cases(monkeypatch):
    tests = [
        function
        for name, function in inspect.getmembers(test_track, inspect.isfunction)
        if name.startswith("test_compute_track")
    ]
    return [call for test in tests for call in _calls_of(test, monkeypatch)]


def preview(cases):
    payload = json.dumps([{"parties": p, "rows": r, "override": o} for p, r, o in cases])
    done = subprocess.run(
        [NODE, "-e", RUN, str(SCRIPT)], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _as_json(result):
    return {"track": result.track, "sides": result.sides}


def _hidden_free(parties, rows):
    """A case the meeting form can state: every counted participant sits for a party."""
    counted = {side for side, _capacity, role in rows if role not in {"facilitator", "observer"}}
    return counted <= set(parties)


def test_track_preview_follows_the_rule_on_every_case_of_the_track_tests(monkeypatch):
    cases = track_cases(monkeypatch)
    assert len(cases) >= 15  # the case table was found
    expected = [_as_json(compute_track(*case)) for case in cases]

    found = preview(cases)

    assert [result["rule"] for result in found] == expected


def test_track_preview_on_the_form_agrees_with_the_saved_track(monkeypatch):
    """With the form's sides (the participants' and the other sides typed), the preview
    and the track saved from the same rows agree, on every case the form can state."""
    cases = [case for case in track_cases(monkeypatch) if _hidden_free(*case[:2])]
    saved = [_as_json(compute_track(*case)) for case in cases]

    found = preview(cases)

    assert [result["form"] for result in found] == saved
