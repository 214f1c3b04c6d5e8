"""Facets: counts, multi-select semantics, dates, and the property that a count is what clicking gives."""

import datetime
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Story
from archive.search import query
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


def run(**params):
    return query.run({name: v if isinstance(v, list) else [v] for name, v in params.items()})


def counts(result, facet):
    return {v.value: v.count for v in result.facets.get(facet, [])}


def test_browse_counts_on_seeds(seeds):
    result = run()
    assert counts(result, "language") == {"en": 3, "ru": 1, "vi": 1}
    assert [v.value for v in result.facets["language"]] == ["en", "ru", "vi"]
    assert counts(result, "topic") == {"government-office": 4, "law-making": 1, "administrative-reform": 1}


def test_years_are_in_chronological_order_not_by_count(seeds):
    result = run()
    assert [(v.value, v.count) for v in result.facets["year"]] == [("2020", 1), ("2024", 4)]


def test_multi_valued_official_counts_names_and_filters(seeds):
    result = run()
    assert counts(result, "official") == {
        "le-minh-khai": 3,
        "truong-hoa-binh": 1,
        "pham-minh-chinh": 1,
        "nguyen-khac-than": 1,
    }
    assert run(official="nguyen-khac-than").count == 1
    assert run(official="pham-minh-chinh").hits[0].article == seeds["reform"]


def test_or_within_a_facet_and_across_facets(seeds):
    assert run(language=["ru", "vi"]).count == 2
    assert run(language="en", official="le-minh-khai").count == 1
    assert run(official=["le-minh-khai", "truong-hoa-binh"], language="en").count == 2


def test_counts_of_a_selected_facet_are_what_selecting_only_that_value_gives(seeds):
    result = run(language="ru")
    assert counts(result, "language") == {"en": 3, "ru": 1, "vi": 1}
    assert counts(result, "topic") == {"government-office": 1}
    selected = {v.value: v.selected for v in result.facets["language"]}
    assert selected == {"en": False, "ru": True, "vi": False}


def test_month_within_a_year(seeds):
    result = run(year="2024")
    assert counts(result, "month") == {"1": 3, "2": 1}
    assert run(year="2024", month="2").count == 1
    assert "month" not in run().facets
    no_year = run(month="2")
    assert no_year.count == 5 and no_year.notices


def test_date_range(seeds):
    assert run(**{"from": "2024-01-13"}).count == 2
    assert run(**{"from": "2024-01-12", "to": "2024-01-12"}).count == 2
    reversed_range = run(**{"from": "2024-01-13", "to": "2020-01-01"})
    assert reversed_range.count == 4 and reversed_range.notices
    bad = run(**{"from": "yesterday"})
    assert bad.count == 5 and bad.notices


def test_base_filter_is_fixed_and_still_counted(seeds):
    result = query.run({}, base={"official": ["le-minh-khai"]})
    assert result.count == 3
    assert counts(result, "official") == {"le-minh-khai": 3}
    assert counts(result, "language") == {"en": 1, "ru": 1, "vi": 1}
    assert "official" not in result.querystring(language=["en"])


def test_unknown_values_are_reported_not_used(seeds):
    result = run(language=["xx", "en"], topic="<b>nope</b>", year=["20x4", "2024"], month="13")
    assert result.filters == {"language": ["en"], "year": ["2024"]}
    assert len(result.notices) >= 3


def test_facet_links_select_exactly_the_counted_value(seeds):
    result = run(q="government", language="en")
    for value in result.facets["topic"]:
        assert "topic=" + value.value in value.only and "language=en" in value.only


# --- Property: on a random archive, each count equals the count of the search its link makes. ---------------------

LANGS = ("en", "ru", "vi")
TOPICS = ("administrative-reform", "e-government", "law-making")
OFFICIALS = ("le-minh-khai", "pham-minh-chinh", "vu-duc-dam")
# A word per language, written in the article's language in one of the forms the analysis must join
# (inflection, diacritics, case), and a document code any article may mention. (None of them is part
# of a topic's or an official's names, which are searchable too.)
WORDS = {"en": ("budget", "budgets"), "ru": ("документ", "документов"), "vi": ("nghị", "Nghi")}
LEMMA_OF = {"en": "budget", "ru": "документ", "vi": "nghị"}
FIRST, LAST = datetime.date(2021, 11, 1), datetime.date(2023, 2, 28)

article_spec = st.fixed_dictionaries(
    {
        "story": st.integers(0, 6),
        "language": st.sampled_from(LANGS),
        "date": st.dates(FIRST, LAST),
        "topics": st.sets(st.sampled_from(TOPICS), max_size=2),
        "officials": st.sets(st.sampled_from(OFFICIALS), max_size=2),
        "form": st.one_of(st.none(), st.integers(0, 1)),  # of the language's word, or None without it
        "code": st.booleans(),
    }
)
dates = st.one_of(st.none(), st.none(), st.dates(FIRST, LAST))


def some(values, size):
    # Usually no filter on a facet: six random filters together would almost always find nothing.
    return st.one_of(st.just([]), st.just([]), st.lists(st.sampled_from(values), min_size=1, max_size=size))


