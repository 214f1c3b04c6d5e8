"""Candidates in the admin: found at import by their titles, confirmed, merged or rejected by editors."""

import io
import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command

from archive.models import Article, CandidateStatus, IndexChange, Official, OfficialCandidate, RoleMention
from archive.search import indexing, query

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/archive/officialcandidate/"

TINH_EN = "Deputy Minister of Justice Nguyen Thanh Tinh said the draft decree would be submitted in March."
TINH_VI = "Thứ trưởng Bộ Tư pháp Nguyễn Thanh Tịnh cho biết dự thảo nghị định sẽ được trình vào tháng Ba."
TINH_RU = "Заместитель министра юстиции Нгуен Тхань Тинь сообщил, что проект постановления будет внесен в марте."


def import_lines(tmp_path, *articles):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def article(title, body, language, published="2024-03-01", **extra):
    return {"title": title, "body": body, "language": language, "published": published, **extra}


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


@pytest.fixture
def tinh(tmp_path, whoosh_index):
    import_lines(
        tmp_path,
        article("Justice ministry drafts decree", TINH_EN, "en", story="decree"),
        article("Bộ Tư pháp soạn thảo nghị định", TINH_VI, "vi", story="decree"),
        article("Минюст готовит постановление", TINH_RU, "ru", story="decree"),
        article("Another decree", "Deputy Minister of Justice Nguyen Thanh Tinh spoke again.", "en", "2024-04-01"),
    )
    return OfficialCandidate.objects.get()


def test_a_name_introduced_by_a_title_becomes_one_candidate_in_three_scripts(tinh):
    assert tinh.status == CandidateStatus.PENDING
    assert tinh.name == "Nguyễn Thanh Tịnh"  # the Vietnamese spelling is preferred
    assert tinh.spellings == {"en": ["Nguyen Thanh Tinh"], "vi": ["Nguyễn Thanh Tịnh"], "ru": ["Нгуен Тхань Тинь"]}
    roles = set(RoleMention.objects.filter(candidate=tinh).values_list("role", flat=True))
    assert roles == {"Deputy Minister of Justice", "Thứ trưởng Bộ Tư pháp", "заместитель министра юстиции"}
    # Not public: no official, no tag, no facet.
    assert not Official.objects.filter(name__icontains="Tịnh").exists()
    assert not Article.objects.filter(officials__isnull=False).exists()


def test_changelist_shows_spellings_roles_counts_and_links_most_frequent_first(editor, tinh, tmp_path):
    import_lines(tmp_path, article("Visit", "Minister of Health Dao Hong Lan visited Hanoi.", "en"))
    html = editor.get(CHANGELIST).text
    assert html.index("Nguyễn Thanh Tịnh") < html.index("Dao Hong Lan")
    # Seen in English only: its Cyrillic spelling is derived (from the unaccented name: D, not Đ, gives З).
    assert "Зао Хонг Лан (transcribed)" in html
    assert "Нгуен Тхань Тинь" in html and "Deputy Minister of Justice" in html
    assert '<td class="field-n_articles">4</td>' in html
    assert f"/admin/archive/article/{Article.objects.order_by('pk').first().pk}/change/" in html


def test_confirming_makes_an_official_tagged_and_in_the_facets_at_once(editor, tinh):
    IndexChange.objects.update(applied="2024-01-01T00:00Z")
    response = editor.post(CHANGELIST, {"action": "confirm", "_selected_action": [tinh.pk]}, follow=True)
    assert response.status_code == 200 and "Confirmed:" in response.text
    official = Official.objects.get(name="Nguyễn Thanh Tịnh")
    aliases = set(official.aliases.values_list("name", flat=True))
    assert {"Nguyen Thanh Tinh", "Нгуен Тхань Тинь", "Nguyễn Thanh Tịnh"} <= aliases
    assert official.articles.count() == 4
    # Only the re-tagged articles were queued for the index, as an editor's change (not bulk).
    pending = IndexChange.objects.pending()
    assert set(pending.values_list("article_id", flat=True)) == set(official.articles.values_list("pk", flat=True))
    assert not pending.filter(bulk=True).exists()
    indexing.drain()
    facet = {v.value: v.count for v in query.run({"q": "decree"}).facets["official"]}
    assert facet.get(official.slug) == 2  # two stories name him
    assert editor.get(official.get_absolute_url()).status_code == 200


