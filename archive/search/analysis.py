"""Text analysis for the index and for queries (the same functions serve both, and highlighting).

Every field starts from NFC text, lowercased, split on word characters. Then:
- `folded` (the `text` and `title` fields, every article): diacritics removed (Lê -> le, й -> и), with
  positions for phrases. Vietnamese text is only folded.
- `exact`: the words as written (diacritics kept), without positions, so that an exact-diacritic match can
  rank higher (and `Le Minh Khai` typed plainly prefers the article that spells it so).
- `en` (`text_en`, English articles): the Porter stem of each folded word, where it differs from the word
  (documents -> document). `ru` (`text_ru`, Russian articles): the Snowball stem, before folding, where it
  differs (документов -> документ). A stem equal to its word is already in `text`, so these fields hold
  only what stemming adds; queries look for a word's stem in both places.

In `text`, the names an article is found by through its tags follow its own words after `TAGS` (a form feed):
their positions start at TAG_POSITION, so that no phrase spans the two, and ranking can tell words an article
says from names it is tagged with.

Stems only where they differ, and positions only in `text` and `title`, cut the postings the index writes by
a third compared with indexing the whole text, with positions, in every field. `index_terms()` computes what each field
holds in one regex pass; the Whoosh analyzers below produce the same terms (tests check) and are what the
pickled schema carries, so they are module-level objects built from importable classes.
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
# What the index reads: words, and line breaks, which take a position of their own so that no phrase spans two
# lines (title, lead, body, each tag name).
INDEX_PATTERN = r"\w+|\n"

# Between an article's own words and its tags' names in the `text` field; see the module docstring.
TAGS = "\f"
TAG_POSITION = 1 << 24

_russian_stem = stemmer_for_language("ru")


@lru_cache(maxsize=100_000)
def fold_token(token):
    return fold(token)


@lru_cache(maxsize=100_000)
def stem_en(folded):
    return _porter_stem(folded)


_CYRILLIC = re.compile("[\u0400-\u04ff]")


@lru_cache(maxsize=100_000)
def stem_ru(lowered):
    # Only Cyrillic words: Whoosh's Snowball stemmer applies Russian endings to Latin words as if they
    # were transliterated (`office` -> `offic`) and turns Vietnamese ones into mixed-script garbage.
    if not _CYRILLIC.search(lowered):
        return fold(lowered)
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
    """Folded words in, their Porter stems out, where they differ from the word."""

    def __call__(self, tokens):
        for t in tokens:
            stem = stem_en(t.text)
            if stem != t.text:
                t.text = stem
                yield t


class RussianStemFilter(Filter):
    """Lowercased words in, their folded Snowball stems out, where they differ from the folded word."""

    def __call__(self, tokens):
        for t in tokens:
            stem = stem_ru(t.text)
            if stem != fold_token(t.text):
                t.text = stem
                yield t


class LineBreakFilter(Filter):
    """Drops the line-break tokens, leaving the gap in positions they made."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text != "\n":
                yield t


def _base():
    return NfcTokenizer(INDEX_PATTERN) | LowercaseFilter() | LineBreakFilter()


exact_analyzer = _base()
_word_analyzer = _base()
folded_analyzer = _base() | FoldFilter()
english_analyzer = _base() | FoldFilter() | EnglishStemFilter()
russian_analyzer = _base() | RussianStemFilter()
ANALYZERS = {"folded": folded_analyzer, "exact": exact_analyzer, "en": english_analyzer, "ru": russian_analyzer}

_WORD_RE = re.compile(WORD_PATTERN)
_INDEX_RE = re.compile(INDEX_PATTERN)


def index_terms(kind, text):
    """{term: [positions]} of `text` in a field of this kind (see the module docstring): what ANALYZERS[kind]
    produces, in one regex pass instead of a chain of per-token generators."""
    terms = {}
    own, _, tags = nfc(text).partition(TAGS)
    _add_terms(terms, kind, own, 0)
    if tags:
        _add_terms(terms, kind, tags, TAG_POSITION)
    return terms


def _add_terms(terms, kind, text, start):
    for pos, word in enumerate(_INDEX_RE.findall(text), start):
        if word == "\n":
            continue
        word = word.lower()
        folded = fold_token(word)
        if kind == "folded":
            term = folded
        elif kind == "exact":
            term = word
        elif kind == "en":
            term = stem_en(folded)
            term = term if term != folded else None
        else:
            term = stem_ru(word)
            term = term if term != folded else None
        if term is not None:
            terms.setdefault(term, []).append(pos)


def words(text):
    """Lowercased NFC words of `text` with their character spans in its NFC form: [(word, start, end)].
    What `_word_analyzer` gives, without a Token object per word."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(nfc(text))]


def forms(word):
    """All index forms of one lowercased word: {"exact", "text" (folded), "text_en", "text_ru"}."""
    folded = fold_token(word)
    return {"exact": word, "text": folded, "text_en": stem_en(folded), "text_ru": stem_ru(word)}


_TAG_RE = re.compile(r"<[^>]*>")


def plain_text(html):
    """Readable text of sanitized HTML: tags become spaces (so that paragraphs do not run together)."""
    return " ".join(unescape(_TAG_RE.sub(" ", html)).split())
