"""The benchmark's query set, drawn deterministically from the archive's own articles.

Kinds: single words of moderate to high document frequency, AND pairs of words that occur together,
and 2-3 word phrases, in en/ru/vi (40/40/20 %), plus a few with a facet filter (language or year).
`variants` are queries of the set with a language or year filter added (the reader who narrows a
search). Every query is distinct, so none is served from a cache within one pass.

The same queries go to every engine, each written in its own syntax:
- Gazette (reader syntax, DESIGN "Search"): `a b` (all words), `"a b"` (phrase);
- raw Whoosh (QueryParser, AND by default): the same strings;
- SQLite FTS5: `"a" "b"` (AND), `"a b"` (phrase).
"""

import json
import re
import unicodedata
from collections import Counter
from urllib.parse import urlencode

from whoosh.analysis import STOP_WORDS

_WORD = re.compile(r"\w+")
LANG_CYCLE = ("vi", "en", "ru", "vi", "en")
# Shares of a query set of N: single words, AND pairs, phrases, filtered (half words, half pairs).
SHARES = (("word", 0.40), ("and", 0.30), ("phrase", 0.25), ("filtered", 0.05))
SAMPLE = 5000  # articles read to draw queries: the same set for every archive of at least this size
VARIANTS_SHARE = 0.2


