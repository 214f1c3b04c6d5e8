"""The main pages at desktop and phone widths: screenshots to look at, no sideways scrolling, light pages."""

import pytest
from playwright.sync_api import expect

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


@pytest.mark.parametrize("language", ["ru", "vi"])
def test_translated_interface_fits_a_phone(browser, live_server, archive, artifacts, language):
    # Russian and Vietnamese labels run longer than English ones: the same pages must still fit at 360 px.
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, locale=language, extra_http_headers={"Accept-Language": language}
    )
    tab = context.new_page()
    try:
        for name, url in {
            "home": "/",
            "search": "/search/?q=government+office",
            "article": archive["en"].get_absolute_url(),
        }.items():
            tab.goto(live_server.url + url)
            assert tab.locator("html").get_attribute("lang") == language
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{name} in {language} scrolls sideways ({width}px wide)"
            tab.screenshot(path=str(artifacts / f"{name}-phone-{language}.png"), full_page=True)
    finally:
        context.close()


def test_dark_mode_and_print_styles_apply(page, archive, artifacts):
    page.emulate_media(color_scheme="dark")
    page.goto(archive["vi"].get_absolute_url())
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 24, 26)"
    page.screenshot(path=str(artifacts / "article-dark.png"), full_page=True)
    page.goto("/search/?q=government+office")
    page.screenshot(path=str(artifacts / "search-dark.png"), full_page=True)
    page.goto(archive["vi"].get_absolute_url())
    page.emulate_media(media="print", color_scheme="light")
    assert page.locator("header.site").is_hidden()
    assert page.locator(".variants").is_hidden()
    assert page.locator("aside.more").is_hidden()
    assert page.locator("article.article .body").is_visible()
    page.screenshot(path=str(artifacts / "article-print.png"), full_page=True)


def test_year_bars_are_as_long_as_their_counts(page, archive):
    page.goto("/search/")
    bars = page.locator(".histogram li")
    expect(bars).to_have_count(2)
    counts = [int(n) for n in page.locator(".histogram .count").all_inner_texts()]
    widths = [bar.locator("rect").bounding_box()["width"] for bar in bars.all()]
    slots = [bar.locator("svg").bounding_box()["width"] for bar in bars.all()]
    assert counts[0] != counts[1]
    # Drawn lengths, not just markup: a bar of 5 out of 5 fills its slot, a bar of 3 fills three fifths of it.
    for count, width, slot in zip(counts, widths, slots, strict=True):
        assert width / slot == pytest.approx(count / max(counts), abs=0.02)
    fills = page.locator(".histogram svg.bar").evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert set(fills) == {"rgba(0, 0, 0, 0)"}, "the empty part of a bar must not be painted"


def test_a_full_page_of_search_results_weighs_well_under_100_kb(page, archive, whoosh_index):
    import datetime

    from archive.search.query import PAGE_SIZE
    from tests.factories import make_article

    # A full page: every hit with long text, officials, topics and a language variant.
    paragraph = (
        "<p>" + "The Government Office reported progress on administrative reform in every province. " * 20 + "</p>"
    )
    for n in range(PAGE_SIZE + 5):
        make_article(
            title=f"Government report number {n} on administrative reform and public services",
            body=paragraph * 3,
            published=datetime.date(2022, 1 + n % 12, 1 + n % 28),
            officials=["le-minh-khai", "pham-minh-chinh"],
            topics=["administrative-reform", "public-services", "e-government"],
            source_name="VGP News",
        )
    whoosh_index()
    sizes = {}

    def record(response):
        body = response.body() if response.status == 200 else b""
        sizes[response.url] = len(body)

    page.on("response", record)
    page.goto("/search/?q=government")
    page.wait_for_load_state("networkidle")
    assert page.locator(".hit").count() == PAGE_SIZE
    total = sum(sizes.values())
    print(f"search results page: {total} bytes in {len(sizes)} responses: {sizes}")
    assert total < 70_000, sizes
