""" "Did you mean": the closest indexed words for the words of a query that found little.

Built on Whoosh's reader corrector, for words the index holds in no form (folded, exact or stemmed).
A word typed with diacritics is corrected against the `exact` field first, so a Vietnamese reader
gets `phủ` back, not `phu`; otherwise (or when that finds nothing) against the folded `text` field,
which holds every language. The corrector skips through the sorted term list and a shared first
letter is required, so each word costs milliseconds, not seconds.
"""

import time

from archive.search.analysis import forms, words

FEW_HITS = 3  # suggest when a search finds fewer articles than this
MAX_WORDS = 8


def _same_case(typed, word):
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def suggestion(searcher, text, deadline=None):
    """The query with unknown words replaced by their closest indexed word, or None. Words past `deadline` (a
    time.monotonic() value) are left as typed."""
    reader = searcher.reader()
    correctors = {}

    def closest(field, word):
        if field not in correctors:
            correctors[field] = searcher.corrector(field)
        found = correctors[field].suggest(word, limit=1, maxdist=2, prefix=1)
        return found[0] if found and found[0] != word else None

    replacements = []
    for word, start, end in words(text)[:MAX_WORDS]:
        if deadline is not None and time.monotonic() > deadline:
            break
        known = forms(word)
        folded = known["text"]
        if len(folded) < 3 or folded.isdigit() or any(reader.doc_frequency(f, t) for f, t in known.items()):
            continue
        better = (closest("exact", word) if word != folded else None) or closest("text", folded)
        replacements.append((start, end, better))
    return rewrite(text, replacements)


def rewrite(text, replacements):
    """`text` with each (start, end, better word or None) replaced in the case it was typed; None when
    nothing is."""
    pieces, pos = [], 0
    for start, end, better in replacements:
        if better:
            pieces += [text[pos:start], _same_case(text[start:end], better)]
            pos = end
    if not pieces:
        return None
    pieces.append(text[pos:])
    return "".join(pieces)
