"""Text analysis for the index and for queries (the same functions serve both, and highlighting).

Every field starts from NFC text, lowercased, split on word characters. Then:
- `exact`: nothing more (diacritics kept), so an exact-diacritic match can rank higher;
- `folded`: diacritics removed (Lê -> le, й -> и); Vietnamese text is only folded;
- `english`: folded, then the English Porter stemmer (documents -> document);
- `russian`: the Russian Snowball stemmer, then folded (документов -> документ). Stemming comes
  first because the stemmer knows `й` and `ё`, which folding removes.

Whoosh pickles the schema with its analyzers, so the analyzers below are module-level objects built
from importable classes.
"""

import re
from functools import lru_cache
from html import unescape

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang import stemmer_for_language
from whoosh.lang.porter import stem as _porter_stem

from archive.text import fold, nfc

# Runs of word characters. `101/2023/QH15` or `e-government` become adjacent tokens, and the query
# parser searches such a multi-part word as a phrase.
WORD_PATTERN = r"\w+"

_russian_stem = stemmer_for_language("ru")


@lru_cache(maxsize=100_000)
def fold_token(token):
    return fold(token)


@lru_cache(maxsize=100_000)
def stem_en(folded):
    return _porter_stem(folded)


@lru_cache(maxsize=100_000)
def stem_ru(lowered):
    return fold(_russian_stem(lowered.replace("ё", "е")))


class NfcTokenizer(RegexTokenizer):
    """RegexTokenizer over NFC text (decomposed Vietnamese would otherwise split inside words)."""

    def __call__(self, value, **kwargs):
        return super().__call__(nfc(value), **kwargs)


class FoldFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_token(t.text)
            yield t


class EnglishStemFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = stem_en(t.text)
            yield t


class RussianStemFoldFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = stem_ru(t.text)
            yield t


def _base():
    return NfcTokenizer(WORD_PATTERN) | LowercaseFilter()


exact_analyzer = _base()
_word_analyzer = _base()
folded_analyzer = _base() | FoldFilter()
english_analyzer = _base() | FoldFilter() | EnglishStemFilter()
russian_analyzer = _base() | RussianStemFoldFilter()


def words(text):
    """Lowercased NFC words of `text` with their character spans: [(word, start, end)]."""
    return [(t.text, t.startchar, t.endchar) for t in _word_analyzer(text, chars=True)]


def forms(word):
    """All index forms of one lowercased word: {"exact", "text" (folded), "text_en", "text_ru"}."""
    folded = fold_token(word)
    return {"exact": word, "text": folded, "text_en": stem_en(folded), "text_ru": stem_ru(word)}


_TAG_RE = re.compile(r"<[^>]*>")


def plain_text(html):
    """Readable text of sanitized HTML: tags become spaces (so that paragraphs do not run together)."""
    return " ".join(unescape(_TAG_RE.sub(" ", html)).split())
