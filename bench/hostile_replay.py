"""Replay the hostile review's attacks against the production server (issue 10).

gunicorn with debug off, on a database of its own, loopback only. Run from the
project root, once per database:

    .venv/bin/python bench/hostile_replay.py                      # a new SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bc_replay \
        .venv/bin/python bench/hostile_replay.py

It loads the demo record, creates an Editor and a Viewer, logs in through the real
login page (CSRF token and all), then tries: a Viewer's write through a history page,
an Editor's merge that would publish an anonymised person and delete without the
permission, a published summary holding control characters (planted by raw SQL,
past every form) read through the feed, calendar, sitemap and exports, a date at the
database's bound, and POST to public pages. Each line says what was expected and what
came back; the exit status is 1 when any attack got through. The outages (points 3
and 5) have their own runs: bench/faults.py and bench/redis_faults.py.
"""

import os
import re
import sys
import tempfile
import xml.dom.minidom
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import HOST, PROJECT, app_env, free_port, gunicorn, run

SETUP = """
from django.contrib.auth.models import Group, User
for name in ("Editors", "Viewers"):
    user = User.objects.create_user(name.lower(), password="replay-Password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=name))
from meetings.models import Meeting, Participation
from people.models import Person
meeting = Meeting.objects.get(slug="us-north-korea-informal-talks-berlin")
hidden = Person.objects.create(full_name="Kim Hidden", slug="kim-hidden", bio="Secret bio.")
Participation.objects.create(meeting=meeting, person=hidden, side="KP", capacity="official",
                             anonymised=True)
"""

PLANT = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "UPDATE meetings_meeting SET summary = %s, start_date = %s, date_precision = 'day' "
        "WHERE slug = %s",
        ["Pasted\\x0cfrom a\\x0bPDF", "2199-12-31", "us-north-korea-informal-talks-geneva"],
    )
