"""manage.py retag: existing articles follow the gazetteer; editors' corrections survive; only changes re-index."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Article, IndexChange, Official, OfficialAlias, Topic
from tests.factories import make_article

pytestmark = pytest.mark.django_db
EMPTY_INLINES = {f"{name}-{count}_FORMS": 0 for name in ("aliases", "roles") for count in ("TOTAL", "INITIAL")}


def retag(*args):
    out = io.StringIO()
    call_command("retag", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def slugs(article):
    return set(article.officials.values_list("slug", flat=True))


@pytest.fixture
def articles():
    """Tagged before the gazetteer knew Mai Thị Thu Vân's Russian spelling, or Nguyễn Thanh Tịnh at all."""
    khai = make_article(
        language="ru",
        body="<p>Заместитель премьер-министра Ле Минь Кхай и Май Тхи Тху Ван.</p>",
        officials=["le-minh-khai"],
    )
    tinh = make_article(body="<p>Deputy Minister of Justice Nguyen Thanh Tinh spoke.</p>")
    other = make_article(body="<p>Nothing about anyone.</p>")
    IndexChange.objects.all().delete()
    return khai, tinh, other


def test_dry_run_reports_and_writes_nothing(articles):
    khai, *_ = articles
    out = retag("--dry-run", "-v2")
    assert "3 articles checked; tags would change on 1" in out
    assert "+mai-thi-thu-van" in out
    assert slugs(khai) == {"le-minh-khai"} and not IndexChange.objects.exists()


def test_a_new_official_tags_existing_articles_and_only_those_are_reindexed(articles):
    khai, tinh, _ = articles
    official = Official.objects.create(name="Nguyễn Thanh Tịnh", slug="nguyen-thanh-tinh")
    IndexChange.objects.all().delete()
    assert "3 articles checked; tags changed on 2" in retag()
    assert slugs(khai) == {"le-minh-khai", "mai-thi-thu-van"}
    assert slugs(tinh) == {official.slug}
    assert set(IndexChange.objects.values_list("article_id", flat=True)) == {khai.pk, tinh.pk}
    # Nothing changes the second time: nothing is queued.
    IndexChange.objects.all().delete()
    assert "tags changed on 0" in retag()
    assert not IndexChange.objects.exists()


def test_editors_corrections_survive(articles):
    khai, *_ = articles
    retag()
    # An editor removes a tag the gazetteer inferred and adds ones it cannot infer.
    khai.officials.remove(Official.objects.get(slug="mai-thi-thu-van"))
    khai.officials.add(Official.objects.get(slug="pham-minh-chinh"))
    khai.topics.add(Topic.objects.get(slug="e-government"))
    OfficialAlias.objects.create(official=Official.objects.get(slug="le-minh-khai"), name="Ле Минь Кхаи", language="ru")
    retag()
    khai = Article.objects.get(pk=khai.pk)
    assert slugs(khai) == {"le-minh-khai", "pham-minh-chinh"}
    assert set(khai.topics.values_list("slug", flat=True)) == {"e-government"}


def test_a_removed_alias_untags_what_only_it_tagged(articles):
    khai, *_ = articles
    retag()
    Official.objects.get(slug="mai-thi-thu-van").aliases.filter(language="ru").delete()
    retag()
    assert slugs(khai) == {"le-minh-khai"}


def test_admin_action_retags_selected_articles(articles, client):
    khai, _, other = articles
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    response = client.post(
        "/admin/archive/article/", {"action": "retag", "_selected_action": [khai.pk, other.pk]}, follow=True
    )
    assert "2 article(s) checked; tags changed on 1." in response.text
    assert slugs(khai) == {"le-minh-khai", "mai-thi-thu-van"}


def test_saving_an_official_in_the_admin_retags_the_articles_that_name_it(articles, client):
    _, tinh, _ = articles
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    response = client.post(
        "/admin/archive/official/add/",
        {"name": "Nguyễn Thanh Tịnh", "slug": "nguyen-thanh-tinh", **EMPTY_INLINES},
        follow=True,
    )
    assert response.status_code == 200 and "tags changed on 1" in response.text
    assert slugs(tinh) == {"nguyen-thanh-tinh"}


def test_corrections_survive_a_reimport_and_then_a_retag(tmp_path, whoosh_index):
    def import_body(body):
        path = tmp_path / "one.jsonl"
        record = {"title": "Meeting", "body": body, "language": "en", "published": "2024-03-01"}
        path.write_text(json.dumps({**record, "source_url": "https://example.org/a"}), encoding="utf-8")
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        return Article.objects.get(source_url="https://example.org/a")

    article = import_body("Deputy Prime Minister Le Minh Khai met Tran Van Son.")
    assert slugs(article) == {"le-minh-khai", "tran-van-son"}
    article.officials.remove(Official.objects.get(slug="tran-van-son"))  # the editor: not that Son
    article = import_body("Deputy Prime Minister Le Minh Khai met Tran Van Son on Monday.")
    assert slugs(article) == {"le-minh-khai"}  # the update keeps the correction
    retag()
    assert slugs(article) == {"le-minh-khai"}  # and so does re-tagging


def test_official_admin_action_retags_what_the_selected_officials_may_name(articles, client):
    khai, *_ = articles
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    selected = Official.objects.filter(slug__in=["mai-thi-thu-van", "le-minh-khai"]).values_list("pk", flat=True)
    response = client.post(
        "/admin/archive/official/", {"action": "retag_articles", "_selected_action": list(selected)}, follow=True
    )
    assert "1 article(s) checked; tags changed on 1." in response.text  # only the article that names them
    assert slugs(khai) == {"le-minh-khai", "mai-thi-thu-van"}


def test_changing_a_topics_phrases_in_the_admin_retags_the_articles_that_use_them(articles, client):
    _, tinh, _ = articles
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    topic = Topic.objects.get(slug="law-making")
    data = {
        "slug": topic.slug, "name_en": topic.name_en, "name_ru": topic.name_ru, "name_vi": topic.name_vi,
        "keywords_en": topic.keywords_en + "\ndraft decree", "keywords_ru": topic.keywords_ru,
        "keywords_vi": topic.keywords_vi,
    }  # fmt: skip
    tinh.body = "<p>Deputy Minister of Justice Nguyen Thanh Tinh spoke about the draft decree.</p>"
    tinh.save()
    response = client.post(f"/admin/archive/topic/{topic.pk}/change/", data, follow=True)
    assert "tags changed on 1" in response.text
    assert set(tinh.topics.values_list("slug", flat=True)) == {"law-making"}
