"""The /search/ page: form without JavaScript, facets as checkboxes and links, chips, status, histogram, notices."""

import re

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_form_works_without_javascript(client, seeds):
    html = page(client, q="Le Minh Khai")
    assert re.search(r'<form class="search" method="get" action="/search/">', html)
    assert '<button type="submit">' in html
    assert 'name="q" value="Le Minh Khai"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_facets_are_labelled_checkboxes_and_links_with_counts(client, seeds):
    html = page(client, q="Ле Минь Кхай", language="ru")
    assert re.search(r'<input type="checkbox" id="facet-language-2" name="language" value="ru" checked>', html)
    assert re.search(r'<label for="facet-language-1">.*English&nbsp;<span class="count">\(1\)</span></label>', html)
    assert 'href="/search/?q=%D0%9B%D0%B5+%D0%9C%D0%B8%D0%BD%D1%8C+%D0%9A%D1%85%D0%B0%D0%B9&amp;language=vi"' in html


def test_result_count_chips_and_histogram(client, seeds):
    html = page(client, topic="government-office", year="2024")
    assert re.search(r'<p class="count" role="status">3 articles found</p>', html)
    chips = html.split('class="chips active-filters"', 1)[1].split("</ul>", 1)[0]
    assert 'href="?year=2024"' in chips  # removing the topic keeps the year
    assert 'href="?topic=government-office"' in chips
    histogram = html.split('class="histogram"', 1)[1].split("</figure>", 1)[0]
    assert re.search(
        r'2020</span> <svg .*<rect width="33.3" height="10"></rect></svg> <span class="count">1', histogram
    )
    assert re.search(
        r'2024</span> <svg .*<rect width="100.0" height="10"></rect></svg> <span class="count">3', histogram
    )


def test_hits_show_one_entry_per_story_with_language_chips(client, seeds):
    html = page(client, q="Le Minh Khai", language="vi")
    assert html.count('class="hit"') == 1
    assert "<mark>Lê Minh Khái</mark>" in html
    variants = html.split('class="chips variants"', 1)[1].split("</ul>", 1)[0]
    assert 'hreflang="en"' in variants and 'hreflang="ru"' in variants


def test_user_text_is_escaped_everywhere(client, whoosh_index):
    make_article(title="<img src=x onerror=alert(1)> budget")
    whoosh_index()
    html = page(client, q='budget "><script>alert(1)</script>', official="<b>red</b>", **{"<i>x</i>": "1"})
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b>red</b>" not in html and "&lt;b&gt;red&lt;/b&gt;" in html
    assert "<i>x</i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html


def test_unknown_parameters_and_values_are_reported(client, seeds):
    html = page(client, official="nobody", colour="red")
    notes = html.split('class="notices"', 1)[1].split("</div>", 1)[0]
    assert "nobody" in notes and "colour" in notes
    assert re.search(r'role="status">5 articles found', html)


def test_bad_and_out_of_range_pages_answer_clearly(client, seeds):
    assert "not a page number" in page(client, page="abc")
    html = page(client, page="99")
    assert "There is no page 99" in html
    assert "No articles match" in html


def test_did_you_mean_links_to_the_suggestion(client, seeds):
    html = page(client, q="Kahi")
    assert 'Did you mean <a href="?q=Khai">Khai</a>' in html


def test_pagination_links_are_stable(client, whoosh_index):
    for n in range(25):
        make_article(title=f"Budget note {n}")
    whoosh_index()
    html = page(client, q="budget")
    assert 'href="?q=budget&amp;page=2" rel="next"' in html
    assert 'aria-current="page">1</a>' in html


def test_search_page_advertises_and_shows_a_feed_of_the_same_search(client, seeds):
    html = page(client, q="Le Minh Khai", language="vi", sort="oldest", page="1")
    head = html.split("</head>", 1)[0]
    # Only what selects articles goes into the feed: words and filters, not the order or the page.
    feed = "/feeds/search.rss?q=Le+Minh+Khai&amp;language=vi"
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Gazette: “Le Minh Khai”; Language: Tiếng Việt (RSS)" href="{feed}">'
        in head
    )
    assert 'type="application/atom+xml"' in head and "/feeds/search.atom?q=Le+Minh+Khai&amp;language=vi" in head
    assert "/feeds/latest.rss" not in head
    follow = html.split('<section class="follow"', 1)[1]
    assert "Follow: “Le Minh Khai”; Language: Tiếng Việt" in follow
    assert f'href="{feed}" type="application/rss+xml">RSS</a>' in follow
    assert 'href="#follow-title"' in html  # a link near the top leads down to it
    response = client.get(feed.replace("&amp;", "&"))
    assert response.status_code == 200
    assert seeds["vi"].title in response.text and seeds["binh"].title not in response.text


def test_search_page_offers_an_email_alert_on_the_same_search_outside_the_search_form(client, seeds):
    from django.core import mail

    from archive.models import Subscription

    html = page(client, q="reform", topic="administrative-reform", sort="newest")
    search_form_end = html.index("</form>", html.index('<form class="search"'))
    assert search_form_end < html.index('<form class="subscribe-form"')  # forms do not nest
    params = re.search(r'name="params" value="([^"]*)"', html).group(1).replace("&amp;", "&")
    assert params == "q=reform&topic=administrative-reform"
    response = client.post(
        "/alerts/subscribe/", {"email": "reader@example.org", "params": params, "frequency": "weekly"}
    )
    assert response.status_code == 200
    assert Subscription.objects.get().query == "q=reform&topic=administrative-reform"
    assert "“reform”; Topic: Administrative reform" in mail.outbox[0].body  # the body names it, not the subject


def test_a_search_of_everything_is_followed_as_all_articles(client, seeds):
    html = page(client)
    assert "Follow: All articles" in html
    assert 'href="/feeds/search.rss" type="application/rss+xml">RSS</a>' in html
    assert 'name="params" value=""' in html


def test_facets_fold_behind_a_summary_that_counts_the_filters_on(client, seeds):
    html = page(client, language="en", year="2024")
    box = html.split('<details class="facet-box">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Narrow the results (2 filters on)</summary>" in box
    assert 'name="language" value="en" checked' in box
    assert "<summary>Narrow the results</summary>" in page(client)
