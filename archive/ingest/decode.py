"""Bytes to NFC text: UTF-8 (BOM or not), UTF-16/32 with a BOM, or a legacy code page when it is plausible."""

import codecs
import re
import unicodedata

from archive.text import nfc, strip_controls


class DecodeError(ValueError):
    """The file cannot be read as text; the message says why, for the editor."""


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_VI_LETTERS = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")


def decode(data):
    """Return NFC text without control characters, or raise DecodeError."""
    if not data or not data.strip():
        raise DecodeError("empty file")
    text = _decode(data)
    text = strip_controls(nfc(text)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DecodeError("empty file")
    return text


def _decode(data):
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise DecodeError(
                    f"invalid {encoding.split('-sig')[0].upper()} text after the byte order mark ({error.reason})"
                ) from None
    if b"\x00" in data:
        raise DecodeError("binary data (NUL bytes); text must be UTF-8, or UTF-16 with a byte order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _legacy(data)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise DecodeError("binary data (control characters); not a text file")
    return text


def _legacy(data):
    """Windows-1251 (Russian) or Windows-1258 (Vietnamese), only when the decoded text reads as that language."""
    for encoding, plausible in (("cp1251", _plausible_russian), ("cp1258", _plausible_vietnamese)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(text):
            return text
    raise DecodeError("unknown text encoding: not UTF-8, and neither Windows-1251 nor Windows-1258 reads plausibly")


def _non_ascii_words(text):
    return [w for w in _WORD.findall(text) if not w.isascii()]


def _plausible_russian(text):
    # Russian words are wholly Cyrillic; Vietnamese or Western text read as cp1251 mixes scripts inside words.
    words = _non_ascii_words(text)
    if not words:
        return False
    cyrillic = [w for w in words if all("\u0400" <= ch <= "\u04ff" for ch in w)]
    # KOI8-R read as cp1251 is Cyrillic too, but with the case inverted: mostly capitals.
    letters = "".join(cyrillic)
    upper = sum(1 for ch in letters if ch.isupper())
    return len(cyrillic) / len(words) >= 0.9 and upper <= len(letters) / 2


def _plausible_vietnamese(text):
    # Vietnamese words are mostly ASCII consonants around one or two marked vowels;
    # Cyrillic bytes read as cp1258 give long runs of Western accented letters.
    text = nfc(text)
    words = _non_ascii_words(text)
    if not words:
        return True  # plain ASCII plus typographic quotes: cp1258 agrees with cp1252 there
    valid = sum(1 for w in words if all(ch.isascii() or ch.lower() in _VI_LETTERS for ch in w))
    marked = sum(1 for w in words for ch in w if not ch.isascii())
    letters = sum(len(w) for w in words)
    return valid / len(words) >= 0.9 and marked / letters <= 0.5
