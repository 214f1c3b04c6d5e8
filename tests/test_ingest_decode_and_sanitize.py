"""Unit tests: bytes to text, and the one sanitizer."""

import unicodedata

import pytest

from archive.ingest.decode import DecodeError, decode
from archive.sanitize import sanitize_html

VI = "Phó Thủ tướng Lê Minh Khái nhấn mạnh, các kết quả đạt được của Văn phòng Chính phủ"
RU = "Правительственная канцелярия выступила с многочисленными инициативами."
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text):
    # Windows-1258 writes tone marks as combining characters after the (possibly hatted) vowel.
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "data",
    [
        VI.encode(),
        b"\xef\xbb\xbf" + VI.encode(),
        VI.encode("utf-16"),
        cp1258(VI),
        unicodedata.normalize("NFD", VI).encode(),
    ],
)
def test_vietnamese_in_every_accepted_encoding_becomes_the_same_nfc_text(data):
    assert decode(data) == VI


def test_cp1251_russian_is_read():
    assert decode(RU.encode("cp1251")) == RU


def test_control_characters_are_stripped_and_newlines_normalized():
    assert decode(b"a\x0bb\x1bc\r\nd\re") == "abc\nd\ne"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (VI.encode("utf-16-le"), "byte order mark"),
        (RU.encode("koi8-r"), "unknown text encoding"),
        (b"\xef\xbb\xbf\xff\xfe broken", "invalid UTF-8"),
        (bytes(range(1, 32)) * 20, "binary data"),
    ],
)
def test_undecodable_input_fails_with_a_reason(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data)


def test_sanitizer_removes_active_content_and_says_so():
    clean, removed = sanitize_html(
        '<p onclick="x()" style="color:red">Hi<script>alert(1)</script>'
        '<a href="javascript:alert(1)">a</a><img src="x.png" onerror="y()"><iframe src="https://e.x"></iframe></p>'
    )
    assert "script" not in clean and "onclick" not in clean and "onerror" not in clean
    assert "javascript" not in clean and "style" not in clean and "iframe" not in clean
    assert set(removed) == {"script", "event handler", "style attribute", "javascript: URL", "iframe"}


def test_sanitizer_keeps_paragraphs_lists_headings_links_images_and_reports_nothing():
    html = '<h2>T</h2><p>A <a href="https://gov.vn/x">link</a></p><ul><li>one</li></ul><img src="https://gov.vn/a.jpg" alt="a">'
    clean, removed = sanitize_html(html)
    assert removed == ()
    for part in ("<h2>T</h2>", 'href="https://gov.vn/x"', "<li>one</li>", 'src="https://gov.vn/a.jpg"'):
        assert part in clean
    assert sanitize_html(clean) == (clean, ())  # idempotent, silent the second time
