"""Find people introduced by a role title, in English, Vietnamese and Russian, by rules.

"Deputy Prime Minister Le Minh Khai", "Bộ trưởng Bộ Tư pháp Nguyễn Hải Ninh", "глава Канцелярии Май Тхи Тху Ван":
a title, what completes it (of the Government Office, Bộ Tư pháp, иностранных дел России), then a name that
ends the run of capitalised words. A Vietnamese name is 2–4 syllables beginning with a Vietnamese surname,
in Latin or Cyrillic letters; other names (Reuters' ministers, RIA's governors) are 2–3 capitalised words
right after the title. A name alone ("Binh said") is never a mention: the title is what makes it one.
"""

import re
from dataclasses import dataclass

from archive.officials.names import has_diacritics, is_syllable, skeleton, to_cyrillic
from archive.text import fold, nfc

# The hundred or so Vietnamese family names cover nearly every official.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đào", "Đoàn", "Đinh", "Lâm", "Mai", "Trương", "Lại", "Lương", "Tô", "Tạ", "Hà", "Chu", "Cao",
    "Thái", "Quách", "Trịnh", "Vương", "Kiều", "Lưu", "Triệu", "Phùng", "Đàm", "Nghiêm", "Tôn", "Thân", "Châu",
    "Lò", "Giàng", "Nông", "Hầu", "Từ", "Mạc", "Văn", "Khuất", "La", "Quan", "Ông", "Bế", "Lục", "Tăng", "Lam",
    "Hứa", "Diệp", "Doãn", "Âu", "Đậu", "Thạch", "Đồng", "Hoa", "Ninh", "Vi", "Kim", "Phí", "Cù", "Hàn", "Tống",
    "Giáp", "Bạch", "Lã", "Ma", "Sùng", "Vàng", "Lầu", "Y", "Trình", "Đông", "Bành", "Mã", "Lữ", "Nhữ", "Ứng",
    "Viên", "Chế", "Nhan", "Khổng", "Thiều", "Trà", "Phương", "Quang",
)  # fmt: skip
_SURNAMES_LATIN = {fold(s).casefold() for s in SURNAMES}
_SURNAMES_EXACT = {s.casefold() for s in SURNAMES}
# The commonest: one of them after a rarer surname starts the name ("huyện Gia Lâm Nguyễn Ngọc Thuần").
_FIRST_SURNAMES = {fold(s).casefold() for s in SURNAMES[:16]}
_SURNAMES_KEYS = {skeleton(to_cyrillic(s) or s) for s in SURNAMES}

# Provinces whose first syllable is also a surname: "Chủ tịch UBND tỉnh Lâm Đồng Trần Văn Hiệp".
_PLACES = {
    fold(p).casefold()
    for p in (
        "Lâm Đồng", "Thái Bình", "Thái Nguyên", "Cao Bằng", "Hà Nội", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hoà Bình",
        "Hòa Bình", "Quảng Ninh", "Ninh Bình", "Ninh Thuận", "Đồng Nai", "Đồng Tháp", "Kiên Giang", "Lào Cai",
        "Phú Thọ", "Phú Yên", "Vĩnh Phúc", "Bình Dương", "Bình Phước", "Bình Thuận", "Bình Định", "Hải Phòng",
        "Hải Dương", "Quảng Nam", "Quảng Ngãi", "Quảng Bình", "Quảng Trị", "Gia Lai", "Kon Tum", "Đắk Lắk",
        "Long An", "Tây Ninh", "Bến Tre", "Trà Vinh", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "An Giang", "Cần Thơ",
        "Hậu Giang", "Vĩnh Long", "Tiền Giang", "Lạng Sơn", "Bắc Giang", "Bắc Ninh", "Bắc Kạn", "Tuyên Quang",
        "Yên Bái", "Sơn La", "Điện Biên", "Lai Châu", "Nam Định", "Thanh Hóa", "Thanh Hoá", "Nghệ An", "Thừa Thiên Huế",
        "Đà Nẵng", "Khánh Hòa", "Khánh Hoà", "Bà Rịa", "Vũng Tàu", "Hồ Chí Minh", "Đắk Nông", "Hưng Yên",
    )
}  # fmt: skip

