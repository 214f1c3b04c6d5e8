"""import_articles and the admin upload on web-archive captures (WARC, WARC.gz, WACZ) written with warcio."""

import datetime
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from archive.models import Article, Capture, Story
from tests import warcs

pytestmark = pytest.mark.django_db

ARTICLE = [
    "The Ministry of Home Affairs presented the draft decree on public service units to the Government.",
    "Minister Pham Thi Thanh Tra said the decree would cut the number of units by ten percent by 2026, and "
    "that every province would publish its plan online before the end of the year.",
    "The Government asked the ministry to collect the comments of the provinces and to submit the final text.",
]


def run(*paths):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def lines(out, status):
    return [line for line in out.splitlines() if line.startswith(f"{status}:")]


def story_groups(out):
    """The created articles grouped by story, each named by its place in the input (1 to 5): {frozenset}."""
    groups = {}
    for number, line in enumerate(lines(out, "created"), start=1):
        groups.setdefault(re.search(r"story (\d+)\)", line).group(1), set()).add(number)
    return {frozenset(group) for group in groups.values()}


def test_wacz_of_the_seed_pages_imports_as_the_same_stories_as_the_seed_text_files(tmp_path, whoosh_index):
    code, out, _ = run(warcs.SEEDS)
    assert code == 0
    from_text = story_groups(out)
    Article.objects.all().delete()
    Story.objects.all().delete()

    code, out, _ = run(write(tmp_path, "seeds.wacz", warcs.wacz({"seeds.warc.gz": warcs.seeds_warc()})))

    assert code == 0, out
    assert len(lines(out, "created")) == 5
    assert story_groups(out) == from_text
    assert len(from_text) == 3 and Story.objects.count() == 3
    by_seed = {path.stem[:3]: Article.objects.get(source_url=warcs.seed_uri(path)) for path in warcs.seed_paths()}
    assert [by_seed[n].language for n in ("000", "001", "002", "003", "004")] == ["en", "ru", "en", "vi", "en"]
    # Provenance: the capture's record, digest and date are kept with the article.
    capture = Capture.objects.get(article=by_seed["001"])
    assert capture.record_id.startswith("<urn:uuid:") and capture.payload_digest.startswith("sha1:")
    assert capture.target_uri == warcs.seed_uri(warcs.seed_paths()[1])
    assert capture.captured == datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert "Vietnam.vn" not in by_seed["001"].body and "Home" not in by_seed["000"].body
    assert client_count("Khai") >= 3


def client_count(q):
    from django.test import Client

    return Client().get("/api/search/", {"q": q}).json()["count"]


