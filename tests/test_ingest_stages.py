"""Unit tests for the dense stages: formats, cleaning, numbers, dates, titles, entities, story linking."""

import datetime

import pytest

from archive.ingest import metadata
from archive.ingest.clean import clean
from archive.ingest.entities import Gazetteer
from archive.ingest.formats import parse_header, read_html, read_markdown, read_text, text_paragraphs
from archive.ingest.numbers import extract_numbers
from archive.ingest.stories import Fingerprint, StoryIndex
from archive.models import Official, Story

TODAY = datetime.date(2026, 1, 1)


def test_localized_header_keys_and_body():
    fields, rest = parse_header("Заголовок: Итоги\nДата: 2024-01-12\nOfficials: Ле Минь Кхай; Trần Văn Sơn\n\nТекст.")
    assert fields == {"title": "Итоги", "published": "2024-01-12", "officials": ["Ле Минь Кхай", "Trần Văn Sơn"]}
    assert rest.strip() == "Текст."


def test_hard_wrapped_text_is_joined_but_paragraphs_stay_apart():
    text = "Showers continued in\nthe Bahia zone.\n    The dry period means\nlate crops.\nNo data"
    assert text_paragraphs(text) == [
        "Showers continued in the Bahia zone.",
        "The dry period means late crops.",
        "No data",
    ]


def test_html_keeps_structure_and_reads_head_metadata():
    source = read_html(
        "a.html",
        '<html lang="vi"><head><meta property="og:url" content="https://x.vn/a"><meta property="article:published_time"'
        ' content="2024-01-12T10:00:00+07:00"></head><body><nav>Menu</nav><article><h1>Tiêu đề</h1><p>Đoạn <a href="https://x.vn">một</a>'
        '</p><ul><li>Mục</li></ul><h2>Phần</h2><img src="https://x.vn/a.jpg" alt="ảnh"></article><footer>Chân</footer></body></html>',
    )
    assert source.fields["title"] == "Tiêu đề" and source.fields["published"] == "2024-01-12"
    assert source.fields["source_url"] == "https://x.vn/a" and source.fields["language_hint"] == "vi"
    assert [b.tag for b in source.blocks] == ["p", "ul", "h2", "p"]
    assert "Menu" not in "".join(b.html for b in source.blocks)


def test_markdown_title_lists_and_links():
    source = read_markdown(
        "a.md", "# Head\n\nSee [gov](https://gov.vn) **now**.\n\n- a\n- b\n\n## Sub\n\n<script>x</script>"
    )
    assert source.fields["title"] == "Head"
    assert source.blocks[0].html == 'See <a href="https://gov.vn">gov</a> <strong>now</strong>.'
    assert [b.tag for b in source.blocks] == ["p", "ul", "h2", "p"]
    assert "<script>" not in source.blocks[-1].html


def test_cleaning_finds_byline_headline_source_and_drops_chrome():
    source = read_text(
        "x.txt",
        "Vietnam.vn - Nền tảng quảng bá Việt Nam\n\nЗаголовок статьи\n\nCông LuậnCông Luận13/01/2024\n\n"
        "Первый абзац статьи о важном событии.\n\nФото события, изображение 1\n\nВторой абзац.\n\nИсточник\n\nКомментарий (0)\n\nNo data\nДругая новость",
    )
    result = clean(source.blocks)
    assert (
        result.headline == "Заголовок статьи"
        and result.byline_date == "13/01/2024"
        and result.source_name == "Công Luận"
    )
    assert [b.text for b in result.blocks] == ["Первый абзац статьи о важном событии.", "Второй абзац."]


def test_cleaning_keeps_source_url_and_cuts_related_headlines():
    source = read_text(
        "x.txt",
        "Lead paragraph here.\nBody text. — VNS\nOther story\nOther story\nTeaser.\nNguồn:https://nhandan.vn/a-b",
    )
    result = clean(source.blocks)
    assert [b.text for b in result.blocks] == ["Lead paragraph here.", "Body text."]
    assert result.source_name == "VNS"
    source = read_text("y.txt", "Lead paragraph here.\nNguồn:https://nhandan.vn/a-b")
    assert clean(source.blocks).source_url == "https://nhandan.vn/a-b"


