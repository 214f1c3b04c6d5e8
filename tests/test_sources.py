"""Sources (publishers): one key per publisher whatever an article calls it, the link kept on every save path,
and the data migration that linked the articles already in the archive."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command

from archive.models import Article, IndexChange, Source
from archive.sources import display_name, host_key, source_key
from tests.factories import make_article


@pytest.mark.parametrize(
    ("name", "url", "key"),
    [
        ("vietnamplus.vn", "", "vietnamplus"),
        ("VietnamPlus", "", "vietnamplus"),
        ("www.vietnamplus.vn", "", "vietnamplus"),
        ("", "https://www.vietnamplus.vn/some-article-123.vnp", "vietnamplus"),
        ("", "https://en.vietnamplus.vn:443/x", "vietnamplus"),
        ("https://VietnamPlus.vn/", "", "vietnamplus"),
        ("Báo Chính phủ", "https://baochinhphu.vn/a.htm", "baochinhphu"),
        ("", "https://xaydungchinhsach.chinhphu.gov.vn/a", "chinhphu"),
        ("Nhân Dân", "", "nhandan"),
        ("", "https://nhandan.vn/x", "nhandan"),
        ("Reuters", "https://www.reuters.com/world/", "reuters"),
        ("", "https://www.bbc.co.uk/news", "bbc"),
        ("ТАСС", "", "тасс"),
        ("", "http://127.0.0.1:8000/a", "127.0.0.1"),
        ("  ", "", ""),
        ("—", "https://nhandan.vn/x", "nhandan"),
        ("", "not a url", ""),
        ("", "http://[broken/x", ""),
    ],
)
def test_names_and_hosts_of_one_publisher_make_one_key(name, url, key):
    assert source_key(name, url) == key


def test_the_stated_name_decides_over_the_host():
    assert source_key("VNA", "https://en.vietnamplus.vn/a") == "vna"


def test_a_host_keeps_the_label_before_its_public_suffix():
    assert host_key("e.vnexpress.net") == "vnexpress"
    assert host_key("thoi-bao.vn") == "thoibao"
    assert host_key("localhost") == "localhost"


def test_a_new_source_is_named_as_stated_else_by_its_host():
    assert display_name("VietnamPlus", "https://www.vietnamplus.vn/a") == "VietnamPlus"
    assert display_name("", "https://www.vietnamplus.vn/a") == "vietnamplus.vn"


@pytest.mark.django_db
def test_saved_and_bulk_created_articles_of_one_publisher_share_its_source():
    saved = make_article(source_name="VietnamPlus")
    by_url = make_article(source_url="https://www.vietnamplus.vn/b.vnp")
    other = make_article(source_name="Reuters")
    template = make_article(source_name="")
    template.pk, template.slug, template.content_hash, template.language = None, "bulk-one", "f" * 64, "vi"
    template.source_name = "vietnamplus.vn"
    (bulk,) = Article.objects.bulk_create([template])
    assert saved.source.name == "VietnamPlus"
    assert by_url.source == saved.source == Article.objects.get(pk=bulk.pk).source
    assert other.source.key == "reuters"
    assert Source.objects.count() == 2


@pytest.mark.django_db
def test_changing_the_stated_source_moves_the_article_even_with_update_fields():
    article = make_article(source_name="VietnamPlus")
    article.source_name = "Nhân Dân"
    article.save(update_fields=["source_name"])
    article.refresh_from_db()
    assert article.source.key == "nhandan"


@pytest.mark.django_db
def test_an_article_without_name_or_url_has_no_source():
    assert make_article(source_name="", source_url="").source is None


@pytest.mark.django_db
def test_import_links_three_spellings_of_one_publisher_to_one_source(tmp_path, whoosh_index):
    lines = [
        {"title": "One", "body": "First text on reform.", "published": "2024-01-02", "source_name": "vietnamplus.vn"},
        {"title": "Two", "body": "Second text on law.", "published": "2024-01-03", "source_name": "VietnamPlus"},
        {
            "title": "Three",
            "body": "Third text on budgets.",
            "published": "2024-01-04",
            "source_url": "https://www.vietnamplus.vn/three.vnp",
        },
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        assert exit_.code == 0, out.getvalue()
    assert list(Source.objects.values_list("key", "name")) == [("vietnamplus", "vietnamplus.vn")]
    assert Article.objects.filter(source__key="vietnamplus").count() == 3


@pytest.mark.django_db
def test_the_migration_links_existing_articles_and_queues_them_for_the_index():
    articles = [make_article(source_name="VietnamPlus"), make_article(source_url="https://www.vietnamplus.vn/a")]
    bare = make_article(source_name="", source_url="")
    Article.objects.update(source=None)
    Source.objects.all().delete()
    IndexChange.objects.all().delete()
    migration = importlib.import_module("archive.migrations.0009_facets_sources")
    migration.fill_sources(apps, None)
    assert {Article.objects.get(pk=a.pk).source.key for a in articles} == {"vietnamplus"}
    assert Article.objects.get(pk=bare.pk).source is None
    assert set(IndexChange.objects.values_list("article_id", flat=True)) == {*(a.pk for a in articles), bare.pk}
