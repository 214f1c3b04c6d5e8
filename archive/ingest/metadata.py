"""What a text says about itself: language, title, publication date, lead paragraph, legal references."""

import datetime
import re
from dataclasses import dataclass

from django.utils.text import slugify

from archive.text import fold

# Language -----------------------------------------------------------------------------------------

_VI_MARKED = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")  # letters French or German lack


def _words(text):
    return frozenset(text.split())


# The commonest words of each language: function words say which language a text is written in, whatever
# names it quotes ("Lê Minh Khái said…" is English).
_EN_WORDS = _words(
    "the of and to in a is that for on was with as by are at from it has have this be were will which said "
    "its their an not but been also had"
)
_VI_WORDS = _words(
    "và của các có là được cho trong những một với không này đã người để theo về tại năm đến từ khi cũng "
    "nhiều như đó phải cần việc sẽ"
)
# The same written without diacritics, as in old e-mails; only forms that are not words of other languages.
_VI_PLAIN = _words("cua cac duoc nhung mot voi khong nguoi theo tai nam trong nhieu viec phai tinh thuc hien")
_RU_WORDS = _words("и в не на что с по к о из у за от для это как а также его было был года")
# Other languages in Latin script, so that they are refused rather than taken for English. Not "le" or "la":
# Lê and La are Vietnamese family names, written so in English.
_OTHER_WORDS = _words(
    "les des du et est une pour dans qui sur pas der die das und ist nicht ein eine zu den mit von "
    "el los las y que en es por una con del"
)
_NOT_RUSSIAN = set("іїєґўІЇЄҐЎ")  # Ukrainian, Belarusian


@dataclass
class Detected:
    language: str | None
    sure: bool


def detect_language(text):
    """en, ru or vi from the script and the commonest words; `sure` is False for short or mixed text, and
    the language is None when the text is none of the three."""
    text = text[:20000]  # the opening is enough, and long texts stay cheap
    words = re.findall(r"[^\W\d_]+", text.lower())
    letters = sum(len(w) for w in words)
    if not letters:
        return Detected(None, False)
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff") / letters
    if cyrillic > 0.6:
        return _cyrillic_language(text, words, cyrillic)
    if cyrillic > 0.2:
        return Detected(None, False)  # scripts mixed: no language of the three
    return _latin_language(_Shares.of(words, letters))


def _share(words, vocabulary):
    return sum(1 for w in words if w in vocabulary) / len(words)


def _cyrillic_language(text, words, cyrillic):
    if any(ch in _NOT_RUSSIAN for ch in text):
        return Detected(None, False)
    ru = _share(words, _RU_WORDS)
    return Detected("ru", len(words) >= 12 and cyrillic > 0.8 and ru > 0.05)


@dataclass(frozen=True)
class _Shares:
    """How much of a Latin-script text is each language's common words, and Vietnamese letters."""

    en: float
    vi: float
    vi_plain: float
    other: float
    vi_letters: float  # of all letters
    short: bool

    @classmethod
    def of(cls, words, letters):
        return cls(
            en=_share(words, _EN_WORDS),
            vi=_share(words, _VI_WORDS),
            vi_plain=_share(words, _VI_PLAIN),
            other=_share(words, _OTHER_WORDS),
            vi_letters=sum(1 for w in words for ch in w if ch in _VI_MARKED) / letters,
            short=len(words) < 12,
        )


def _latin_language(s):
    # English first: Vietnamese names in an English text bring Vietnamese letters, not Vietnamese words.
    if s.en >= 0.06 and s.en > s.vi + s.vi_plain and s.en > s.other:
        return Detected("en", not s.short and s.en >= 0.1 and s.other < s.en / 3 and s.vi < s.en / 4)
    if s.vi >= 0.04 or s.vi_letters > 0.03:
        return Detected("vi", not s.short and s.vi >= 0.04 and s.vi_letters > 0.04 and s.en < 0.05)
    if s.vi_plain >= 0.08 and s.vi_plain > s.other:
        return Detected("vi", False)  # Vietnamese without its diacritics
    if s.short and s.other == 0:
        return Detected("vi" if s.vi_letters else "en", False)
    return Detected(None, False)


