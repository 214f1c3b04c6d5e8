"""The index write path: changes are queued in the transaction that makes them, one writer applies them,
and search never shows what the database does not publish, even before the writer catches up."""

import pytest
from django.db import transaction
from haystack.query import SearchQuerySet
from whoosh.index import LockError

from archive.models import Article, IndexChange, Official, OfficialAlias, Status, Topic
from archive.search import indexing, query
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(whoosh_index):
    whoosh_index()  # an empty live index in a temp dir; nothing pending
    return whoosh_index


def found(q="", **filters):
    params = {"q": [q]} if q else {}
    params.update({name: [value] for name, value in filters.items()})
    result = query.run(params)
    return {h.article.pk for h in result.hits}, result.count


def indexed_ids():
    return set(indexing.index_signatures())


def test_a_save_is_queued_in_its_transaction_and_searchable_once_applied(index):
    article = make_article(title="Budget review")
    assert IndexChange.objects.pending().filter(article_id=article.pk).exists()
    assert found("budget") == (set(), 0)  # saving never writes to the index itself
    assert indexing.drain() >= 1
    assert found("budget") == ({article.pk}, 1)
    assert not IndexChange.objects.pending().exists()


def test_a_rolled_back_save_queues_nothing(index):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="Never happened")
        raise RuntimeError
    assert not IndexChange.objects.exists()


def test_an_edit_replaces_the_entry(index):
    article = make_article(title="Budget review")
    indexing.drain()
    article.title = "Tax review"
    article.save()
    indexing.drain()
    assert found("budget") == (set(), 0)
    assert found("tax") == ({article.pk}, 1)


@pytest.mark.parametrize("takedown", ["unpublish", "delete"])
def test_a_takedown_leaves_search_at_once_before_the_writer_runs(index, takedown):
    article = make_article(title="Budget review", officials=["pham-minh-chinh"])
    other = make_article(title="Budget outlook")
    indexing.drain()
    pk = article.pk
    if takedown == "unpublish":
        article.status = Status.DRAFT
        article.save()
    else:
        article.delete()
    # Still in the index: the writer has not run. Search, counts and facets leave it out all the same.
    assert pk in indexed_ids()
    assert found("budget") == ({other.pk}, 1)
    assert found() == ({other.pk}, 1)
    facets = query.run({}).facets
    assert [v.value for v in facets["official"]] == []
    indexing.drain()
    assert pk not in indexed_ids()
    assert found("budget") == ({other.pk}, 1)


def test_publishing_again_before_the_writer_runs_shows_the_article(index):
    article = make_article(title="Budget review")
    indexing.drain()
    article.status = Status.DRAFT
    article.save()
    article.status = Status.PUBLISHED
    article.save()
    assert found("budget") == ({article.pk}, 1)


def test_officials_and_topics_changed_from_either_side_are_reindexed(index):
    article = make_article(title="Reform meeting")
    indexing.drain()
    article.officials.set([Official.objects.get(slug="pham-minh-chinh")])
    indexing.drain()
    assert found(official="pham-minh-chinh") == ({article.pk}, 1)

    topic = Topic.objects.get(slug="administrative-reform")
    topic.articles.add(article)  # the reverse side of the relation
    indexing.drain()
    assert found(topic="administrative-reform") == ({article.pk}, 1)

    topic.articles.clear()
    indexing.drain()
    assert found(topic="administrative-reform") == (set(), 0)


def test_a_new_alias_makes_the_officials_articles_findable_by_it(index):
    official = Official.objects.get(slug="pham-minh-chinh")
    article = make_article(title="Government meeting", officials=[official])
    indexing.drain()
    assert found("Chinhovsky") == (set(), 0)
    OfficialAlias.objects.create(official=official, name="Chinhovsky")
    assert IndexChange.objects.pending().filter(article_id=article.pk).exists()
    indexing.drain()
    assert found("Chinhovsky") == ({article.pk}, 1)


def test_renaming_a_topic_reindexes_its_articles(index):
    topic = Topic.objects.get(slug="e-government")
    article = make_article(title="Portal launch", topics=[topic])
    indexing.drain()
    topic.name_en = "Digital governance"
    topic.save()
    indexing.drain()
    assert found("governance") == ({article.pk}, 1)


def test_deleting_an_official_reindexes_the_articles_that_named_them(index):
    official = Official.objects.create(name="Test Person", slug="test-person")
    article = make_article(title="Visit", officials=[official])
    indexing.drain()
    assert found(official="test-person") == ({article.pk}, 1)
    official.delete()
    indexing.drain()
    assert indexing.compare().ids == []


