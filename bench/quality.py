"""Search quality on Vietnamese compounds and known-item titles, for Gazette and the references.

The quality set is drawn deterministically from the benchmark archive's own articles (its first SAMPLE
lines, so that 10k and 50k share it; composites excluded):

- compounds: Vietnamese syllable n-grams of 2-5 syllables (from the baomoi articles of the archive) that
  are frequent and "sticky": their document frequency is a large share of their rarest syllable's
  (df(gram) / min df(syllable)), they do not start or end with a function syllable (của, và, …), and they
  are not a fragment of a longer gram that occurs nearly as often. Each is typed twice, unquoted: with
  diacritics and folded (no diacritics).
- titles: full titles of the archive's articles (vi 60, en 25, ru 15 of 100), unique in the archive, each
  typed twice as plain words (punctuation dropped): as written and folded (vi: no diacritics, lowercase;
  en: lowercase; ru: lowercase with ё -> е, as Russian readers type). Each has its target article
  (source_url), found by every engine.

Metrics (`phrase_precision`, `reciprocal_rank`):
- phrase precision@k for the compounds: of the top k results, the share that hold the query's words
  together and in order in the \\w+ word sequence of title + text, folded (NFC, lowercase, no
  diacritics); k = min(10, the number of archive articles that hold them). Queries with k = 0 are skipped.
- MRR@10 for the titles: 1 / rank of the target in the top 10, 0 when absent. Gazette returns one hit
  per story: its hit's article is what counts.

Engines: Gazette (`archive.search.query.run`), raw Whoosh (QueryParser AND), FTS5 AND, and FTS5
phrase-first (the phrase, then the AND query's other hits, to 10).

A quick pass against an already imported Gazette data dir (Python API, no gunicorn), e.g. the kept work
dir of `bench.run --keep`:

    .venv/bin/python -m bench.quality --work /tmp/gazette-bench-10000-XXXX
    .venv/bin/python -m bench.quality --data-dir DIR --archive archive.jsonl [--whoosh] [--misses 10]
"""

import argparse
import json
import math
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from itertools import pairwise
from pathlib import Path

from bench.common import summary

SAMPLE = 5000  # archive lines the set is drawn from: the same set for every archive of at least this size
COMPOUNDS = {2: 35, 3: 30, 4: 20, 5: 15}  # compounds per length (100 in all)
TITLES = {"vi": 60, "en": 25, "ru": 15}
DEPTH = 10  # top 10 for both metrics
STICKY = 0.25  # least df(gram) / min df(syllable) for a compound
FRAGMENT = 0.75  # a gram is a fragment when a one-syllable-longer gram has this share of its df
TITLE_WORDS = (4, 30)  # titles of this many words (Gazette reads at most 32 units)
# Function syllables a compound must not start or end with.
VI_STOP = frozenset(
    """của và các là được cho với có này những một trong đã đang sẽ không khi thì mà để tại từ theo về ra
    vào lên cũng như đến sau trên dưới hay hoặc nên vì do bị rất nhất đó đây nào gì cả lại chỉ còn vẫn đều
    mới nhưng nếu hơn rằng ở bằng qua nhau thế sự việc làm điều cùng nhiều nhận thêm năm ngày tháng biết""".split()  # noqa: SIM905 - readable as prose
)

_WORD = re.compile(r"\w+")
_SEGMENT = re.compile(r"[^\w\s]+")  # punctuation: compounds do not cross it
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})  # letters NFD does not decompose


def fold(text):
    """NFC, lowercase, diacritics removed (Đà Nẵng -> da nang)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower().translate(_FOLD_EXTRA))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def words(text):
    """The \\w+ words of NFC text, case kept."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def folded_sequence(title, body):
    """The folded word sequence of title + text as ' w1 w2 … ' (spaces at both ends, for phrase lookups)."""
    return " " + " ".join(_WORD.findall(fold(title + "\n" + body))) + " "


def holds(sequence, phrase):
    """Does a folded sequence (folded_sequence) hold these words together and in order?"""
    return f" {' '.join(fold(w) for w in phrase)} " in sequence


