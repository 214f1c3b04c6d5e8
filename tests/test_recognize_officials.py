"""Rule-based recognition of a role title followed by a name, in English, Vietnamese and Russian."""

import pytest

from archive.officials.recognize import find_mentions


def found(text, language):
    return [(m.name, m.role) for m in find_mentions(text, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deputy Prime Minister Le Minh Khai spoke.", [("Le Minh Khai", "Deputy Prime Minister")]),
        ("Deputy Minister of Justice Nguyen Thanh Tinh said the draft was ready.",
         [("Nguyen Thanh Tinh", "Deputy Minister of Justice")]),
        ("It was awarded to Deputy Head of the Government Office Mai Thi Thu Van.",
         [("Mai Thi Thu Van", "Deputy Head of the Government Office")]),
        ("Chairman of the Thai Binh Provincial People's Committee Nguyen Khac Than attended.",
         [("Nguyen Khac Than", "Chairman of the Thai Binh Provincial People's Committee")]),
        ("Minister of Natural Resources and Environment Tran Hong Ha said so.",
         [("Tran Hong Ha", "Minister of Natural Resources and Environment")]),
        ("On February 2, Comrade Pham Minh Chinh, Politburo member, chaired it.", [("Pham Minh Chinh", "")]),
        ("Treasury Secretary James A. Baker told reporters.", [("James A. Baker", "Treasury Secretary")]),
        ("Trade Representative, Michael Smith, said", [("Michael Smith", "Trade Representative")]),
        ("President Vo Van Thuong and Prime Minister Pham Minh Chinh met.",
         [("Vo Van Thuong", "President"), ("Pham Minh Chinh", "Prime Minister")]),
        ("Attending were comrades: Nguyen Khac Than, Deputy Secretary", [("Nguyen Khac Than", "")]),
        ("British Prime Minister Margaret Thatcher's Conservatives lead", [("Margaret Thatcher", "Prime Minister")]),
        ("under an agreement, Finance Minister Barend du Plessis said.", [("Barend du Plessis", "Finance Minister")]),
        ("Deputy Head of the Government Office Mai Thi Thu Van's speech", [("Mai Thi Thu Van", "Deputy Head of the Government Office")]),
    ],
)  # fmt: skip
def test_english(text, expected):
    assert found(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phó Thủ tướng Lê Minh Khái phát biểu.", [("Lê Minh Khái", "Phó Thủ tướng")]),
        ("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ Trần Văn Sơn phát biểu tại Hội nghị.",
         [("Trần Văn Sơn", "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ")]),
        ("Bộ trưởng Bộ Công Thương Nguyễn Hồng Diên cho biết", [("Nguyễn Hồng Diên", "Bộ trưởng Bộ Công Thương")]),
        ("Chủ tịch UBND tỉnh Thái Bình Nguyễn Khắc Thận dự.", [("Nguyễn Khắc Thận", "Chủ tịch UBND tỉnh Thái Bình")]),
        ("Chủ tịch UBND tỉnh Lâm Đồng Trần Văn Hiệp dự.", [("Trần Văn Hiệp", "Chủ tịch UBND tỉnh Lâm Đồng")]),
        ("Thủ tướng Chính phủ Phạm Minh Chính chỉ đạo", [("Phạm Minh Chính", "Thủ tướng Chính phủ")]),
        ("tại Trụ sở Chính phủ, đồng chí Lê Minh Khái, Bí thư Trung ương Đảng", [("Lê Minh Khái", "")]),
        ("Tổng Thanh tra Chính phủ Le Minh Khai cho biết", [("Le Minh Khai", "Tổng Thanh tra Chính phủ")]),
    ],
)  # fmt: skip
def test_vietnamese(text, expected):
    assert found(text, "vi") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("заместитель премьер-министра Ле Минь Кхай подчеркнул", [("Ле Минь Кхай", "заместитель премьер-министра")]),
        ("Заместитель премьер- министра Ле Минь Кхай выступает", [("Ле Минь Кхай", "заместитель премьер-министра")]),
        ("присвоил звание заместителю главы правительственной канцелярии Май Тхи Тху Ван.",
         [("Май Тхи Тху Ван", "заместителю главы правительственной канцелярии")]),
        ("глава Канцелярии Май Тхи Тху Ван", [("Май Тхи Тху Ван", "глава Канцелярии")]),
        ("министр иностранных дел России Сергей Лавров заявил", [("Сергей Лавров", "министр иностранных дел России")]),
        ("губернатор Василий Орлов заявил, что проект", [("Василий Орлов", "губернатор")]),
    ],
)  # fmt: skip
def test_russian(text, expected):
    assert found(text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Binh said innovation was a highlight.", "en"),  # a name alone is not a mention
        ("Le Minh Khai attended the conference.", "en"),
        ("The Deputy Prime Minister requested the Government Office to act.", "en"),  # a title alone
        ("Head of the Government's Steering Committee for Administrative Reform chaired it.", "en"),
        ("President Reagan said.", "en"),  # one word is not a name
        ("Continental Illinois Corp's <CIL> Chairman John Swearingen said", "en"),  # a company's officer
        ("Ashland Oil Inc is seeking an acquisition, Chairman John Hall said.", "en"),
        ("Phó Thủ tướng yêu cầu các bộ", "vi"),
        ("Bộ trưởng Bộ Tư pháp cho biết", "vi"),
        ("президент встретился с Нгуен Суан Фуком", "ru"),  # the name is not the president's
        ("подчеркнул вице-премьер.", "ru"),
    ],
)
def test_no_mention(text, language):
    assert found(text, language) == []
