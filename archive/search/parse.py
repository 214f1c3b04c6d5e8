"""The query language a reader can type, parsed by hand into Whoosh query objects.

    words          all must match (ranked)
    "a phrase"     the words in this order (typographic quotes “…” „…“ «…» work too)
    -word -"a b"   must not match
    a OR b         either (OR in capitals, between two terms)

Anything else is read as plain words: `title:foo` is `title foo`, `*`, `?`, `(` and lone operators are
dropped, an unbalanced quote is ignored. A word made of parts joined by `/ . - '` (`101/2023/QH15`,
`e-government`) is searched as a phrase of its parts. No user text ever reaches a query-language
parser: every word goes through archive/search/analysis.py and into a Whoosh Term or Phrase.

A run of words that spells an official's alias (in any script, with or without diacritics) also
matches every other alias of that official and the articles tagged with them. Names are found before
OR binds, so `Lê Minh Khái OR Phạm Minh Chính` is one name or the other.
"""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from archive.search.analysis import forms, words

OR = "OR"
MAX_UNITS = 32  # words and phrases beyond this are ignored: bounded cost for any input
RANKING_WORDS = 4  # distinct words of a phrase that rank the documents it matched

# Query fields with their weights. `exact` keeps diacritics, so an exact-diacritic match scores above
# a folded-only one; `title` favours articles whose title matches.
FIELD_BOOSTS = {"text": 1.0, "exact": 1.5, "text_en": 1.0, "text_ru": 1.0, "title": 2.0}
# When the reader typed diacritics, `exact` weighs this much more: the spelling must outweigh a few more
# folded occurrences (an English article says "Le Minh Khai" more often than the Vietnamese one says
# "Lê Minh Khái", and every article tagged with him holds all his spellings).
DIACRITICS_BOOST = 2.0
OFFICIAL_BOOST = 2.0
REF_BOOST = 3.0

# Quotation marks readers type in Vietnamese, Russian and English text, and what phones substitute.
_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»＂〝〞", '"'))
_TOKEN_RE = re.compile(r'-?"[^"]*"|\S+')
_JOINED_RE = re.compile(r"^\w+(?:[/.\-'’]\w+)+$")
_PUNCTUATION = ".,;:!?()[]{}/-'’"  # around a token, not part of it: `(101/2023/QH15).`, `e-government-`


@dataclass
class Unit:
    """A word or phrase: lowercased words, searched in this order."""

    words: tuple
    ref: str = ""  # the typed form when it looks like a legal document number
    officials: frozenset = frozenset()  # slugs of the officials whose alias these words spell


@dataclass
class Clause:
    """Alternatives joined by OR."""

    units: list

    @property
    def officials(self):
        return frozenset().union(*(unit.officials for unit in self.units))


# Markers between units in the order typed: an OR, or an excluded term (which OR must not reach across).
_OR, _BARRIER = "or", "barrier"


@dataclass
class Parsed:
    required: list = field(default_factory=list)  # of Clause, all must match
    excluded: list = field(default_factory=list)  # of Unit
    sequence: list = field(default_factory=list)  # required Units and markers, as typed

    def __bool__(self):
        return bool(self.required or self.excluded)

    def marked(self, aliases=None):
        """Word sequences that count as a match, for highlighting: every required unit, and every
        spelling of the officials it names."""
        found = [unit.words for clause in self.required for unit in clause.units]
        if aliases is not None:
            for clause in self.required:
                for slug in sorted(clause.officials):
                    found += aliases.spellings.get(slug, ())
        return list(dict.fromkeys(found))


def _is_ref(token):
    # A legal document number has a slash and a digit: 101/2023/QH15, 15/2020/NĐ-CP, 27-NQ/TW.
    return "/" in token and any(ch.isdigit() for ch in token)


def _units(token):
    """Units for one whitespace-separated token (not quoted)."""
    parts = words(token)
    if not parts:
        return []
    stripped = token.strip(_PUNCTUATION)
    if len(parts) > 1 and _JOINED_RE.match(stripped):
        return [Unit(tuple(w for w, _, _ in parts), ref=stripped.lower() if _is_ref(stripped) else "")]
    return [Unit((w,)) for w, _, _ in parts]


def _bind(sequence):
    """Clauses from units and markers: `a OR b` puts b in a's clause."""
    clauses, pending_or, previous_is_unit = [], False, False
    for item in sequence:
        if item == _OR:
            pending_or = previous_is_unit
        elif item == _BARRIER:
            pending_or = previous_is_unit = False
        else:
            if pending_or:
                clauses[-1].units.append(item)
            else:
                clauses.append(Clause([item]))
            pending_or, previous_is_unit = False, True
    return clauses


def parse(text):
    """Parse what a reader typed; never raises."""
    parsed = Parsed()
    count = 0
    for token in _TOKEN_RE.findall((text or "").translate(_QUOTES)):
        if count >= MAX_UNITS:
            break
        if token == OR:
            parsed.sequence.append(_OR)
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        if body.startswith('"') and body.endswith('"') and len(body) >= 2:
            phrase = tuple(w for w, _, _ in words(body[1:-1]))
            units = [Unit(phrase)] if phrase else []
        else:
            units = _units(body)
        units = units[: MAX_UNITS - count]  # one token can hold many words: `a|b|c|…`
        if not units:
            continue
        count += len(units)
        if negative:
            parsed.excluded += units
            parsed.sequence.append(_BARRIER)
        else:
            parsed.sequence += units
    parsed.required = _bind(parsed.sequence)
    return parsed


