"""Raw Whoosh 2.7.4 reference: the archive in a plain index, as a user new to Whoosh would build it.

Schema: `id`, `content` (title + body, one TEXT field, Whoosh's StandardAnalyzer), `title` stored,
`language`/`year`/`month`/`source`/`weekday` ID columns (sortable), `date` sortable DATETIME.
ONE writer with the default limitmb, every document added, one commit. Searching: one searcher for the
whole run; QueryParser (AND by default); top 20 plus exact count; faceted = the same plus five
column facets (whoosh.sorting.FieldFacet on the sortable columns, counts only).

    python -m bench.reference_whoosh ARCHIVE.jsonl QUERIES.json INDEX_DIR OUT.json
"""

import argparse
import datetime
import json
import os
import time

from whoosh import fields, index, sorting
from whoosh.analysis import StandardAnalyzer
from whoosh.qparser import QueryParser
from whoosh.query import And, Term

from bench.queries import reader_query

FACETS = ("language", "year", "month", "source", "weekday")


def facet_values(article):
    """The five reference facets of an import JSON Lines article (shared with the FTS5 reference)."""
    published = datetime.date.fromisoformat(article["published"][:10])
    return {
        "language": article.get("language") or "",
        "year": f"{published.year:04d}",
        "month": f"{published.year:04d}-{published.month:02d}",
        "source": article.get("source_name") or "",
        "weekday": str(published.isoweekday()),
        "date": published,
    }


def load(archive):
    with open(archive, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def reference_inputs(argv, target):
    """The command line every reference engine takes: ARCHIVE QUERIES TARGET OUT, TARGET naming its own index,
    database or hosts. Returns (the arguments, the archive's articles, the query set)."""
    parser = argparse.ArgumentParser()
    for name in ("archive", "queries", target, "out"):
        parser.add_argument(name)
    args = parser.parse_args(argv)
    with open(args.queries, encoding="utf-8") as handle:
        return args, load(args.archive), json.load(handle)


def build_index(path, articles):
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.STORED(),
        content=fields.TEXT(analyzer=StandardAnalyzer()),
        date=fields.DATETIME(sortable=True),
        **{name: fields.ID(sortable=True) for name in FACETS},
    )
    ix = index.create_in(path, schema)
    started = time.perf_counter()
    writer = ix.writer()
    for number, article in enumerate(articles, 1):
        values = facet_values(article)
        values["date"] = datetime.datetime.combine(values["date"], datetime.time())
        writer.add_document(
            id=str(number), title=article["title"], content=article["title"] + "\n" + article["body"], **values
        )
    writer.commit()
    return ix, time.perf_counter() - started


def _filter(q):
    terms = [Term(name, values[0]) for name, values in q["filters"].items()]
    return And(terms) if len(terms) > 1 else (terms[0] if terms else None)


def search(searcher, parser, q, faceted):
    started = time.perf_counter()
    parsed = parser.parse(reader_query(q))
    kwargs = {"limit": 20, "filter": _filter(q)}
    if faceted:
        kwargs["groupedby"] = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
    results = searcher.search(parsed, **kwargs)
    top = [hit["id"] for hit in results]
    count = len(results)
    if faceted:
        groups = {name: results.groups(name) for name in FACETS}
        assert groups  # counted, not shown
    return (time.perf_counter() - started) * 1000, count, len(top)


def quality(searcher, parser, items, urls, depth=10):
    """The quality set (bench/quality.py), each as the reader types it (AND of the words), with the five
    facets counted: [{"id", "ms", "count", "top"}], `top` the source URLs of the first `depth` hits."""
    out = []
    for item in items:
        started = time.perf_counter()
        results = searcher.search(
            parser.parse(" ".join(item["words"])),
            limit=20,
            groupedby={name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS},
        )
        top = [hit["id"] for hit in results][:depth]
        count = len(results)
        assert {name: results.groups(name) for name in FACETS}
        ms = (time.perf_counter() - started) * 1000
        out.append({"id": item["id"], "ms": ms, "count": count, "top": [urls[int(i) - 1] for i in top]})
    return out


def quality_in(index_dir, articles, items):
    """`quality` against the index in `index_dir`, built there first when it holds none."""
    index_dir = str(index_dir)
    if index.exists_in(index_dir):
        ix = index.open_dir(index_dir)
    else:
        os.makedirs(index_dir, exist_ok=True)
        ix, _ = build_index(index_dir, articles)
    with ix.searcher() as searcher:
        return quality(searcher, QueryParser("content", ix.schema), items, [a.get("source_url", "") for a in articles])


def main(argv=None):
    args, articles, query_set = reference_inputs(argv, "index_dir")

    ix, seconds = build_index(args.index_dir, articles)
    started = time.perf_counter()
    searcher = ix.searcher()
    open_ms = (time.perf_counter() - started) * 1000
    qparser = QueryParser("content", ix.schema)
    out = {
        "engine": "whoosh",
        "documents": searcher.doc_count(),
        "index_seconds": seconds,
        "docs_per_s": len(articles) / seconds,
        "searcher_open_ms": open_ms,
    }
    for name, queries, faceted in (
        ("plain", query_set["queries"], False),
        ("faceted", query_set["queries"], True),
        ("variants", query_set["variants"], True),
    ):
        out[name] = []
        for q in queries:
            ms, count, _ = search(searcher, qparser, q, faceted)
            out[name].append({"id": q["id"], "ms": ms, "count": count})
    if query_set.get("quality"):
        out["quality"] = quality(searcher, qparser, query_set["quality"], [a.get("source_url", "") for a in articles])
    searcher.close()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
