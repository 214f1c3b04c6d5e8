"""Officials through their aliases (any script, with or without diacritics) and topics through their
per-language phrases. Matching is on folded text (case and diacritics ignored), on whole words.

A surname or given name alone ("Binh said") is not matched: several officials share each of them.
"""

import functools
import re

from archive.models import Official, OfficialAlias, Topic
from archive.text import fold, fold_key


@functools.cache
def _fold_table():
    # fold() one character at a time gives what fold() gives for NFC text (marks go, letters stay apart),
    # and str.translate does it several times faster on a long article.
    table = {}
    for code in range(0x80, 0x10000):
        if not 0xD800 <= code < 0xE000 and (folded := fold(chr(code))) != chr(code):
            table[code] = folded
    return table


def fast_fold(text):
    """fold() for NFC text, which is what ingest hands over."""
    return text if text.isascii() else text.translate(_fold_table())


def _phrase_pattern(phrase, *, keep_case=False):
    prefix = phrase.endswith("*")
    words = fold(phrase.rstrip("*")).split() if keep_case else fold_key(phrase.rstrip("*")).split()
    body = r"\s+".join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else ""
    return rf"{body}{tail}(?!\w)"  # the left word boundary is checked by _whole_words()


def _whole_words(pattern, text):
    """Matches that start a word. Patterns begin with a literal so that the regex engine can skip ahead
    (a leading look-behind makes it try every alternative at every position: ten times slower)."""
    position = 0
    while match := pattern.search(text, position):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            yield match
            position = match.end()
        else:
            position = start + 1  # another phrase may start inside this one


def _first_word(phrase, *, keep_case=False):
    words = (fold(phrase) if keep_case else fold_key(phrase)).rstrip("*").split()
    return words[0] if words else ""


class Gazetteer:
    """Officials and topics, loaded once per import run."""

    def __init__(self):
        self.officials = {}  # folded alias -> official id
        self.official_names = {}
        for official_id, name in Official.objects.values_list("id", "name"):
            self.official_names[official_id] = name
            self.officials[fold_key(name)] = official_id
        for official_id, folded in OfficialAlias.objects.values_list("official_id", "folded"):
            self.officials[folded] = official_id
        aliases = sorted(self.officials, key=len, reverse=True)
        self._official_re = (
            re.compile("(" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in aliases) + r")(?!\w)")
            if aliases
            else None
        )
        self.topics = {}  # slug -> id
        self.topic_lookup = {}  # folded slug or name -> id
        self._topic_res = {}  # (topic id, language) -> (casefolded regex, case-kept regex)
        # Each phrase's first word, which must be in the text for the (slower) regex to be worth running.
        self._topic_words = {}  # (topic id, language) -> (casefolded words, case-kept words)
        for topic in Topic.objects.all():
            self.topics[topic.slug] = topic.id
            for key in (topic.slug, topic.name_en, topic.name_ru, topic.name_vi):
                if key:
                    self.topic_lookup[fold_key(key)] = topic.id
            for language in ("en", "ru", "vi"):
                phrases = topic.keywords(language)
                # Acronyms (PAR, TTHC) match in capitals only: "par" is an ordinary word.
                lower = [_phrase_pattern(p) for p in phrases if not p.rstrip("*").isupper()]
                upper = [_phrase_pattern(p, keep_case=True) for p in phrases if p.rstrip("*").isupper()]
                self._topic_res[topic.id, language] = (
                    re.compile("|".join(lower)) if lower else None,
                    re.compile("|".join(upper)) if upper else None,
                )
                self._topic_words[topic.id, language] = (
                    [_first_word(p) for p in phrases if not p.rstrip("*").isupper()],
                    [_first_word(p, keep_case=True) for p in phrases if p.rstrip("*").isupper()],
                )

    def match(self, text, language):
        """(official ids, topic ids) named in a text; the text is folded once for both."""
        kept = " ".join(fast_fold(text).split())
        folded = kept.casefold()
        return self.match_officials(folded, folded=True), self.match_topics(kept, language, folded=True)

    def match_officials(self, text, *, folded=False):
        if not self._official_re:
            return []
        found = []
        for match in _whole_words(self._official_re, text if folded else fold_key(text)):
            official_id = self.officials[" ".join(match.group(1).split())]
            if official_id not in found:
                found.append(official_id)
        return found

    def match_topics(self, text, language, *, folded=False):
        """With folded=True, `text` is already folded with case kept (acronyms need their capitals)."""
        kept = text if folded else " ".join(fold(text).split())
        folded = kept.casefold()
        found = []
        for (topic_id, lang), (lower, upper) in self._topic_res.items():
            if lang != language or topic_id in found:
                continue
            lower_words, upper_words = self._topic_words[topic_id, lang]
            if (lower and any(w in folded for w in lower_words) and next(_whole_words(lower, folded), None)) or (
                upper and any(w in kept for w in upper_words) and next(_whole_words(upper, kept), None)
            ):
                found.append(topic_id)
        return found

    def resolve_officials(self, names):
        """Editor-given names (any alias, any script) to ids; returns (ids, unknown names)."""
        return _resolve(names, self.officials)

    def resolve_topics(self, names):
        """Editor-given topic slugs or names (any language) to ids; returns (ids, unknown names)."""
        return _resolve(names, self.topic_lookup)


def _resolve(names, lookup):
    """Names to the distinct ids `lookup` (by fold_key) gives them, in order, and the names it does not know."""
    ids, unknown = [], []
    for name in names:
        found = lookup.get(fold_key(name))
        if found is None:
            unknown.append(name)
        elif found not in ids:
            ids.append(found)
    return ids, unknown