def phrase_precision(top, holding, k):
    """Of the first k results, the share that hold the phrase (`holding`: the set of keys that do)."""
    if k <= 0:
        return None
    return sum(1 for key in top[:k] if key in holding) / k


def reciprocal_rank(top, target, depth=DEPTH, variants=()):
    """1 / the rank of `target` in the first `depth` results, else 0. `variants[i]`: the other articles of
    result i's story (Gazette shows one hit per story, its other languages under it)."""
    for rank, key in enumerate(top[:depth], 1):
        if key == target or (rank <= len(variants) and target in variants[rank - 1]):
            return 1 / rank
    return 0.0


def _mean(values):
    values = [v for v in values if v is not None]
    return {"mean": sum(values) / len(values) if values else None, "n": len(values)}


# --- the archive and the set ------------------------------------------------------------------------------------


class Archive:
    """The benchmark archive (import JSON Lines) with each article's folded word sequence."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as lines:
            self.articles = [json.loads(line) for line in lines if line.strip()]
        self.urls = [a.get("source_url", "") for a in self.articles]
        self.sequences = [folded_sequence(a["title"], a["body"]) for a in self.articles]
        self._postings = {}  # folded word -> indexes of the articles holding it (only words asked about)
        self._holding = {}

    def release(self):
        """Drop the texts, keep the URLs and the phrases already looked up (what `evaluate` needs)."""
        self.articles = self.sequences = None
        self._postings = {}

    def prepare(self, phrases):
        """Index the words of these phrases in one pass (before many `holding` calls)."""
        keys = {tuple(fold(w) for w in phrase) for phrase in phrases} - self._holding.keys()
        needed = {w for key in keys for w in key} - self._postings.keys()
        if not needed:
            return
        found = {w: [] for w in needed}
        for i, seq in enumerate(self.sequences):
            for w in needed.intersection(seq.split()):
                found[w].append(i)
        self._postings.update(found)

    def holding(self, phrase):
        """Source URLs of the articles that hold the phrase (folded), as a set."""
        key = tuple(fold(w) for w in phrase)
        if key not in self._holding:
            self.prepare([key])
            rarest = min(key, key=lambda w: len(self._postings[w]))
            needle = f" {' '.join(key)} "
            self._holding[key] = {self.urls[i] for i in self._postings[rarest] if needle in self.sequences[i]}
        return self._holding[key]


def _segments(text):
    """Lowercased syllable runs of a text, split at punctuation and at non-letter words."""
    for part in _SEGMENT.split(unicodedata.normalize("NFC", text).lower()):
        run = []
        for word in _WORD.findall(part):
            if word.isalpha():
                run.append(word)
            else:
                if run:
                    yield run
                run = []
        if run:
            yield run


def _gram_df(docs, n, allowed):
    """Document frequency of n-grams whose (n-1)-grams are in `allowed` (all 2-grams when n == 2)."""
    df = Counter()
    for runs in docs:
        found = set()
        for run in runs:
            for i in range(len(run) - n + 1):
                gram = tuple(run[i : i + n])
                if n == 2 or (gram[:-1] in allowed and gram[1:] in allowed):
                    found.add(gram)
        df.update(found)
    return df


def _frequent_grams(docs, longest, least):
    """{n: {gram: df}} for n = 2 .. longest, grams in at least `least` docs (each level from the one before)."""
    frequent, by_length = set(), {}
    for n in range(2, longest + 1):
        df = _gram_df(docs, n, frequent)
        by_length[n] = {g: c for g, c in df.items() if c >= least}
        frequent = set(by_length[n])
    return by_length


def _fragments(by_length):
    """Grams with a one-syllable-longer gram that occurs nearly as often (part of a longer phrase)."""
    fragments = set()
    for n in sorted(by_length)[1:]:
        for gram, count in by_length[n].items():
            fragments.update(p for p in (gram[:-1], gram[1:]) if count >= FRAGMENT * by_length[n - 1].get(p, math.inf))
    return fragments


def _sticky(grams, syllables, excluded):
    """Candidates best first: [(score, gram)], score = stickiness × log df, stickiness ≥ STICKY."""
    scored = []
    for gram, count in grams.items():
        if gram in excluded or not _compound_shape(gram):
            continue
        sticky = count / min(syllables[s] for s in gram)
        if sticky >= STICKY:
            scored.append((-sticky * math.log(count), gram))
    return sorted(scored)


def compounds(articles, quota=COMPOUNDS):
    """Frequent, sticky Vietnamese n-grams of 2-5 syllables, best first per length (deterministic)."""
    docs = [list(_segments(a["title"])) + list(_segments(a["body"])) for a in articles]
    syllables = Counter()
    for runs in docs:
        syllables.update({s for run in runs for s in run})
    by_length = _frequent_grams(docs, max(quota) + 1, max(3, math.ceil(0.002 * len(docs))))
    fragments = _fragments(by_length)
    chosen, pairs = [], set()
    for n, wanted in sorted(quota.items()):
        taken = []
        for _, gram in _sticky(by_length[n], syllables, fragments):
            own = set(pairwise(gram))
            if len(taken) >= wanted or (n >= 3 and own & pairs):
                continue  # one compound per story cluster: repeated news would fill the set with its phrases
            taken.append(gram)
            pairs |= own if n >= 3 else set()
        chosen += taken
    return chosen


def _compound_shape(gram):
    """Vietnamese (its folded form differs), distinct syllables, no function syllable at either end."""
    return (
        gram[0] not in VI_STOP
        and gram[-1] not in VI_STOP
        and len(set(gram)) == len(gram)
        and fold(" ".join(gram)) != " ".join(gram)
    )


def _spread(items, n):
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _folded_form(language, text):
    if language == "en":
        return text.lower()
    if language == "ru":
        return text.lower().replace("ё", "е")
    return fold(text)


def titles(sample, archive, quota=TITLES):
    """(language, title words, source_url) of titles that name one article of the archive."""
    keys = Counter(" ".join(_WORD.findall(fold(a["title"]))) for a in archive.articles)
    out = []
    for language, wanted in quota.items():
        found = []
        for a in sample:
            title = words(a["title"])
            key = " ".join(_WORD.findall(fold(a["title"])))
            typed = " ".join(title)
            if (
                a.get("language") == language
                and TITLE_WORDS[0] <= len(title) <= TITLE_WORDS[1]
                and keys[key] == 1
                and _folded_form(language, typed) != typed  # two distinct queries: none answered from a cache
            ):
                found.append((language, title, a["source_url"]))
        out += _spread(found, wanted)
    return out


def build(archive, sample=SAMPLE, compound_quota=COMPOUNDS, title_quota=TITLES):
    """The quality set: [{"id", "kind", "lang", "form", "words", "phrase"/"target", "k"}]."""
    first = [a for a in archive.articles[:sample] if "#round-" not in a.get("source_url", "")]
    items = []
    grams = compounds([a for a in first if a.get("language") == "vi"], compound_quota)
    archive.prepare(grams)
    for gram in grams:
        k = min(DEPTH, len(archive.holding(gram)))
        for form, text in (("diacritics", " ".join(gram)), ("folded", fold(" ".join(gram)))):
            items.append(
                {"kind": "compound", "lang": "vi", "form": form, "words": text.split(), "phrase": gram, "k": k}
            )
    for language, title, url in titles(first, archive, title_quota):
        typed = " ".join(title)
        forms = (("as written", typed), ("folded" if language != "en" else "lowercase", _folded_form(language, typed)))
        for form, text in forms:
            items.append({"kind": "title", "lang": language, "form": form, "words": text.split(), "target": url})
    for i, item in enumerate(items, 1):
        item["id"] = f"{'c' if item['kind'] == 'compound' else 't'}{i}"
    return items


def describe(items):
    phrases = {tuple(q["phrase"]): q["k"] for q in items if q["kind"] == "compound"}
    lengths = Counter(len(p) for p in phrases)
    targets = {q["target"]: q["lang"] for q in items if q["kind"] == "title"}
    langs = Counter(targets.values())
    return (
        f"{len(phrases)} Vietnamese compounds ("
        + ", ".join(f"{n} of {length} syllables" for length, n in sorted(lengths.items()))
        + f"; {sum(1 for k in phrases.values() if not k)} with k = 0 skipped), each typed with and without diacritics; "
        + f"{len(targets)} titles ("
        + ", ".join(f"{lang} {n}" for lang, n in sorted(langs.items(), key=lambda item: (-item[1], item[0])))
        + "), each typed as written and folded"
    )


# --- the engines' runs ------------------------------------------------------------------------------------------


def reader_query(item):
    """What the reader types: plain words, no quotes."""
    return " ".join(item["words"])


def score(archive, item, row):
    """A query's phrase precision@k (compounds; None when k = 0) or reciprocal rank (titles), from an
    engine's row {"top": [source_url, …], "variants": [[source_url, …], …] (Gazette)}."""
    if item["kind"] == "compound":
        holding = archive.holding(item["phrase"]) if item["k"] else set()
        return phrase_precision(row["top"], holding, item["k"])
    return reciprocal_rank(row["top"], item["target"], variants=row.get("variants", ()))


