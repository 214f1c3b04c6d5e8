"""import_articles on the raw seeds and on bad inputs: what editors see and what the archive keeps."""

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Status, Story

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
pytestmark = pytest.mark.django_db

CHROME = [
    "Vietnam.vn",
    "Comment (0)",
    "Комментарий (0)",
    "{keywords}",
    "No data",
    "изображение 1",
    "Nguồn:",
    "Источник",
    "Photo Thong Nhat",
    "Hanoi boosts online public admin services",
    "Ханой ведет себя странно",
    "Video :",
    "Dao Quyen",
    " |",
]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def seeded(whoosh_index):
    code, out, _ = run(SEEDS)
    assert code == 0, out
    return {line.split(" → ")[0].split("/")[-1][:3]: line for line in out.splitlines() if line.startswith("created")}


def by_seed(lines, number):
    article_id = int(lines[number].split("(#")[1].split(",")[0].rstrip(")"))
    return Article.objects.get(pk=article_id)


def test_seeds_become_five_published_articles_with_languages_dates_and_sources(seeded):
    assert Article.objects.count() == 5
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    en, ru, en2019, vi, en_par = (by_seed(seeded, n) for n in ("000", "001", "002", "003", "004"))
    assert [a.language for a in (en, ru, en2019, vi, en_par)] == ["en", "ru", "en", "vi", "en"]
    # Dates: the Russian byline is a full date; the others are read from running text and flagged.
    assert ru.published == datetime.date(2024, 1, 13) and not ru.needs_review
    assert en.published == datetime.date(2024, 1, 12) and "took 2024" in en.review_notes
    assert vi.published == datetime.date(2024, 1, 12) and "took 2024" in vi.review_notes
    assert en_par.published == datetime.date(2024, 2, 2) and en_par.needs_review
    assert en2019.published.year == 2020 and "No date" in en2019.review_notes
    assert vi.source_url.startswith("https://nhandan.vn/van-phong-chinh-phu-khong-ngung")
    assert vi.source_name == "nhandan.vn"
    assert ru.source_name == "Công Luận"
    assert en2019.source_name == "VNS"
    assert ru.title.startswith("Правительственному аппарату необходимо внедрять инновации")
    assert vi.title.startswith("Văn phòng Chính phủ không ngừng nâng cao")
    assert vi.legal_refs == ["101/2023/QH15", "27-NQ/TW"]
    assert en.lead.startswith("The Government Office has had many initiatives")


def test_seed_bodies_have_no_site_chrome(seeded):
    for article in Article.objects.all():
        for chrome in CHROME:
            assert chrome not in article.body, (article.pk, chrome)
        assert article.body.startswith("<p>") and "<script" not in article.body


def test_seed_officials_and_topics(seeded):
    en, ru, en2019, vi, en_par = (by_seed(seeded, n) for n in ("000", "001", "002", "003", "004"))
    for article in (en, ru, vi):
        assert set(article.officials.values_list("slug", flat=True)) == {"le-minh-khai"}
        assert {"government-office", "law-making"} <= set(article.topics.values_list("slug", flat=True))
    # "Binh said": a given name alone is not matched (several officials share it).
    assert not en2019.officials.exists()
    assert {"pham-minh-chinh", "nguyen-khac-than", "vu-kim-cu", "lai-van-hoan"} == set(
        en_par.officials.values_list("slug", flat=True)
    )
    assert {"administrative-reform", "e-government"} <= set(en_par.topics.values_list("slug", flat=True))


def test_seed_translations_form_one_story_and_the_others_their_own(seeded):
    en, ru, en2019, vi, en_par = (by_seed(seeded, n) for n in ("000", "001", "002", "003", "004"))
    assert en.story_id == ru.story_id == vi.story_id
    assert len({en.story_id, en2019.story_id, en_par.story_id}) == 3
    assert Story.objects.count() == 3


def test_imported_articles_are_searchable_at_once(seeded, client):
    response = client.get("/api/search/", {"q": "Khai"})
    assert response.status_code == 200
    assert response.json()["count"] >= 3


