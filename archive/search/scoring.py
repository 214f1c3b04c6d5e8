"""Matching and ranking on a Whoosh index over whole arrays (archive/search/postings.py), never through Whoosh's
matcher trees: what archive/search/parse.py plans, evaluated with numpy.

- A word matches where any of its alternatives' terms is. A phrase matches where its words stand at consecutive
  positions: the positions of each word are one sorted array of `document << 32 | position` keys, and each key
  of a word, one further on, is looked up in the next word's keys (a binary search per key, in C).
- Clauses (alternatives joined by OR) must all match; excluded words and phrases must not.
- Score: the sum, over what matched, of boost × BM25 (k1 = 1.2, b = 0.75) of the term, or of the phrase (its
  occurrences as the frequency), in its field. The `exact` spelling bonus adds where every word of it is
  spelled as typed.
- Adjacency first: runs of words the reader typed next to each other (parse.adjacent_runs) that an article
  holds whole, then each two adjacent words of them that it holds together; articles are ranked by those
  counts, then by score, then newest. So `chính phủ điện tử` ranks articles holding the compound above those
  with its syllables scattered, and a title typed as the query finds its article. Adjacency is looked up only in the articles already matched, and
  only in their own words: an article tagged with a topic named `cải cách hành chính` matches that query,
  after the articles that say it.

Positions are what Whoosh already keeps for phrases in `text` and `title`: indexing adjacent word pairs as
terms of their own (Lucene's `index_phrases`) was measured to make Whoosh index three times slower.
"""

import time
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from archive.search import parse
from archive.search.analysis import TAG_POSITION

K1, B = 1.2, 0.75
PHRASE_FIELDS = ("text", "title")  # the fields with positions
# Weight of a typed pair found together, in the article and in its title, on top of the adjacency count.
ADJACENT_BOOST = {"text": 1.0, "title": 2.0}
MAX_PAIRS = 1024  # more than a query's words (parse.MAX_WORDS): whole runs count before any number of pairs


class Scorer:
    """Evaluates plans on one index generation. Dense arrays over every document: a bitmap and a score each."""

    def __init__(self, arrays, live):
        self.arrays = arrays
        self.live = live
        self.size = arrays.size
        self._scores = {}

    def bm25(self, field, ids, tf):
        """BM25 of each of the documents `ids` holding something `tf` times in `field`."""
        idf = np.log1p((self.arrays.documents - len(ids) + 0.5) / (len(ids) + 0.5))
        lengths = self.arrays.lengths(field)[ids]
        norm = np.where(lengths > 0, lengths / self.arrays.average_length(field), 1.0)
        return (idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * norm))).astype(np.float32)

    def scored(self, field, text):
        """(document numbers, BM25 of the term in each) for one term."""
        key = (field, text)
        if key not in self._scores:
            ids, tf = self.arrays.postings(field, text)
            self._scores[key] = (ids, self.bm25(field, ids, tf) if len(ids) else tf)
        return self._scores[key]

    def phrase(self, field, words, within=None, own=False):
        """(document numbers, BM25) where `words` stand at consecutive positions of `field`, among the documents
        of the bitmap `within` (default: those holding every word); `own`: in the article's own words only, not
        in its tags' names (archive/search/analysis.py)."""
        if within is None:
            within = self._holding_all(field, words)
        keys = _within(self.arrays.positions(field, words[0]), within)
        if own:
            keys = keys[(keys & 0xFFFFFFFF) < TAG_POSITION]
        for shift, word in enumerate(words[1:], 1):
            if len(keys) == 0:
                break
            # Where the next word stands one further on: a binary search of each key in its sorted keys.
            keys = keys[_members(keys + shift, self.arrays.positions(field, word))]
        if len(keys) == 0:
            return _NONE_IDS, _NONE_SCORES
        ids, tf = _runs(keys >> 32)
        return ids, self.bm25(field, ids, tf)

    def _holding_all(self, field, words):
        found = self.live.copy()
        for word in dict.fromkeys(words):
            here = np.zeros(self.size, dtype=bool)
            here[self.arrays.postings(field, word)[0]] = True
            found &= here
        return found

    def _empty(self):
        return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float32)

    def alternative(self, alternative):
        """(bitmap, score) of one Alternative."""
        found, score = self._empty()
        if len(alternative.words) == 1:
            ids, values = self.scored(alternative.field, alternative.words[0])
        elif alternative.field in PHRASE_FIELDS:
            ids, values = self.phrase(alternative.field, alternative.words)
        else:
            return found, score
        found[ids] = True
        score[ids] = alternative.boost * values
        return found, score

    def plan(self, plan):
        found, score = self._empty()
        for alternative in plan.alternatives:
            here, points = self.alternative(alternative)
            found |= here
            score += points
        if plan.bonus:
            spelled, points = self._bonus(plan.bonus)
            score += np.where(found & spelled, points, 0.0).astype(np.float32)
        return found, score

    def _bonus(self, bonus):
        spelled, points = self.live.copy(), np.zeros(self.size, dtype=np.float32)
        for field, word, boost in bonus:
            ids, values = self.scored(field, word)
            here = np.zeros(self.size, dtype=bool)
            here[ids] = True
            spelled &= here
            points[ids] += boost * values
        return spelled, points

    def clause(self, plans):
        found, score = self._empty()
        for plan in plans:
            here, points = self.plan(plan)
            found |= here
            score += points
        return found, score

    def adjacency(self, runs, within, deadline=None):
        """(how together each document of `within` holds the runs of words typed together, their score). How
        together: the runs it holds whole, then the pairs of adjacent words it holds (a pair can stand apart from
        the next one: `thị trường chung` and `chứng khoán` hold every pair of `thị trường chứng khoán`)."""
        whole = np.zeros(self.size, dtype=np.int32)
        pairs = np.zeros(self.size, dtype=np.int32)
        score = np.zeros(self.size, dtype=np.float32)
        for run in runs:
            if deadline is not None and time.monotonic() > deadline:
                return None, None
            for first, second in dict.fromkeys(pairwise(run)):
                for field, boost in ADJACENT_BOOST.items():
                    ids, values = self.phrase(field, (first, second), within, own=True)
                    if field == "text":
                        pairs[ids] += 1
                    score[ids] += boost * values
            if len(run) > 2:
                ids, _ = self.phrase("text", run, within & (pairs > 0), own=True)
                whole[ids] += 1
        return whole * (MAX_PAIRS + 1) + pairs, score


