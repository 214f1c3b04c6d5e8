"""Vietnamese personal names across scripts.

Russian media write Vietnamese names in Kontsevich's transcription (Lê Minh Khái → Ле Минь Кхай);
`to_cyrillic()` implements it, so that every official's Cyrillic alias is derived rather than typed.
`skeleton()` reduces a name in either script to one lossy key, so that Mai Thi Thu Van, Mai Thị Thu Vân
and Май Тхи Тху Ван are recognised as one person wherever they are found. `tone_key()` keeps what folding
drops: two names that differ only by diacritics have different tone keys (and may be two people).
"""

import re
import unicodedata

from archive.text import fold, nfc

# Tone marks (grave, acute, tilde, hook above, dot below); the other marks change the vowel (â, ă, ê, ô, ơ, ư).
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}

_INITIALS = [
    ("ngh", "нг"), ("ng", "нг"), ("nh", "нь"), ("ch", "ть"), ("gh", "г"), ("gi", "зь"), ("kh", "кх"),
    ("ph", "ф"), ("qu", "ку"), ("th", "тх"), ("tr", "ч"), ("b", "б"), ("c", "к"), ("d", "з"), ("đ", "д"),
    ("g", "г"), ("h", "х"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("p", "п"), ("r", "з"),
    ("s", "ш"), ("t", "т"), ("v", "в"), ("x", "с"),
]  # fmt: skip
_FINALS = [("ch", "ть"), ("ng", "нг"), ("nh", "нь"), ("c", "к"), ("m", "м"), ("n", "н"), ("p", "п"), ("t", "т")]
# Vowel groups, longest first where one begins another.
_NUCLEI = {
    "uyê": "уе", "uya": "уиа", "ươi": "ыой", "ươu": "ыоу", "uôi": "уой", "iêu": "иеу", "yêu": "иеу",
    "oai": "оай", "oay": "оай", "uây": "уэй", "ai": "ай", "ay": "ай", "ây": "эй", "ao": "ао", "au": "ау",
    "âu": "ау", "eo": "эо", "êu": "еу", "ia": "иа", "iê": "ие", "yê": "ие", "iu": "иу", "oa": "оа",
    "oă": "оа", "oe": "оэ", "oi": "ой", "ôi": "ой", "ơi": "ой", "ua": "уа", "uâ": "уа", "uê": "уэ",
    "ui": "уй", "uô": "уо", "uơ": "уо", "uy": "уи", "ưa": "ыа", "ưi": "ый", "ưu": "ыу", "ươ": "ыо",
    "a": "а", "ă": "а", "â": "а", "e": "е", "ê": "е", "i": "и", "y": "и", "o": "о", "ô": "о", "ơ": "о",
    "u": "у", "ư": "ы",
    # Unaccented spellings (English texts) of the groups above.
    "uye": "уе", "uoi": "уой", "ieu": "иеу", "yeu": "иеу", "uay": "уай", "uo": "уо", "ie": "ие", "ye": "ие",
    "eu": "еу", "ue": "уэ", "uu": "ыу", "uou": "ыоу",
}  # fmt: skip
_NUCLEUS_KEYS = sorted(_NUCLEI, key=len, reverse=True)
# After ch, nh and gi the soft sign joins the vowel that follows: nha → ня, chu → тю, gio → зё.
_SOFTENED = {"а": "я", "у": "ю", "о": "ё", "е": "е", "и": "и", "э": "е", "ы": "ы"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]{1,3})(ch|ng|nh|[cmnpt])?$"
)


def strip_tones(text):
    """Remove tone marks only: Nguyễn → Nguyên (the vowel marks that make other letters stay)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))


def is_syllable(word):
    """Whether a word could be a Vietnamese syllable, with or without diacritics (Natural, Justice: no)."""
    return bool(_SYLLABLE.match(strip_tones(nfc(word)).casefold())) or bool(_SYLLABLE.match(fold(nfc(word)).casefold()))


def _syllable_to_cyrillic(word):
    lower = strip_tones(nfc(word)).casefold()
    initial, rest = "", lower
    for latin, cyrillic in _INITIALS:
        if lower.startswith(latin) and (len(lower) > len(latin) or latin == "gi"):
            initial, rest = cyrillic, lower[len(latin) :]
            if latin == "gi" and rest[:1] not in set("aăâeêoôơuưy"):
                rest = "i" + rest  # gìn: g + in, gi alone: g + i
            break
    nucleus = next((n for n in _NUCLEUS_KEYS if rest.startswith(n)), None)
    if nucleus is None:
        return None
    final_part = rest[len(nucleus) :]
    final = dict(_FINALS).get(final_part)
    if final_part and final is None:
        return None
    vowels = _NUCLEI[nucleus]
    if initial in {"х", "кх", "тх"} and nucleus in {"uê", "uy", "uyê", "ue", "uye"}:
        vowels = "ю" + vowels[1:]  # Huệ → Хюэ, Huy → Хюи
    if initial.endswith("ь"):
        initial = initial[:-1]
        vowels = _SOFTENED.get(vowels[0], vowels[0]) + vowels[1:]
    elif not initial and vowels[0] == "е":
        vowels = "э" + vowels[1:]  # a word that begins with e or ê
    return initial + vowels + (final or "")


def to_cyrillic(name):
    """Kontsevich's transcription of a Vietnamese name; None when a word is not a Vietnamese syllable."""
    words = []
    for word in nfc(name).split():
        cyrillic = _syllable_to_cyrillic(word)
        if cyrillic is None:
            return None
        words.append(cyrillic[:1].upper() + cyrillic[1:])
    return " ".join(words) or None


def is_cyrillic(text):
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


# Lossy on purpose: what transcriptions and unaccented spellings disagree on (ы/у, э/е, я/а, the soft sign,
# d/đ) does not separate names.
_SKELETON = str.maketrans({"з": "д", "ы": "у", "э": "е", "ё": "е", "й": "и", "я": "а", "ю": "у", "ь": None, "ъ": None})


def skeleton(name):
    """One key for a name in any script: Mai Thi Thu Van, Mai Thị Thu Vân and Май Тхи Тху Ван share it.
    Latin names that are not Vietnamese keep their folded spelling."""
    name = " ".join(nfc(name).split())
    if not is_cyrillic(name):
        name = to_cyrillic(name) or fold(name)
    return name.casefold().translate(_SKELETON)


def tone_key(name):
    """Name with diacritics as a comparable key; tone placement (hoà, hòa) does not matter. None without
    diacritics: an unaccented spelling cannot tell two such names apart."""
    name = nfc(name)
    if name.isascii() or is_cyrillic(name):
        return None
    words = []
    for word in name.casefold().split():
        tones = "".join(_TONES[ch] for ch in unicodedata.normalize("NFD", word) if ch in _TONES)
        words.append(strip_tones(word) + tones)
    return " ".join(words)


def has_diacritics(name):
    return tone_key(name) is not None and fold(name) != name


def derived_aliases(name):
    """The spellings of a Vietnamese name that need no typing: as given, unaccented, Cyrillic."""
    name = " ".join(nfc(name).split())
    found = [(name, "vi"), (fold(name), "en")]
    if (cyrillic := to_cyrillic(name)) is not None:
        found.append((cyrillic, "ru"))
    return list(dict.fromkeys(found))


def same_name(a, b):
    """Whether two spellings, in any scripts, are taken for one person: one cross-script key, and no
    disagreement in diacritics when both have them."""
    if skeleton(a) != skeleton(b):
        return False
    key_a, key_b = tone_key(a), tone_key(b)
    return key_a is None or key_b is None or key_a == key_b
