"""In a real browser, the Content-Security-Policy blocks nothing the site itself needs, and the admin's
scripts still run under it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, archive, browser, page  # noqa: F401  (fixtures)

pytestmark = BROWSER


@pytest.fixture
def violations(page):  # noqa: F811
    # Chromium reports every blocked script, style or frame as a console error naming the policy.
    found = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and found.append((page.url, msg.text[:60])))
    return found


def test_reading_pages_trigger_no_policy_violations(page, archive, violations):  # noqa: F811
    for path in [
        "/",
        "/search/?q=institutions",
        "/search/?q=government&language=en",
        archive["en"].get_absolute_url(),
        f"/stories/{archive['en'].story_id}/compare/",
        "/officials/le-minh-khai/",
        "/topics/",
        "/archive/2024/",
        "/no-such-page/",
    ]:
        page.goto(path)
    assert not violations, violations


def test_admin_scripts_run_under_the_policy(page, archive, violations, django_user_model):  # noqa: F811
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long editor password")
    page.goto("/admin/login/?next=/admin/archive/article/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long editor password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/archive/article/add/")
    # prepopulated_fields: the admin's own script fills the slug from the title as the editor types
    page.locator("#id_title").press_sequentially("Government Office reviews the year")
    expect(page.locator("#id_slug")).to_have_value("government-office-reviews-the-year")
    page.goto(f"/admin/archive/article/{archive['en'].pk}/change/")
    page.goto("/admin/archive/article/upload/")
    assert not violations, violations
