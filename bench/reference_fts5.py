"""SQLite FTS5 reference: the archive in an FTS5 table plus a facet table, in a file on disk.

`fts(title, body)` with the `unicode61 remove_diacritics 2` tokenizer, rowid = the article's line
number; `docs(id, language, year, month, source, weekday, day)` holds the facets (the same five as the
raw Whoosh reference). Everything inserted in one transaction, one commit.
The tokenizer removes combining diacritics but keeps đ and ё as letters of their own, so both are
mapped (đ -> d, ё -> е) in the text and in every query: without it `dien tu` would never find `điện
tử`, and FTS5 could not serve as the quality reference for folded queries.
Plain search: top 20 by bm25 (`ORDER BY rank`) plus an exact `count(*)`. Faceted: the matches are
written once to a temporary table, then top 20, the count and five `GROUP BY` counts.

    python -m bench.reference_fts5 ARCHIVE.jsonl QUERIES.json DB_PATH OUT.json
"""

import json
import os
import sqlite3
import time

from bench.queries import fts5_query
from bench.reference_whoosh import FACETS, facet_values, reference_inputs

DEPTH = 10  # results ranked for the quality set
_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ё": "е", "Ё": "Е"})  # what remove_diacritics leaves


def fts_text(text):
    return text.translate(_LETTERS)


def build(path, articles):
    db = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    db.execute("BEGIN")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute(f"CREATE TABLE docs(id INTEGER PRIMARY KEY, {', '.join(FACETS)}, day TEXT)")
    for number, article in enumerate(articles, 1):
        values = facet_values(article)
        db.execute(
            "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
            (number, fts_text(article["title"]), fts_text(article["body"])),
        )
        db.execute(
            f"INSERT INTO docs VALUES (?, {', '.join('?' for _ in FACETS)}, ?)",
            (number, *(values[name] for name in FACETS), values["date"].isoformat()),
        )
    db.execute("COMMIT")
    return db, time.perf_counter() - started


def _where(q):
    """(join, extra condition, parameters) for the query's facet filters."""
    if not q["filters"]:
        return "", "", []
    conditions, args = [], []
    for name, values in q["filters"].items():
        assert name in FACETS
        conditions.append(f"docs.{name} IN ({', '.join('?' for _ in values)})")
        args += values
    return " JOIN docs ON docs.id = fts.rowid", " AND " + " AND ".join(conditions), args


def search(db, q, faceted):
    started = time.perf_counter()
    match = fts_text(fts5_query(q))
    join, condition, args = _where(q)
    top = db.execute(
        f"SELECT fts.rowid, fts.title FROM fts{join} WHERE fts MATCH ?{condition} ORDER BY fts.rank LIMIT 20",
        [match, *args],
    ).fetchall()
    if faceted:
        db.execute("DELETE FROM temp.m")
        db.execute(
            f"INSERT INTO temp.m(id) SELECT fts.rowid FROM fts{join} WHERE fts MATCH ?{condition}", [match, *args]
        )
        count = db.execute("SELECT count(*) FROM temp.m").fetchone()[0]
        for name in FACETS:
            db.execute(f"SELECT d.{name}, count(*) FROM temp.m JOIN docs d ON d.id = m.id GROUP BY d.{name}").fetchall()
    else:
        count = db.execute(f"SELECT count(*) FROM fts{join} WHERE fts MATCH ?{condition}", [match, *args]).fetchone()[0]
    return (time.perf_counter() - started) * 1000, count, len(top)


def open_or_build(path, articles):
    """The FTS5 reference database at `path`: opened when it exists, else built there."""
    if os.path.exists(path):
        db = sqlite3.connect(path, isolation_level=None)
    else:
        db, _ = build(path, articles)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS m(id INTEGER PRIMARY KEY)")
    return db


def _ranked(db, match, limit, exclude=()):
    rows = db.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?", (match, limit + len(exclude)))
    return [rowid for (rowid,) in rows if rowid not in exclude][:limit]


def quality(db, items, urls):
    """The quality set (bench/quality.py) as AND and as phrase-first: each {"id", "ms", "count", "top"}.

    `ms` is the AND query with count and facets (as `search(faceted=True)`), phrase-first's the phrase
    query plus the AND fill; `top` holds source URLs (`urls[rowid - 1]`), best first.
    """
    out = {"and": [], "phrase_first": []}
    for item in items:
        q = {"kind": "and", "words": item["words"], "filters": {}}
        ms, count, _ = search(db, q, faceted=True)
        top = _ranked(db, fts_text(fts5_query(q)), DEPTH)
        out["and"].append({"id": item["id"], "ms": ms, "count": count, "top": [urls[r - 1] for r in top]})
        started = time.perf_counter()
        first = _ranked(db, fts_text(fts5_query({**q, "kind": "phrase"})), DEPTH)
        top = first + _ranked(db, fts_text(fts5_query(q)), DEPTH - len(first), exclude=set(first))
        ms = (time.perf_counter() - started) * 1000
        out["phrase_first"].append({"id": item["id"], "ms": ms, "count": count, "top": [urls[r - 1] for r in top]})
    return out


def main(argv=None):
    args, articles, query_set = reference_inputs(argv, "db")
    db, seconds = build(args.db, articles)
    db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")
    out = {
        "engine": "fts5",
        "sqlite": sqlite3.sqlite_version,
        "documents": db.execute("SELECT count(*) FROM docs").fetchone()[0],
        "index_seconds": seconds,
        "docs_per_s": len(articles) / seconds,
    }
    for name, queries, faceted in (
        ("plain", query_set["queries"], False),
        ("faceted", query_set["queries"], True),
        ("variants", query_set["variants"], True),
    ):
        out[name] = []
        for q in queries:
            ms, count, _ = search(db, q, faceted)
            out[name].append({"id": q["id"], "ms": ms, "count": count})
    if query_set.get("quality"):
        out["quality"] = quality(db, query_set["quality"], [a.get("source_url", "") for a in articles])
    db.close()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