def _group(item):
    return item["form"] if item["kind"] == "compound" else f"{item['lang']} {item['form']}"


def evaluate(archive, items, rankings):
    """Metrics per engine from `rankings` {engine: {query id: row}} (rows as `score` takes them)."""
    archive.prepare([item["phrase"] for item in items if item["kind"] == "compound" and item["k"]])
    out = {}
    for engine, rows in rankings.items():
        values = {"phrase_precision": {}, "mrr": {}}
        for item in items:
            if item["id"] in rows:
                metric = values["phrase_precision" if item["kind"] == "compound" else "mrr"]
                value = score(archive, item, rows[item["id"]])
                metric.setdefault(_group(item), []).append(value)
                metric.setdefault("all", []).append(value)
        out[engine] = {name: {g: _mean(v) for g, v in groups.items()} for name, groups in values.items()}
    return out


def per_query(archive, items, rankings, engine):
    """(value, item) for every query of one engine, worst first: what to look at while tuning."""
    rows = rankings.get(engine, {})
    found = [(score(archive, item, rows[item["id"]]), item) for item in items if item["id"] in rows]
    return sorted(((v, item) for v, item in found if v is not None), key=lambda row: (row[0], row[1]["id"]))


def latency(rows_by_engine, items):
    """{engine: {"compounds": summary, "titles": summary}} from rows {"id", "ms"} (or "server_ms")."""
    kinds = {item["id"]: item["kind"] for item in items}
    out = {}
    for engine, (rows, key) in rows_by_engine.items():
        out[engine] = {}
        for kind, label in (("compound", "compounds"), ("title", "titles")):
            values = [r[key] for r in rows or [] if kinds.get(r["id"]) == kind and r.get(key) is not None]
            out[engine][label] = summary(values) if values else None
    return out


