"""Titles and snippets with <mark> around matched words; everything else escaped.

A word matches a query word when it has the same folded form (so `Le` marks `Lê`), or the same stem
in the article's language (`документ` marks `документов`). A phrase, a name or a document number is
marked only where its words stand together (`101/2023/QH15` marks that number, not every `2023`).
This uses the index's own analysis (archive/search/analysis.py), which haystack's highlighter does
not, and it never emits unescaped stored text (haystack's `{% highlight %}` does).
"""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.search.analysis import forms, words
from archive.text import fold, nfc

SNIPPET_CHARS = 240
# Matches are looked for in this much of the text first, and in the rest only when it holds none: finding them
# costs a Python step per word, and the articles a search ranks first mostly match early.
FIRST_LOOK = 1200
STEMMED = ("en", "ru")  # languages whose words are also compared by stem


def _keys(f, language):
    """What a word (given by its analysis.forms) is compared by: its folded form, and its stem in a
    stemmed language."""
    keys = {("folded", f["text"])}
    if language in STEMMED:
        keys.add((language, f[f"text_{language}"]))
    return keys


@lru_cache(maxsize=50_000)
def _word_keys(word, language):
    return frozenset(_keys(forms(word), language))


class Marker:
    def __init__(self, sequences):
        """`sequences`: word tuples (a plain string counts as a one-word tuple)."""
        self.sequences = [
            (s,) if isinstance(s, str) else tuple(s) for s in dict.fromkeys(sequences) if s
        ]  # fmt: skip
        self.query_forms = [[forms(w) for w in sequence] for sequence in self.sequences]
        self.longest = max((len(sequence) for sequence in self.sequences), default=0)
        self._languages = {}  # language -> (query keys, first keys, {word: sequences it may start})

    def __bool__(self):
        return bool(self.sequences)

    def _for(self, language):
        """Per sequence, per position, the keys a text word must share with that query word; the sequences each
        key of a first word starts; and a cache of the sequences each text word may start (hits share words)."""
        if language not in self._languages:
            query_keys = [[_keys(f, language) for f in sequence] for sequence in self.query_forms]
            first = {}
            for n, row in enumerate(query_keys):
                for key in row[0]:
                    first.setdefault(key, set()).add(n)
            self._languages[language] = (query_keys, first, {})
        return self._languages[language]

    def _starting(self, word, language):
        _, first, starting = self._for(language)
        if word not in starting:
            keys = _word_keys(word, language)
            starting[word] = set().union(*(first[key] for key in keys & first.keys())) if keys & first.keys() else ()
        return starting[word]

    def spans(self, text, language):
        """Sorted, non-overlapping (start, end) character spans of matches in `text`."""
        if not self.sequences:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lowercase is longer: offsets would shift
            return self._spans(words(text), language)
        query_keys, first, _ = self._for(language)
        folded = None if language in STEMMED else _folded(lowered)
        if folded is not None:
            # Words compared by folded form only: the words that may start a sequence are found by the regex engine
            # in the folded text (as long as the text, so its offsets are the text's).
            starters = {key[1]: sequences for key, sequences in first.items()}
            scanned = folded
        else:
            # Only the distinct words that may start a sequence are looked up word by word (texts repeat their
            # words, and most of them start none); the scan for them runs in the regex engine.
            starters = {w: n for w in set(_WORD_RE.findall(lowered)) if (n := self._starting(w, language))}
            scanned = lowered
        if not starters:
            return []
        found = []
        for match in _alternation(tuple(sorted(starters))).finditer(scanned):
            following = [(m.group(), m.start(), m.end()) for m in _following(lowered, match.start(), self.longest)]
            found += _matches(following, starters[match.group()], query_keys, language)
        return _merge(found)

    def _spans(self, tokens, language):
        """The same as spans(), a word at a time: for texts whose lowercase changes their length."""
        query_keys = self._for(language)[0]
        found = []
        for i, (word, _, _) in enumerate(tokens):
            found += _matches(tokens[i : i + self.longest], self._starting(word, language), query_keys, language)
        return _merge(found)


_WORD_RE = re.compile(r"\w+")


class _FoldTable(dict):
    """str.translate's table from a character to its folded form, filled as characters come: a character whose
    folded form is not one character (or a lone combining mark) has none."""

    def __missing__(self, code):
        folded = fold(chr(code))
        self[code] = folded if len(folded) == 1 else None
        return self[code]


_FOLD_TABLE = _FoldTable()


def _folded(lowered):
    """`lowered` folded character by character (what analysis folds each word to), or None where that would not
    keep its length."""
    if lowered.isascii():
        return lowered
    try:
        folded = lowered.translate(_FOLD_TABLE)
    except TypeError:
        return None
    return folded if len(folded) == len(lowered) else None


@lru_cache(maxsize=1_000)
def _alternation(starters):
    """Any of these words, as a whole word (what `\\w+` would find as one token)."""
    words = "|".join(re.escape(w) for w in sorted(starters, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


def _following(lowered, start, count):
    for n, m in enumerate(_WORD_RE.finditer(lowered, start)):
        if n >= count:
            return
        yield m


def _matches(tokens, sequences, query_keys, language):
    """Spans of the sequences (indexes into query_keys) that `tokens` (word, start, end) begin with."""
    found = []
    for n in sequences:
        row = query_keys[n]
        if len(row) <= len(tokens) and all(_word_keys(tokens[k][0], language) & row[k] for k in range(len(row))):
            found.append((tokens[0][1], tokens[len(row) - 1][2]))
    return found


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def render(text, spans):
    """Escaped `text` with <mark> around each (start, end) span."""
    out, pos = [], 0
    for start, end in spans:
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above went through escape()


def title(text, marker, language):
    text = nfc(text)  # spans are offsets in NFC text (archive/search/analysis.py tokenizes NFC)
    return render(text, marker.spans(text, language) if marker else [])


def _first_spans(text, marker, language):
    if not marker:
        return []
    if len(text) > FIRST_LOOK:
        # Cut at a space, so that no word is cut in two (and found as another word).
        cut = text.rfind(" ", 0, FIRST_LOOK)
        spans = marker.spans(text[:cut], language) if cut > 0 else []
        if spans:
            return spans
    return marker.spans(text, language)


def snippet(text, marker, language, size=SNIPPET_CHARS):
    """A window of about `size` characters around the densest cluster of matches, cut at word edges."""
    text = nfc(text)
    spans = _first_spans(text, marker, language)
    if len(text) <= size:
        return render(text, spans)
    start = 0
    if spans:
        spans = spans[:200]
        # The window that starts at a match and holds the most matches.
        best = max(range(len(spans)), key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + size))
        start = max(0, spans[best][0] - size // 4)
        floor = max(0, start - 40)
        while start > floor and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + size)
    ceiling = min(len(text), end + 40)
    while end < ceiling and not text[end].isspace():
        end += 1
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = render(text[start:end].rstrip(), window)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(escape(prefix) + body + escape(suffix))  # noqa: S308 - parts escaped