def test_official_page_shows_the_role_timeline_with_dates(editor, tinh, client):
    editor.post(CHANGELIST, {"action": "confirm", "_selected_action": [tinh.pk]})
    official = Official.objects.get(name="Nguyễn Thanh Tịnh")
    indexing.drain()
    html = client.get(official.get_absolute_url()).text
    assert "Deputy Minister of Justice" in html and "Thứ trưởng Bộ Tư pháp" in html
    assert '<time datetime="2024-03-01">' in html and '<time datetime="2024-04-01">' in html


def test_merging_into_an_existing_official_adds_aliases(editor, tinh):
    khai = Official.objects.get(slug="le-minh-khai")
    data = {"action": "merge", "_selected_action": [tinh.pk]}
    form = editor.post(CHANGELIST, data)
    assert 'name="official"' in form.text  # the intermediate page asks which official
    editor.post(CHANGELIST, {**data, "official": khai.pk})
    assert khai.aliases.filter(name="Нгуен Тхань Тинь").exists()
    assert khai.articles.count() == 4
    assert OfficialCandidate.objects.get().official == khai


def test_a_rejected_name_is_not_proposed_again(editor, tinh, tmp_path):
    editor.post(CHANGELIST, {"action": "reject", "_selected_action": [tinh.pk]})
    import_lines(tmp_path, article("Again", "Deputy Minister of Justice Nguyen Thanh Tinh spoke in May.", "en"))
    tinh.refresh_from_db()
    assert tinh.status == CandidateStatus.REJECTED
    assert not RoleMention.objects.filter(candidate=tinh).exists()
    assert OfficialCandidate.objects.count() == 1


def test_actions_need_the_change_permission(client, tinh):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_officialcandidate"))
    client.force_login(viewer)
    assert client.get(CHANGELIST).status_code == 200  # may look
    client.post(CHANGELIST, {"action": "confirm", "_selected_action": [tinh.pk]})
    tinh.refresh_from_db()
    assert tinh.status == CandidateStatus.PENDING


def test_names_that_differ_only_by_diacritics_stay_two(tmp_path, whoosh_index):
    nen = Official.objects.get(slug="nguyen-van-nen")
    import_lines(
        tmp_path,
        article("Bổ nhiệm", "Thứ trưởng Bộ Nội vụ Nguyễn Văn Nền cho biết như vậy.", "vi"),
        article("Kỳ họp", "Bộ trưởng Nguyễn Văn Nên phát biểu.", "vi", "2024-03-02"),
    )
    other = OfficialCandidate.objects.get()
    assert other.name == "Nguyễn Văn Nền" and "Nguyễn Văn Nên" in other.note
    other_article, nen_article = Article.objects.order_by("published")
    assert set(RoleMention.objects.filter(article=nen_article).values_list("official", flat=True)) == {nen.pk}
    # Once confirmed, each text names the one its diacritics spell; an unaccented text names neither and says so.
    from archive.officials import candidates

    confirmed = candidates.confirm(other)
    assert list(other_article.officials.all()) == [confirmed]
    assert list(nen_article.officials.all()) == [nen]
    import_lines(tmp_path, article("Meeting", "Nguyen Van Nen attended the meeting in Hanoi.", "en", "2024-03-03"))
    unaccented = Article.objects.get(language="en")
    assert not unaccented.officials.exists()
    assert "Ambiguous name" in unaccented.review_notes and "Nguyễn Văn Nền" in unaccented.review_notes
