"""Steps the admin browser tests share: staff accounts, logging in, autocompletes, and
the top of the meeting form."""

from django.contrib.auth.models import Group, User
from playwright.sync_api import expect


def staff(name, group):
    """A staff account in ``group``, whose password is ``<name>-password``."""
    user = User.objects.create_user(name, password=f"{name}-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, base_url, name, next_path):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"{name}-password")
    page.get_by_role("button", name="Log in").click()


def choose(page, select_id, typed, choice):
    """Type in the autocomplete replacing <select id=select_id> and pick ``choice``."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-container--open .select2-results__option", has_text=choice).click()


def start_meeting(page, title, slug, year, month):
    """On the empty meeting form: the title (its slug follows), held, the year and month."""
    expect(page.get_by_role("heading", name="Add meeting")).to_be_visible()
    page.get_by_role("textbox", name="Title:", exact=True).press_sequentially(title)
    expect(page.get_by_label("Slug")).to_have_value(slug)
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Date: year").fill(year)
    page.get_by_label("Date: month").select_option(month)
