"""The gazetteer the data migration loads: officials in three scripts, topics in three languages."""

import pytest

from archive.models import Official, OfficialAlias, Topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "spellings"),
    [
        ("le-minh-khai", {"Lê Minh Khái", "Le Minh Khai", "Ле Минь Кхай"}),
        ("pham-minh-chinh", {"Phạm Minh Chính", "Pham Minh Chinh", "Фам Минь Тинь"}),
        ("truong-hoa-binh", {"Trương Hòa Bình", "Truong Hoa Binh", "Чыонг Хоа Бинь"}),
    ],
)
def test_seed_officials_have_aliases_in_every_script(slug, spellings):
    official = Official.objects.get(slug=slug)
    assert spellings <= set(official.aliases.values_list("name", flat=True))


def test_current_government_leaders_are_present_with_roles():
    for slug in ["pham-minh-chinh", "tran-hong-ha", "nguyen-hoa-binh", "tran-van-son"]:
        assert Official.objects.get(slug=slug).roles.exists(), slug


def test_alias_folded_key_ignores_case_and_diacritics():
    alias = OfficialAlias.objects.get(name="Lê Minh Khái")
    assert alias.folded == "le minh khai"
    assert OfficialAlias.objects.filter(folded="le minh khai").count() == 2  # vi and en spellings


def test_topics_have_names_and_keywords_in_three_languages():
    for slug in ["administrative-reform", "e-government"]:
        topic = Topic.objects.get(slug=slug)
        for language in ["en", "ru", "vi"]:
            assert topic.name(language)
            assert topic.keywords(language), (slug, language)