_NONE_IDS = np.zeros(0, dtype=np.int32)
_NONE_SCORES = np.zeros(0, dtype=np.float32)


def _within(keys, bitmap):
    """The position keys of the documents in `bitmap`."""
    return keys[bitmap[keys >> 32]] if len(keys) else keys


def _runs(docs):
    """(each distinct value of the sorted array `docs`, how many times it comes)."""
    starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
    counts = np.diff(np.append(starts, len(docs)))
    return docs[starts].astype(np.int32), counts.astype(np.float32)


def _members(keys, sorted_keys):
    """Which of `keys` are in `sorted_keys`."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


@dataclass
class Found:
    matched: np.ndarray  # bitmap of the documents the required clauses match, less the excluded ones
    score: np.ndarray
    together: np.ndarray  # how together each document holds the words typed together (Scorer.adjacency)
    limited: bool = False


def search(arrays, live, parsed, aliases, deadline=None):
    """The documents that `parsed` matches among `live`, with what ranks them. Past `deadline` (a
    time.monotonic() value), the order by words typed together is left out (`Found.limited`)."""
    scorer = Scorer(arrays, live)
    matched = live.copy()
    score = np.zeros(arrays.size, dtype=np.float32)
    for clause in parsed.required:
        found, points = scorer.clause(parse.clause_plans(clause, aliases))
        matched &= found
        score += points
    for unit in parsed.excluded:
        found, _ = scorer.plan(parse.unit_plan(unit))
        matched &= ~found
    together, points = None, None
    if deadline is None or time.monotonic() < deadline:
        together, points = scorer.adjacency(parse.adjacent_runs(parsed), matched, deadline)
    if together is None:
        return Found(matched, score, np.zeros(arrays.size, dtype=np.int32), limited=True)
    return Found(matched, score + points, together)


def ranked(found, allowed, snap, wanted):
    """The best documents of the bitmap `allowed`, one per story, at least `wanted` of them when there are:
    most typed pairs together first, then score, then newest (then the higher article id)."""
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        return []
    together = found.together[candidates].astype(np.float64)
    score = found.score[candidates].astype(np.float64)
    # One number that orders as (together, score): score stays below the step between two counts.
    key = together * (float(score.max()) + 1.0) + score
    limit = max(wanted * 2, 50)
    while True:
        if limit < len(candidates):
            # Everything at least as good as the limit-th best (ties included, so that ties order by date).
            threshold = np.partition(key, len(key) - limit)[len(key) - limit]
            chosen = np.flatnonzero(key >= threshold)
        else:
            chosen = np.arange(len(candidates))
        docs = candidates[chosen]
        order = np.lexsort((-snap.article_array[docs], -snap.day_array[docs], -key[chosen]))
        firsts = _first_per_story(docs[order].tolist(), snap.story, wanted)
        if len(firsts) >= wanted or len(chosen) == len(candidates):
            return firsts
        limit *= 4


def _first_per_story(ordered, story, wanted):
    seen, firsts = set(), []
    for docnum in ordered:
        if story[docnum] not in seen:
            seen.add(story[docnum])
            firsts.append(docnum)
            if len(firsts) >= wanted:
                break
    return firsts