def test_a_source_line_names_the_outlet_but_a_bare_source_line_ends_the_article():
    source = read_text(
        "x.txt",
        "Ministers met in Hanoi on Monday to review the year.\n\nNguồn: VietnamPlus\n\n"
        "The meeting agreed on three goals.\n\nSource\n\nOther headline",
    )
    result = clean(source.blocks)
    assert result.source_name == "VietnamPlus"
    assert [b.text for b in result.blocks] == [
        "Ministers met in Hanoi on Monday to review the year.",
        "The meeting agreed on three goals.",
    ]


def test_a_dated_line_is_a_byline_only_near_the_top():
    top = clean(read_text("x.txt", "Báo Nhân Dân 13/01/2024\n\nThe first paragraph of the article.").blocks)
    assert (top.byline_date, top.source_name) == ("13/01/2024", "Báo Nhân Dân")
    paragraphs = "\n\n".join(f"Paragraph {n} of the article." for n in "abcd")
    lower = clean(read_text("x.txt", f"{paragraphs}\n\nBáo Nhân Dân 13/01/2024\n\nThe end.").blocks)
    assert lower.byline_date == "" and "Báo Nhân Dân 13/01/2024" in [b.text for b in lower.blocks]


def test_a_caption_takes_the_image_paragraph_above_it_as_its_figure():
    source = read_html(
        "a.html",
        '<p>Lead paragraph of the story here.</p><p><img src="https://x.vn/a.jpg" alt=""></p>'
        "<p>Prime Minister Pham Minh Chinh attends the ceremony.</p><p>More text follows here, with details.</p>",
    )
    blocks = clean(source.blocks).blocks
    assert [b.tag for b in blocks] == ["p", "figure", "p"]
    assert blocks[1].html.startswith("<figure><img ")
    assert blocks[1].html.endswith(
        "<figcaption>Prime Minister Pham Minh Chinh attends the ceremony.</figcaption></figure>"
    )


def test_a_short_first_line_is_the_headline_unless_the_title_is_stated():
    blocks = read_text("x.txt", "Exports rise again\n\nThe ministry said on Monday that exports rose.").blocks
    assert clean(blocks).headline == "Exports rise again"
    stated = clean(blocks, has_title=True)
    assert stated.headline == "" and stated.blocks[0].text == "Exports rise again"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("163,400 documents, up 13.9%", "en"),
        ("163 400 документов, рост на 13,9 %", "ru"),
        ("163.400 văn bản, tăng 13,9%", "vi"),
    ],
)
def test_numbers_survive_translation(text, language):
    assert extract_numbers(text, language) == {"163400", "13.9%"}


def test_years_dates_and_legal_numbers_are_not_counted():
    assert extract_numbers("In 2023, Resolution 101/2023/QH15, 12/1, plan 2021-2025, 3 items", "en") == set()


@pytest.mark.parametrize(
    ("byline", "lead", "expected", "flagged"),
    [
        ("13/01/2024", "вторая половина дня 12 января", datetime.date(2024, 1, 13), False),
        ("", "Conference on 2023 work and 2024 tasks (afternoon of January 12)", datetime.date(2024, 1, 12), True),
        ("", "Chiều 12/1, hội nghị tổng kết năm 2023, triển khai nhiệm vụ năm 2024", datetime.date(2024, 1, 12), True),
        ("", "On the afternoon of February 2, results of 2023 and tasks of 2024", datetime.date(2024, 2, 2), True),
        ("", "Утром 5 марта 2024 года в Ханое", datetime.date(2024, 3, 5), False),
        ("", "Ngày 12 tháng 1 năm 2024, tại Hà Nội", datetime.date(2024, 1, 12), False),
    ],
)
def test_dates_in_three_languages(byline, lead, expected, flagged):
    reading = metadata.read_date(byline, lead, lead, TODAY)
    assert reading.date == expected
    assert bool(reading.note) == flagged


def test_a_later_date_in_the_body_does_not_beat_the_lead():
    reading = metadata.read_date("", "Chiều 12/1, năm 2024", "Chiều 12/1, năm 2024\nthực hiện từ ngày 1/7/2024", TODAY)
    assert reading.date == datetime.date(2024, 1, 12)


