"""Numbers that survive translation: '163,400' (en), '163 400' (ru) and '163.400' (vi) are one number,
as are '13.9%', '13,9%' and '13,9 %'. Each language has its own separators; "29 nghìn", "29 тысяч" and
"29 thousand" are 29,000. Years, dates and legal document numbers are left out: they say little about
which event a text reports.
"""

import re
from decimal import Decimal, InvalidOperation

# (thousands separators, decimal mark) per language.
# A no-break or thin space groups thousands in any of them (SI style); a plain space only in Russian, where
# elsewhere it more often stands between two numbers.
SEPARATORS = {
    "en": (",\u00a0\u202f\u2009", "."),
    "ru": (" \u00a0\u202f\u2009", ","),
    "vi": (".\u00a0\u202f\u2009", ","),
}
_SCALE = {
    "thousand": 3, "тысяч": 3, "тысячи": 3, "тысяча": 3, "тыс": 3, "nghìn": 3, "ngàn": 3,
    "million": 6, "millions": 6, "миллион": 6, "миллиона": 6, "миллионов": 6, "млн": 6, "triệu": 6,
    "billion": 9, "миллиард": 9, "миллиарда": 9, "миллиардов": 9, "млрд": 9, "tỷ": 9, "tỉ": 9,
}  # fmt: skip
_NOISE = re.compile(
    r"(?<!\d)\d++/\d{4}/[\w-]+|(?<!\d)\d++-[A-ZĐ]{2,}+/[A-ZĐ]{2,}"  # legal references (from a run's start)
    r"|(?<![\d.,])(\d{1,2}/\d{1,2}(/\d{2,4})?|\d{1,2}[.-]\d{1,2}[.-]\d{4})(?![\d.,]\d)"  # dates
    r"|\b(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}\b"  # year ranges
)


def _pattern(language):
    thousands, decimal = SEPARATORS.get(language, SEPARATORS["en"])
    group = "[" + re.escape(thousands) + "]"
    scale = "|".join(sorted(map(re.escape, _SCALE), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.,])(\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{re.escape(decimal)}(\d+))?(?![\w])"
        rf"(?:\s?(%)|\s+({scale})(?!\w))?",
        re.IGNORECASE,
    )


_PATTERNS = {language: _pattern(language) for language in SEPARATORS}


def extract_numbers(text, language):
    """The set of distinctive numbers in a text, as canonical strings ('163400', '13.9%')."""
    pattern = _PATTERNS.get(language, _PATTERNS["en"])
    thousands, _ = SEPARATORS.get(language, SEPARATORS["en"])
    found = set()
    for match in pattern.finditer(_NOISE.sub(" ", text)):
        whole, fraction, percent, scale = match.groups()
        digits = re.sub("[" + re.escape(thousands) + "]", "", whole)
        try:
            value = Decimal(f"{digits}.{fraction}" if fraction else digits)
        except InvalidOperation:
            continue
        if scale:
            value = value.scaleb(_SCALE[scale.lower()])
        if percent:
            found.add(f"{_plain(value)}%")
        elif fraction or (value >= 10 and not (1900 <= value <= 2100 and not scale and value == int(value))):
            found.add(_plain(value))
    return found


def _plain(value):
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