# Dates --------------------------------------------------------------------------------------------

_EN_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_EN_MONTH_ABBR = [m[:3] for m in _EN_MONTHS]
_RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_EN_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
)
_YEAR = r"((?:19|20)\d{2})"
_DATE_PATTERNS = [
    # 2024-01-12
    ("ymd", re.compile(rf"(?<![\d/.-]){_YEAR}-(\d{{1,2}})-(\d{{1,2}})(?![\d/-])")),
    # 13/01/2024, 13.01.2024, ngày 12/1/2024
    ("dmy", re.compile(rf"(?<![\d/.-])(\d{{1,2}})[/.-](\d{{1,2}})[/.-]{_YEAR}(?![\d/])")),
    # ngày 12 tháng 1 năm 2024
    ("dmy", re.compile(rf"(?<!\d)(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:\s*(?:năm|,)\s*{_YEAR})?", re.I)),
    # January 12, 2024 / afternoon of January 12
    ("mdy", re.compile(rf"\b{_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?", re.I)),
    # 12 January 2024
    ("dmy_en", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MONTH}\b(?:,?\s+{_YEAR})?", re.I)),
    # 12 января 2024 года
    ("dmy_ru", re.compile(rf"(?<!\d)(\d{{1,2}})\s+({'|'.join(_RU_MONTHS)})(?:\s+{_YEAR})?", re.I)),
    # Chiều 12/1, sáng ngày 5/3 — a day/month needs a cue word when it has no year
    (
        "dm_vi",
        re.compile(
            r"\b(?:ngày|sáng|chiều|trưa|tối|đêm|hôm|rạng sáng)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?![\d/])", re.I
        ),
    ),
]
# A time of day next to a date marks the event being reported ("afternoon of January 12", "Chiều 12/1").
_TIME_OF_DAY = re.compile(
    r"(morning|afternoon|evening|night|половин[аеы] дня|утр|вечер|sáng|chiều|trưa|tối|đêm)", re.IGNORECASE
)


@dataclass
class FoundDate:
    date: datetime.date
    has_year: bool
    position: int
    time_of_day: bool


def find_dates(text):
    found = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groups()
            try:
                if kind == "ymd":
                    year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
                elif kind in ("dmy", "dm_vi"):
                    day, month = int(groups[0]), int(groups[1])
                    year = int(groups[2]) if len(groups) > 2 and groups[2] else None
                elif kind == "mdy":
                    month, day = _en_month(groups[0]), int(groups[1])
                    year = int(groups[2]) if groups[2] else None
                elif kind == "dmy_en":
                    day, month = int(groups[0]), _en_month(groups[1])
                    year = int(groups[2]) if groups[2] else None
                else:
                    day, month = int(groups[0]), _RU_MONTHS.index(groups[1].lower()) + 1
                    year = int(groups[2]) if groups[2] else None
                date = datetime.date(year or 2000, month, day)  # 2000 is a leap year: 29 February stays valid
            except ValueError:
                continue
            context = text[max(0, match.start() - 25) : match.end() + 5]
            found.append(FoundDate(date, year is not None, match.start(), bool(_TIME_OF_DAY.search(context))))
    return sorted(found, key=lambda f: f.position)


def _en_month(name):
    name = name.lower().rstrip(".")
    return _EN_MONTHS.index(name) + 1 if name in _EN_MONTHS else _EN_MONTH_ABBR.index(name[:3]) + 1


_YEAR_WORD = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/]|\s*[-–]\s*(?:19|20)\d{2})")
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}")


# Target years say nothing of when a text was written: "by 2025", "vision to 2045", "đến năm 2030", "до 2030 года".
_TARGET_YEAR = re.compile(
    r"(?:\b(?:by|until|till|through|to|towards?)\s+(?:the\s+end\s+of\s+)?|\b(?:đến|tới)\s+(?:hết\s+)?(?:năm\s+)?"
    r"|(?<!\w)(?:до|к)\s+(?:концу\s+)?)(?:19|20)\d{2}",
    re.IGNORECASE,
)


