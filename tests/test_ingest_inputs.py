"""Unit tests for awkward real-world inputs: mixed and garbled encodings, headers, JSON Lines framing,
web pages, language, dates and derived titles."""

import codecs
import datetime
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from archive.ingest import metadata
from archive.ingest.clean import _byline
from archive.ingest.decode import DecodeError, decode_report
from archive.ingest.entities import _whole_words, fast_fold
from archive.ingest.formats import Failure, Limits, parse_header, read_html, read_jsonl
from archive.ingest.numbers import extract_numbers
from archive.text import fold

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
TODAY = datetime.date(2026, 1, 1)
VI = "Phó Thủ tướng Lê Minh Khái nhấn mạnh, các kết quả đạt được của Văn phòng Chính phủ"
RU = "Правительственная канцелярия выступила с многочисленными инициативами."


# Decoding -----------------------------------------------------------------------------------------


def test_stray_windows_1252_bytes_in_utf8_are_read_and_reported():
    data = VI.encode() + b" \x93quoted\x94 \x96 dash"
    result = decode_report(data)
    assert result.text == VI + " “quoted” – dash"
    assert result.warnings == ["3 byte(s) that are not UTF-8 read as Windows-1252"]


@pytest.mark.parametrize(("text", "code_page"), [(RU, "cp1251"), (VI, "cp1252")])
def test_utf8_once_misread_as_a_code_page_is_repaired_and_flagged(text, code_page):
    garbled = "".join(bytes([b]).decode(code_page, errors="ignore") or chr(b) for b in text.encode())
    result = decode_report(garbled.encode())
    assert result.text == text
    assert result.notes and "Repaired garbled text" in result.notes[0]


@pytest.mark.parametrize("text", [RU, VI, "Le café du ministère a été fermé. Très bien.", "Ёлка, всё ещё, СССР"])
def test_ordinary_text_is_not_taken_for_mojibake(text):
    assert decode_report(text.encode()).notes == []


def test_legacy_code_page_is_named_in_a_warning():
    assert decode_report(RU.encode("cp1251")).warnings == ["not UTF-8: read as Windows-1251 (Cyrillic)"]


def test_a_stray_nul_is_stripped_but_many_mean_binary():
    assert decode_report(b"The office\x00 met.").text == "The office met."
    with pytest.raises(DecodeError, match="NUL bytes"):
        decode_report(b"a\x00b\x00c\x00d\x00")


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02", "a PDF document"), (b"PK\x03\x04\x14\x00\x00\x00", "zip")],
)
def test_known_binary_formats_are_named(data, kind):
    with pytest.raises(DecodeError, match=kind):
        decode_report(data)


# Headers and JSON Lines ---------------------------------------------------------------------------


def test_header_after_blank_lines_with_quotes_and_a_source_naming_its_url():
    fields, rest = parse_header('\n\nTitle: "Quoted title"\nNguồn: Báo Nhân Dân - https://nhandan.vn/a-b.html\n\nBody.')
    assert fields == {
        "title": "Quoted title",
        "source_url": "https://nhandan.vn/a-b.html",
        "source_name": "Báo Nhân Dân",
    }
    assert rest.strip() == "Body."


def jsonl(data, **limits):
    return list(read_jsonl("in.jsonl", io.BytesIO(data), Limits(**limits)))


def test_jsonl_in_utf16_with_a_byte_order_mark_is_read():
    lines = [{"title": "Một", "body": VI}, {"title": "Два", "body": RU}]
    data = codecs.BOM_UTF16_LE + "\r\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode("utf-16-le")
    sources = jsonl(data)
    assert [s.fields["title"] for s in sources] == ["Một", "Два"]


def test_an_overlong_jsonl_line_fails_alone_without_being_held_in_memory():
    good = json.dumps({"title": "ok", "body": "The office met."}).encode()
    long = json.dumps({"title": "long", "body": "x" * 5000}).encode()
    results = jsonl(good + b"\n" + long + b"\n" + good + b"\n", file_bytes=1000)
    assert [type(r).__name__ for r in results] == ["Source", "Failure", "Source"]
    assert results[1].name == "in.jsonl:2" and results[1].reason.startswith("line too large")
    assert results[2].name == "in.jsonl:3"


def test_ff_fe_inside_a_jsonl_file_is_not_a_byte_order_mark():
    results = jsonl(json.dumps({"title": "ok", "body": "Text."}).encode() + b"\n\xff\xfe{}\n")
    assert isinstance(results[1], Failure) and "invalid JSON" in results[1].reason
    assert "UTF-16" not in results[1].reason


# Web pages ----------------------------------------------------------------------------------------

PAGE = """<html><head><meta property="og:url" content="https://gov.vn/news/a.htm"><script>track()</script>
<style>p{}</style></head><body><nav><a href="/">Home</a></nav><article><h1>Headline</h1>
<p>See <a href="/news/b.htm">the decree</a>, <a href="#top">top</a> and <a href="//cdn.gov.vn/c.pdf">annex</a>.</p>
<img src="data:image/gif;base64,R0lGOD" data-src="/img/lazy.jpg" alt="lazy"><img src="" alt="empty">
</article></body></html>"""


def test_page_links_and_lazy_images_are_made_absolute_against_the_page_address():
    html = "".join(block.outer() for block in read_html("a.html", PAGE).blocks)
    assert '<a href="https://gov.vn/news/b.htm">the decree</a>' in html
    assert "<a>top</a>" in html  # an anchor into the source page means nothing here
    assert 'href="https://cdn.gov.vn/c.pdf"' in html
    assert 'src="https://gov.vn/img/lazy.jpg"' in html and 'alt="empty"' not in html