def test_second_run_reports_duplicates_and_exits_zero(seeded):
    code, out, _ = run(SEEDS)
    assert code == 0
    assert out.count("duplicate:") == 5
    assert "0 created" in out and "5 duplicates" in out
    assert Article.objects.count() == 5


def test_dry_run_writes_nothing(whoosh_index):
    code, out, _ = run(SEEDS, "--dry-run")
    assert code == 0 and out.count("created:") == 5 and "Dry run" in out
    assert Article.objects.count() == 0 and Story.objects.count() == 0


def test_draft_imports_drafts(whoosh_index):
    code, _, _ = run(SEEDS, "--draft")
    assert code == 0
    assert set(Article.objects.values_list("status", flat=True)) == {Status.DRAFT}


@pytest.mark.parametrize("args", [["missing.txt"], [], ["--no-such-option", "x"]])
def test_usage_error_exits_2(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_articles", *args],
        cwd=SEEDS.parent.parent,
        env={**os.environ, "GAZETTE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bad_inputs_fail_alone_with_reasons(whoosh_index, tmp_path):
    good = shutil.copy(next(SEEDS.glob("004_*.txt")), tmp_path / "good.txt")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "wrong.txt", "Привет".encode("koi8-r") * 50)
    write(tmp_path, "utf16.txt", "Phó Thủ tướng".encode("utf-16-le"))
    code, out, _ = run(tmp_path)
    assert code == 1
    lines = {re.search(r"/(\w+\.txt)", line).group(1): line for line in out.splitlines() if ".txt" in line}
    assert "binary data" in lines["binary.txt"]
    assert "empty file" in lines["empty.txt"]
    assert "unknown text encoding" in lines["wrong.txt"]
    assert "UTF-16 with a byte order mark" in lines["utf16.txt"]
    assert lines[Path(good).name].startswith("created:")
    assert Article.objects.count() == 1
    assert "4 failed" in out


def test_legacy_encodings_and_utf16_with_bom_are_read(whoosh_index, tmp_path):
    ru = (
        "Заголовок: Канцелярия правительства подвела итоги\n\n"
        + "Правительственная канцелярия подвела итоги работы за 2023 год 12 января 2024 года. " * 5
    )
    write(tmp_path, "ru.txt", ru.encode("cp1251"))
    vi = "Tiêu đề: Văn phòng Chính phủ\n\nChiều 12/1/2024, Phó Thủ tướng Lê Minh Khái dự hội nghị của Văn phòng Chính phủ."
    write(tmp_path, "vi.txt", vi.encode("utf-16"))
    write(
        tmp_path,
        "bom.txt",
        "\ufeffTitle: BOM\n\nThe Government Office met on 3 March 2024 and the minister spoke.".encode(),
    )
    code, out, _ = run(tmp_path)
    assert code == 0, out
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"Канцелярия правительства подвела итоги", "Văn phòng Chính phủ", "BOM"}
    assert Article.objects.get(title="BOM").published == datetime.date(2024, 3, 3)


def test_fifty_megabyte_file_is_refused_without_reading(whoosh_index, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, out, _ = run(big)
    assert code == 1
    assert "file too large (50.0 MB" in out


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_articles_is_imported(whoosh_index, tmp_path):
    entries = {f"seeds/{p.name}": p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))}
    path = write(tmp_path, "seeds.zip", zip_bytes(entries))
    code, out, _ = run(path)
    assert code == 0, out
    assert Article.objects.count() == 5


def test_zip_bomb_is_refused(whoosh_index, tmp_path):
    path = write(tmp_path, "bomb.zip", zip_bytes({"a.txt": b"0" * (30 * 1024 * 1024)}))
    code, out, _ = run(path)
    assert code == 1 and "zip bomb" in out
    assert Article.objects.count() == 0


def test_zip_with_parent_paths_is_refused(whoosh_index, tmp_path):
    path = write(tmp_path, "evil.zip", zip_bytes({"ok.txt": b"Title: A\n\nThe text.", "../evil.txt": b"x"}))
    code, out, _ = run(path)
    assert code == 1 and "unsafe entry name" in out and "../evil.txt" in out
    assert Article.objects.count() == 0


