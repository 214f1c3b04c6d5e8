"""axe-core (the engine behind most accessibility checkers, bundled by axe-playwright-python) on the main pages:
WCAG 2 A and AA rules, including colour contrast, in light and dark mode, at desktop and phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import BROWSER

pytestmark = BROWSER

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _pages(archive):
    en = archive["en"]
    return [
        "/",
        en.get_absolute_url(),
        f"/stories/{en.story_id}/compare/?a=en&b=ru",
        "/search/?q=government+office&language=en",
        "/officials/",
        "/officials/le-minh-khai/",
        "/topics/e-government/",
        "/archive/",
        "/archive/2024/1/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 360)])
def test_main_pages_have_no_wcag_aa_violations(page, archive, scheme, width):
    axe = Axe()
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    problems = {}
    for url in _pages(archive):
        page.goto(url)
        results = axe.run(page, options=WCAG)
        violations = results.response["violations"]
        if violations:
            problems[url] = [
                (v["id"], [node["target"] for node in v["nodes"]][:3], v["nodes"][0].get("failureSummary", ""))
                for v in violations
            ]
    assert not problems, problems
