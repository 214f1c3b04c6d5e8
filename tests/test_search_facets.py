"""Facets: counts, multi-select semantics, dates, and the property that a count is what clicking gives."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Story
from archive.search import aliases, query
from archive.search.indexing import backend
from tests.factories import make_article, make_story
from tests.search_seeds import make_seed_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(whoosh_index):
    aliases.invalidate()
    articles = make_seed_articles()
    whoosh_index()
    return articles


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
WORDS = ("alpha", "bravo", "charlie")

article_spec = st.fixed_dictionaries(
    {
        "story": st.integers(0, 6),
        "language": st.sampled_from(LANGS),
        "date": st.dates(datetime.date(2021, 11, 1), datetime.date(2023, 2, 28)),
        "topics": st.sets(st.sampled_from(TOPICS), max_size=2),
        "officials": st.sets(st.sampled_from(OFFICIALS), max_size=2),
        "words": st.sets(st.sampled_from(WORDS), max_size=2),
    }
)
selection = st.fixed_dictionaries(
    {
        "q": st.sampled_from(["", *WORDS, "alpha OR bravo", "-charlie"]),
        "language": st.lists(st.sampled_from(LANGS), max_size=2),
        "topic": st.lists(st.sampled_from(TOPICS), max_size=2),
        "official": st.lists(st.sampled_from(OFFICIALS), max_size=2),
        "year": st.lists(st.sampled_from(["2021", "2022", "2023"]), max_size=2),
        "month": st.lists(st.sampled_from(["1", "2", "11", "12"]), max_size=1),
    }
)


def expected(specs, sel):
    """What the filters select, computed from the specs alone."""

    def text_ok(spec):
        q = sel["q"]
        if not q:
            return True
        if q == "alpha OR bravo":
            return bool(spec["words"] & {"alpha", "bravo"})
        if q == "-charlie":
            return "charlie" not in spec["words"]
        return q in spec["words"]

    def ok(spec):
        years = set(sel["year"])  # the form drops repeated values
        months = sel["month"] if len(years) == 1 else []
        return (
            text_ok(spec)
            and (not sel["language"] or spec["language"] in sel["language"])
            and (not sel["topic"] or spec["topics"] & set(sel["topic"]))
            and (not sel["official"] or spec["officials"] & set(sel["official"]))
            and (not years or str(spec["date"].year) in years)
            and (not months or str(spec["date"].month) in months)
        )

    return sum(1 for spec in specs if ok(spec))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(article_spec, min_size=1, max_size=14), sel=selection)
def test_every_facet_count_equals_the_count_of_clicking_it(whoosh_index, specs, sel):
    Article.objects.all().delete()
    Story.objects.all().delete()
    # A fresh index per example: Hypothesis seeds `random`, so Whoosh would reuse segment names.
    backend().clear()
    stories = {}
    for spec in specs:
        story = stories.get((spec["story"], spec["language"]))
        if story is not None:  # one article per language per story: start another story
            spec["story"] = spec["story"] + 100 * len(stories)
        story = stories.setdefault(spec["story"], make_story())
        stories[(spec["story"], spec["language"])] = story
        make_article(
            story=story,
            language=spec["language"],
            title="Note " + " ".join(sorted(spec["words"])),
            body="<p>" + " ".join(sorted(spec["words"])) + "</p>",
            published=spec["date"],
            topics=sorted(spec["topics"]),
            officials=sorted(spec["officials"]),
        )
    whoosh_index()

    params = {name: value if isinstance(value, list) else [value] for name, value in sel.items() if value}
    result = query.run(params)
    assert result.count == expected(specs, sel)
    for facet, values in result.facets.items():
        shown = {v.value for v in values}
        for value in values:
            clicked = query.run({**params, facet: [value.value], **({"month": []} if facet == "year" else {})})
            assert clicked.count == value.count, (facet, value.value)
        # A value not shown would give nothing.
        universe = {"language": LANGS, "topic": TOPICS, "official": OFFICIALS, "year": ("2021", "2022", "2023")}
        for value in set(universe.get(facet, ())) - shown:
            clicked = query.run({**params, facet: [value], **({"month": []} if facet == "year" else {})})
            assert clicked.count == 0, (facet, value)
