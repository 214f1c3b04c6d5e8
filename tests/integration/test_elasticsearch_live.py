"""Gazette's Elasticsearch/OpenSearch backend against a live engine, end to end.

Runs when SEARCH_URL names one, e.g.

    SEARCH_URL=elasticsearch://127.0.0.1:9200/gazette .venv/bin/pytest tests/integration/test_elasticsearch_live.py

and is skipped otherwise (run it on its own: with SEARCH_URL set, the rest of the suite would also find the
engine as its default connection). Each test makes the engine, on an index of its own
(`<index>_test_<random>`, deleted afterwards), the site's search engine: articles reach it through the real
writer path (`indexing.drain()`, `rebuild_index`), and searches go through `query.run()` and the JSON API, as
on the site. The index named in SEARCH_URL is never touched. An engine that is named but does not answer is
a failure, not a skip: a broken search cluster must not pass as "not configured".
"""

import datetime
import threading

import pytest
from django.core.management import call_command
from elasticsearch.helpers import BulkIndexError
from haystack import connections

from archive.models import Article, IndexChange, Source, Status
from archive.search import analysis, elasticsearch, indexing, query
from archive.search.engine import EngineRequest
from tests.factories import make_article
from tests.integration.conftest import LIVE
from tests.search_seeds import make_seed_articles

