"""check_index: compares the index with the database (exit 0 or 1 with a report); --repair fixes exactly the
difference. Changes made behind the index's back (bulk updates, raw SQL) are what it exists for."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article, IndexChange, OfficialAlias, Status
from archive.search import indexing, query
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


def check(*args):
    out = io.StringIO()
    try:
        call_command("check_index", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def archive(whoosh_index):
    articles = [make_article(title=f"Report {n}", officials=["pham-minh-chinh"] if n == 0 else []) for n in range(5)]
    draft = make_article(title="Draft report", status=Status.DRAFT)
    whoosh_index()
    return articles, draft


def test_an_index_in_line_with_the_database_exits_0(archive):
    code, out = check()
    assert code == 0
    assert "index: 5 documents; database: 5 published articles" in out
    assert "agrees" in out


def test_bulk_updates_behind_the_index_are_reported_by_kind_and_exit_1(archive):
    articles, draft = archive
    Article.objects.filter(pk=articles[1].pk).update(title="Retitled")  # no signal: stale
    Article.objects.filter(pk=articles[2].pk).update(status=Status.DRAFT)  # extra
    Article.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)  # missing
    Article.objects.filter(pk=articles[3].pk).update(story=make_story())  # stale (story)
    alias = OfficialAlias.objects.filter(official__slug="pham-minh-chinh").first()
    OfficialAlias.objects.filter(pk=alias.pk).update(name="Renamed alias")  # stale (an alias, no signal)
    with connection.cursor() as cursor:  # gone by raw SQL: extra
        cursor.execute("DELETE FROM archive_article WHERE id = %s", [articles[4].pk])
    code, out = check()
    assert code == 1
    assert f"missing: 1 published but not in the index: {draft.pk}" in out
    assert (
        f"extra: 2 in the index but not published: {', '.join(map(str, sorted([articles[2].pk, articles[4].pk])))}"
        in out
    )
    stale = sorted([articles[0].pk, articles[1].pk, articles[3].pk])
    assert f"stale: 3 in the index with outdated content: {', '.join(map(str, stale))}" in out


def test_repair_reindexes_exactly_the_difference_and_then_agrees(archive):
    articles, draft = archive
    Article.objects.filter(pk=articles[1].pk).update(title="Retitled")
    Article.objects.filter(pk=articles[2].pk).update(status=Status.DRAFT)
    Article.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    before = set(IndexChange.objects.values_list("id", flat=True))
    code, out = check("--repair")
    assert code == 0, out
    assert "repaired: 3 articles re-indexed" in out
    queued = IndexChange.objects.exclude(id__in=before)
    assert sorted(queued.values_list("article_id", flat=True)) == sorted([articles[1].pk, articles[2].pk, draft.pk])
    assert check()[0] == 0
    found = {h.article.pk for h in query.run({"q": ["retitled"]}).hits}
    assert found == {articles[1].pk}
    assert query.run({}).count == 5


def test_pending_changes_are_mentioned_when_the_writer_is_behind(archive):
    articles, _ = archive
    articles[0].title = "Changed through the ORM"
    articles[0].save()  # queued, not yet applied
    code, out = check()
    assert code == 1
    assert "1 changes pending" in out and "pending changes may account" in out
    indexing.drain()
    assert check()[0] == 0