def test_relinking_an_article_to_another_story_regroups_results(index):
    story = make_story()
    en = make_article(title="Conference report", story=story)
    other = make_article(title="Conference report", language="ru")
    indexing.drain()
    assert found("conference")[1] == 2 and len(query.run({"q": ["conference"]}).hits) == 2
    other.story = story
    other.save()
    indexing.drain()
    hits = query.run({"q": ["conference"]}).hits
    assert len(hits) == 1 and {hits[0].article.pk, *(v.pk for v in hits[0].variants)} == {en.pk, other.pk}


def test_a_crash_after_the_index_commit_leaves_the_change_pending_and_reapplying_is_harmless(index, monkeypatch):
    article = make_article(title="Budget review")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between the index commit and the bookkeeping")

    with monkeypatch.context() as patch:
        patch.setattr("django.db.models.query.QuerySet.update", crash)
        with pytest.raises(KeyboardInterrupt):
            indexing.apply_pending()
    assert IndexChange.objects.pending().filter(article_id=article.pk).exists()
    assert article.pk in indexed_ids()  # the commit happened
    indexing.drain()
    assert indexing.index_signatures()[article.pk] == [indexing.database_signatures()[article.pk]]  # once
    assert not indexing.compare()


def test_a_crash_before_the_commit_applies_nothing_and_releases_the_lock(index, monkeypatch):
    article = make_article(title="Budget review")

    def crash(self, index, obj):
        raise MemoryError("killed while preparing documents")

    with monkeypatch.context() as patch:
        patch.setattr(type(indexing.backend()), "prepare", crash)
        with pytest.raises(MemoryError):
            indexing.apply_pending()
    assert article.pk not in indexed_ids()
    assert IndexChange.objects.pending().filter(article_id=article.pk).exists()
    indexing.drain(timeout=1)  # the lock was given back
    assert found("budget") == ({article.pk}, 1)


def test_a_held_lock_makes_the_writer_fail_loudly_and_search_still_answers(index):
    article = make_article(title="Budget review")
    indexing.drain()
    article.status = Status.DRAFT
    article.save()
    holder = indexing.backend().writer()  # another writer holds the index
    try:
        with pytest.raises(LockError):
            indexing.apply_pending(timeout=0.2)
        assert IndexChange.objects.pending().filter(article_id=article.pk).exists()  # not lost
        assert found("budget") == (set(), 0)  # search neither waits nor shows the takedown
    finally:
        holder.cancel()
    indexing.drain()
    assert article.pk not in indexed_ids()


def test_rebuild_swaps_a_new_generation_in_and_searchers_follow_without_restart(index):
    article = make_article(title="Budget review")
    indexing.drain()
    be = indexing.backend()
    before = be.live_dir()
    assert found("budget") == ({article.pk}, 1)
    assert indexing.rebuild() == 1
    assert be.live_dir() != before and be.live_dir().parent == before.parent
    assert found("budget") == ({article.pk}, 1)


def test_changes_applied_to_the_live_index_during_a_rebuild_reach_the_new_one(index):
    articles = [make_article(title=f"Report {n}") for n in range(5)]
    indexing.drain()
    late = []

    def meanwhile(count):
        # While the rebuild reads the database, an editor unpublishes one article and adds another, and the
        # index writer applies both to the live index.
        if not late:
            articles[0].status = Status.DRAFT
            articles[0].save()
            late.append(make_article(title="Report late"))
            indexing.drain()

    indexing.rebuild(batch_size=2, progress=meanwhile)
    assert not indexing.compare()
    assert found("report")[0] == {a.pk for a in articles[1:]} | {late[0].pk}


def test_rebuild_leaves_only_the_live_and_the_previous_generation(index):
    make_article(title="Budget review")
    for _ in range(3):
        indexing.rebuild()
    be = indexing.backend()
    generations = sorted(be.live_dir().parent.glob("whoosh.gen-*"))
    assert len(generations) == 2 and be.live_dir() in generations


def test_an_index_from_before_generations_is_converted_by_a_rebuild(settings, tmp_path):
    from haystack import connections
    from whoosh.filedb.filestore import FileStorage

    info = connections.connections_info["default"]
    original = info["PATH"]
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    info["PATH"] = str(legacy)
    connections.reload("default")
    try:
        be = indexing.backend()
        be.setup()
        FileStorage(str(legacy)).create_index(be.schema)  # a plain directory, as haystack makes it
        assert be.live_dir() == legacy.resolve()
        article = make_article(title="Budget review")
        indexing.rebuild()
        assert legacy.is_symlink() and be.live_dir() != legacy
        assert found("budget") == ({article.pk}, 1)
    finally:
        info["PATH"] = original
        connections.reload("default")


