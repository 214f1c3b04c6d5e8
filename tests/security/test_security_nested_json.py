"""Issue 16, item 6: a deeply nested JSON line fails alone, by name; the good lines of the file are imported.

It used to raise RecursionError out of the parser: HTTP 500 on the admin upload, a traceback in
import_articles, and every line of the file lost.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from archive.models import Article

pytestmark = pytest.mark.django_db

DEEP = "[" * 3000 + "]" * 3000  # 6 KB, 3,000 levels


def good(title):
    return json.dumps({"title": title, "body": f"{title}: the full text of the article.", "language": "en"})


LINES = [
    good("First good line"),
    '{"title": "Deep", "body": "text", "language": "en", "extra": ' + DEEP + "}",
    # Shallow enough for the parser however deep the request's stack already is (middleware, the upload view),
    # deep enough to overflow anything that recursed into it afterwards with a small stack to spare.
    json.dumps(
        {"title": "Deep list", "body": "text", "language": "en", "officials": json.loads("[" * 400 + "]" * 400)}
    ),
    good("Last good line"),
]


def test_item6_a_deeply_nested_line_fails_alone_in_the_upload(admin_client):
    upload = SimpleUploadedFile("nested.jsonl", "\n".join(LINES).encode(), "application/jsonl")
    response = admin_client.post("/admin/archive/article/upload/", {"files": [upload], "publish": "on"})
    assert response.status_code == 200
    assert response.text.count('class="result-failed"') == 2
    assert "nested.jsonl:2" in response.text and "nested too deeply" in response.text
    assert "nested.jsonl:3" in response.text and "officials: expected a list of strings" in response.text
    assert set(Article.objects.values_list("title", flat=True)) == {"First good line", "Last good line"}


def test_item6_a_deeply_nested_line_fails_alone_in_import_articles(tmp_path, capsys):
    path = tmp_path / "nested.jsonl"
    path.write_text("\n".join(LINES))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_articles", str(path))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"{path}:2" in out and "nested too deeply" in out
    assert Article.objects.count() == 2