def _folded(unit):
    return tuple(forms(w)["text"] for w in unit.words)


def expand_aliases(parsed, aliases):
    """Merge each run of adjacent words/phrases that spells an alias into one unit naming its officials
    (the longest run wins), then bind OR again over the merged units."""
    sequence, i = [], 0
    items = parsed.sequence
    while i < len(items):
        match = None
        if isinstance(items[i], Unit):
            for j in range(min(len(items), i + aliases.longest), i, -1):
                span = items[i:j]
                if not all(isinstance(item, Unit) for item in span):
                    continue
                key = tuple(w for unit in span for w in _folded(unit))
                if key in aliases.by_words:
                    match = (j, key)
                    break
        if match is None:
            sequence.append(items[i])
            i += 1
            continue
        j, key = match
        typed = tuple(w for unit in items[i:j] for w in unit.words)
        sequence.append(Unit(typed, officials=aliases.by_words[key]))
        i = j
    parsed.sequence = sequence
    parsed.required = _bind(sequence)
    return parsed


def weights(unit):
    """Field -> weight for searching this word or phrase (FIELD_BOOSTS, with DIACRITICS_BOOST applied)."""
    out = dict(FIELD_BOOSTS)
    if any(w != forms(w)["text"] for w in unit.words):
        out["exact"] *= DIACRITICS_BOOST
    return out


def unit_query(unit, boost=1.0, ranking=False):
    """A word or phrase in every field that can hold it (see archive/search/analysis.py for what each holds).

    A word: its folded form in `text` and `title`, its English and Russian stems in `text_en`/`text_ru`
    (where stemming changed a word) and in `text` (where the word is its own stem). A phrase: its folded
    words in order in `text` and `title`. The words as typed add the `exact` field's score to articles that
    spell them so (more when typed with diacritics), without changing what matches.
    """
    weight = weights(unit)
    alternatives = {}

    def add(name, term, factor):
        key = (name, term)
        alternatives[key] = max(alternatives.get(key, 0.0), factor * boost)

    found = [forms(w) for w in unit.words]
    if len(found) == 1:
        (f,) = found
        add("text", f["text"], weight["text"])
        add("title", f["text"], weight["title"])
        for name in ("text_en", "text_ru"):
            add(name, f[name], weight[name])
            add("text", f[name], weight[name])
        query = [wq.Term(name, term, boost=b) for (name, term), b in alternatives.items()]
    elif ranking:
        # To rank what is known to match, a few of its words are enough: positions are what makes phrases slow.
        folded = list(dict.fromkeys(f["text"] for f in found))[:RANKING_WORDS]
        query = [wq.And([wq.Term(name, w) for w in folded], boost=weight[name] * boost) for name in ("text", "title")]
    else:
        folded = [f["text"] for f in found]
        query = [wq.Phrase(name, folded, boost=weight[name] * boost) for name in ("text", "title")]
    if unit.ref:
        query.append(wq.Term("refs", unit.ref, boost=REF_BOOST * boost))
    query = wq.Or(query)
    # All the words spelled as typed (the exact field has no positions for a phrase).
    bonus = [wq.Term("exact", w, boost=weight["exact"] * boost) for w in dict.fromkeys(f["exact"] for f in found)]
    return wq.AndMaybe(query, bonus[0] if len(bonus) == 1 else wq.And(bonus))


def _official_queries(unit, aliases, ranking=False):
    queries = []
    for slug in sorted(unit.officials):
        queries.append(wq.Term("officials", slug, boost=OFFICIAL_BOOST))
        # Other spellings only in the folded field: it holds every script, and one phrase per spelling is
        # enough (the typed spelling already gets the exact-diacritic boost).
        spellings = {tuple(forms(w)["text"] for w in spelling) for spelling in aliases.spellings.get(slug, ())}
        for words_ in sorted(spellings):
            if len(words_) == 1:
                query = wq.Term("text", words_[0])
            elif ranking:
                query = wq.And([wq.Term("text", w) for w in list(dict.fromkeys(words_))[:RANKING_WORDS]])
            else:
                query = wq.Phrase("text", list(words_))
            query.boost = 0.5
            queries.append(query)
    return queries


def clause_query(clause, aliases, ranking=False):
    alternatives = []
    for unit in clause.units:
        alternatives.append(unit_query(unit, ranking=ranking))
        alternatives += _official_queries(unit, aliases, ranking=ranking)
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


def positive_query(parsed, aliases, ranking=False):
    """The Whoosh query all required clauses must match, or None when there are none. `ranking`: the same
    with phrases as plain words, to score documents already known to match (it matches more)."""
    if not parsed.required:
        return None
    parts = [clause_query(clause, aliases, ranking) for clause in parsed.required]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def excluded_query(parsed):
    if not parsed.excluded:
        return None
    return wq.Or([unit_query(unit) for unit in parsed.excluded])