def test_haystacks_clear_index_swaps_in_an_empty_generation(index):
    from django.core.management import call_command

    make_article(title="Budget review")
    indexing.drain()
    call_command("clear_index", interactive=False, verbosity=0)
    assert found("budget") == (set(), 0)
    assert indexing.backend().live_dir().exists()


def test_haystack_match_all_still_works(index):
    make_article(title="One")
    make_article(title="Two")
    indexing.drain()
    assert SearchQuerySet().all().count() == 2


def test_lag_reports_pending_changes_and_the_age_of_the_oldest(index):
    assert indexing.lag().pending == 0 and indexing.lag().seconds == 0
    make_article()
    make_article()
    assert indexing.lag().pending == 2
    indexing.drain()
    assert indexing.lag().pending == 0


def test_prune_forgets_only_applied_changes_older_than_the_retention(index):
    import datetime

    from django.utils import timezone

    make_article()
    make_article()
    indexing.drain()
    make_article()  # pending
    later = timezone.now() + indexing.RETENTION + datetime.timedelta(minutes=1)
    assert indexing.prune(now=later) == 2
    assert IndexChange.objects.count() == 1 and IndexChange.objects.pending().count() == 1
    indexing.drain()
    assert indexing.prune(now=later) == 0  # the newest stays, applied or not


def test_bulk_import_queues_every_new_article(index, tmp_path):
    from django.core.management import call_command

    source = tmp_path / "a.jsonl"
    source.write_text(
        "\n".join(
            f'{{"title": "Report {n}", "body": "Text number {n} about the budget.", "language": "en", '
            f'"published": "2024-01-0{n + 1}"}}'
            for n in range(3)
        ),
        encoding="utf-8",
    )
    call_command("import_articles", str(source), verbosity=0)
    # The command applies what it queued before it exits.
    assert found("budget")[1] == 3
    assert not IndexChange.objects.pending().exists()
    assert Article.objects.count() == 3


def test_commits_never_merge_and_the_idle_writer_merges_small_segments_a_few_at_a_time(index):
    from archive.search import backend as engine

    articles = []
    for n in range(6):
        articles.append(make_article(title=f"Report {n}"))
        indexing.drain()  # one commit each
    be = indexing.backend()
    segments = len(be.open_index(be.live_dir())._segments())
    assert segments >= 6
    assert indexing.compact() is True
    after = len(be.open_index(be.live_dir()).refresh()._segments())
    assert after <= segments - engine.MERGE_MIN_SEGMENTS + 1
    assert found("report")[1] == 6 and not indexing.compare()
    while indexing.compact():
        pass
    assert len(be.open_index(be.live_dir()).refresh()._segments()) < engine.MERGE_MIN_SEGMENTS


@pytest.mark.parametrize("how", ["rebuild", "auto"])
def test_a_large_import_rebuilds_the_index_instead_of_applying_each_change(index, tmp_path, monkeypatch, how):
    from django.core.management import call_command

    from archive.management.commands import import_articles

    monkeypatch.setattr(import_articles, "REBUILD_FROM", 2)
    before = indexing.backend().live_dir()
    source = tmp_path / "a.jsonl"
    source.write_text(
        "\n".join(
            f'{{"title": "Report {n}", "body": "Text number {n} about the budget.", "language": "en"}}'
            for n in range(3)
        ),
        encoding="utf-8",
    )
    call_command("import_articles", str(source), "--index", how, verbosity=0)
    assert indexing.backend().live_dir() != before  # a new generation, swapped in
    assert found("budget")[1] == 3
    assert not IndexChange.objects.pending().exists() and not indexing.compare()


def test_the_idle_writer_never_commits_when_no_segments_can_be_merged(index, monkeypatch):
    from archive.search import backend as engine

    for n in range(engine.MERGE_MIN_SEGMENTS + 1):
        make_article(title=f"Report {n}")
        indexing.drain()  # one segment each
    # Each segment alone is over the merge limit: there are enough segments, but nothing the rule merges.
    monkeypatch.setattr(engine, "MERGE_LIMIT", 0)
    be = indexing.backend()
    before = be.open_index(be.live_dir()).latest_generation()
    for _ in range(10):
        assert indexing.compact() is False
    assert be.open_index(be.live_dir()).latest_generation() == before
