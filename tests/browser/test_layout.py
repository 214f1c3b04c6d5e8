"""The main pages at desktop and phone widths: screenshots to look at, no sideways scrolling, light pages."""

import pytest

from tests.browser.conftest import BROWSER

pytestmark = BROWSER

WIDTHS = {"desktop": 1280, "phone": 360}


def _pages(archive):
    en, vi = archive["en"], archive["vi"]
    return {
        "home": "/",
        "article": en.get_absolute_url(),
        "article-vi": vi.get_absolute_url(),
        "compare": f"/stories/{en.story_id}/compare/?a=en&b=vi",
        "search": "/search/?q=government+office",
        "officials": "/officials/",
        "official": "/officials/le-minh-khai/",
        "topics": "/topics/",
        "topic": "/topics/e-government/",
        "archive": "/archive/",
        "month": "/archive/2024/1/",
        "not-found": "/no-such-page/",
    }


@pytest.mark.parametrize("device", WIDTHS)
def test_main_pages_fit_the_screen_and_are_screenshotted(page, archive, artifacts, device):
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in _pages(archive).items():
        page.goto(url)
        page.wait_for_load_state("load")
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} scrolls sideways at {width}px ({overflow}px wide)"
        page.screenshot(path=str(artifacts / f"{name}-{device}.png"), full_page=True)


def test_dark_mode_and_print_styles_apply(page, archive, artifacts):
    page.emulate_media(color_scheme="dark")
    page.goto(archive["vi"].get_absolute_url())
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 24, 26)"
    page.screenshot(path=str(artifacts / "article-dark.png"), full_page=True)
    page.emulate_media(media="print", color_scheme="light")
    assert page.locator("header.site").is_hidden()
    assert page.locator(".variants").is_hidden()
    assert page.locator("article.article .body").is_visible()


def test_a_page_of_search_results_weighs_well_under_100_kb(page, archive):
    sizes = {}

    def record(response):
        body = response.body() if response.status == 200 else b""
        sizes[response.url] = len(body)

    page.on("response", record)
    page.goto("/search/?q=government")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    print(f"search results page: {total} bytes in {len(sizes)} responses")
    assert total < 60_000, sizes