def rankings_of(runs):
    """{query id: row} from an engine's rows {"id", "top", …}."""
    return {row["id"]: row for row in runs or []}


def whole_set(result_):
    """{engine: [ms]} over the whole query set (the benchmark's queries and the quality set) of one size."""
    api, web = result_.get("api", {}), result_.get("http", {})
    whoosh, fts = result_.get("whoosh", {}), result_.get("fts5", {})

    def values(rows, key="ms"):
        return [r[key] for r in rows or [] if r.get(key) is not None]

    return {
        "Gazette, Python API": values(api.get("search")) + values(api.get("quality")),
        "Gazette over HTTP, server": values(web.get("search"), "server_ms") + values(web.get("quality"), "server_ms"),
        "raw Whoosh": values(whoosh.get("faceted")) + values(whoosh.get("quality")),
        "FTS5": values(fts.get("faceted")) + values(fts.get("quality", {}).get("and")),
    }


def of_run(archive, items, result_):
    """The "quality" entry of a bench.run size, from its engines' JSON."""
    fts = result_.get("fts5", {}).get("quality", {})
    runs = {
        "Gazette": result_.get("api", {}).get("quality"),
        "raw Whoosh": result_.get("whoosh", {}).get("quality"),
        "FTS5 AND": fts.get("and"),
        "FTS5 phrase-first": fts.get("phrase_first"),
    }
    timing = {
        "Gazette, Python API": (result_.get("api", {}).get("quality"), "ms"),
        "Gazette over HTTP, server": (result_.get("http", {}).get("quality"), "server_ms"),
        "raw Whoosh": (result_.get("whoosh", {}).get("quality"), "ms"),
        "FTS5": (fts.get("and"), "ms"),
    }
    out = result(archive, items, {k: v for k, v in runs.items() if v}, timing, whole_set(result_))
    out["items"] = items
    out["worst"] = {
        engine: [
            {"id": item["id"], "value": value, "query": reader_query(item)}
            for value, item in per_query(archive, items, {engine: rankings_of(rows)}, engine)[:10]
        ]
        for engine, rows in runs.items()
        if rows
    }
    return out