def test_zip_with_symlink_is_refused(whoosh_index, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link.txt")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    code, out, _ = run(write(tmp_path, "link.zip", buffer.getvalue()))
    assert code == 1 and "symbolic link" in out


def test_jsonl_broken_line_fails_alone_and_unknown_keys_warn(whoosh_index, tmp_path):
    lines = [
        json.dumps(
            {
                "title": "First",
                "body": "The Government Office met. " * 5,
                "language": "en",
                "published": "2024-01-02",
                "colour": "red",
            }
        ),
        '{"title": "broken", "body": ',
        json.dumps(
            {
                "title": "Второй",
                "body": "Правительственная канцелярия подвела итоги. " * 5,
                "story": "k1",
                "officials": ["Ле Минь Кхай"],
                "topics": ["government-office"],
            }
        ),
        json.dumps(
            {
                "title": "Third",
                "body": "<p>Hello <script>alert(1)</script><a href='javascript:x()'>x</a> world</p>",
                "language": "en",
                "published": "2024-01-03",
                "story": "k1",
            }
        ),
    ]
    path = write(tmp_path, "in.jsonl", ("\n".join(lines) + "\n").encode())
    code, out, err = run(path)
    assert code == 1
    assert f"failed: {path}:2: invalid JSON" in out
    assert "unknown keys ignored: colour" in err
    second = Article.objects.get(title="Второй")
    assert [o.slug for o in second.officials.all()] == ["le-minh-khai"]
    assert [t.slug for t in second.topics.all()] == ["government-office"]
    third = Article.objects.get(title="Third")
    assert third.story_id == second.story_id and third.story.key == "k1"
    assert "<script" not in third.body and "javascript" not in third.body
    assert third.needs_review and "Sanitizer removed: javascript: URL, script" in third.review_notes


def test_same_source_with_changed_content_updates_and_keeps_editor_tags(whoosh_index, tmp_path):
    text = "Source: https://example.gov.vn/a\n\nChiều 12/1/2024, Phó Thủ tướng Lê Minh Khái dự Hội nghị của Văn phòng Chính phủ."
    path = write(tmp_path, "a.txt", text.encode())
    assert run(path)[0] == 0
    article = Article.objects.get()
    assert [o.slug for o in article.officials.all()] == ["le-minh-khai"]
    article.officials.set([])  # the editor corrects the tags
    from archive.models import Official, Topic

    article.officials.add(Official.objects.get(slug="tran-van-son"))
    article.topics.set([Topic.objects.get(slug="public-services")])
    write(tmp_path, "a.txt", (text + " Thủ tướng Phạm Minh Chính chủ trì.").encode())
    code, out, _ = run(path)
    assert code == 0 and "updated:" in out
    article.refresh_from_db()
    assert "Phạm Minh Chính chủ trì" in article.body
    assert [o.slug for o in article.officials.all()] == ["tran-van-son"]
    assert [t.slug for t in article.topics.all()] == ["public-services"]
    assert Article.objects.count() == 1


def test_header_overrides_inference(whoosh_index, tmp_path):
    text = (
        "Tiêu đề: Tiêu đề riêng\nNgày: 2023-05-06\nLanguage: vi\nNguồn: Báo Nhân Dân\nOfficials: Tran Hong Ha\nTopics: E-Government\n\n"
        "Chiều 12/1/2024, Phó Thủ tướng Lê Minh Khái dự Hội nghị của Văn phòng Chính phủ."
    )
    assert run(write(tmp_path, "h.txt", text.encode()))[0] == 0
    article = Article.objects.get()
    assert (article.title, article.published, article.source_name) == (
        "Tiêu đề riêng",
        datetime.date(2023, 5, 6),
        "Báo Nhân Dân",
    )
    assert [o.slug for o in article.officials.all()] == ["tran-hong-ha"]
    assert [t.slug for t in article.topics.all()] == ["e-government"]
    assert not article.needs_review


def test_progress_bar_only_when_asked(whoosh_index):
    code, _, err = run(SEEDS, "--progress")
    assert code == 0 and "5/5" in err
    Article.objects.all().delete()
    code, _, err = run(SEEDS)
    assert "5/5" not in err
