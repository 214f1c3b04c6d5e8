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
    # No headline: derived from the lead, without the scene-setting clause or the string of titles.
    assert en2019.title == (
        "Binh said innovation, creativity and pioneering in action were highlights of the office officials in 2019"
    )
    assert en_par.title.startswith("Pham Minh Chinh chaired the seventh meeting of the Steering Committee")
    assert vi.legal_refs == ["101/2023/QH15", "27-NQ/TW"]
    assert en.lead.startswith("The Government Office has had many initiatives")


def test_seed_bodies_have_no_site_chrome(seeded):
    for article in Article.objects.all():
        for chrome in CHROME:
            assert chrome not in article.body, (article.pk, chrome)
        assert article.body.startswith(("<p>", "<figure>")) and "<script" not in article.body


def test_seed_captions_stay_as_captions(seeded):
    en, ru, en2019, vi, en_par = (by_seed(seeded, n) for n in ("000", "001", "002", "003", "004"))
    award = "Deputy Prime Minister Le Minh Khai awarded the title of National Emulation Fighter to Deputy Head"
    assert f"<figure><figcaption>{award} of the Government Office Mai Thi Thu Van.</figcaption></figure>" in en.body
    speech = "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ Trần Văn Sơn phát biểu tại Hội nghị."
    assert f"<figure><figcaption>{speech}</figcaption></figure>" in vi.body
    assert vi.body.count("<figcaption>") == 4 and en.body.count("<figcaption>") == 4
    assert "<figcaption>Заместитель премьер-министра Ле Минь Кхай выступает на конференции.</figcaption>" in ru.body
    assert "Photo Thong Nhat</figcaption>" in en2019.body
    assert "<figcaption>Delegates attending the meeting at Thai Binh bridge point.</figcaption>" in en_par.body
    # The headline repeated as numbered image text is chrome, not a caption.
    assert "изображение" not in ru.body and "рисунок 3" not in ru.body


def test_seed_officials_and_topics(seeded):
    en, ru, en2019, vi, en_par = (by_seed(seeded, n) for n in ("000", "001", "002", "003", "004"))
    assert set(en.officials.values_list("slug", flat=True)) == {"le-minh-khai", "mai-thi-thu-van"}
    assert set(ru.officials.values_list("slug", flat=True)) == {"le-minh-khai", "mai-thi-thu-van"}
    assert set(vi.officials.values_list("slug", flat=True)) == {"le-minh-khai", "tran-van-son"}
    for article in (en, ru, vi):
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


# Inputs editors actually send ------------------------------------------------------------------------------


def test_language_may_be_named_rather_than_coded(whoosh_index, tmp_path):
    for name, header in [
        ("en.txt", "Language: English"),
        ("ru.txt", "Язык: русский"),
        ("vi.txt", "Ngôn ngữ: Tiếng Việt"),
    ]:
        write(
            tmp_path,
            name,
            f"{header}\nTitle: {name}\n\nThe Government Office met on 2 February 2024 ({name}).".encode(),
        )
    code, out, _ = run(tmp_path)
    assert code == 0, out
    assert dict(Article.objects.values_list("title", "language")) == {"en.txt": "en", "ru.txt": "ru", "vi.txt": "vi"}


def test_text_in_another_language_is_refused_not_filed_as_english(whoosh_index, tmp_path):
    french = "Le gouvernement a décidé de poursuivre les réformes administratives et la transformation numérique."
    code, out, _ = run(write(tmp_path, "fr.txt", french.encode("cp1252")))
    assert code == 1 and "language not recognized" in out
    assert not Article.objects.exists()


def test_header_date_without_a_year_is_completed_from_the_text_and_flagged(whoosh_index, tmp_path):
    text = "Date: 12/1\n\nThe Government Office reviewed its work in 2023 and set the tasks for 2024."
    assert run(write(tmp_path, "a.txt", text.encode()))[0] == 0
    article = Article.objects.get()
    assert article.published == datetime.date(2024, 1, 12) and "took 2024" in article.review_notes


def test_html_page_keeps_structure_with_absolute_links_and_reports_what_was_removed(whoosh_index, tmp_path):
    page = (
        '<html><head><meta property="og:url" content="https://gov.vn/news/a.htm"><script>track()</script>'
        "<style>p{}</style></head><body><nav>Home | News</nav><article><h1>PM chairs reform meeting</h1>"
        "<p>Prime Minister Pham Minh Chinh chaired the meeting on administrative reform on 2 February 2024.</p>"
        '<p onclick="x()">See <a href="/decree.htm">the decree</a> and <a href="javascript:alert(1)">this</a>.</p>'
        '<script>alert(1)</script><h2>Results</h2><ul><li>628 regulations cut</li></ul><img src="/a.jpg" alt="PM">'
        "<p>Comment (0)</p></article><aside>Other news</aside></body></html>"
    )
    assert run(write(tmp_path, "page.html", page.encode()))[0] == 0
    article = Article.objects.get()
    assert article.title == "PM chairs reform meeting" and article.source_url == "https://gov.vn/news/a.htm"
    for part in ('<a href="https://gov.vn/decree.htm"', "<h2>Results</h2>", "<li>628 regulations cut</li>"):
        assert part in article.body
    assert 'src="https://gov.vn/a.jpg"' in article.body
    for gone in ("script", "onclick", "javascript", "Home", "Other news", "Comment (0)", "<h1>"):
        assert gone not in article.body
    assert "Sanitizer removed: event handler, javascript: URL, script" in article.review_notes
    assert "style" not in article.review_notes  # the page's own stylesheet was never part of the article


