"""The Content-Security-Policy blocks nothing the pages and the admin need."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_berlin_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations_on(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations")


def admin_pages():
    """The admin's index, and the list, add and first change page of every registered model."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    return urls


def test_public_pages_run_under_the_policy(live_server, page):
    meeting = make_berlin_meeting()
    person = meeting.participations.filter(person__isnull=False).first().person
    page.add_init_script(RECORD_VIOLATIONS)

    found = {
        url: violations_on(page, live_server.url + url)
        for url in ["/", meeting.get_absolute_url(), person.get_absolute_url()]
    }

    assert found == {url: [] for url in found}


def test_admin_runs_under_the_policy(live_server, page):
    get_user_model().objects.create_superuser("editor", password="e2e-password-1")
    make_berlin_meeting()
    page.add_init_script(RECORD_VIOLATIONS)
    assert violations_on(page, live_server.url + reverse("admin:login")) == []
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("e2e-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))

    found = {url: violations_on(page, live_server.url + url) for url in admin_pages()}

    assert found == {url: [] for url in found}