def context_years(text, today):
    """The years a text speaks of, up to this year, leaving out ranges (2021-2025), target years (by 2030)
    and legal numbers."""
    text = _TARGET_YEAR.sub(" ", _YEAR_RANGE.sub(" ", LEGAL_REF.sub(" ", text)))
    return {int(y) for y in _YEAR_WORD.findall(text) if int(y) <= today.year}


def context_year(text, today):
    """The latest year a text speaks of: a report on "2023 results and 2024 tasks" is from 2024."""
    years = context_years(text, today)
    return max(years) if years else None


@dataclass
class DateReading:
    date: datetime.date
    note: str = ""  # set when the date is a guess the editor should confirm


def read_date(byline, lead_text, full_text, today):
    """The publication date: a byline date, else a date in the lead, else one anywhere; a missing year is
    taken from the text. Anything short of a full date in the byline or the lead is flagged."""
    if byline:
        dates = find_dates(byline)
        if dates and dates[0].has_year:
            return DateReading(dates[0].date)
    lead_dates = find_dates(lead_text)
    preferred = sorted(lead_dates, key=lambda f: (not f.time_of_day, not f.has_year, f.position))
    if preferred:
        best = preferred[0]
        if best.has_year:
            return DateReading(best.date)
        return with_context_year(best, full_text, today)
    anywhere = [f for f in find_dates(full_text) if f.has_year]
    if anywhere:
        date = anywhere[0].date
        return DateReading(date, f"Date {date:%Y-%m-%d} taken from the body text, not from a byline or the lead")
    year = context_year(full_text, today)
    if year:
        return DateReading(
            datetime.date(year, 1, 1), f"No date in the text: set to 1 January {year}, the latest year it mentions"
        )
    return DateReading(today, "No date in the text: set to the import date")


def with_context_year(found, text, today):
    years = context_years(text, today)
    year = max(years) if years else today.year
    if found.date.month == 12 and year - 1 in years:
        # A review of one year and the plan for the next is held around New Year: "28 December" in a text
        # on "2023 results and 2024 tasks" is in 2023.
        year -= 1
    date = found.date.replace(year=year) if not (found.date.month == 2 and found.date.day == 29) else found.date
    if date > today:
        date = date.replace(year=year - 1)
    return DateReading(date, f"Date without a year ({date:%d %B}): took {date.year} from the text")


def partial_date(value):
    """A day and month without a year, as a header may give it ("12/1", "January 12", "12 января"), or None."""
    value = str(value).strip()
    if bare := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})\.?", value):
        try:
            return FoundDate(datetime.date(2000, int(bare.group(2)), int(bare.group(1))), False, 0, False)
        except ValueError:
            return None
    return next((f for f in find_dates(value) if not f.has_year), None)


def parse_iso_date(value):
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        dates = find_dates(str(value))
        if dates and dates[0].has_year:
            return dates[0].date
        raise


# Title, lead, slug, legal references --------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“«(]?[A-ZА-ЯЁĐ\u00c0-\u1ef9])")
_LEADING_DATE_CLAUSE = re.compile(
    r"^(on the (morning|afternoon|evening) of [^,]{3,30}|(sáng|chiều|trưa|tối) (ngày )?\d{1,2}/\d{1,2}[^,]{0,40}"
    r"|(утром|днём|вечером)? ?\d{1,2} [а-я]+( \d{4})?( года)?),\s*",
    re.IGNORECASE,
)


def first_sentence(text):
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


# An opening clause that sets the scene ("Speaking at the conference on Wednesday, Binh said…").
_LEADING_CLAUSE = re.compile(
    r"^(?:speaking|addressing|attending|according to|at|during|in|phát biểu|tại|theo|выступая|по словам|на)"
    r"\s[^,]{3,160},\s*(?=\S)",
    re.IGNORECASE,
)
# "Comrade Pham Minh Chinh, Politburo member, Prime Minister, Head of … chaired the meeting": the name, the
# titles that follow it, and the verb that ends them.
_NAMED_SUBJECT = re.compile(
    r"^(?i:comrade\s|đồng chí\s|товарищ\s)?\s*((?:[A-ZÀ-ỸА-ЯЁĐ][\w'-]*\s){1,4}[A-ZÀ-ỸА-ЯЁĐ][\w'-]*),\s", re.UNICODE
)
_REPORTING_VERB = re.compile(
    r"\s((?:chaired|attended|said|stressed|emphasi[sz]ed|requested|asked|urged|visited|received|met|signed"
    r"|presided|delivered|held|hosted|called|directed|affirmed|noted|highlighted|launched|led|welcomed|joined"
    r"|chủ trì|dự|phát biểu|nhấn mạnh|yêu cầu|tiếp|làm việc|thăm|ký|trao|chỉ đạo|đề nghị|gặp|hội đàm|kiểm tra"
    r"|провел|провёл|принял|подчеркнул|заявил|председательствовал|посетил|встретился|поручил|выступил|отметил"
    r"|вручил|присутствовал)\b.*)$",
    re.IGNORECASE,
)


