"""Officials through their aliases (any script, with or without diacritics) and topics through their
per-language phrases. Matching is on folded text (case and diacritics ignored), on whole words.

A surname or given name alone ("Binh said") is not matched: several officials share each of them.
Two officials whose names differ only by diacritics are told apart by the diacritics the text has; a text
without them names neither, and says so (`Tags.ambiguous`). People introduced by a role title are found too
(archive/officials/recognize.py): those the gazetteer knows in any spelling tag the article, the others
become candidates for an editor (archive/officials/candidates.py).
"""

import functools
import re
from dataclasses import dataclass, field

from archive.models import Official, OfficialAlias, Topic
from archive.officials.names import skeleton, tone_key
from archive.officials.recognize import find_mentions
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


@dataclass
class Tags:
    """What the gazetteer finds in one text."""

    officials: list
    topics: list
    ambiguous: list = field(default_factory=list)  # (name as found, [official names it could be])
    mentions: list = field(default_factory=list)  # (Mention, official id or None, note)

    def auto(self):
        return {"officials": sorted(self.officials), "topics": sorted(self.topics)}


class Gazetteer:
    """Officials and topics, loaded once per import run."""

    def __init__(self):
        self.officials = {}  # folded alias -> official ids (several when names differ only by diacritics)
        self.official_names = {}
        self.by_skeleton = {}  # cross-script key -> official ids
        self.tone_keys = {}  # official id -> tone keys of its spellings with diacritics
        for official_id, name in Official.objects.values_list("id", "name"):
            self.official_names[official_id] = name
            self._add_spelling(official_id, name, fold_key(name))
        for official_id, name, folded in OfficialAlias.objects.values_list("official_id", "name", "folded"):
            self._add_spelling(official_id, name, folded)
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

    def _add_spelling(self, official_id, name, folded):
        self.officials.setdefault(folded, set()).add(official_id)
        self.by_skeleton.setdefault(skeleton(name), set()).add(official_id)
        if key := tone_key(name):
            self.tone_keys.setdefault(official_id, set()).add(key)

    def match(self, text, language):
        """(official ids, topic ids) named in a text."""
        tags = self.tag(text, language)
        return tags.officials, tags.topics

    def tag(self, text, language):
        """Officials (by alias, and by title in any spelling), topics, ambiguous names and role mentions."""
        kept = " ".join(fast_fold(text).split())
        folded = kept.casefold()
        tags = Tags(officials=[], topics=self.match_topics(kept, language, folded=True))
        tags.officials = self.match_officials(folded, folded=True, original=text, ambiguous=tags.ambiguous)
        for mention in find_mentions(text, language):
            official_id, note = self.link(mention.name)
            tags.mentions.append((mention, official_id, note))
            if official_id is not None and official_id not in tags.officials:
                tags.officials.append(official_id)
        return tags

    def match_officials(self, text, *, folded=False, original=None, ambiguous=None):
        if not self._official_re:
            return []
        found = []
        for match in _whole_words(self._official_re, text if folded else fold_key(text)):
            ids = self.officials[" ".join(match.group(1).split())]
            official_id = next(iter(ids)) if len(ids) == 1 else self._by_diacritics(ids, original or text)
            if official_id is None and ambiguous is not None:
                names = sorted(self.official_names[i] for i in ids)
                if (match.group(1), names) not in ambiguous:
                    ambiguous.append((match.group(1), names))
            elif official_id is not None and official_id not in found:
                found.append(official_id)
        return found

    def _by_diacritics(self, ids, original):
        """Of officials whose names fold alike, the one whose spelling with diacritics the text has."""
        words = re.findall(r"\w+", original)
        present = set()
        for official_id in ids:
            for key in self.tone_keys.get(official_id, ()):
                if _has_words(words, key.split()):
                    present.add(official_id)
        return present.pop() if len(present) == 1 else None

    def link(self, name):
        """(official id, note) for a name found after a role title: the official it names in any script; or
        None and a note for a candidate (unknown: "", or a name that differs from an official's only by
        diacritics); or (None, None) when it could be several officials."""
        ids = self.by_skeleton.get(skeleton(name), set())
        if not ids:
            return None, ""
        key = tone_key(name)
        if key is None:  # no diacritics: one official, or several the name cannot tell apart (None: no candidate)
            return (next(iter(ids)), "") if len(ids) == 1 else (None, None)
        exact = [i for i in ids if key in self.tone_keys.get(i, {key})]
        if len(exact) == 1:
            return exact[0], ""
        if not exact:
            others = ", ".join(sorted(self.official_names[i] for i in ids))
            return None, f"Differs only by diacritics from {others}: may be another person"
        return None, None

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
        lookup = {}
        for name in names:
            ids = self.officials.get(fold_key(name), set())
            chosen = next(iter(ids)) if len(ids) == 1 else self._by_diacritics(ids, name) if ids else None
            if chosen is not None:
                lookup[fold_key(name)] = chosen
        return _resolve(names, lookup)

    def resolve_topics(self, names):
        """Editor-given topic slugs or names (any language) to ids; returns (ids, unknown names)."""
        return _resolve(names, self.topic_lookup)


def _has_words(words, wanted):
    """Whether `wanted` (tone keys of words) stands in `words` as a sequence."""
    keys = [tone_key(w) or w.casefold() for w in words]
    size = len(wanted)
    return any(keys[i : i + size] == wanted for i in range(len(keys) - size + 1))


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
