"""A reader in a real browser: searching, facets, language variants, side by side, interface language."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER

pytestmark = BROWSER


def test_search_from_the_header_box_finds_articles_and_highlights_them(page, archive):
    page.goto("/")
    page.get_by_role("searchbox", name="Search the archive").fill("institutions")
    page.get_by_role("searchbox", name="Search the archive").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=institutions"))
    expect(page.locator("main [role=status]")).to_contain_text("found")
    expect(page.locator(".hit-title").first).to_contain_text("institutions")
    expect(page.locator(".hit-title mark").first).to_be_visible()


def test_ticking_a_facet_updates_results_in_place_and_announces_the_count(page, archive):
    page.goto("/search/")
    expect(page.locator("main [role=status]")).to_have_text("8 articles found")
    page.locator("fieldset.facet-language").get_by_label(re.compile("^Include Русский")).check()
    expect(page.locator("main [role=status]")).to_have_text("2 articles found")
    expect(page.locator("#announcer")).to_have_text("2 articles found")
    assert "language=ru" in page.url
    for lang in page.locator(".hit-title a").evaluate_all("links => links.map(a => a.lang)"):
        assert lang == "ru"
    # the ticked box is still ticked and still has the focus after the update
    box = page.locator("fieldset.facet-language").get_by_label(re.compile("^Include Русский"))
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    page.go_back()
    expect(page.locator("main [role=status]")).to_have_text("8 articles found")


def test_facets_on_an_official_page_stay_within_the_official(page, archive):
    page.goto("/officials/")
    page.get_by_role("link", name="Lê Minh Khái").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lê Minh Khái")
    before = page.locator("main [role=status]").inner_text()
    page.locator("fieldset.facet-language").get_by_label(re.compile("^Include Tiếng Việt")).check()
    expect(page.locator("main [role=status]")).not_to_have_text(before)
    assert "/officials/le-minh-khai/?" in page.url and "language=vi" in page.url


def test_switching_between_language_variants_of_a_story(page, archive):
    page.goto(archive["en"].get_absolute_url())
    article = page.locator("article.article")
    expect(article).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="This story in other languages").get_by_role(
        "link", name="Tiếng Việt", exact=True
    ).click()
    page.wait_for_url(f"**{archive['vi'].get_absolute_url()}")
    expect(article).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(archive["vi"].title)
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the interface did not change


def test_side_by_side_view_shows_two_variants_and_switches_them(page, archive):
    page.goto(archive["en"].get_absolute_url())
    page.get_by_role("link", name="Compare side by side with Русский").click()
    columns = page.locator(".compare article.column")
    expect(columns).to_have_count(2)
    expect(columns.nth(0)).to_have_attribute("lang", "en")
    expect(columns.nth(1)).to_have_attribute("lang", "ru")
    box0, box1 = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert box0["x"] < box1["x"] and abs(box0["y"] - box1["y"]) < 5, "columns are not side by side"
    page.get_by_label("Right").select_option("vi")
    page.get_by_role("button", name="Compare").click()
    expect(columns.nth(1)).to_have_attribute("lang", "vi")
    expect(columns.nth(1).get_by_role("heading")).to_have_text(archive["vi"].title)
    # on a phone they stack
    page.set_viewport_size({"width": 360, "height": 800})
    box0, box1 = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert box1["y"] > box0["y"] + box0["height"] - 1


def test_switching_the_interface_language_is_remembered(page, archive):
    page.goto("/archive/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Interface language").select_option("ru")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url("**/archive/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Архив")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Последние статьи")
    page.goto(archive["vi"].get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".facts")).to_contain_text("Официальные лица")
    expect(page.locator("article.article h1")).to_have_text(archive["vi"].title)  # article text untouched
    page.get_by_label("Язык интерфейса").select_option("vi")
    page.get_by_role("button", name="Сменить").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_on_a_phone_the_filters_fold_and_stay_open_while_the_reader_ticks_them(page, archive, artifacts):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/search/")
    summary = page.locator("details.facet-box > summary")
    languages = page.locator("fieldset.facet-language")
    status = page.locator("main [role=status]")
    expect(languages).to_be_hidden()
    assert status.bounding_box()["y"] < 800, "the result count should be on the first screen"
    summary.click()
    expect(languages).to_be_visible()
    languages.get_by_label(re.compile("^Include Русский")).check()
    expect(status).to_have_text("2 articles found")
    expect(page.locator("#announcer")).to_have_text("2 articles found")
    expect(languages).to_be_visible()  # the update did not fold them away under the reader's finger
    expect(summary).to_have_text("Narrow the results (1 filter on)")
    page.screenshot(path=str(artifacts / "search-phone-filters-open.png"), full_page=True)


def test_on_a_wide_screen_the_filters_show_without_a_summary(page, archive):
    page.goto("/search/")
    expect(page.locator("details.facet-box > summary")).to_be_hidden()
    expect(page.locator("fieldset.facet-language")).to_be_visible()


def test_subscribing_to_a_search_by_email_from_its_page(page, archive):
    from django.core import mail

    from archive.models import Subscription

    page.goto("/search/?q=administrative&sort=oldest")
    # The feed of the same search is advertised in the head and linked in the page.
    feeds = page.locator('head link[rel=alternate]:not([type="text/csv"])')
    expect(feeds).to_have_count(2)
    assert feeds.first.get_attribute("href") == "/feeds/search.rss?q=administrative"
    # And its CSV, with the order too.
    expect(page.locator('head link[rel=alternate][type="text/csv"]')).to_have_attribute(
        "href", "/api/search.csv?q=administrative&sort=oldest"
    )
    page.get_by_role("link", name="Follow this search by feed or e-mail").click()
    expect(page.get_by_role("heading", name="Follow: “administrative”")).to_be_in_viewport()
    page.get_by_label("E-mail alerts to").fill("reader@example.org")
    page.get_by_label("How often").select_option("weekly")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert Subscription.objects.get().query == "q=administrative"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]


def test_ticking_a_facet_updates_the_advertised_feeds_too(page, archive):
    page.goto("/search/?q=administrative")
    page.locator("fieldset.facet-language").get_by_label(re.compile("^Include English")).check()
    expect(page.locator("main [role=status]")).to_have_text("1 article found")
    expect(page.locator("head link[rel=alternate]").first).to_have_attribute(
        "href", "/feeds/search.rss?q=administrative&language=en"
    )
    expect(page.locator(".follow .feeds a").first).to_have_attribute(
        "href", "/feeds/search.rss?q=administrative&language=en"
    )
    for csv in (page.locator('head link[type="text/csv"]'), page.locator('main a[type="text/csv"]')):
        expect(csv).to_have_attribute("href", "/api/search.csv?q=administrative&language=en")
