"""The seed gazetteer: officials (with aliases in every script) and topics (with tagging phrases).

Loaded by migration 0002; editors extend it in the admin. Topic phrases match case- and
diacritic-insensitively on whole words; a trailing `*` makes the last word a prefix
(Russian inflects: `законопроект*` also matches `законопроектов`). Each official lists the Vietnamese
name and extra aliases; the ASCII-folded form (the usual English spelling) and the Cyrillic one
(Kontsevich's transcription, archive/officials/names.py) are derived. "ru" lists only spellings
Russian media use besides the transcription. Role dates are given where they are on record.
"""

OFFICIALS = [
    {
        "slug": "pham-minh-chinh",
        "name": "Phạm Minh Chính",
        "roles": [("Prime Minister", "2021-04-05", None)],
    },
    {
        "slug": "nguyen-xuan-phuc",
        "name": "Nguyễn Xuân Phúc",
        "roles": [
            ("President", "2021-04-05", "2023-01-18"),
            ("Prime Minister", "2016-04-07", "2021-04-05"),
        ],
    },
    {
        "slug": "nguyen-tan-dung",
        "name": "Nguyễn Tấn Dũng",
        "roles": [("Prime Minister", "2006-06-27", "2016-04-07")],
    },
    {
        "slug": "le-minh-khai",
        "name": "Lê Minh Khái",
        "roles": [("Deputy Prime Minister", "2021-04-08", "2024-06-19")],
    },
    {
        "slug": "truong-hoa-binh",
        "name": "Trương Hòa Bình",
        "aliases": ["Trương Hoà Bình"],
        "roles": [("Permanent Deputy Prime Minister", "2016-04-09", "2021-04-08")],
    },
    {
        "slug": "pham-binh-minh",
        "name": "Phạm Bình Minh",
        "roles": [
            ("Permanent Deputy Prime Minister", "2021-04-08", "2023-01-05"),
            ("Deputy Prime Minister", "2013-11-13", "2021-04-08"),
        ],
    },
    {
        "slug": "vu-duc-dam",
        "name": "Vũ Đức Đam",
        "roles": [("Deputy Prime Minister", "2013-11-13", "2023-01-05")],
    },
    {
        "slug": "vuong-dinh-hue",
        "name": "Vương Đình Huệ",
        "roles": [
            ("Chairman of the National Assembly", "2021-03-31", "2024-05-02"),
            ("Deputy Prime Minister", "2016-04-09", "2020-02-07"),
        ],
    },
    {
        "slug": "trinh-dinh-dung",
        "name": "Trịnh Đình Dũng",
        "roles": [("Deputy Prime Minister", "2016-04-09", "2021-04-08")],
    },
    {
        "slug": "le-van-thanh",
        "name": "Lê Văn Thành",
        "roles": [("Deputy Prime Minister", "2021-04-08", "2023-06-07")],
    },
    {
        "slug": "tran-hong-ha",
        "name": "Trần Hồng Hà",
        "roles": [("Deputy Prime Minister", "2023-01-05", None)],
    },
    {
        "slug": "tran-luu-quang",
        "name": "Trần Lưu Quang",
        "roles": [("Deputy Prime Minister", "2023-01-05", "2024-12-24")],
    },
    {
        "slug": "nguyen-hoa-binh",
        "name": "Nguyễn Hòa Bình",
        "aliases": ["Nguyễn Hoà Bình"],
        "roles": [("Permanent Deputy Prime Minister", "2024-10-25", None)],
    },
    {
        "slug": "le-thanh-long",
        "name": "Lê Thành Long",
        "roles": [("Deputy Prime Minister", "2024-06-19", None)],
    },
    {
        "slug": "ho-duc-phoc",
        "name": "Hồ Đức Phớc",
        "roles": [("Deputy Prime Minister", "2024-08-26", None)],
    },
    {
        "slug": "bui-thanh-son",
        "name": "Bùi Thanh Sơn",
        "roles": [("Deputy Prime Minister", "2024-08-26", None)],
    },
    {
        "slug": "mai-van-chinh",
        "name": "Mai Văn Chính",
        "roles": [("Deputy Prime Minister", "2025-02-19", None)],
    },
    {
        "slug": "nguyen-chi-dung",
        "name": "Nguyễn Chí Dũng",
        "ru": ["Нгуен Чи Зунг"],
        "roles": [("Deputy Prime Minister", "2025-02-19", None)],
    },
    {
        "slug": "tran-van-son",
        "name": "Trần Văn Sơn",
        "roles": [("Minister, Chairman of the Government Office", "2021-04-08", None)],
    },
    {
        "slug": "mai-tien-dung",
        "name": "Mai Tiến Dũng",
        "roles": [("Minister, Chairman of the Government Office", "2016-04-09", "2021-04-08")],
    },
    {
        "slug": "nguyen-van-nen",
        "name": "Nguyễn Văn Nên",
        "roles": [("Minister, Chairman of the Government Office", "2013-08-02", "2016-04-09")],
    },
    {
        "slug": "mai-thi-thu-van",
        "name": "Mai Thị Thu Vân",
        "roles": [("Deputy Head of the Government Office", None, None)],
    },
    # Named in the Thai Binh administrative-reform seed (provincial leaders).
    {
        "slug": "nguyen-khac-than",
        "name": "Nguyễn Khắc Thận",
        "roles": [("Chairman of the Thai Binh Provincial People's Committee", None, None)],
    },
    {
        "slug": "vu-kim-cu",
        "name": "Vũ Kim Cứ",
        "ru": ["Ву Ким Ку"],
        "roles": [("Director of the Thai Binh Department of Planning and Investment", None, None)],
    },
    {
        "slug": "lai-van-hoan",
        "name": "Lại Văn Hoàn",
        "roles": [("Vice Chairman of the Thai Binh Provincial People's Committee", None, None)],
    },
]

