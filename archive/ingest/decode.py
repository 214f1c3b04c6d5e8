"""Bytes to NFC text: UTF-8 (BOM or not), UTF-16/32 with a BOM, or a legacy code page when it is plausible."""

import codecs
import re
from dataclasses import dataclass, field

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


@dataclass
class Decoded:
    text: str
    warnings: list = field(default_factory=list)  # how the bytes were read, when not plain UTF-8
    notes: list = field(default_factory=list)  # what the editor should check (repaired mojibake)


def decode(data, *, bom=True):
    """Return NFC text without control characters, or raise DecodeError."""
    return decode_report(data, bom=bom).text


def decode_report(data, *, bom=True):
    """Like decode(), and say which encoding was assumed or what was repaired. `bom=False` for the
    second and later lines of a JSON Lines file, where b'\\xff\\xfe' is not a byte order mark."""
    if not data or not data.strip():
        raise DecodeError("empty file")
    result = _decode(data, bom)
    text = strip_controls(nfc(result.text)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DecodeError("empty file")
    result.text = text
    return result


# Formats that are sometimes saved with a text extension; named so that the editor knows what was sent.
_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel document"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
]
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # all but tab, newlines and form feed


def _decode(data, bom):
    if bom:
        for mark, encoding in _BOMS:
            if data.startswith(mark):
                try:
                    return Decoded(data.decode(encoding))
                except UnicodeDecodeError as error:
                    raise DecodeError(
                        f"invalid {encoding.split('-sig')[0].upper()} text after the byte order mark ({error.reason})"
                    ) from None
    for magic, kind in _MAGIC:
        if data.startswith(magic) and len(_CONTROL_BYTES.findall(data[:512])) > 1:
            raise DecodeError(f"binary data ({kind}), not a text file")
    nuls = data.count(b"\x00")
    if nuls > max(1, len(data) // 1000):
        raise DecodeError("binary data (NUL bytes); text must be UTF-8, or UTF-16 with a byte order mark")
    if nuls:
        data = data.replace(b"\x00", b"")  # a stray NUL in text: a control character like any other
    try:
        result = Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        result = _mostly_utf8(data) or _legacy(data)
    result = _repair_mojibake(result)
    controls = len(_CONTROLS.findall(result.text))
    if controls > max(8, len(result.text) // 100):
        raise DecodeError("binary data (control characters); not a text file")
    return result


_ESCAPED = re.compile("[\udc80-\udcff]")


def _windows_1252(match):
    # Windows-1252 for what it defines (’ “ ” – …), Latin-1 for the five bytes it leaves undefined.
    byte = ord(match.group(0)) - 0xDC00
    return bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)


def _mostly_utf8(data):
    """UTF-8 with a few bytes pasted from a Windows-1252 editor (a curly quote, a dash): keep the UTF-8 and
    read the strays as Windows-1252. Only when the rest is clearly UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(text))
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if bad <= max(3, len(data) // 2000) and multibyte >= 4 * bad:
        return Decoded(_ESCAPED.sub(_windows_1252, text), [f"{bad} byte(s) that are not UTF-8 read as Windows-1252"])
    return None


_LEGACY = (("cp1251", "Windows-1251 (Cyrillic)"), ("cp1258", "Windows-1258 (Vietnamese)"))


def _legacy(data):
    """Windows-1251 (Russian) or Windows-1258 (Vietnamese), only when the decoded text reads as that language."""
    for (encoding, name), plausible in zip(_LEGACY, (_plausible_russian, _plausible_vietnamese), strict=True):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(text):
            if not _non_ascii_words(text):  # only typographic quotes and dashes: nothing Vietnamese about it
                name = "Windows-1252"
            return Decoded(text, [f"not UTF-8: read as {name}"])
    raise DecodeError("unknown text encoding: not UTF-8, and neither Windows-1251 nor Windows-1258 reads plausibly")


def _code_page_chars(encoding, start, stop):
    # What the bytes start..stop-1 look like read in this code page (Latin-1 where it leaves them undefined).
    return "".join(bytes([b]).decode(encoding, errors="ignore") or chr(b) for b in range(start, stop))


# UTF-8 that was once read as a legacy code page and saved again: 'Р\x9fСЂР°' for 'Пра', 'Thá»§' for 'Thủ'.
# A UTF-8 lead byte followed by a continuation byte (0x80-0xBF), as that code page shows them.
_MOJIBAKE = {
    encoding: re.compile(
        f"[{re.escape(_code_page_chars(encoding, 0xC2, 0xF0))}][{re.escape(_code_page_chars(encoding, 0x80, 0xC0))}]"
    )
    for encoding in ("cp1251", "cp1252")
}


def _repair_mojibake(result):
    text = result.text
    for encoding, pattern in _MOJIBAKE.items():
        if len(pattern.findall(text)) < 3:
            continue
        try:
            # Strict both ways: real text almost never re-encodes into valid UTF-8.
            fixed = _to_code_page(text, encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            result.text = fixed
            name = {"cp1251": "Windows-1251", "cp1252": "Windows-1252"}[encoding]
            result.notes.append(f"Repaired garbled text (UTF-8 that had been read as {name}): check the wording")
            return result
    return result


def _to_code_page(text, encoding):
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        # The five bytes Windows-1252 leaves undefined come through as Latin-1 characters.
        if encoding != "cp1252":
            raise
        return b"".join(ch.encode(encoding) if ord(ch) >= 0x100 or ch.isascii() else _cp1252_byte(ch) for ch in text)


def _cp1252_byte(ch):
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return bytes([ord(ch)])


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