def test_second_import_of_the_same_wacz_reports_every_capture_as_a_duplicate(tmp_path, whoosh_index):
    path = write(tmp_path, "seeds.wacz", warcs.wacz({"seeds.warc.gz": warcs.seeds_warc()}))
    run(path)

    code, out, _ = run(path)

    assert code == 0
    assert len(lines(out, "duplicate")) == 5 and all(line.endswith("same capture") for line in lines(out, "duplicate"))
    assert "0 created" in out and "5 duplicates" in out
    assert Article.objects.count() == 5 and Capture.objects.count() == 5


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_truncated_last_record_imports_everything_before_it_and_reports_the_rest(tmp_path, whoosh_index, compressed):
    warc = warcs.Warc(gzip=compressed)
    for number, path in enumerate(warcs.seed_paths()[:3]):
        warc.response(warcs.seed_uri(path), warcs.seed_page(path))
        if number == 1:
            cut = len(warc.bytes())
    data = warc.bytes()
    # The crawl stopped in the middle of the last response's payload.
    truncated = data[: cut + (len(data) - cut) // 2]

    code, out, _ = run(write(tmp_path, "crawl.warc.gz" if compressed else "crawl.warc", truncated))

    assert code == 1, out
    assert len(lines(out, "created")) == 2
    [failed] = lines(out, "failed")
    assert "#3" in failed and ("truncated" in failed or "unreadable" in failed)
    assert Article.objects.count() == 2


def test_revisit_is_a_duplicate_of_the_capture_it_points_to(tmp_path, whoosh_index):
    warc = warcs.Warc()
    original = warc.response("https://moha.example.gov/news/decree-on-units", warcs.page(ARTICLE))
    warc.revisit("https://moha.example.gov/news/decree-on-units", original)

    code, out, _ = run(write(tmp_path, "recrawl.warc.gz", warc.bytes()))

    assert code == 0, out
    assert len(lines(out, "created")) == 1
    [revisit] = lines(out, "duplicate")
    article = Article.objects.get()
    assert f"(#{article.pk}" in revisit and revisit.endswith("a revisit of an imported capture")
    # Both captures are kept with the article: the original and the revisit.
    assert sorted(c.captured.date() for c in article.captures.all()) == [
        datetime.date(2024, 2, 1),
        datetime.date(2024, 3, 1),
    ]


def test_revisit_of_a_capture_the_archive_does_not_have_is_skipped(tmp_path, whoosh_index):
    elsewhere = warcs.Warc()
    original = elsewhere.response("https://moha.example.gov/news/decree-on-units", warcs.page(ARTICLE))
    warc = warcs.Warc()
    warc.revisit("https://moha.example.gov/news/decree-on-units", original)

    code, out, _ = run(write(tmp_path, "recrawl.warc.gz", warc.bytes()))

    assert code == 0
    [skipped] = lines(out, "skipped")
    assert "a revisit of https://moha.example.gov/news/decree-on-units" in skipped
    assert not Article.objects.exists()


def test_pages_that_are_not_articles_are_skipped_with_the_reason(tmp_path, whoosh_index):
    warc = warcs.Warc()
    warc.response("https://moha.example.gov/", warcs.page(ARTICLE))
    warc.response("https://moha.example.gov/tag/decree/", warcs.page(ARTICLE))
    warc.response(
        "https://moha.example.gov/news/old-address",
        b"",
        status="301 Moved Permanently",
        headers=[("Location", "https://moha.example.gov/news/decree-on-units")],
    )
    warc.response("https://moha.example.gov/logo.png", b"\x89PNG\r\n\x1a\n", headers=[("Content-Type", "image/png")])
    warc.response("https://moha.example.gov/news/gone", warcs.page(["Not found."]), status="404 Not Found")
    warc.response("https://moha.example.gov/news/contact", warcs.page(["Write to us at the address below."]))
    warc.response("https://moha.example.gov/news/decree-on-units", warcs.page(ARTICLE))

    code, out, _ = run(write(tmp_path, "site.warc.gz", warc.bytes()))

    assert code == 0, out
    reasons = [line.split(": ", 2)[2] for line in lines(out, "skipped")]
    assert len(reasons) == 6
    assert reasons[0].startswith("an index page")
    assert reasons[1].startswith("a tag or category page")
    assert reasons[2] == "a redirect (HTTP 301) to https://moha.example.gov/news/decree-on-units"
    assert reasons[3] == "not an HTML page (image/png)"
    assert reasons[4] == "not a page: HTTP status 404"
    assert reasons[5].startswith("too short to be an article after cleaning")
    assert "6 skipped" in out and "0 failed" in out
    assert Article.objects.get().source_url == "https://moha.example.gov/news/decree-on-units"


def test_payloads_are_read_through_chunking_gzip_and_their_declared_charset(tmp_path, whoosh_index):
    russian = warcs.page(warcs.seed_paths()[1].read_text(encoding="utf-8").splitlines(), lang="ru", charset="cp1251")
    english = warcs.page(ARTICLE).encode("utf-8")
    warc = warcs.Warc(gzip=False)
    warc.response(
        "https://ru.example.gov/news/office",
        russian.encode("cp1251", errors="xmlcharrefreplace"),
        headers=[("Content-Type", "text/html; charset=windows-1251")],
    )
    warc.response(
        "https://moha.example.gov/news/decree-on-units",
        warcs.chunked(warcs.gzipped(english)),
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
    )

    code, out, _ = run(write(tmp_path, "crawl.warc", warc.bytes()))

    assert code == 0, out
    ru = Article.objects.get(language="ru")
    assert ru.title.startswith("Правительственному аппарату необходимо внедрять инновации")
    assert "Правительственная канцелярия выступила с многочисленными инициативами" in ru.body
    en = Article.objects.get(language="en")
    assert "Minister Pham Thi Thanh Tra said the decree" in en.body


def test_a_broken_file_is_reported_by_name_and_the_other_files_are_imported(tmp_path, whoosh_index):
    bad = write(tmp_path, "broken.warc.gz", b"\x1f\x8b" + b"not really gzip" * 20)
    garbage = write(tmp_path, "notes.warc", b"this is not a web archive\n" * 10)
    fake_wacz = write(tmp_path, "empty.wacz", warcs.wacz({}))
    warc = warcs.Warc()
    warc.response("https://moha.example.gov/news/decree-on-units", warcs.page(ARTICLE))
    good = write(tmp_path, "good.warc.gz", warc.bytes())

    code, out, _ = run(bad, garbage, fake_wacz, good)

    assert code == 1
    failed = lines(out, "failed")
    assert len(failed) == 3
    assert any("broken.warc.gz: not a readable WARC file" in line for line in failed), failed
    assert any("notes.warc: not a readable WARC file" in line for line in failed), failed
    assert any("empty.wacz" in line and "no WARC file under archive/" in line for line in failed), failed
    assert len(lines(out, "created")) == 1 and Article.objects.count() == 1


def test_a_corrupt_record_fails_alone(tmp_path, whoosh_index):
    warc = warcs.Warc(gzip=False)
    warc.response("https://moha.example.gov/news/a", warcs.page(ARTICLE))
    second = ["A different text about the Ministry of Finance. " * 10]
    warc.response("https://mof.example.gov/news/b", warcs.page(second))
    data = warc.bytes()
    # One byte of the first payload changed: its digest no longer matches.
    position = data.index(b"Ministry of Home Affairs")
    corrupt = data[:position] + b"m" + data[position + 1 :]

    code, out, _ = run(write(tmp_path, "crawl.warc", corrupt))

    assert code == 1
    [failed] = lines(out, "failed")
    assert "#1" in failed and "digest does not match" in failed
    assert Article.objects.get().source_url == "https://mof.example.gov/news/b"


def test_admin_upload_accepts_a_wacz(client, whoosh_index):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    upload = SimpleUploadedFile("seeds.wacz", warcs.wacz({"seeds.warc.gz": warcs.seeds_warc()}), "application/zip")

    response = client.post("/admin/archive/article/upload/", {"files": [upload], "publish": "on"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="result-created"') == 5
    assert Capture.objects.count() == 5


def test_export_and_import_keep_the_captures(tmp_path, whoosh_index):
    warc = warcs.Warc()
    original = warc.response("https://moha.example.gov/news/decree-on-units", warcs.page(ARTICLE))
    warc.revisit("https://moha.example.gov/news/decree-on-units", original)
    run(write(tmp_path, "crawl.warc.gz", warc.bytes()))
    out = io.StringIO()
    call_command("export_articles", stdout=out, stderr=io.StringIO())
    first = out.getvalue()
    assert len(json.loads(first)["captures"]) == 2
    Article.objects.all().delete()
    Story.objects.all().delete()

    code, _, _ = run(write(tmp_path, "dump.jsonl", first.encode("utf-8")))

    assert code == 0
    again = io.StringIO()
    call_command("export_articles", stdout=again, stderr=io.StringIO())
    assert again.getvalue() == first
    # The same capture imported from the WARC again is still known.
    code, out, _ = run(write(tmp_path, "crawl.warc.gz", warc.bytes()))
    assert len(lines(out, "duplicate")) == 2 and Article.objects.count() == 1
