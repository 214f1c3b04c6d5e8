"""Small text primitives shared by ingest, analysis and search: NFC, diacritic folding, control characters."""

import re
import unicodedata

# C0/C1 controls that XML 1.0 (and so RSS/Atom) cannot carry; tab, LF and CR are kept.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Letters that NFD does not decompose into base + mark.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})


def nfc(text):
    return unicodedata.normalize("NFC", text)


def strip_controls(text):
    return _CONTROL_RE.sub("", text)


def fold(text):
    """Remove diacritics (Lê Minh Khái -> Le Minh Khai, Đà -> Da); Cyrillic й and ё fold to и and е."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold_key(text):
    """Case- and diacritic-insensitive comparison key with collapsed whitespace."""
    return " ".join(fold(nfc(text)).casefold().split())