def test_report_lines_follow_the_input_order(whoosh_index, tmp_path):
    write(tmp_path, "a.txt", b"Title: A\n\nThe Government Office met on 2 February 2024.")
    write(tmp_path, "b.txt", b"")
    write(tmp_path, "c.txt", b"Title: C\n\nThe Government Office met again on 3 February 2024.")
    code, out, _ = run(tmp_path)
    assert code == 1
    assert [line.split(":")[0] + line.split("/")[-1][:5] for line in out.splitlines()[:3]] == [
        "createda.txt",
        "failedb.txt",
        "createdc.txt",
    ]


def jsonl_file(tmp_path, name, records):
    return write(tmp_path, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())


def test_same_story_key_and_language_twice_in_one_file_updates_the_first(whoosh_index, tmp_path):
    records = [
        {"title": "First", "body": "The office met on 2 February 2024.", "language": "en", "story": "k"},
        {"title": "Second", "body": "The office met again on 2 February 2024.", "language": "en", "story": "k"},
    ]
    code, out, _ = run(jsonl_file(tmp_path, "k.jsonl", records))
    assert code == 0, out
    assert out.count("created:") == 1 and out.count("updated:") == 1
    article = Article.objects.get()
    assert "met again" in article.body and article.story.key == "k"


def test_an_update_can_join_a_story_first_seen_in_the_same_batch(whoosh_index, tmp_path):
    ru = {"body": "Правительственная канцелярия провела совещание 2 февраля 2024 года.", "language": "ru"}
    assert run(jsonl_file(tmp_path, "1.jsonl", [{**ru, "title": "Совещание", "source_url": "https://x.ru/1"}]))[0] == 0
    records = [
        {"title": "Meeting", "body": "The office met on 2 February 2024.", "language": "en", "story": "k"},
        {**ru, "title": "Совещание", "body": ru["body"] + " Итоги.", "source_url": "https://x.ru/1", "story": "k"},
    ]
    code, out, _ = run(jsonl_file(tmp_path, "2.jsonl", records))
    assert code == 0, out
    assert {a.story.key for a in Article.objects.all()} == {"k"} and Story.objects.filter(
        articles__isnull=False
    ).distinct().count() == 1


def test_a_database_refusal_fails_only_the_article_at_fault(whoosh_index, tmp_path, monkeypatch):
    from archive.ingest.pipeline import Importer
    from tests.factories import make_article

    records = [{"title": t, "body": f"The office met about {t} on 2 February 2024.", "language": "en"} for t in "ABC"]
    create = Importer._create

    def racing_create(self, pending):
        # Another writer stores an article with B's content between the duplicate check and the insert.
        for item, _ in pending:
            if item.title == "B":
                make_article(content_hash=item.content_hash)
        return create(self, pending)

    monkeypatch.setattr(Importer, "_create", racing_create)
    code, out, _ = run(jsonl_file(tmp_path, "in.jsonl", records))
    assert code == 1
    assert out.count("created:") == 2 and "in.jsonl:2: the database refused it" in out
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "C"]
    assert Story.objects.count() == 2


def test_reimport_keeps_corrected_tags_and_updates_untouched_ones(whoosh_index, tmp_path):
    from archive.models import Official

    text = "Source: https://gov.vn/{0}\n\nChiều 12/1/2024, Phó Thủ tướng Lê Minh Khái dự Hội nghị {0}."
    for name in "ab":
        write(tmp_path, f"{name}.txt", text.format(name).encode())
    assert run(tmp_path)[0] == 0
    corrected = Article.objects.get(source_url="https://gov.vn/a")
    corrected.officials.set([])  # the editor: Khai is only mentioned, not the subject
    for name in "ab":
        write(tmp_path, f"{name}.txt", (text.format(name) + " Thủ tướng Phạm Minh Chính chủ trì.").encode())
    code, out, _ = run(tmp_path)
    assert code == 0 and out.count("updated:") == 2
    assert not corrected.officials.exists()
    untouched = Article.objects.get(source_url="https://gov.vn/b")
    assert set(untouched.officials.values_list("slug", flat=True)) == {"le-minh-khai", "pham-minh-chinh"}
    assert Official.objects.count() > 2


def test_reimport_does_not_flag_again_what_the_editor_confirmed(whoosh_index, tmp_path):
    text = "Source: https://gov.vn/a\n\nChiều 12/1, Phó Thủ tướng Lê Minh Khái dự Hội nghị tổng kết năm 2023."
    path = write(tmp_path, "a.txt", text.encode())
    assert run(path)[0] == 0
    article = Article.objects.get()
    assert article.needs_review
    article.published, article.needs_review, article.review_notes = datetime.date(2024, 1, 13), False, ""
    article.save()
    write(tmp_path, "a.txt", (text + " Văn phòng Chính phủ báo cáo.").encode())
    assert run(path)[0] == 0
    article.refresh_from_db()
    assert "báo cáo" in article.body
    assert (article.published, article.needs_review) == (datetime.date(2024, 1, 13), False)


def test_many_articles_with_one_title_get_distinct_slugs_across_runs(whoosh_index, tmp_path):
    def records(start, stop):
        return [
            {"title": "Press release", "body": f"Release number {n}.", "language": "en"} for n in range(start, stop)
        ]

    assert run(jsonl_file(tmp_path, "1.jsonl", records(0, 30)), "--batch-size", "7")[0] == 0
    assert run(jsonl_file(tmp_path, "2.jsonl", records(30, 35)))[0] == 0
    slugs = set(Article.objects.values_list("slug", flat=True))
    assert slugs == {"press-release", *(f"press-release-{n}" for n in range(2, 36))}