@pytest.mark.parametrize(
    ("text", "language", "sure"),
    [
        (
            "The Government Office has had many initiatives and effectively contributed to the building of institutions.",
            "en",
            True,
        ),
        (
            "Правительственная канцелярия выступила с многочисленными инициативами и внесла эффективный вклад в создание институтов.",
            "ru",
            True,
        ),
        (
            "Phó Thủ tướng Lê Minh Khái nhấn mạnh, các kết quả đạt được của Văn phòng Chính phủ trong năm 2023 là khá toàn diện.",
            "vi",
            True,
        ),
        ("Le Minh Khai", "en", False),
    ],
)
def test_language_detection(text, language, sure):
    detected = metadata.detect_language(text)
    assert (detected.language, detected.sure) == (language, sure)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Half Cyrillic, half Latin: none of the three languages, rather than a guess.
        ("Правительство утвердило план. The government approved the plan for the next year today.", (None, False)),
        # Cyrillic without Russian function words: Russian, but not sure.
        ("Правительственная канцелярия выступила с многочисленными инициативами", ("ru", False)),
        # A name alone: Vietnamese letters make it Vietnamese, too short to be sure.
        ("Lê Minh Khái", ("vi", False)),
    ],
    ids=["mixed scripts", "thin Russian", "a name alone"],
)
def test_language_detection_doubts_thin_evidence_and_refuses_mixed_scripts(text, expected):
    detected = metadata.detect_language(text)
    assert (detected.language, detected.sure) == expected


def test_title_restored_from_url_words():
    text = "Văn phòng Chính phủ không ngừng nâng cao hơn nữa chất lượng tham mưu tổng hợp trong xây dựng thể chế."
    url = "https://nhandan.vn/van-phong-chinh-phu-khong-ngung-nang-cao-post791870.html"
    assert metadata.title_from_url(url, text) == "Văn phòng Chính phủ không ngừng nâng cao"
    assert metadata.title_from_url("https://x.vn/abc-def-ghi-jkl", text) is None


def test_slugs_are_ascii_for_every_script():
    assert metadata.slug_base("Правительственная канцелярия") == "pravitelstvennaya-kantselyariya"
    assert metadata.slug_base("Đổi mới Văn phòng") == "doi-moi-van-phong"
    assert len(metadata.slug_base("word " * 100)) <= 80


def test_legal_references():
    text = (
        "theo Nghị quyết 101/2023/QH15, Nghị quyết 27-NQ/TW, Quyết định 1234/QĐ-TTg, Nghị định 15/2020/NĐ-CP ngày 12/1"
    )
    assert metadata.legal_refs(text) == ["101/2023/QH15", "27-NQ/TW", "1234/QĐ-TTg", "15/2020/NĐ-CP"]


@pytest.mark.django_db
def test_officials_in_any_script_with_or_without_diacritics_but_not_by_one_name():
    gazetteer = Gazetteer()
    khai = Official.objects.get(slug="le-minh-khai").pk
    for text in ("Phó Thủ tướng Lê Minh Khái", "Deputy PM Le Minh Khai", "вице-премьер Ле Минь Кхай", "LE MINH KHAI"):
        assert gazetteer.match_officials(text) == [khai]
    assert gazetteer.match_officials("Binh said the office did well") == []


@pytest.mark.django_db
def test_topics_per_language_and_acronyms_in_capitals_only():
    gazetteer = Gazetteer()
    slug = {v: k for k, v in gazetteer.topics.items()}
    assert {slug[t] for t in gazetteer.match_topics("Cải cách thủ tục hành chính", "vi")} == {"administrative-reform"}
    assert {slug[t] for t in gazetteer.match_topics("the PAR work", "en")} == {"administrative-reform"}
    assert gazetteer.match_topics("sold at par value", "en") == []
    assert {slug[t] for t in gazetteer.match_topics("законопроектов", "ru")} == {"law-making"}


@pytest.mark.django_db
def test_story_index_links_by_date_officials_and_numbers():
    index = StoryIndex()
    story = Story()
    numbers = frozenset({"163400", "13.9%", "29000", "14800", "67.8%"})
    index.add(story, Fingerprint("en", datetime.date(2024, 1, 12), frozenset({1}), numbers))
    assert index.find(Fingerprint("ru", datetime.date(2024, 1, 13), frozenset({1}), numbers)) is story
    assert index.find(Fingerprint("en", datetime.date(2024, 1, 12), frozenset({1}), numbers)) is None  # same language
    assert index.find(Fingerprint("vi", datetime.date(2024, 1, 30), frozenset({1}), numbers)) is None  # too far apart
    assert index.find(Fingerprint("vi", datetime.date(2024, 1, 12), frozenset({2}), numbers)) is None  # other official
    few = frozenset({"163400", "1", "2", "3", "4", "5", "6", "7"})
    assert index.find(Fingerprint("vi", datetime.date(2024, 1, 12), frozenset(), few)) is None