pytestmark = [
    pytest.mark.skipif(
        not LIVE,
        reason="no live search engine: set SEARCH_URL=elasticsearch://host:9200/index (or opensearch://) to run",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def seeds(engine):
    articles = make_seed_articles()
    indexing.drain()  # the index writer's step, as `run_indexer` runs it
    return articles


def search(q="", **params):
    data = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    if q:
        data["q"] = [q]
    return query.run(data)


def all_ids(q, **params):
    """Ids of all matching articles, one search per language so that story grouping hides none."""
    found = set()
    for language in ("en", "ru", "vi"):
        found |= {hit.article.pk for hit in search(q, language=language, **params).hits}
    return found


def ids(*articles):
    return {a.pk for a in articles}


def counts(result, facet):
    return {v.value: v.count for v in result.facets.get(facet, [])}


# --- analysis -------------------------------------------------------------------------------------


def _tokens(backend, analyzer, text):
    response = backend.conn.indices.analyze(index=backend.index_name, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in response["tokens"]]


WORDS = ["Lê", "Khái", "Chính", "phủ", "điện", "tử", "documents", "governments", "reforming",
         "документов", "правительства", "новый", "объём", "Đà", "Nẵng", "QH15"]  # fmt: skip


@pytest.mark.parametrize(
    ("analyzer", "form"),
    [("gazette_exact", "exact"), ("gazette_folded", "text"), ("gazette_en", "text_en"), ("gazette_ru", "text_ru")],
)
def test_engine_analysis_gives_the_whoosh_index_forms(engine, analyzer, form):
    expected = [analysis.forms(word.lower())[form] for word in WORDS]
    assert _tokens(engine, analyzer, " ".join(WORDS)) == expected


def test_engine_tokenizes_like_the_whoosh_index(engine):
    text = "Закон № 101/2023/QH15 об e-Government, 3.5%"
    assert _tokens(engine, "gazette_exact", text) == [w for w, _, _ in analysis.words(text)]


def test_the_created_index_has_the_mapping_the_backend_builds(engine):
    (mapping,) = engine.conn.indices.get_mapping(index=engine.index_name).values()  # the alias's one index
    mapping = mapping["mappings"]["properties"]
    assert mapping["sig"] == {"type": "keyword"}
    assert mapping["officials"] == {"type": "keyword", "normalizer": "gazette_lowercase"}
    assert mapping["source"] == {"type": "keyword", "normalizer": "gazette_lowercase"}  # a facet of the registry
    assert mapping["text_ru"] == {"type": "text", "analyzer": "gazette_ru"}
    assert mapping["story"] == {"type": "long"}


# --- searching through query.run() and the API ------------------------------------------------------


def test_folding_and_one_entry_per_story(seeds):
    for q in ("Le Minh Khai", "le minh khai", "LÊ MINH KHÁI"):
        assert search(q, language="vi").hits[0].article == seeds["vi"], q
    result = search("Le Minh Khai")
    assert (result.count, len(result.hits)) == (3, 1)
    assert {v.language for v in result.hits[0].variants} | {result.hits[0].article.language} == {"en", "ru", "vi"}


def test_stemming_in_english_and_russian(seeds):
    for q in ("документ", "документы", "документов"):
        assert all_ids(q) == ids(seeds["ru"]), q
    assert seeds["en"].pk in all_ids("document")


def test_an_alias_in_any_script_finds_every_language_and_untagged_articles(seeds):
    untagged = make_article(title="Deputy Prime Minister Lê Minh Khái visits Hai Phong", language="en")
    indexing.drain()
    result = search("Ле Минь Кхай")
    assert result.count == 4
    assert all_ids("Ле Минь Кхай") == ids(seeds["en"], seeds["ru"], seeds["vi"], untagged)
    assert untagged.pk not in all_ids("Кхай")  # one word of a name is not a name


def test_phrases_exclusion_or_and_legal_numbers(seeds):
    assert all_ids('"Government Office"') >= ids(seeds["en"], seeds["binh"])
    assert all_ids('"Office Government"') < all_ids("Office Government")
    assert all_ids("government -reform") == all_ids("government") - ids(seeds["reform"])
    assert seeds["reform"].pk not in all_ids("-reform")
    assert all_ids("reform OR документов") == ids(seeds["reform"], seeds["ru"])
    assert all_ids("reform документов") == set()
    assert all_ids("101/2023/qh15") == ids(seeds["en"], seeds["ru"], seeds["vi"])


def test_exact_diacritics_rank_above_folded(engine):
    accented = make_article(title="Hội nghị tại Hà Nội", language="vi")
    plain = make_article(title="Hoi nghi tai Ha Noi", language="vi")
    indexing.drain()
    assert [h.article for h in search("Hà Nội").hits] == [accented, plain]
    assert [h.article for h in search("Ha Noi").hits] == [plain, accented]


def test_words_typed_together_rank_the_articles_that_hold_them_together_and_titles_first(engine):
    def article(title, body, language="vi"):
        return make_article(title=title, body=f"<p>{body}</p>", language=language)

    # The scattered words are more frequent and in shorter texts: without the adjacency bonus they rank first.
    scattered = article("Thu phí", "Chính phủ họp. Chính phủ chỉ đạo. Ví điện tử, ví điện tử.")
    together = article("Hội nghị trực tuyến", "Các tỉnh triển khai chính phủ điện tử trong năm nay theo kế hoạch dài.")
    in_title = article("Chính phủ điện tử năm 2024", "Báo cáo tổng kết của các tỉnh về kế hoạch trong năm nay.")
    apart = article("Cabinet notes", "Prime time. The minister, the minister, the prime cause.", "en")
    next_to = article("Cabinet meeting", "The prime minister spoke about the budget for the coming year.", "en")
    indexing.drain()
    for q in ("chính phủ điện tử", "chinh phu dien tu"):
        assert [h.article for h in search(q, sort="relevance").hits] == [in_title, together, scattered], q
    assert [h.article for h in search("prime minister", sort="relevance").hits] == [next_to, apart]
    # Quotes still require the words together.
    assert {h.article for h in search('"chính phủ điện tử"').hits} == {in_title, together}


def test_facets_are_multi_select_and_each_count_is_what_clicking_it_gives(seeds):
    browse = search()
    assert browse.count == 5 and len(browse.hits) == 3  # three stories
    assert counts(browse, "language") == {"en": 3, "ru": 1, "vi": 1}
    assert counts(browse, "official") == {
        "le-minh-khai": 3,
        "truong-hoa-binh": 1,
        "pham-minh-chinh": 1,
        "nguyen-khac-than": 1,
    }
    selected = search(language="ru")
    assert selected.count == 1
    assert counts(selected, "language") == {"en": 3, "ru": 1, "vi": 1}  # still every language
    assert counts(selected, "topic") == {"government-office": 1}
    assert search(language=["ru", "vi"]).count == 2
    assert search(official=["le-minh-khai", "truong-hoa-binh"], language="en").count == 2
    for params in ({}, {"language": "en"}, {"q": "government", "year": "2024"}):
        result = search(**params)
        for facet in ("language", "official", "topic", "year"):
            for value in result.facets[facet]:
                assert value.count == search(**{**params, facet: value.value}).count, (params, facet, value.value)


def test_months_dates_and_a_listing_page_s_fixed_filter(seeds):
    assert counts(search(year="2024"), "month") == {"1": 3, "2": 1}
    assert search(year="2024", month="2").count == 1
    assert search(**{"from": "2024-01-13"}).count == 2
    assert search(**{"from": "2024-01-12", "to": "2024-01-12"}).count == 2
    page = query.run({}, base={"official": ["le-minh-khai"]})
    assert page.count == 3
    assert counts(page, "official") == {"le-minh-khai": 3}


def test_the_source_facet_is_one_per_publisher_multi_select_and_follows_a_new_name(engine, client):
    plus = make_article(title="Budget law passed", source_name="VietnamPlus")
    by_url = make_article(title="Budget debate opens", source_url="https://www.vietnamplus.vn/debate.vnp")
    reuters = make_article(title="Budget and markets", source_name="Reuters")
    make_article(title="Budget of the provinces", source_name="Nhân Dân")
    indexing.drain()
    every = {"vietnamplus": 2, "reuters": 1, "nhandan": 1}
    assert counts(search("budget"), "source") == every
    assert {h.article for h in search(source="vietnamplus").hits} == {plus, by_url}
    assert search(source=["vietnamplus", "reuters"]).count == 3
    assert counts(search(source="reuters"), "source") == every  # each count is what choosing only it gives
    data = client.get("/api/search/", {"source": "reuters"}).json()
    assert [r["source"] for r in data["results"]] == [{"key": "reuters", "name": "Reuters"}]
    source = Source.objects.get(key="reuters")
    source.name = "Thomson Reuters"
    source.save()  # as the admin saves it: the articles are queued
    indexing.drain()
    assert not indexing.compare()
    Source.objects.filter(pk=source.pk).update(name="Reuters News")  # behind the index's back
    assert indexing.compare().stale == [reuters.pk]


def test_sorts_and_pages_over_stories(engine):
    for n in range(45):
        make_article(title=f"Budget note {n}", published=datetime.date(2023, 1, 1) + datetime.timedelta(days=n))
    indexing.drain()
    first = search("budget", sort="newest")
    assert (first.count, first.pages, len(first.hits)) == (45, 3, 20)
    assert first.hits[0].article.title == "Budget note 44"
    assert search("budget", sort="oldest").hits[0].article.title == "Budget note 0"
    second = search("budget", sort="newest", page="2")
    assert len(second.hits) == 20
    assert not {h.article.pk for h in first.hits} & {h.article.pk for h in second.hits}
    assert len(search("budget", page="3").hits) == 5


def test_did_you_mean(seeds):
    assert search("Kahi").suggestion == "Khai"
    assert search("gouvernment offise").suggestion == "government office"
    assert search("Chính phủu").suggestion == "Chính phủ"
    assert search("government").suggestion is None


def test_the_json_api_answers_from_the_engine(seeds, client):
    response = client.get("/api/search/", {"q": "Ле Минь Кхай", "language": ["en", "vi"]})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["pages"] == 1
    assert [r["id"] for r in data["results"]] in ([seeds["en"].pk], [seeds["vi"].pk])
    languages = {v["value"]: (v["count"], v["selected"]) for v in data["facets"]["language"]}
    assert languages == {"en": (1, True), "ru": (1, False), "vi": (1, True)}


# --- writing: takedown, checking, rebuilding ----------------------------------------------------------


def test_a_takedown_leaves_search_at_once_and_the_index_at_the_writer_s_next_step(seeds):
    reform = seeds["reform"]
    reform.status = Status.DRAFT
    reform.save()  # queued; the index still holds it
    assert reform.pk in indexing.index_signatures()
    assert reform.pk not in all_ids("reform") and search().count == 4
    indexing.drain()
    assert reform.pk not in indexing.index_signatures()
    assert not indexing.compare()
    # Removing what the index never held (a draft) is not a failure of the writer.
    make_article(title="Never published", status=Status.DRAFT)
    indexing.drain()


def test_check_index_finds_and_repairs_what_changed_behind_the_index(seeds):
    assert not indexing.compare()
    # A bulk update sends no signals: the index is stale until check_index --repair.
    Article.objects.filter(pk=seeds["binh"].pk).update(title="Renamed behind the index")
    assert indexing.compare().stale == [seeds["binh"].pk]
    call_command("check_index", "--repair", verbosity=0)
    assert not indexing.compare()
    assert seeds["binh"].pk in all_ids('"Renamed behind the index"')


def test_the_writer_marks_changes_applied_only_once_the_engine_acknowledged_them(seeds, engine):
    (index,) = engine.live_indexes()
    engine.conn.indices.put_settings(index=index, body={"index.blocks.write": True})
    article = make_article(title="Written while the index refuses writes")
    try:
        with pytest.raises(BulkIndexError):
            indexing.apply_pending()
        assert IndexChange.objects.pending().filter(article_id=article.pk).exists()
        assert article.pk not in indexing.index_signatures()
    finally:
        engine.conn.indices.put_settings(index=index, body={"index.blocks.write": None})
    indexing.drain(timeout=1)  # the failed step gave the writer lock back
    assert not IndexChange.objects.pending().exists()
    assert all_ids('"Written while the index refuses writes"') == {article.pk}


def test_a_writer_waits_for_the_lock_and_takes_over_a_dead_holder_s(engine, monkeypatch):
    held = engine.hold_lock()
    with pytest.raises(elasticsearch.LockError):
        engine.writer(timeout=0.3)
    monkeypatch.setattr(elasticsearch, "LOCK_TTL", 0.0)  # the holder is now "silent for too long"
    taken = engine.writer(timeout=0.3)
    monkeypatch.undo()
    held.release()  # the old holder's release does not free the lock it lost
    with pytest.raises(elasticsearch.LockError):
        engine.hold_lock(timeout=0.3)
    taken.cancel()
    engine.hold_lock(timeout=0.3).release()


def test_rebuild_index_swaps_in_a_full_new_index_while_searches_go_on(seeds, engine):
    before = engine.live_indexes()
    counts, stop = [], threading.Event()

    def read():
        backend = connections["default"].get_backend()  # this thread's own client
        while not stop.is_set():
            counts.append(backend.find(EngineRequest(parsed=None)).count)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        call_command("rebuild_index", "--noinput", verbosity=0)
    finally:
        stop.set()
        reader.join()
    assert counts and set(counts) == {5}  # never an empty or partial index
    after = engine.live_indexes()
    assert len(after) == 1 and after != before
    assert not engine.conn.indices.exists(index=before[0])  # the old generation is gone
    assert not indexing.compare()
    health = indexing.health()
    assert health["index_documents"] == 5
    assert health["index_generation"].startswith(engine.index_name + ":")
    assert search("Le Minh Khai").count == 3


def test_haystack_s_clear_index_empties_the_engine_and_the_writer_fills_it_again(seeds, engine):
    call_command("clear_index", interactive=False, verbosity=0)
    assert search().count == 0
    assert set(indexing.compare().missing) == {a.pk for a in seeds.values()}
    call_command("check_index", "--repair", verbosity=0)
    assert not indexing.compare()
    assert search().count == 5
