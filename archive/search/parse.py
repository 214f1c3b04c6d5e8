"""The query language a reader can type, parsed by hand into plans that every engine searches the same way.

    words          all must match (ranked: words typed together that stand together first)
    "a phrase"     the words in this order (typographic quotes “…” „…“ «…» work too)
    -word -"a b"   must not match
    a OR b         either (OR in capitals, between two terms)

Anything else is read as plain words: `title:foo` is `title foo`, `*`, `?`, `(` and lone operators are
dropped, an unbalanced quote is ignored. A word made of parts joined by `/ . - '` (`101/2023/QH15`,
`e-government`) is searched as a phrase of its parts. No user text ever reaches a query-language
parser: every word goes through archive/search/analysis.py and into a Plan of terms and phrases.

A run of words that spells an official's alias (in any script, with or without diacritics) also
matches every other alias of that official and the articles tagged with them. Names are found before
OR binds, so `Lê Minh Khái OR Phạm Minh Chính` is one name or the other.
"""

import re
from dataclasses import dataclass, field

from archive.search.analysis import forms, words

OR = "OR"
MAX_WORDS = 32  # words beyond this are ignored (a phrase is cut short): bounded cost for any input

# Query fields with their weights. `exact` keeps diacritics, so an exact-diacritic match scores above
# a folded-only one; `title` favours articles whose title matches.
FIELD_BOOSTS = {"text": 1.0, "exact": 1.5, "text_en": 1.0, "text_ru": 1.0, "title": 2.0}
# When the reader typed diacritics, `exact` weighs this much more: the spelling must outweigh a few more
# folded occurrences (an English article says "Le Minh Khai" more often than the Vietnamese one says
# "Lê Minh Khái", and every article tagged with him holds all his spellings).
DIACRITICS_BOOST = 2.0
OFFICIAL_BOOST = 2.0
SPELLING_BOOST = 0.5  # an official's other spellings
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
    cut: bool = False  # words past MAX_WORDS were left out

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
    room = MAX_WORDS
    for token in _TOKEN_RE.findall((text or "").translate(_QUOTES)):
        if room <= 0:
            parsed.cut = True
            break
        if token == OR:
            parsed.sequence.append(_OR)
            continue
        negative = token.startswith("-") and len(token) > 1
        units = _token_units(token[1:] if negative else token)
        units, room, cut = _fit(units, room)  # one token can hold many words: `a|b|c|…`, a long phrase
        parsed.cut |= cut
        if not units:
            continue
        if negative:
            parsed.excluded += units
            parsed.sequence.append(_BARRIER)
        else:
            parsed.sequence += units
    parsed.required = _bind(parsed.sequence)
    return parsed


def _token_units(body):
    if body.startswith('"') and body.endswith('"') and len(body) >= 2:
        phrase = tuple(w for w, _, _ in words(body[1:-1]))
        return [Unit(phrase)] if phrase else []
    return _units(body)


def _fit(units, room):
    """(the units that fit in `room` words, the last one cut short if need be; the room left; whether any was cut)."""
    kept = []
    for unit in units:
        if room <= 0:
            return kept, room, True
        if len(unit.words) > room:
            kept.append(Unit(unit.words[:room]))
            return kept, 0, True
        kept.append(unit)
        room -= len(unit.words)
    return kept, room, False


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


# What to search, engine-neutral: the Whoosh backend evaluates it over arrays (archive/search/scoring.py); the
# Elasticsearch backend builds the same meaning in its own query language (archive/search/elasticsearch.py).


@dataclass(frozen=True)
class Alternative:
    """One way a word or phrase matches: one word (a term) or several (adjacent, in this order) in a field."""

    field: str
    words: tuple
    boost: float


@dataclass(frozen=True)
class Plan:
    """A word or phrase: it matches where any alternative does. The `bonus` terms, (field, word, boost), add to
    the score of a match that has all of them; they never decide a match."""

    alternatives: tuple
    bonus: tuple = ()


def unit_plan(unit):
    """A word or phrase in every field that can hold it (see archive/search/analysis.py for what each holds).

    A word: its folded form in `text` and `title`, its English and Russian stems in `text_en`/`text_ru`
    (where stemming changed a word) and in `text` (where the word is its own stem). A phrase: its folded
    words in order in `text` and `title`. The words as typed add the `exact` field's score to articles that
    spell them so (more when typed with diacritics), without changing what matches.
    """
    weight = weights(unit)
    found = [forms(w) for w in unit.words]
    alternatives = {}
    if len(found) == 1:
        (f,) = found
        keys = [("text", f["text"], "text"), ("title", f["text"], "title")]
        for name in ("text_en", "text_ru"):
            keys += [(name, f[name], name), ("text", f[name], name)]
        for field_, term, weighed in keys:
            key = (field_, (term,))
            alternatives[key] = max(alternatives.get(key, 0.0), weight[weighed])
    else:
        folded = tuple(f["text"] for f in found)
        alternatives = {(name, folded): weight[name] for name in ("text", "title")}
    if unit.ref:
        alternatives[("refs", (unit.ref,))] = REF_BOOST
    bonus = tuple(("exact", w, weight["exact"]) for w in dict.fromkeys(f["exact"] for f in found))
    return Plan(tuple(Alternative(f, w, b) for (f, w), b in alternatives.items()), bonus)


def official_alternatives(unit, aliases):
    """The officials whose alias `unit` spells: their tag, and every other spelling in the folded field (one
    phrase per spelling is enough: the typed spelling already gets the exact-diacritic boost)."""
    spellings = aliases.spellings if aliases is not None else {}
    found = []
    for slug in sorted(unit.officials):
        found.append(Alternative("officials", (slug,), OFFICIAL_BOOST))
        folded = {tuple(forms(w)["text"] for w in spelling) for spelling in spellings.get(slug, ())}
        found += [Alternative("text", words_, SPELLING_BOOST) for words_ in sorted(folded)]
    return found


def clause_plans(clause, aliases):
    """The plans of a clause: it matches where any of them does."""
    plans = []
    for unit in clause.units:
        plans.append(unit_plan(unit))
        plans += [Plan((alternative,)) for alternative in official_alternatives(unit, aliases)]
    return plans


def adjacent_runs(parsed):
    """Runs of folded words the reader typed next to each other, within and across required units (not across
    an OR or an excluded term, nor through a clause of alternatives): articles holding more of them together
    rank first. Runs of one word are left out."""
    alone = {id(clause.units[0]) for clause in parsed.required if len(clause.units) == 1}
    runs, run = [], []
    for item in parsed.sequence:
        if id(item) in alone:
            run += _folded(item)
            continue
        runs.append(tuple(run))
        run = []
    runs.append(tuple(run))
    return list(dict.fromkeys(run for run in runs if len(run) > 1))