def _tokens(text):
    """Every word of the text, as the engines see positions (numbers included)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def _usable(word, language):
    """Query words: letters only, not a stop word, not too short."""
    return word.isalpha() and len(word) >= (2 if language == "vi" else 3) and word not in STOP_WORDS


def _spread(items, n):
    """n items evenly spaced over `items` (deterministic)."""
    if n <= 0 or not items:
        return []
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _mix(twos, threes):
    """2- and 3-word phrases alternately, then the rest of the longer list."""
    out = []
    for i in range(max(len(twos), len(threes))):
        out += [g[i] for g in (twos, threes) if i < len(g)]
    return out


class _Language:
    def __init__(self, language):
        self.language = language
        self.docs = 0
        self.df = Counter()
        self.phrases = Counter()
        self.postings = {}
        self.years = []

    def add(self, article):
        title, body = _tokens(article["title"]), _tokens(article["body"])
        self.years.append(article.get("published", "")[:4])
        doc = self.docs
        self.docs += 1
        words = {w for w in title + body if _usable(w, self.language)}
        self.df.update(words)
        for w in words:
            self.postings.setdefault(w, []).append(doc)
        grams = set()
        for tokens in (title, body):  # a phrase does not span the title and the body
            for size in (2, 3):
                for i in range(len(tokens) - size + 1):
                    gram = tuple(tokens[i : i + size])
                    if all(_usable(w, self.language) for w in gram) and len(set(gram)) == size:
                        grams.add(gram)
        self.phrases.update(grams)

    def words(self):
        """Moderate to high frequency words, most frequent first."""
        low, high = max(2, 0.02 * self.docs), max(2, 0.30 * self.docs)
        found = [(w, n) for w, n in self.df.items() if low <= n <= high]
        return [w for w, _ in sorted(found, key=lambda item: (-item[1], item[0]))]

    def grams(self, size):
        low, high = max(2, 0.005 * self.docs), max(2, 0.20 * self.docs)
        found = [(g, n) for g, n in self.phrases.items() if len(g) == size and low <= n <= high]
        return [g for g, _ in sorted(found, key=lambda item: (-item[1], item))]

    def pairs(self, n):
        """AND pairs of frequent words that occur together in at least 0.5 % of the articles."""
        words = self.words()[:300]
        if len(words) < 2:
            return []
        sets = {w: set(self.postings[w]) for w in words}
        need = max(2, 0.005 * self.docs)
        found, seen = [], set()
        for k in range(len(words) * 20):
            a, b = words[(k * 7) % len(words)], words[(k * 13 + 5) % len(words)]
            key = tuple(sorted((a, b)))
            if a == b or key in seen:
                continue
            seen.add(key)
            if len(sets[a] & sets[b]) >= need:
                found.append((a, b))
                if len(found) >= n:
                    break
        return found

    def top_year(self, words):
        docs = set.intersection(*(set(self.postings.get(w, ())) for w in words)) if words else set()
        years = Counter(self.years[d] for d in docs if self.years[d])
        return min(years.items(), key=lambda item: (-item[1], item[0]))[0] if years else None


def build(archive_path, size=200, sample=SAMPLE):
    """{"queries": [...], "variants": [...]}: each query {"id", "kind", "lang", "words", "filters"}."""
    stats = {}
    years = Counter()
    with open(archive_path, encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= sample:
                break
            article = json.loads(line)
            language = article.get("language") or "en"
            stats.setdefault(language, _Language(language)).add(article)
            years[article.get("published", "")[:4]] += 1

    wanted = {kind: round(size * share) for kind, share in SHARES}
    wanted["word"] += size - sum(wanted.values())
    per_language = {}
    for language, st in stats.items():
        words = st.words()
        per_language[language] = {
            "word": [(w,) for w in _spread(words, size)],
            "and": st.pairs(size),
            "phrase": _mix(_spread(st.grams(2), size), _spread(st.grams(3), size)),
        }

    queries, used = [], set()
    cursor = {(language, kind): 0 for language in per_language for kind in ("word", "and", "phrase")}

    def take(kind, index):
        """The next unused query of this kind, in the language due at `index` (or the next that has one)."""
        for shift in range(len(LANG_CYCLE)):
            language = LANG_CYCLE[(index + shift) % len(LANG_CYCLE)]
            pool = per_language.get(language, {}).get(kind, [])
            while cursor.get((language, kind), 0) < len(pool):
                words = pool[cursor[(language, kind)]]
                cursor[(language, kind)] += 1
                if (kind, words) not in used:
                    used.add((kind, words))
                    return language, list(words)
        return None, None

    index = 0
    for kind in ("word", "and", "phrase"):
        for _ in range(wanted[kind]):
            language, words = take(kind, index)
            index += 1
            if words:
                queries.append({"kind": kind, "lang": language, "words": words, "filters": {}})
    for k in range(wanted["filtered"]):
        kind = "word" if k % 2 == 0 else "and"
        language, words = take(kind, index)
        index += 1
        if not words:
            continue
        if k % 4 < 2:
            filters = {"language": [language]}
        else:
            year = stats[language].top_year(words)
            filters = {"year": [year]} if year else {"language": [language]}
        queries.append({"kind": kind, "lang": language, "words": words, "filters": filters})

    top_years = [y for y, _ in sorted(years.items(), key=lambda item: (-item[1], item[0])) if y][:3]
    variants = []
    plain = [q for q in queries if not q["filters"]]
    for k, q in enumerate(_spread(plain, round(size * VARIANTS_SHARE))):
        if k % 2 == 0 or not top_years:
            filters = {"language": [q["lang"]]}
        else:
            filters = {"year": [top_years[k // 2 % len(top_years)]]}
        variants.append({**q, "filters": filters})
    for i, q in enumerate(queries):
        q["id"] = f"q{i + 1}"
    for i, q in enumerate(variants):
        q["id"] = f"v{i + 1}"
    return {"queries": queries, "variants": variants}


def reader_query(q):
    """Gazette's (and raw Whoosh's QueryParser) query string."""
    return f'"{" ".join(q["words"])}"' if q["kind"] == "phrase" else " ".join(q["words"])


def fts5_query(q):
    if q["kind"] == "phrase":
        return f'"{" ".join(q["words"])}"'
    return " ".join(f'"{w}"' for w in q["words"])


def params(q):
    """Gazette's search parameters (a dict of lists, as query.run() and the URL take them)."""
    out = {"q": [reader_query(q)]}
    out.update({name: list(values) for name, values in q["filters"].items()})
    return out


def querystring(parameters):
    return urlencode(parameters, doseq=True)


def describe(query_set):
    kinds = Counter(q["kind"] + ("+filter" if q["filters"] else "") for q in query_set["queries"])
    langs = Counter(q["lang"] for q in query_set["queries"])
    return (
        ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        + "; "
        + ", ".join(f"{n} {k}" for k, n in sorted(langs.items()))
    )
