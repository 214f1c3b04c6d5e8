"""Editors saving one article at once, over HTTP through gunicorn: a save from a form read before someone else's
save is refused with a clear message instead of silently undoing theirs; nothing is lost once they save again."""

import threading

import pytest

from tests.integration.site import Editor

pytestmark = [pytest.mark.slow]

STALE = "Someone else changed this article meanwhile"
SAVED = "was changed successfully"


def test_four_editors_saving_different_fields_at_once_lose_nothing(site):
    site.setup(articles=1)
    site.serve(workers=4)
    pk = site.get_json("/api/search/")["results"][0]["id"]
    editors = [Editor(site) for _ in range(4)]
    changes = [
        {"title": "Budget report, corrected title"},
        {"lead": "A lead written by the second editor."},
        {"source_name": "Ministry of Finance"},
        {"review_notes": "Checked against the original."},
    ]
    forms = [editor.read_form(pk) for editor in editors]  # all four open the article before anyone saves
    pages = [None] * 4
    start = threading.Barrier(4)

    def save(n):
        start.wait()
        pages[n] = editors[n].submit_form(pk, forms[n], **changes[n])

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [n for n, page in enumerate(pages) if SAVED in page]
    refused = [n for n, page in enumerate(pages) if STALE in page]
    assert len(saved) == 1 and sorted(saved + refused) == [0, 1, 2, 3], [page[:200] for page in pages]

    # Each refused editor reviews the article as it is now and saves again.
    for n in refused:
        page = editors[n].change_article(pk, **changes[n])
        assert SAVED in page
    final = editors[0].read_form(pk)
    for change in changes:
        for name, value in change.items():
            assert [v.strip() for v in final[name]] == [value], name  # a textarea starts with a newline
