""" "Did you mean": the closest indexed words for the words of a query that found little.

Built on Whoosh's reader corrector over the folded, unstemmed `text` field (any language), for words
the index holds in no form (folded, exact or stemmed). The corrector skips through the sorted term
list with a Levenshtein automaton, and a shared first letter is required, so each word costs
milliseconds, not seconds.
"""

from archive.search.analysis import forms, words

FEW_HITS = 3  # suggest when a search finds fewer articles than this
MAX_WORDS = 8


def suggestion(searcher, text):
    """The query with unknown words replaced by their closest indexed word, or None."""
    reader = searcher.reader()
    corrector = None
    pieces, pos, changed = [], 0, False
    for word, start, end in words(text)[:MAX_WORDS]:
        known = forms(word)
        folded = known["text"]
        if len(folded) < 3 or folded.isdigit() or any(reader.doc_frequency(f, t) for f, t in known.items()):
            continue
        corrector = corrector or searcher.corrector("text")
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if found and found[0] != folded:
            pieces += [text[pos:start], found[0]]
            pos, changed = end, True
    if not changed:
        return None
    pieces.append(text[pos:])
    return "".join(pieces)