TOPICS = [
    {
        "slug": "administrative-reform",
        "names": {"en": "Administrative reform", "ru": "Административная реформа", "vi": "Cải cách hành chính"},
        "keywords": {
            "en": ["administrative reform", "administrative procedure", "administrative procedures", "PAR"],
            "ru": ["административная реформа", "административной реформы", "административных процедур"],
            "vi": ["cải cách hành chính", "thủ tục hành chính", "CCHC", "TTHC"],
        },
    },
    {
        "slug": "e-government",
        "names": {"en": "E-Government", "ru": "Электронное правительство", "vi": "Chính phủ điện tử"},
        "keywords": {
            "en": ["e-government", "digital government", "public service portal", "digital transformation"],
            "ru": [
                "электронное правительство",
                "электронного правительства",
                "цифрового правительства",
                "цифровой трансформации",
            ],
            "vi": ["chính phủ điện tử", "chính phủ số", "cổng dịch vụ công", "chuyển đổi số"],
        },
    },
    {
        "slug": "law-making",
        "names": {
            "en": "Law-making and institutions",
            "ru": "Законотворчество и институты",
            "vi": "Xây dựng pháp luật, thể chế",
        },
        "keywords": {
            "en": ["law making", "law-making", "draft laws", "draft law", "institutions", "legal documents"],
            "ru": ["законотворчеств*", "законопроект*", "институтов", "правовых документов"],
            "vi": ["xây dựng pháp luật", "dự án luật", "thể chế", "văn bản quy phạm pháp luật"],
        },
    },
    {
        "slug": "government-office",
        "names": {"en": "Government Office", "ru": "Канцелярия правительства", "vi": "Văn phòng Chính phủ"},
        "keywords": {
            "en": ["Government Office"],
            "ru": [
                "Правительственная канцелярия",
                "Правительственной канцелярии",
                "Канцелярии правительства",
                "Правительственному аппарату",
            ],
            "vi": ["Văn phòng Chính phủ"],
        },
    },
    {
        "slug": "public-services",
        "names": {"en": "Public services", "ru": "Государственные услуги", "vi": "Dịch vụ công"},
        "keywords": {
            "en": ["public service", "public services", "online public services", "people and businesses"],
            "ru": ["государственных услуг", "государственные услуги", "публичных услуг", "граждан и предприятий"],
            "vi": ["dịch vụ công", "người dân và doanh nghiệp", "dịch vụ công trực tuyến"],
        },
    },
    {
        "slug": "information-communication",
        "names": {
            "en": "Information and communication",
            "ru": "Информация и коммуникация",
            "vi": "Thông tin, truyền thông",
        },
        "keywords": {
            "en": ["information and communication", "press", "public opinion", "communication work"],
            "ru": ["информационно-коммуникационной", "общественного мнения", "прессы"],
            "vi": ["thông tin, truyền thông", "truyền thông", "dư luận", "báo chí"],
        },
    },
    {
        "slug": "anti-corruption",
        "names": {
            "en": "Anti-corruption and discipline",
            "ru": "Борьба с коррупцией и дисциплина",
            "vi": "Phòng, chống tham nhũng, kỷ luật",
        },
        "keywords": {
            "en": ["corruption", "administrative discipline", "public ethics"],
            "ru": ["коррупци*", "административной дисциплины"],
            "vi": ["tham nhũng", "kỷ luật, kỷ cương", "kỷ cương hành chính"],
        },
    },
]