_EN_HEAD = (
    r"(?:(?:Permanent|Standing|First|Acting|Deputy|Vice|Former|General|Prime|Foreign|Finance|Trade|Economics?|Assistant|Under"
    r"|Agriculture|Energy|Oil|Defen[cs]e|Justice|Industry|Treasury|Commerce|Labou?r|Interior|Party|State)[ -])*"
    r"(?:Prime Minister|Minister|President|Chairman|Chairwoman|Chair|Secretary|Head|Director(?: General)?"
    r"|Governor|Ambassador|Spokes(?:man|woman|person)|Inspector General|Chief Justice|Prosecutor General"
    r"|Mayor|Chancellor|Senator|Commissioner|Representative|Attorney General|Premier|Undersecretary|(?i:comrades?))\b"
)
_VI_HEAD = (
    r"(?:Phó |Nguyên )?(?:Thủ tướng|Tổng thống|Ngoại trưởng|Chủ tịch nước|Chủ tịch|Tổng Bí thư|Bí thư|Bộ trưởng"
    r"|Thứ trưởng|Chủ nhiệm"
    r"|Giám đốc|Tổng Giám đốc|Tổng Thanh tra|Tổng Kiểm toán|Chánh án|Viện trưởng|Đại sứ|Trưởng ban|Thống đốc"
    r"|Người phát ngôn|Cục trưởng|Vụ trưởng|Tổng cục trưởng|Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng)"
    r"(?: Thường trực)?(?!\w)|[Đđ]ồng chí(?!\w)"
)
_RU_HEAD = (
    r"(?:(?:[Зз]аместител\w*|[Пп]ерв\w+ заместител\w*) )?"
    r"(?:[Пп]ремьер- ?министр\w*|[Вв]ице-премьер\w*|[Мм]инистр\w*|[Зз]амминистр\w*|(?:[Вв]ице-)?[Пп]резидент\w*"
    r"|[Сс]татс-секретар\w*|[Гг]лав[аыеуо]й?"
    r"|[Пп]редседател\w*|[Гг]енсек\w*|[Гг]енеральн\w+ секретар\w+|[Гг]убернатор\w*|[Мм]эр\w*"
    r"|[Пп]ос(?:ол|л(?:а|у|ом|ы|ов|ам|ами|ах)?)"
    r"|[Сс]пикер\w*|[Зз]ампред\w*|[Зз]амглав\w*|[Рр]уководител\w*|[Пп]ресс-секретар\w*|[Тт]оварищ\w*|[Зз]аместител\w*)(?!\w)"
)
HEADS = {
    "en": re.compile(_EN_HEAD),
    "vi": re.compile(_VI_HEAD),
    "ru": re.compile(_RU_HEAD),
}
# Words (an initial keeps its full stop: James A. Baker), then punctuation one character at a time.
_TOKEN = re.compile(r"[A-Z]\.(?=\s)|[^\W\d_][\w'’-]*|\S")
_EN_LINKS = {"of", "the", "for", "and", "on", "in", "at", "&"}
# Vietnamese words inside a title's organisation ("Chủ tịch UBND tỉnh Thái Bình", "Bộ trưởng Bộ Tư pháp").
_VI_LINKS = {"tỉnh", "thành", "phố", "huyện", "quận", "xã", "và", "nhân", "dân", "ban", "nước", "chính", "phủ", "ủy"}
# Russian words that continue a title (иностранных дел, правительственной канцелярии) and do not look like verbs.
_RU_LINK = re.compile(r"^[а-яё-]+(?:ого|его|ому|ему|ой|ей|ых|их|ии|ия|ий|ства|ения|ы|и|а|у|ов|ев|ям|ам)$")
# Russian words that end like adjectives or abstract nouns are names of bodies (Российской Федерации).
_RU_NOT_NAME = ("ской", "ского", "ская", "ский", "ции", "ства", "ного", "ной", "ная")
_RU_VERB = re.compile(r"(?:[аеиыяу]л[аио]?|ся|сь|ет|ит|ют|ут|ат|ят)$")
_NOT_NAMES = {
    "government", "office", "committee", "ministry", "bank", "house", "board", "reserve", "party", "people",
    "state", "national", "federal", "council", "assembly", "department", "union", "general", "province",
    "city", "the", "minister", "president", "secretary", "chairman", "deputy", "news", "agency",
}  # fmt: skip
_WINDOW = 12


