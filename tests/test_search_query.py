"""Search semantics through query.run(), on the seed articles and a few made for one point each."""

import datetime

import pytest

from archive.models import Status
from archive.search import query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


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


def test_a_name_typed_with_its_diacritics_picks_the_variant_that_spells_it_so(seeds):
    # All three variants name him (and hold his aliases); the one that writes "Lê Minh Khái" comes first.
    assert search("Lê Minh Khái").hits[0].article == seeds["vi"]
    assert search("Le Minh Khai").hits[0].article == seeds["en"]
    assert search("Ле Минь Кхай").hits[0].article == seeds["ru"]


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
    assert "<mark>Lê Minh Khái</mark>" in vi.title_html
    ru = search("документ", language="ru").hits[0]
    assert "<mark>документов</mark>" in ru.snippet_html
    evil = make_article(title="<script>alert(1)</script> reform", body="<p>reform &lt;img src=x onerror=1&gt;</p>")
    whoosh_index()
    hit = next(h for h in search("reform").hits if h.article == evil)
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>reform</mark>" in hit.title_html
    assert "<img" not in hit.snippet_html


def test_did_you_mean(seeds):
    assert search("Kahi").suggestion == "Khai"  # the case typed is kept
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


def test_typographic_quotes_make_phrases_in_every_language(seeds):
    assert all_ids("“Office Government”") == all_ids('"Office Government"') < all_ids("Office Government")
    assert all_ids("«Правительственной канцелярии»") == ids(seeds["ru"])
    assert all_ids("„канцелярии Правительственной“") == set()
    assert all_ids("“Văn phòng Chính phủ”") >= ids(seeds["vi"])
    assert all_ids("“phủ Chính Văn phòng”") == set()


def test_or_between_two_names_means_one_official_or_the_other(seeds, whoosh_index):
    # Names are recognised before OR binds: not "Lê Minh (Khái OR Phạm) Minh Chính".
    untagged = make_article(title="Фам Минь Тинь провёл заседание", language="ru")
    whoosh_index()
    both = ids(seeds["en"], seeds["ru"], seeds["vi"], seeds["reform"], untagged)
    assert all_ids("Lê Minh Khái OR Phạm Minh Chính") == both
    assert all_ids('"Le Minh Khai" OR "Pham Minh Chinh"') == both
    assert all_ids("Ле Минь Кхай OR Pham Minh Chinh") == both


def test_or_never_reaches_across_an_excluded_word(seeds):
    # `reform -документов OR steering`: the OR has no term on its left, so it is ignored.
    assert all_ids("reform -документов OR steering") == all_ids("reform steering") == ids(seeds["reform"])
    assert all_ids("institutions -reform OR документов") == all_ids("institutions документов")


def test_legal_numbers_of_every_shape_are_found_with_or_without_diacritics(whoosh_index):
    decree = make_article(
        title="Nghị định 15/2020/NĐ-CP về xử phạt", language="vi", legal_refs=["15/2020/NĐ-CP", "1234/QĐ-TTg"]
    )
    decision = make_article(title="Decision 1234/QĐ-TTg on e-government", legal_refs=["1234/QĐ-TTg"])
    make_article(title="In 2020, 15 decrees were issued", language="en")
    whoosh_index()
    assert all_ids("15/2020/NĐ-CP") == all_ids("15/2020/nd-cp") == ids(decree)
    assert all_ids("1234/QĐ-TTg") == all_ids("1234/QD-TTg") == ids(decree, decision)
    # The document number with the exact spelling ranks first (its own field, not just the words).
    assert search("1234/QĐ-TTg").hits[0].article in (decree, decision)


def test_highlight_marks_a_number_a_phrase_or_a_name_only_where_its_words_stand_together(seeds):
    en = search("101/2023/QH15", language="en").hits[0]
    assert "<mark>101/2023/QH15</mark>" in en.snippet_html
    assert "<mark>2023</mark>" not in en.snippet_html  # "the work of 2023" is not the resolution
    phrase = search('"Government Office"', language="en", sort="oldest").hits[0]
    assert "<mark>Government Office</mark>" in phrase.title_html
    assert "<mark>Government</mark>" not in phrase.snippet_html
    # A name typed in Cyrillic marks the Vietnamese spelling as a whole, not every "Minh".
    vi = search("Ле Минь Кхай", language="vi").hits[0]
    assert "<mark>Lê Minh Khái</mark>" in vi.snippet_html
    reform = search("Lê Minh Khái OR Phạm Minh Chính", language="en", sort="newest").hits[0]
    assert reform.article == seeds["reform"]
    assert "<mark>Pham Minh Chinh</mark>" in reform.snippet_html and "<mark>Minh</mark>" not in reform.snippet_html


def test_did_you_mean_in_every_language_keeps_the_diacritics_typed(seeds):
    assert search("Chính phủu").suggestion == "Chính phủ"
    assert search("chinh phuu").suggestion == "chinh phu"
    assert search("канцелярея").suggestion == "канцелярия"
    assert search("instituttions").suggestion == "institutions"
    # Only unknown words are replaced; the syntax around them stays as typed.
    assert search('"Government Offise" -reform').suggestion == '"Government Office" -reform'


def test_browsing_without_a_query_never_runs_a_whoosh_query(seeds, monkeypatch):
    """Match-all comes from the facet snapshot's live documents, not from Whoosh's slow `Every`."""
    from whoosh.searching import Searcher

    def refuse(*args, **kwargs):
        raise AssertionError("browsing ran a Whoosh query")

    monkeypatch.setattr(Searcher, "search", refuse)
    monkeypatch.setattr(Searcher, "docs_for_query", refuse)
    result = search(language=["en", "vi"], year="2024")
    assert result.count == 3 and result.facets["language"]
    assert search().count == 5


def test_highlight_lands_on_the_word_in_decomposed_text():
    """Text stored in NFD (pasted from some editors) is marked where the word is, not a few letters off."""
    import unicodedata

    from archive.search import highlight

    decomposed = unicodedata.normalize("NFD", "Hội nghị của Văn phòng Chính phủ tại Hà Nội")
    marked = highlight.title(decomposed, highlight.Marker([("chính", "phủ")]), "vi")
    assert "<mark>Chính phủ</mark> tại" in marked


def test_highlight_finds_in_folded_vietnamese_text_what_a_word_by_word_look_finds():
    """Vietnamese is compared by folded form only, so its starting words are found in the folded text at once: the
    same spans as looking at each word, for words with and without diacritics, đ, capitals and odd letters."""
    from archive.search import highlight
    from archive.search.analysis import words

    text = (
        "Thủ tướng Phạm Minh Chính chủ trì phiên họp Chính phủ điện tử; CHINH PHU DIEN TU và ví điện tử. "
        "Đà Nẵng, Đắk Lắk: cải cách hành chính (cai cach hanh chinh) — ǅ ﬁ Ⅻ ¼ 2023/NĐ-CP"
    )
    for sequences in (
        [("chính", "phủ", "điện", "tử")],
        [("chinh", "phu")],
        [("đà", "nẵng"), ("dak", "lak")],
        [("cải", "cách", "hành", "chính"), "ví"],
        [("nđ", "cp"), "2023"],
    ):
        marker = highlight.Marker(sequences)
        fast = marker.spans(text, "vi")
        assert fast, sequences
        assert fast == marker._spans(words(text), "vi")