selection = st.fixed_dictionaries(
    {
        "q": st.sampled_from(
            ["", "budgets", "документы", "nghi", "budget OR Nghị", "-документ", "документ -qh15", "QH15 budget"]
        ),
        "language": some(LANGS, 2),
        "topic": some(TOPICS, 2),
        "official": some(OFFICIALS, 2),
        "year": some(["2021", "2022", "2023"], 2),
        "month": some(["1", "2", "11", "12"], 1),
        "from": dates,
        "to": dates,
    }
)


# The query words (other forms than the articles use) and the word each stands for.
LEMMAS = {"budgets": "budget", "budget": "budget", "документы": "документ", "документ": "документ", "nghi": "nghị"}
LEMMAS.update({"Nghị": "nghị", "QH15": "qh15", "qh15": "qh15"})


def lemma(word):
    return LEMMAS[word]


def text_ok(spec, q):
    """The query, on the article's words, as the issue defines it (words AND, -exclusion, OR)."""
    has = {LEMMA_OF[spec["language"]]} if spec["form"] is not None else set()
    if spec["code"]:
        has.add("qh15")
    if not q:
        return True
    if " OR " in q:
        return any(lemma(w) in has for w in q.split(" OR "))
    terms = q.split()
    return all(lemma(t[1:]) not in has if t.startswith("-") else lemma(t) in has for t in terms)


def expected(specs, sel):
    """How many articles the selection finds, computed from the specs alone."""
    years = set(sel.get("year") or [])  # the form drops repeated values
    months = set(sel.get("month") or []) if len(years) == 1 else set()
    start, end = sel.get("from"), sel.get("to")
    if start and end and start > end:  # the form swaps a reversed range
        start, end = end, start

    def ok(spec):
        return (
            text_ok(spec, sel.get("q", ""))
            and (not sel.get("language") or spec["language"] in sel["language"])
            and (not sel.get("topic") or spec["topics"] & set(sel["topic"]))
            and (not sel.get("official") or spec["officials"] & set(sel["official"]))
            and (not years or str(spec["date"].year) in years)
            and (not months or str(spec["date"].month) in months)
            and (not start or spec["date"] >= start)
            and (not end or spec["date"] <= end)
        )

    return sum(1 for spec in specs if ok(spec))


def selection_of(querystring):
    params = parse_qs(querystring)
    sel = {
        name: values for name, values in params.items() if name in ("language", "topic", "official", "year", "month")
    }
    sel["q"] = params.get("q", [""])[0]
    for name in ("from", "to"):
        sel[name] = datetime.date.fromisoformat(params[name][0]) if name in params else None
    return sel


def build_archive(specs):
    Article.objects.all().delete()
    Story.objects.all().delete()
    stories, languages = {}, {}
    for n, spec in enumerate(specs):
        story = stories.setdefault(spec["story"], make_story())
        if spec["language"] in languages.setdefault(story.pk, set()):  # one article per language per story
            story = make_story()
            languages[story.pk] = set()
        languages[story.pk].add(spec["language"])
        words = [WORDS[spec["language"]][spec["form"]]] if spec["form"] is not None else []
        words += ["QH15"] if spec["code"] else []
        make_article(
            story=story,
            language=spec["language"],
            title=f"Note {n}",
            body=f"<p>{' '.join(words)}</p>",
            published=spec["date"],
            topics=sorted(spec["topics"]),
            officials=sorted(spec["officials"]),
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(article_spec, min_size=4, max_size=16), sel=selection)
def test_every_facet_count_equals_the_count_of_clicking_it(client, whoosh_index, specs, sel):
    """On the search page as a reader sees it: every count next to a facet value (checkbox label and
    year histogram) equals the count of the search its link opens, and both equal what the filters
    select on the random archive. A value not shown would find nothing."""
    build_archive(specs)
    whoosh_index()
    params = {name: str(value) if isinstance(value, datetime.date) else value for name, value in sel.items() if value}
    page = client.get("/search/", params)
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.content)
    shown = int(tree.xpath("//p[@class='count']/text()")[0].split()[0])
    assert shown == expected(specs, sel) == client.get("/api/search/", params).json()["count"]

    links = []
    for item in tree.xpath("//fieldset[contains(@class, 'facet-')]//li"):
        count = int(item.xpath(".//span[@class='count']/text()")[0].strip("()"))
        links.append((count, item.xpath(".//a[@class='only']/@href")[0], item.xpath(".//input/@name")[0]))
    for item in tree.xpath("//figure[@class='histogram']//li/a"):
        links.append((int(item.xpath(".//span[@class='count']/text()")[0]), item.get("href"), "year"))
    assert links or shown == 0
    seen = {}
    for count, href, facet in links:
        querystring = urlsplit(href).query
        clicked = client.get("/api/search/?" + querystring).json()
        assert clicked["count"] == count == expected(specs, selection_of(querystring)), (facet, href)
        seen.setdefault(facet, set()).update(selection_of(querystring).get(facet, []))

    universe = {"language": LANGS, "topic": TOPICS, "official": OFFICIALS, "year": ("2021", "2022", "2023")}
    for facet, values in universe.items():
        for value in set(values) - seen.get(facet, set()):
            hidden = {**sel, facet: [value], **({"month": []} if facet == "year" else {})}
            assert expected(specs, hidden) == 0, (facet, value)
