"""The raw seeds through import_articles: every official they name, in each language, found in every script."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Official

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
pytestmark = pytest.mark.django_db

# Each seed's officials, as an editor reading it would tag them.
EXPECTED = {
    "000": ("en", {"le-minh-khai", "mai-thi-thu-van"}),
    "001": ("ru", {"le-minh-khai", "mai-thi-thu-van"}),
    "002": ("en", set()),  # "Binh said": a given name alone is not enough
    "003": ("vi", {"le-minh-khai", "tran-van-son"}),
    "004": ("en", {"pham-minh-chinh", "nguyen-khac-than", "vu-kim-cu", "lai-van-hoan"}),
}


@pytest.fixture
def imported(whoosh_index):
    out = io.StringIO()
    call_command("import_articles", str(SEEDS), stdout=out, stderr=io.StringIO())
    articles = {}
    for line in out.getvalue().splitlines():
        if line.startswith("created"):
            seed = line.split(" → ")[0].split("/")[-1][:3]
            articles[seed] = Article.objects.get(pk=int(line.split("(#")[1].split(",")[0].rstrip(")")))
    return articles


def test_every_official_the_seeds_name_is_in_the_gazetteer():
    names = set(Official.objects.values_list("slug", flat=True))
    assert set().union(*(slugs for _, slugs in EXPECTED.values())) <= names
    assert Official.objects.get(slug="mai-thi-thu-van").name == "Mai Thị Thu Vân"


def test_each_seed_is_tagged_with_its_officials_in_its_language(imported):
    for seed, (language, slugs) in EXPECTED.items():
        article = imported[seed]
        assert article.language == language
        assert set(article.officials.values_list("slug", flat=True)) == slugs, seed


@pytest.mark.parametrize("query", ["Май Тхи Тху Ван", "Mai Thị Thu Vân", "Mai Thi Thu Van"])
def test_her_name_in_any_script_finds_the_story(client, imported, query):
    results = client.get("/api/search/", {"q": query}).json()["results"]
    stories = {hit["story"] for hit in results}
    assert imported["000"].story_id in stories
    assert imported["004"].story_id not in stories


def test_her_page_lists_the_english_and_russian_variants_that_name_her(client, imported):
    html = client.get("/officials/mai-thi-thu-van/").text
    assert '<span class="alias" lang="ru">Май Тхи Тху Ван</span>' in html
    assert imported["000"].get_absolute_url() in html
    assert imported["001"].get_absolute_url() in html
    # One story, two of its variants name her (the Vietnamese one does not): two articles found.
    assert '<p class="count" role="status">2 articles found</p>' in html


def test_the_caption_is_on_the_article_page(client, imported):
    html = client.get(imported["003"].get_absolute_url()).text
    assert (
        "<figcaption>Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ Trần Văn Sơn phát biểu tại Hội nghị.</figcaption>" in html
    )
    assert '<a href="/officials/tran-van-son/">Trần Văn Sơn</a>' in html