def result(archive, items, runs, timing_rows, whole=None):
    """The "quality" entry of a size's result: set, metrics, latency (and the whole-set p95s when given)."""
    out = {
        "set": describe(items),
        "metrics": evaluate(archive, items, {engine: rankings_of(rows) for engine, rows in runs.items()}),
        "latency": latency(timing_rows, items),
        "queries": len(items),
    }
    if whole:
        out["whole"] = {name: summary(values) if values else None for name, values in whole.items()}
    return out


# --- the quick pass ---------------------------------------------------------------------------------------------


def _gazette_setup(data_dir):
    from bench.common import gazette_env

    env = gazette_env(data_dir)
    for key in set(os.environ) - set(env):
        del os.environ[key]
    os.environ.update(env)
    import django

    django.setup()
    from bench.gazette_api import clear_caches

    clear_caches()


def quick(args):
    """The quality + latency pass against an imported data dir, in this process; returns the report text."""
    from bench import gazette_api, reference_fts5, reference_whoosh
    from bench.report import quality_section

    clock = time.perf_counter()
    archive = Archive(args.archive)
    items = saved_set(args.queries) if args.queries else build(archive, sample=args.sample)
    if args.limit:
        items = _spread(items, args.limit)
    log(f"{len(items)} queries drawn in {time.perf_counter() - clock:.1f} s: {describe(items)}")
    runs, timing = {}, {}
    with tempfile.TemporaryDirectory(prefix="gazette-quality-") as scratch:
        fts_path = Path(args.fts5) if args.fts5 else Path(scratch) / "fts5.sqlite3"
        db = reference_fts5.open_or_build(fts_path, archive.articles)
        fts = reference_fts5.quality(db, items, archive.urls)
        db.close()
        runs["FTS5 AND"], runs["FTS5 phrase-first"] = fts["and"], fts["phrase_first"]
        timing["FTS5"] = (fts["and"], "ms")
        log(f"FTS5 done ({time.perf_counter() - clock:.0f} s)")
        if args.whoosh:
            index_dir = Path(args.whoosh_index) if args.whoosh_index else Path(scratch) / "whoosh"
            whoosh_rows = reference_whoosh.quality_in(index_dir, archive.articles, items)
            runs["raw Whoosh"], timing["raw Whoosh"] = whoosh_rows, (whoosh_rows, "ms")
            log(f"raw Whoosh done ({time.perf_counter() - clock:.0f} s)")
        _gazette_setup(args.data_dir)
        notes = _differs(archive)
        from archive.search import query

        query.run({"q": ["gazettebenchwarmup"]})  # the first search of a process builds its tables: not timed
        gazette_rows = gazette_api.quality(items)
        runs = {"Gazette": gazette_rows, **runs}
        timing = {"Gazette, Python API": (gazette_rows, "ms"), **timing}
        log(f"Gazette done ({time.perf_counter() - clock:.0f} s)")
    whole = {name: [r["ms"] for r in rows] for name, (rows, _) in timing.items()}
    data = result(archive, items, runs, timing, whole)
    data["whole_label"] = "compounds + titles (no HTTP in this pass)"
    data["notes"] = notes
    data["seconds"] = time.perf_counter() - clock
    text = quality_section(
        data, title=f"Quality pass, {len(archive.articles):,} articles ({data['seconds']:.0f} s)", with_goals=True
    )
    if args.misses:
        text += "\n\n" + misses(archive, items, {e: rankings_of(r) for e, r in runs.items()}, args.misses)
    if args.json:
        Path(args.json).write_text(json.dumps({**data, "runs": runs}, ensure_ascii=False, indent=1), encoding="utf-8")
    return text