def test_relative_links_without_a_known_address_are_dropped():
    html = read_html("a.html", '<p>See <a href="/x">this</a> <img src="/y.jpg" alt="y"></p>').blocks[0].html
    assert html == "See <a>this</a>"


def test_sanitizer_report_covers_the_article_not_the_page_around_it():
    assert "script" not in read_html("a.html", PAGE).raw_html
    page = PAGE.replace("</article>", "<script>alert(1)</script><p onclick='x()'>Hi</p></article>")
    assert "<script>" in read_html("a.html", page).raw_html and "onclick" in read_html("a.html", page).raw_html


# Language -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Deputy Prime Minister Lê Minh Khái and Minister Trần Văn Sơn attended the conference of the "
            "Government Office in Hà Nội on Friday, where Phạm Minh Chính spoke.",
            ("en", True),
        ),
        (
            "Pho Thu tuong Le Minh Khai da du va phat bieu chi dao tai Hoi nghi tong ket cong tac nam 2023 "
            "cua Van phong Chinh phu, trong do cac ket qua dat duoc la kha toan dien.",
            ("vi", False),
        ),
        (
            "Le gouvernement a décidé de poursuivre les réformes administratives et la transformation "
            "numérique du pays, a déclaré le ministre.",
            (None, False),
        ),
        (
            "Die Regierung hat heute beschlossen, die Verwaltungsreform fortzusetzen und die digitale "
            "Verwaltung auszubauen, sagte der Minister.",
            (None, False),
        ),
        ("Уряд України ухвалив рішення про реформу державного управління та цифровізацію послуг.", (None, False)),
    ],
)
def test_language_detection_reads_function_words_not_just_letters(text, expected):
    detected = metadata.detect_language(text)
    assert (detected.language, detected.sure) == expected


# Dates --------------------------------------------------------------------------------------------


def test_target_years_do_not_date_a_text():
    text = "On the afternoon of March 5, the ministry reviewed 2023 and set goals to be met by 2025."
    reading = metadata.read_date("", text, text, TODAY)
    assert reading.date == datetime.date(2023, 3, 5) and reading.note


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Chiều 28/12, hội nghị tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024", datetime.date(2023, 12, 28)),
        ("Chiều 12/1, hội nghị tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024", datetime.date(2024, 1, 12)),
        ("On the afternoon of December 28, the office discussed its 2024 plan", datetime.date(2024, 12, 28)),
    ],
)
def test_year_end_reviews_are_dated_in_the_year_they_review(lead, expected):
    assert metadata.read_date("", lead, lead, TODAY).date == expected


def test_a_day_and_month_alone_can_be_read_from_a_header():
    assert metadata.partial_date("12/1").date.timetuple()[1:3] == (1, 12)
    assert metadata.partial_date("12 января").date.month == 1
    assert metadata.partial_date("31/2") is None and metadata.partial_date("soon") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thứ Sáu, 12/01/2024 15:30 (GMT+07:00)", ("12/01/2024", "")),
        ("Báo Nhân Dân | 12/01/2024 - 15:30", ("12/01/2024", "Báo Nhân Dân")),
        ("Công LuậnCông Luận13/01/2024", ("13/01/2024", "Công Luận")),
    ],
)
def test_bylines_give_the_date_and_the_outlet_not_the_weekday(line, expected):
    assert _byline(line) == expected


# Titles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        (
            "On the afternoon of February 2, Comrade Pham Minh Chinh, Politburo member, Prime Minister, Head of "
            "the Government's Steering Committee for Administrative Reform (PAR) chaired the seventh meeting of "
            "the Steering Committee on evaluating the results of PAR work in 2023, discussing the tasks of 2024.",
            "Pham Minh Chinh chaired the seventh meeting of the Steering Committee on evaluating the results of "
            "PAR work in 2023",
        ),
        (
            "Speaking at a conference reviewing the Government Office’s work in 2019 and implementing the 2020 "
            "tasks in Hanoi on Wednesday, Binh said innovation, creativity and pioneering were highlights.",
            "Binh said innovation, creativity and pioneering were highlights",
        ),
        ("The office met. It agreed.", "The office met"),
    ],
)
def test_derived_titles_keep_who_did_what(lead, title):
    assert metadata.derive_title(lead) == title


# Numbers and matching -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi", "ru"])
def test_no_break_and_thin_spaces_group_thousands_in_every_language(language):
    assert extract_numbers("163\u00a0400 / 29\u202f000 / 14\u2009800", language) == {"163400", "29000", "14800"}


def test_fast_fold_is_fold():
    text = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    text += "Đà Nẵng ß ø Ł й ё Ǆ ǅ ﬁ Å Ω"
    assert fast_fold(unicodedata.normalize("NFC", text)) == fold(text)


def test_whole_word_matching_finds_a_phrase_that_starts_inside_a_rejected_one():
    pattern = re.compile(r"(?:hanh\s+chinh|chinh\s+phu)(?!\w)")
    assert [m.group(0) for m in _whole_words(pattern, "thanh chinh phu")] == ["chinh phu"]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("<title>PM chairs meeting on reform | Vietnam.vn</title>", "PM chairs meeting on reform"),
        (
            '<meta property="og:site_name" content="VGP News"><title>VGP News - Government meets</title>',
            "Government meets",
        ),
        ("<title>Vietnam - Laos talks</title>", "Vietnam - Laos talks"),
    ],
)
def test_page_title_drops_the_site_name(head, title):
    assert read_html("a.html", f"<html><head>{head}</head><body><p>Text.</p></body></html>").fields["title"] == title
