"""Search semantics through query.run(), on the seed articles and a few made for one point each."""

import datetime

import pytest

from archive.models import Status
from archive.search import aliases, query
from tests.factories import make_article
from tests.search_seeds import make_seed_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(whoosh_index):
    aliases.invalidate()
    articles = make_seed_articles()
    whoosh_index()
    return articles


def search(q="", **params):
    data = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    if q:
        data["q"] = [q]
    return query.run(data)


def matched(result):
    """Ids of every article matched (all variants of every hit story in the result's language filter)."""
    return {hit.article.pk for hit in result.hits}


def all_ids(q, **params):
    """Ids of all matching articles, one search per language so that story grouping hides none."""
    ids = set()
    for language in ("en", "ru", "vi"):
        ids |= matched(search(q, language=language, **params))
    return ids


def ids(*articles):
    return {a.pk for a in articles}


def test_folded_name_finds_the_vietnamese_article(seeds):
    for q in ("Le Minh Khai", "le minh khai", "LÊ MINH KHÁI"):
        assert seeds["vi"].pk in all_ids(q)
        assert search(q, language="vi").hits[0].article == seeds["vi"]


def test_russian_spelling_finds_every_language_version(seeds):
    result = search("Ле Минь Кхай")
    assert result.count == 3
    assert all_ids("Ле Минь Кхай") == ids(seeds["en"], seeds["ru"], seeds["vi"])
    assert {v.value: v.count for v in result.facets["language"]} == {"en": 1, "ru": 1, "vi": 1}


def test_alias_expansion_reaches_untagged_articles_in_other_scripts(seeds, whoosh_index):
    untagged = make_article(title="Deputy Prime Minister Lê Minh Khái visits Hai Phong", language="en")
    whoosh_index()
    assert untagged.pk in all_ids("Ле Минь Кхай")
    assert untagged.pk in all_ids("Le Minh Khai")
    # One word of a name is not a name: no expansion.
    assert untagged.pk not in all_ids("Кхай")


def test_russian_stemming(seeds):
    for q in ("документ", "документы", "документов"):
        assert all_ids(q) == ids(seeds["ru"]), q


def test_english_stemming(seeds):
    # The English seed says "documents"; the singular finds it.
    assert seeds["en"].pk in all_ids("document")


def test_legal_document_number(seeds):
    assert all_ids("101/2023/QH15") == ids(seeds["en"], seeds["ru"], seeds["vi"])
    assert all_ids("101/2023/qh15") == ids(seeds["en"], seeds["ru"], seeds["vi"])


def test_officials_and_topics_are_searchable_by_name(seeds):
    assert seeds["reform"].pk in all_ids("Nguyễn Khắc Thận")
    assert seeds["binh"].pk in all_ids("Чыонг Хоа Бинь")
    # A topic name in another language than the article's.
    assert seeds["reform"].pk in all_ids("Cải cách hành chính")


def test_phrase_requires_order(seeds):
    assert all_ids('"Government Office"') >= ids(seeds["en"], seeds["binh"])
    assert all_ids('"Office Government"') < all_ids("Office Government")


def test_exclusion(seeds):
    with_reform = all_ids("government")
    assert seeds["reform"].pk in with_reform
    assert all_ids("government -reform") == with_reform - ids(seeds["reform"])
    assert seeds["reform"].pk not in all_ids("-reform")


def test_or(seeds):
    assert all_ids("reform OR документов") == ids(seeds["reform"], seeds["ru"])
    assert all_ids("reform документов") == set()


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "AND", "OR", "NOT", "title:foo", "*", "?", "(((", ")", "-", '""', '-"', "a OR", "~1 ^2 [x TO y]"],
)
def test_malformed_queries_answer(seeds, client, q):
    result = search(q)
    assert result.count >= 0
    assert client.get("/search/", {"q": q}).status_code == 200
    assert client.get("/api/search/", {"q": q}).status_code == 200


def test_field_syntax_is_read_as_words(seeds):
    assert all_ids("language:ru") == set()
    assert all_ids("office:government") == all_ids("office government")