def _differs(archive):
    """A note when the data dir holds other articles than the archive (a lag step's imports, edits)."""
    from archive.models import Article

    held = Article.objects.count()
    if held == len(archive.articles):
        return []
    note = (
        f"the data dir holds {held:,} articles, the archive {len(archive.articles):,}: metrics count only the archive's"
    )
    log(note)
    return [note]


def saved_set(path):
    """The quality set of a `bench.run` work dir's queries.json (the same set, without drawing it again)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["quality"]


def misses(archive, items, rankings, n):
    """The n worst compounds and titles for Gazette, with what FTS5 phrase-first got."""
    fts = {item["id"]: value for value, item in per_query(archive, items, rankings, "FTS5 phrase-first")}
    lines = ["Gazette's worst queries (Gazette / FTS5 phrase-first):", ""]
    for kind in ("compound", "title"):
        worst = [(v, q) for v, q in per_query(archive, items, rankings, "Gazette") if q["kind"] == kind and v < 1][:n]
        for value, item in worst:
            other = fts.get(item["id"])
            extra = f"k={item['k']}" if kind == "compound" else item["target"]
            lines.append(
                f"- {item['id']} {kind} [{item['lang']} {item['form']}] `{reader_query(item)}`: "
                f"{value:.2f} / {'—' if other is None else f'{other:.2f}'} ({extra})"
            )
    return "\n".join(lines)


def log(message):
    print(f"[quality {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Quality + latency pass against an imported Gazette data dir.")
    parser.add_argument("--work", type=Path, help="a work dir kept by `bench.run --keep` (its data/ and archive.jsonl)")
    parser.add_argument("--data-dir", type=Path, help="Gazette's data dir (GAZETTE_DATA_DIR)")
    parser.add_argument("--archive", type=Path, help="the archive imported into it (JSON Lines)")
    parser.add_argument("--fts5", help="FTS5 reference database: reused when it exists, else built there")
    parser.add_argument("--whoosh", action="store_true", help="also raw Whoosh (builds its index unless reused)")
    parser.add_argument("--whoosh-index", help="raw Whoosh index dir: reused when it holds an index, else built there")
    parser.add_argument("--queries", type=Path, help="a bench.run queries.json: its quality set instead of drawing one")
    parser.add_argument("--sample", type=int, default=SAMPLE, help=f"archive lines the set is drawn from ({SAMPLE})")
    parser.add_argument("--limit", type=int, help="only N queries of the set, evenly spread (a faster look)")
    parser.add_argument("--misses", type=int, default=0, help="also list Gazette's N worst compounds and titles")
    parser.add_argument("--json", help="write the metrics and every ranking as JSON here")
    args = parser.parse_args(argv)
    if args.work:
        args.data_dir = args.data_dir or args.work / "data"
        args.archive = args.archive or args.work / "archive.jsonl"
        if args.queries is None and (args.work / "queries.json").exists():
            args.queries = args.work / "queries.json"
        if args.fts5 is None and (args.work / "fts5.sqlite3").exists():
            args.fts5 = str(args.work / "fts5.sqlite3")
        if args.whoosh and args.whoosh_index is None and (args.work / "whoosh-ref").is_dir():
            args.whoosh_index = str(args.work / "whoosh-ref")
    if not args.data_dir or not args.archive:
        parser.error("give --work, or --data-dir and --archive")
    for path in (args.data_dir, args.archive):
        if not path.exists():
            parser.error(f"{path} does not exist")
    print(quick(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