@dataclass(frozen=True)
class Mention:
    name: str
    role: str
    start: int  # where the role begins in the text


def _tokens(text, start):
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text, start, start + 200)][:_WINDOW]


def _capitalised(word, language):
    if language == "en" and re.fullmatch(r"[A-Z]\.", word):
        return True  # an initial
    if not word[:1].isupper() or (word.isupper() and len(word) > 1):
        return False
    if language == "ru":
        return all("\u0400" <= ch <= "\u04ff" or ch == "-" for ch in word)
    return word.replace("'", "").replace("’", "").isalpha()


def _key(word):
    return fold(word).casefold()


def _is_surname(word, language):
    """A Vietnamese family name; spelled with diacritics, exactly (Tổng, Đảng, Trường are not Tống, Đặng, Trương)."""
    if language == "ru":
        return skeleton(word) in _SURNAMES_KEYS
    if has_diacritics(word):
        return nfc(word).casefold() in _SURNAMES_EXACT
    return _key(word) in _SURNAMES_LATIN


def _fits(words, run, language):
    size = len(words)
    if len(run) > size and _key(f"{run[-size - 1]} {words[0]}") in _PLACES:
        return False  # "tỉnh Lâm Đồng Trần Văn Hiệp": Đồng belongs to the province
    if _key(f"{words[0]} {words[1]}") in _PLACES:
        return False
    if size > 2 and _key(words[0]) not in _FIRST_SURNAMES and _key(words[1]) in _FIRST_SURNAMES:
        return False  # "huyện Gia Lâm Nguyễn Ngọc Thuần"
    if language == "ru":
        return all(len(w) <= 6 for w in words)
    return all(is_syllable(w) for w in words)


def _vietnamese_name(run, language):
    """The longest ending of a run of capitalised words that is a Vietnamese name, or None."""
    for size in (4, 3, 2):
        words = run[-size:]
        if len(run) >= size and _is_surname(words[0], language) and _fits(words, run, language):
            return words
    return None


def _other_name(run, direct, language):
    """2–3 capitalised words right after the title (Finance Minister Kiichi Miyazawa): a name not Vietnamese.
    Russian titles name the country first (министр иностранных дел России Сергей Лавров): its last two words."""
    if language == "ru" and len(run) == 3 and not run[1].endswith(("вич", "вна", "чна")):
        run = run[1:]
    elif language == "vi":
        # Foreign names in Vietnamese text follow the country: Bộ trưởng Quốc phòng Mỹ James Mattis.
        run = run[-2:]
        if any(is_syllable(w) for w in run):
            return None
    elif not direct and language == "en":
        return None
    if not 2 <= len(run) <= 3 or any(fold(w).casefold().strip(".") in _NOT_NAMES for w in run):
        return None
    if any(len(w) < 2 for w in run) or (language == "ru" and any(w.endswith(_RU_NOT_NAME) for w in run)):
        return None
    return run


def _name_in(run, direct, language):
    if not run:
        return None
    return _vietnamese_name(run, language) or _other_name(run, direct, language)


def _continues_title(word, language, previous_capital):
    if language == "en":
        return word in _EN_LINKS
    if language == "vi":
        return word in _VI_LINKS or (previous_capital and word.isalpha())
    return word in {"дел", "и", "по", "–", "—"} or (bool(_RU_LINK.match(word)) and not _RU_VERB.search(word))


_PARTICLES = {"du", "de", "da", "van", "von", "der", "del", "di", "la", "le", "bin", "al", "ter"}