def test_exact_diacritics_rank_above_folded(whoosh_index):
    accented = make_article(title="Hội nghị tại Hà Nội", language="vi")
    plain = make_article(title="Hoi nghi tai Ha Noi", language="vi")
    whoosh_index()
    assert [h.article for h in search("Hà Nội").hits] == [accented, plain]
    assert [h.article for h in search("Ha Noi").hits] == [plain, accented]


def test_one_entry_per_story_with_chips_for_other_languages(seeds):
    result = search("Le Minh Khai")
    assert result.count == 3
    assert len(result.hits) == 1
    hit = result.hits[0]
    assert {v.language for v in hit.variants} | {hit.article.language} == {"en", "ru", "vi"}
    assert search("Le Minh Khai", language="ru").hits[0].article == seeds["ru"]


def test_browsing_lists_everything_newest_first(seeds):
    result = search()
    assert result.count == 5
    dates = [h.article.published for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert len(result.hits) == 3  # three stories


def test_sort_orders(seeds):
    assert search("government", sort="oldest").hits[0].article == seeds["binh"]
    assert search("government", sort="newest").hits[0].article == seeds["reform"]


def test_unpublished_article_is_never_returned_even_if_the_index_is_stale(seeds):
    seeds["reform"].status = Status.DRAFT
    seeds["reform"].save()  # no sync: the index still has it
    assert all(h.article != seeds["reform"] for h in search("reform").hits)
    assert all(h.article != seeds["reform"] for h in search().hits)


def test_highlight_marks_folded_and_stemmed_matches_and_escapes_the_rest(seeds, whoosh_index):
    vi = search("le minh khai", language="vi").hits[0]
    assert "<mark>Lê</mark> <mark>Minh</mark> <mark>Khái</mark>" in vi.title_html
    ru = search("документ", language="ru").hits[0]
    assert "<mark>документов</mark>" in ru.snippet_html
    evil = make_article(title="<script>alert(1)</script> reform", body="<p>reform &lt;img src=x onerror=1&gt;</p>")
    whoosh_index()
    hit = next(h for h in search("reform").hits if h.article == evil)
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>reform</mark>" in hit.title_html
    assert "<img" not in hit.snippet_html


def test_did_you_mean(seeds):
    assert search("Kahi").suggestion == "khai"
    assert search("gouvernment offise").suggestion == "government office"
    assert search("government").suggestion is None  # enough hits


def test_pagination_over_stories(whoosh_index):
    for n in range(45):
        make_article(title=f"Budget note {n}", published=datetime.date(2023, 1, 1) + datetime.timedelta(days=n))
    whoosh_index()
    first = search("budget", sort="newest")
    assert (first.count, first.pages, len(first.hits)) == (45, 3, 20)
    second = search("budget", sort="newest", page="2")
    assert len(second.hits) == 20
    assert not {h.article.pk for h in first.hits} & {h.article.pk for h in second.hits}
    assert first.querystring(page=2) == "q=budget&sort=newest&page=2"
    beyond = search("budget", page="9")
    assert beyond.hits == [] and beyond.page == 9 and any("no page 9" in n for n in beyond.notices)
    for bad in ("abc", "0", "-1", "1.5", "٣"):
        result = search("budget", page=bad)
        assert result.page == 1 and len(result.hits) == 20 and result.notices, bad


def test_unknown_names_and_values_are_ignored_and_reported(seeds):
    result = query.run({"q": ["government"], "official": ["nobody", "le-minh-khai"], "colour": ["red"]})
    assert result.filters["official"] == ["le-minh-khai"]
    assert any("nobody" in n for n in result.notices)
    assert any("colour" in n for n in result.notices)
    assert result.count == search("government", official="le-minh-khai").count


def test_querystring_is_normalized(seeds):
    result = query.run({"year": ["2024", "2020"], "language": ["vi", "en"], "q": ["x"], "sort": ["relevance"]})
    assert result.querystring() == "q=x&language=en&language=vi&year=2020&year=2024"
    assert result.querystring(language=None, page=3) == "q=x&year=2020&year=2024&page=3"