def derive_title(lead, limit=140):
    """A headline from the lead: its first sentence without a leading date or scene clause and, when it is
    too long, without the string of titles after a person's name; shortened at a clause, else at a word."""
    sentence = _LEADING_DATE_CLAUSE.sub("", first_sentence(lead)).strip().rstrip(".")
    if len(sentence) > limit:
        sentence = _LEADING_CLAUSE.sub("", sentence)
    subject = _NAMED_SUBJECT.match(sentence) if len(sentence) > limit else None
    if subject and (verb := _REPORTING_VERB.search(sentence, subject.end() - 1)):
        sentence = f"{subject.group(1)} {verb.group(1)}"
    sentence = sentence[:1].upper() + sentence[1:]
    if len(sentence) <= limit:
        return sentence
    clause = sentence[:limit].rsplit(", ", 1)[0]
    if len(clause) >= limit * 0.6:
        return clause
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–— ")
    return cut + "…"


def title_from_url(url, text):
    """Many news URLs end in the headline, folded: '…/van-phong-chinh-phu-khong-ngung-…-post791870.html'.
    Restore its diacritics and capitals from the words of the text; None when the words are not there."""
    path = re.sub(r"\.\w{2,5}$", "", url.rstrip("/").rsplit("/", 1)[-1])
    words = [w for w in path.split("-") if w and not re.fullmatch(r"(post|news|article|id|tin)?\d+", w)]
    if len(words) < 4:
        return None
    tokens = re.findall(r"\w+", text)
    unigrams, bigrams = {}, {}
    for index, token in enumerate(tokens):
        key = fold(token).lower()
        unigrams.setdefault(key, {}).setdefault(token, 0)
        unigrams[key][token] += 1
        if index:
            pair = (fold(tokens[index - 1]).lower(), key)
            bigrams.setdefault(pair, {}).setdefault(token, 0)
            bigrams[pair][token] += 1
    restored = []
    for index, word in enumerate(words):
        choices = (bigrams.get((words[index - 1], word)) if index else None) or unigrams.get(word)
        if not choices:
            return None
        restored.append(max(choices.items(), key=lambda item: item[1])[0])
    title = " ".join(restored)
    return title[:1].upper() + title[1:]


def make_lead(blocks, limit=600):
    for block in blocks:
        if block.tag == "p" and len(block.text) > 40:
            text = block.text.strip()
            return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
    return ""


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def slug_base(title, limit=80):
    text = "".join(_CYRILLIC.get(ch, ch) for ch in fold(title).lower())
    slug = slugify(text)[:limit].strip("-")
    if len(slugify(text)) > limit and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug or "article"


# 101/2023/QH15, 15/2020/NĐ-CP, 1234/QĐ-TTg, 27-NQ/TW
LEGAL_REF = re.compile(
    r"(?<![\w/])(\d{1,5}/(?:19|20)\d{2}/[A-ZĐ][A-Za-zĐđ]*\d*(?:-[A-ZĐ][A-Za-zĐđ]*)*"
    r"|\d{1,5}/[A-ZĐ]{1,4}(?:-[A-ZĐ][A-Za-zĐđ]*)+"
    r"|\d{1,5}-[A-ZĐ]{2,4}/[A-ZĐ]{2,4})(?![\w/])"
)


def legal_refs(text):
    seen = []
    for match in LEGAL_REF.finditer(text):
        if match.group(0) not in seen:
            seen.append(match.group(0))
    return seen