"""

HEADERS = {"X-Forwarded-Proto": "https"}


class Session:
    def __init__(self, base, username=None):
        self.base, self.http = base, requests.Session()
        self.http.headers.update(HEADERS)
        if username:
            self.login(username)

    def cookies(self):
        """The cookies as the proxy's client would send them: the app marks them Secure,
        and this client speaks plain HTTP to it behind a pretend TLS proxy."""
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)}

    def get(self, path, **kwargs):
        return self.http.get(self.base + path, headers=self.cookies(), allow_redirects=False)

    def post(self, path, data):
        token = self.http.cookies.get("csrftoken", "")
        origin = self.base.replace("http://", "https://")
        headers = {"Referer": origin + path, "Origin": origin, "X-CSRFToken": token}
        return self.http.post(
            self.base + path, data, headers=headers | self.cookies(), allow_redirects=False
        )

    def login(self, username):
        self.get("/admin/login/")
        token = self.http.cookies["csrftoken"]
        data = {"username": username, "password": "replay-Password-1", "csrfmiddlewaretoken": token}
        answer = self.post("/admin/login/?next=/admin/", data)
        assert answer.status_code == 302, f"login of {username}: {answer.status_code}"

    def form_token(self, path):
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path).text)
        return found.group(1) if found else self.http.cookies.get("csrftoken", "")


def well_formed(body):
    try:
        xml.dom.minidom.parseString(body)  # noqa: S318 - our own server's answer
    except Exception as error:  # any parse failure is the finding
        return f"not well-formed: {error}"
    return "well-formed"


def attacks(base):
    public, viewer, editor = Session(base), Session(base, "viewers"), Session(base, "editors")
    person = public.get("/people/joel-wit/")
    history = viewer.get("/admin/people/person/")
    pk = re.search(r"/admin/people/person/(\d+)/change/", history.text).group(1)
    page = f"/admin/people/person/{pk}/history/"
    entry = re.search(rf"{page}(\d+)/", viewer.get(page).text)
    target = f"{page}{entry.group(1)}/" if entry else page
    forged = {
        "csrfmiddlewaretoken": viewer.form_token(target),
        "full_name": "Changed by a viewer",
        "slug": "joel-wit",
        "bio": "Viewer's bio",
    }
    answer = viewer.post(target, forged)
    after = public.get("/people/joel-wit/")
    yield (
        "1 viewer writes through a history page",
        "refused, public page unchanged",
        f"{answer.status_code}, page "
        + ("unchanged" if "Changed by a viewer" not in after.text else "CHANGED"),
        person.status_code == after.status_code == 200 and "Changed by a viewer" not in after.text,
    )

    hidden_pk = re.search(
        r"/admin/people/person/(\d+)/change/[^>]*>Kim Hidden",
        editor.get("/admin/people/person/?q=Kim").text,
    )
    hidden = hidden_pk.group(1)
    merge = {  # the confirmation page's answer, forged: keep the anonymised person
        "action": "merge_people",
        "_selected_action": [pk, hidden],
        "confirm": "yes",
        "kept": hidden,
        "csrfmiddlewaretoken": editor.form_token("/admin/people/person/"),
    }
    answer = editor.post("/admin/people/person/", merge)
    leaked = "Secret bio" in public.get("/people/joel-wit/").text
    both_there = all(
        editor.get(f"/admin/people/person/{key}/change/").status_code == 200 for key in (pk, hidden)
    )
    hidden_public = public.get("/people/kim-hidden/").status_code
    yield (
        "2 editor merges into an anonymised person",
        "refused, nothing public",
        f"{answer.status_code}, hidden person page {hidden_public}, secret bio shown: {leaked}, "
        f"both people still there: {both_there}",
        not leaked and hidden_public == 404 and both_there,
    )

    for path in ("/meetings/feed/", "/sitemap.xml"):
        answer = public.get(path)
        result = well_formed(answer.content)
        yield (
            f"4 control characters via {path}",
            "200, well-formed",
            f"{answer.status_code}, {result}",
            answer.status_code == 200 and result == "well-formed",
        )
    for path in ("/meetings/calendar.ics", "/meetings/export.csv", "/meetings/export.json"):
        answer = public.get(path)
        raw = bool(re.search(rb"[\x0b\x0c]", answer.content))
        yield (
            f"4+6 control characters and a 2199 date via {path}",
            "200, no raw control character",
            f"{answer.status_code}, raw control characters: {raw}",
            answer.status_code == 200 and not raw,
        )
    listing = public.get("/meetings/")
    year_links = re.findall(r'href="(/meetings/\?year=\d+)"', listing.text)
    bad = [link for link in year_links if public.get(link).status_code != 200]
    yield (
        "6 listing with a 2199 date",
        "200, every year link answers",
        f"{listing.status_code}, {len(listing.content) // 1024} KB, {len(bad)} bad year links",
        listing.status_code == 200 and not bad,
    )

    for method in ("POST", "PUT", "DELETE"):
        answer = public.http.request(method, base + "/meetings/", allow_redirects=False)
        allow = answer.headers.get("Allow")
        yield (
            f"7 {method} /meetings/",
            "405 with Allow: GET, HEAD",
            f"{answer.status_code}, Allow: {allow}",
            answer.status_code == 405 and allow,
        )


def main():
    folder = tempfile.mkdtemp(prefix="replay-")
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/replay.sqlite3"
    env = app_env(database)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["setup_roles"],
        ["loaddemo"],
    ):
        run(*manage, *command, cwd=PROJECT, env=env)
    run(*manage, "shell", "--no-imports", "-c", SETUP, cwd=PROJECT, env=env)
    run(*manage, "shell", "--no-imports", "-c", PLANT, cwd=PROJECT, env=env)
    port = free_port()
    failed = 0
    with gunicorn(env, port, Path(folder) / "gunicorn.log"):
        print(f"database: {database.split('@')[-1]}")
        for name, expected, got, held in attacks(f"http://{HOST}:{port}"):
            failed += not held
            print(f"{'held' if held else 'FAILED':6}  {name}: expected {expected}; got {got}")
    log = (Path(folder) / "gunicorn.log").read_text()
    # Django logs a refused request (PermissionDenied, 403) with its traceback.
    tracebacks = log.count("Traceback") - log.count("PermissionDenied: ")
    print(f"tracebacks in the server log, refusals aside: {tracebacks}")
    return 1 if failed or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
