"""The query language a reader can type, parsed by hand into Whoosh query objects.

    words          all must match (ranked)
    "a phrase"     the words in this order
    -word -"a b"   must not match
    a OR b         either (OR in capitals, between two terms)

Anything else is read as plain words: `title:foo` is `title foo`, `*`, `?`, `(` and lone operators are
dropped, an unbalanced quote is ignored. A word made of parts joined by `/ . - '` (`101/2023/QH15`,
`e-government`) is searched as a phrase of its parts. No user text ever reaches a query-language
parser: every word goes through archive/search/analysis.py and into a Whoosh Term or Phrase.

A run of words that spells an official's alias (in any script, with or without diacritics) also
matches every other alias of that official and the articles tagged with them.
"""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from archive.search.analysis import forms, words

OR = "OR"
MAX_UNITS = 32  # words and phrases beyond this are ignored: bounded cost for any input

# Query fields with their weights. `exact` keeps diacritics, so an exact-diacritic match scores above
# a folded-only one; `title` favours articles whose title matches.
FIELD_BOOSTS = {"text": 1.0, "exact": 1.5, "text_en": 1.0, "text_ru": 1.0, "title": 2.0}
OFFICIAL_BOOST = 2.0
REF_BOOST = 3.0

_TOKEN_RE = re.compile(r'-?"[^"]*"|\S+')
_JOINED_RE = re.compile(r"^\w+(?:[/.\-'’]\w+)+$")
_REF_RE = re.compile(r"^\w+(?:[/.\-]\w+)*/\w+$")


@dataclass
class Unit:
    """A word or phrase: lowercased words, searched in this order."""

    words: tuple
    ref: str = ""  # the typed form when it looks like a legal document number


@dataclass
class Clause:
    """Alternatives joined by OR; `officials` is set when the clause spells an official's alias."""

    units: list
    officials: frozenset = frozenset()


@dataclass
class Parsed:
    required: list = field(default_factory=list)  # of Clause, all must match
    excluded: list = field(default_factory=list)  # of Unit

    def __bool__(self):
        return bool(self.required or self.excluded)

    def all_words(self, aliases=None):
        """Every word that counts as a match, for highlighting (aliases of expanded names included)."""
        found = [w for clause in self.required for unit in clause.units for w in unit.words]
        if aliases is not None:
            for clause in self.required:
                for slug in clause.officials:
                    found += [w for spelling in aliases.spellings.get(slug, ()) for w in spelling]
        return found


def _units(token):
    """Units for one whitespace-separated token (not quoted)."""
    parts = words(token)
    if not parts:
        return []
    if len(parts) > 1 and _JOINED_RE.match(token.strip(".,;:!?()[]{}")):
        stripped = token.strip(".,;:!?()[]{}")
        return [Unit(tuple(w for w, _, _ in parts), ref=stripped.lower() if _REF_RE.match(stripped) else "")]
    return [Unit((w,)) for w, _, _ in parts]


def parse(text):
    """Parse what a reader typed; never raises."""
    parsed = Parsed()
    pending_or = False
    count = 0
    for token in _TOKEN_RE.findall(text or ""):
        if count >= MAX_UNITS:
            break
        if token == OR:
            pending_or = bool(parsed.required)
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        if body.startswith('"') and body.endswith('"') and len(body) >= 2:
            phrase = tuple(w for w, _, _ in words(body[1:-1]))
            units = [Unit(phrase)] if phrase else []
        else:
            units = _units(body)
        if not units:
            continue
        count += len(units)
        if negative:
            parsed.excluded += units
            pending_or = False
            continue
        if pending_or:
            # `a OR b` joins b to the clause before; a multi-part token splits into its words first.
            parsed.required[-1].units.append(units[0])
            units = units[1:]
            pending_or = False
        parsed.required += [Clause([unit]) for unit in units]
    return parsed


def expand_aliases(parsed, aliases):
    """Merge each run of single-word/phrase clauses that spells an alias into one official clause."""
    clauses, i = [], 0
    required = parsed.required
    while i < len(required):
        match = None
        for j in range(min(len(required), i + aliases.longest), i, -1):
            span = required[i:j]
            if any(len(c.units) != 1 or c.officials for c in span):
                continue
            key = tuple(forms(w)["text"] for c in span for w in c.units[0].words)
            if key in aliases.by_words:
                match = (j, key)
                break
        if match is None:
            clauses.append(required[i])
            i += 1
            continue
        j, key = match
        typed = tuple(w for c in required[i:j] for w in c.units[0].words)
        clauses.append(Clause([Unit(typed)], officials=aliases.by_words[key]))
        i = j
    parsed.required = clauses
    return parsed


def unit_query(unit, boost=1.0):
    alternatives = []
    for name, weight in FIELD_BOOSTS.items():
        tokens = [forms(w)["text" if name == "title" else name] for w in unit.words]
        if len(tokens) == 1:
            alternatives.append(wq.Term(name, tokens[0], boost=weight * boost))
        else:
            alternatives.append(wq.Phrase(name, tokens, boost=weight * boost))
    if unit.ref:
        alternatives.append(wq.Term("refs", unit.ref, boost=REF_BOOST * boost))
    return wq.Or(alternatives)


def clause_query(clause, aliases):
    alternatives = [unit_query(unit) for unit in clause.units]
    for slug in sorted(clause.officials):
        alternatives.append(wq.Term("officials", slug, boost=OFFICIAL_BOOST))
        # Other spellings only in the folded field: it holds every script, and one phrase per spelling is
        # enough (the typed spelling above already gets the exact-diacritic boost).
        spellings = {tuple(forms(w)["text"] for w in spelling) for spelling in aliases.spellings.get(slug, ())}
        for words_ in sorted(spellings):
            query = wq.Phrase("text", list(words_)) if len(words_) > 1 else wq.Term("text", words_[0])
            query.boost = 0.5
            alternatives.append(query)
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


def positive_query(parsed, aliases):
    """The Whoosh query all required clauses must match, or None when there are none."""
    if not parsed.required:
        return None
    parts = [clause_query(clause, aliases) for clause in parsed.required]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def excluded_query(parsed):
    if not parsed.excluded:
        return None
    return wq.Or([unit_query(unit) for unit in parsed.excluded])
