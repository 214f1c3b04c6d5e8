"""The search page with the keyboard alone: skip link, search box, facets, result links."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER

pytestmark = BROWSER


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id, cls: e.className, name: e.name, value: e.value,"
        " text: (e.innerText || e.value || '').trim(), outline: getComputedStyle(e).outlineStyle} }"
    )


def test_keyboard_only_search_and_facets(page, archive):
    page.goto("/search/")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["cls"] == "skip", first
    expect(page.locator("a.skip")).to_be_in_viewport()
    assert first["outline"] != "none", "focus must be visible"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"

    # Tab into the search form of the page and search
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused(page)["id"] == "q":
            break
    assert _focused(page)["id"] == "q"
    page.keyboard.type("administrative")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=administrative"))
    expect(page.locator("main [role=status]")).to_have_text("2 articles found")

    # reach the first language checkbox by Tab and tick it with Space
    for _ in range(20):
        page.keyboard.press("Tab")
        if _focused(page)["id"].startswith("facet-language-"):
            break
    focused = _focused(page)
    assert focused["id"].startswith("facet-language-"), focused
    box = page.locator(f"input[name=language][value={focused['value']}]")
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^1 article found$"))

    # continue to a result and open it with Enter
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.hit-title')"):
            break
    assert page.evaluate("() => !!document.activeElement.closest('.hit-title')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    expect(page.locator("article.article h1")).to_be_visible()
