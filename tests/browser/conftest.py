"""Headless Chromium (the system package, never a downloaded one) driven by Playwright, against live_server."""

import datetime
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GAZETTE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
# Every browser test module uses this: a live server needs data committed, and the gazetteer restored after.
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium per test module.

    Playwright's sync API marks an event loop as running in the test thread while the test's own code runs.
    Django's ORM calls there are still synchronous, so async-safety checks are lifted for the module only
    (not for the whole session: later tests and the subprocesses they start must keep them). Django also keeps
    connections per async context, so the loop's connections get the database state that
    serialized_rollback restores after each test.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def archive(whoosh_index):
    """A small archive: one story in three languages and a few others around the same people and subjects."""
    from tests.factories import make_article, make_story

    story = make_story()
    body_en = (
        "<p>Attending the conference summarizing the work of 2023 of the Government Office, Deputy Prime Minister "
        "Le Minh Khai said the results were comprehensive in all three aspects of work.</p>"
        "<p>The Government Office proposed ten thematic meetings on law making and monitored 49 proposals.</p>"
    )
    body_ru = (
        "<p>Выступая на конференции Правительственной канцелярии, вице-премьер Ле Минь Кхай отметил, "
        "что результаты работы за 2023 год были всесторонними.</p>"
        "<p>Канцелярия провела десять тематических заседаний по законотворчеству.</p>"
    )
    body_vi = (
        "<p>Phát biểu tại Hội nghị tổng kết công tác năm 2023 của Văn phòng Chính phủ, Phó Thủ tướng Lê Minh Khái "
        "nhấn mạnh kết quả đạt được khá toàn diện trên cả 3 mặt công tác.</p>"
        "<p>Văn phòng Chính phủ đã đề xuất tổ chức 10 phiên họp chuyên đề về xây dựng pháp luật.</p>"
    )
    common = {
        "story": story,
        "published": datetime.date(2024, 1, 12),
        "officials": ["le-minh-khai"],
        "topics": ["government-office", "law-making"],
        "source_name": "VGP News",
        "legal_refs": ["101/2023/QH15"],
    }
    en = make_article(
        language="en",
        title="Government Office contributes to building institutions",
        body=body_en,
        source_url="https://en.baochinhphu.vn/example.htm",
        **common,
    )
    ru = make_article(
        language="ru",
        title="Правительственная канцелярия вносит вклад в совершенствование институтов",
        body=body_ru,
        source_url="https://ru.baochinhphu.vn/example.htm",
        **common,
    )
    vi = make_article(
        language="vi",
        title="Văn phòng Chính phủ góp phần xây dựng, hoàn thiện thể chế",
        body=body_vi,
        source_url="https://baochinhphu.vn/example.htm",
        **common,
    )
    others = []
    for month, (language, title, topic) in enumerate(
        [
            ("en", "E-Government portal serves millions of people and businesses", "e-government"),
            ("vi", "Chính phủ điện tử phục vụ người dân và doanh nghiệp", "e-government"),
            ("ru", "Административная реформа: итоги года", "administrative-reform"),
            ("en", "Administrative procedures cut by a third", "administrative-reform"),
            ("en", "Public services move online in Thai Binh", "public-services"),
        ],
        start=2,
    ):
        others.append(
            make_article(
                language=language,
                title=title,
                topics=[topic],
                officials=["le-minh-khai", "pham-minh-chinh"][: month % 2 + 1],
                published=datetime.date(2023, month, 3),
                body=f"<p>{title}. The Government Office reported progress.</p>",
                source_name="VGP News",
            )
        )
    whoosh_index()
    return {"en": en, "ru": ru, "vi": vi, "others": others}
