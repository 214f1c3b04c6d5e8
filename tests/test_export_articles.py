"""export_articles writes JSON Lines that import_articles reads back with nothing lost."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Story

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
pytestmark = pytest.mark.django_db


def export(*args):
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_round_trip_into_an_empty_archive_is_identical(whoosh_index, tmp_path):
    call_command("import_articles", str(SEEDS), stdout=io.StringIO())
    Article.objects.filter(language="vi").update(status="draft", review_notes="Checked by hand\nSecond line")
    first = export()
    records = [json.loads(line) for line in first.splitlines()]
    assert len(records) == 5
    assert {
        "title",
        "body",
        "language",
        "published",
        "source_url",
        "source_name",
        "officials",
        "topics",
        "story",
    } <= set(records[0])
    Article.objects.all().delete()
    Story.objects.all().delete()
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first, encoding="utf-8")
    call_command("import_articles", str(dump), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 5
    assert export() == first
    vi = Article.objects.get(language="vi")
    assert vi.status == "draft" and vi.review_notes == "Checked by hand\nSecond line"
    assert Story.objects.count() == 3


def test_output_file_option(whoosh_index, tmp_path):
    call_command("import_articles", str(SEEDS), stdout=io.StringIO())
    target = tmp_path / "out.jsonl"
    assert export("-o", str(target)) == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert json.loads(lines[0])["officials"] == ["Lê Minh Khái", "Mai Thị Thu Vân"]


def test_round_trip_keeps_what_editors_wrote_removed_and_renamed(whoosh_index, tmp_path):
    call_command("import_articles", str(SEEDS), stdout=io.StringIO())
    article = Article.objects.get(language="en", lead__startswith="The Government Office has had")
    old_slug = article.slug
    # Paragraphs that cleaning would take for site chrome, tags the text would suggest again, a new title.
    article.body += "<p>Read more</p><p>Source: Government portal</p><p>The work goes on. — VNS</p>"
    article.title, article.slug, article.lead, article.legal_refs = "Edited", "edited", "", []
    article.save()
    article.officials.set([])
    first = export()
    Article.objects.all().delete()
    Story.objects.all().delete()
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first, encoding="utf-8")
    call_command("import_articles", str(dump), stdout=io.StringIO(), stderr=io.StringIO())
    assert export() == first
    article = Article.objects.get(slug="edited")
    assert "<p>Read more</p>" in article.body and "— VNS" in article.body
    assert not article.officials.exists() and article.lead == "" and article.source_name == ""
    assert list(article.old_slugs.values_list("slug", flat=True)) == [old_slug]
