"""The five seed articles (demo/seeds) as published articles, with the metadata ingest gives them.

000 (en), 001 (ru) and 003 (vi) are one story: Lê Minh Khái at the Government Office's 2023 review.
002 (en): Trương Hòa Bình at the Government Office's 2019 review. 004 (en): Phạm Minh Chính chairs the
administrative reform steering committee.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils.html import escape

from tests.factories import make_article, make_story

SEEDS = Path(settings.BASE_DIR) / "demo" / "seeds"


def seed_body(name):
    lines = [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line and line != "{keywords}")


def make_seed_articles():
    story = make_story(key="government-office-2023")
    refs = ["101/2023/QH15"]
    return {
        "en": make_article(
            story=story,
            language="en",
            title="Government Office contributes to building and improving institutions",
            body=seed_body("000_fea2b4f1a9708ffd.txt"),
            published=datetime.date(2024, 1, 12),
            officials=["le-minh-khai"],
            topics=["government-office", "law-making"],
            legal_refs=refs,
        ),
        "ru": make_article(
            story=story,
            language="ru",
            title="Правительственному аппарату необходимо внедрять инновации",
            body=seed_body("001_15f92a005fee1fa4.txt"),
            published=datetime.date(2024, 1, 13),
            officials=["le-minh-khai"],
            topics=["government-office"],
            legal_refs=refs,
        ),
        "vi": make_article(
            story=story,
            language="vi",
            title="Phó Thủ tướng Lê Minh Khái dự Hội nghị tổng kết công tác năm 2023 của Văn phòng Chính phủ",
            body=seed_body("003_faf3853d5c4ca660.txt"),
            published=datetime.date(2024, 1, 12),
            officials=["le-minh-khai"],
            topics=["government-office"],
            legal_refs=refs,
        ),
        "binh": make_article(
            language="en",
            title="Government Office urged to improve staff quality",
            body=seed_body("002_e406350511bf705f.txt"),
            published=datetime.date(2020, 1, 8),
            officials=["truong-hoa-binh"],
            topics=["government-office"],
        ),
        "reform": make_article(
            language="en",
            title="Prime Minister chairs the seventh meeting of the Steering Committee for Administrative Reform",
            body=seed_body("004_43b0c645c122cc69.txt"),
            published=datetime.date(2024, 2, 2),
            officials=["pham-minh-chinh", "nguyen-khac-than"],
            topics=["administrative-reform"],
        ),
    }