def _step(word, following, language, state):
    """What one word after a title does: 'name' (joins the run), 'last' (a possessive ends the name),
    'skip', 'link' (a word of the title's organisation) or 'stop'."""
    if _capitalised(word, language) and not HEADS[language].match(word):
        possessive = re.sub(r"['’]s$", "", word)
        if possessive != word and _name_in([*state["run"], possessive], state["direct"], language):
            return "last"  # Margaret Thatcher's Conservatives
        return "name"
    if word in _PARTICLES and state["run"] and _capitalised(following, language):
        return "name"  # Barend du Plessis
    if (word.isupper() and len(word) > 1 and not state["run"]) or (word in {":", ")", ","} and state["index"] == 0):
        return "skip"  # UBND, МИД, РФ; "comrades: X", "(Governor) X", "Trade Representative, X", "Bộ trưởng, Chủ nhiệm"
    if not _continues_title(word, language, state["capital"]) or _name_in(state["run"], state["direct"], language):
        return "stop"
    return "link"


def _name_after(text, end, language):
    """(name words, where the name starts) after a title ending at `end`, or None."""
    tokens = _tokens(text, end)
    state = {"run": [], "end": 0, "direct": True, "capital": False, "index": 0}
    for index, (word, _position) in enumerate(tokens):
        state["index"] = index
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        action = _step(word, following, language, state)
        if action in {"name", "last"}:
            state["run"].append(re.sub(r"['’]s$", "", word) if action == "last" else word)
            state["end"], state["capital"] = index, True
            if action == "last":
                break
        elif action == "skip":
            state["direct"] = state["direct"] and word in {":", ")", ","}
        elif action == "stop":
            break  # the name, if any, is the run that ends here
        else:  # a word of the organisation in the title (of the Government Office, Bộ Tư pháp): read on
            state.update(run=[], direct=False, capital=False)
    words = _name_in(state["run"], state["direct"], language)
    if not words:
        return None
    return words, tokens[state["end"] - len(words) + 1][1]


# A company's officers are not officials: "Continental Illinois Corp's <CIL> Chairman John Swearingen".
_COMPANY = re.compile(r"\b(?:Corp|Inc|Co|Ltd|Plc|PLC|AG|SA|NV|Group|Bank|Bancorp)\b\.?(?:['’]s)?\s*(?:<[^>]*>\s*)?$")

# Titles a company's officers share with officials; in a sentence about a company they are the company's.
_CORPORATE_TITLES = re.compile(r"(?:Chairman|Chairwoman|Chair|President|Director|Secretary|Head)$")
_COMPANY_IN_SENTENCE = re.compile(r"\b(?:Corp|Inc|Co|Ltd|Plc|PLC|Bancorp)\b|<[A-Z.]+>")


def _of_company(text, match):
    if _COMPANY.search(text, 0, match.start()):
        return True
    if not _CORPORATE_TITLES.search(match.group()):
        return False
    sentence = re.split(r"[.!?]\s", text[max(0, match.start() - 300) : match.start()])[-1]
    return bool(_COMPANY_IN_SENTENCE.search(sentence))


# Forms of address, not roles: they introduce a name but say nothing of the office.
_ADDRESS = re.compile(r"^(?:comrades?|đồng chí|товарищ\w*)$", re.IGNORECASE)


def _role(phrase, language):
    role = " ".join(phrase.replace("- ", "-").split()).rstrip(" ,:")
    if _ADDRESS.match(role):
        return ""
    # Russian and Vietnamese titles are common nouns: capitalised only at the start of a sentence.
    return role[:1].lower() + role[1:] if language == "ru" else role


def find_mentions(text, language):
    """Every (name, role) a text introduces, in order; one mention per place a name stands."""
    head = HEADS.get(language)
    if head is None:
        return []
    found, seen = [], set()
    for match in head.finditer(text):
        if (match.start() and text[match.start() - 1].isalnum()) or _of_company(text, match):
            continue
        named = _name_after(text, match.end(), language)
        if named is None:
            continue
        words, name_start = named
        if name_start in seen:
            continue  # "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ Trần Văn Sơn": one mention, the whole title
        seen.add(name_start)
        found.append(
            Mention(name=" ".join(words), role=_role(text[match.start() : name_start], language), start=match.start())
        )
    return found
