"""Gazette's search at the Python API level, run in its own process inside one benchmark archive.

Needs GAZETTE_DATA_DIR and DJANGO_SETTINGS_MODULE in the environment (bench.run sets them).
Clears Django's caches first (every query is then uncached), times one warm-up search (the first
search of a process builds its per-process tables), then `archive.search.query.run(params)` for:
the query set, its filtered variants, and browsing with no query over a deterministic set of filter
combinations picked from the facet values the archive has. Writes JSON.

    python -m bench.gazette_api QUERIES.json OUT.json
    python -m bench.gazette_api --clear-cache
"""

import argparse
import json
import os
import time

import django


def clear_caches():
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


def _values(result, facet, n):
    """Up to n values of a facet, most frequent first (count > 0)."""
    values = [v for v in result.facets.get(facet, []) if v.count > 0]
    values.sort(key=lambda v: (-v.count, str(v.value)))
    return [str(v.value) for v in values[:n]]


def browse_combinations(run):
    """Filter combinations for browsing with no query, from the values the archive has."""
    everything = run({})
    languages = _values(everything, "language", 3)
    years = _values(everything, "year", 3)
    topics = _values(everything, "topic", 3)
    officials = _values(everything, "official", 2)
    months = _values(run({"year": years[:1]}), "month", 2) if years else []
    combos = [{}]
    combos += [{"language": [v]} for v in languages]
    combos += [{"year": [v]} for v in years]
    combos += [{"topic": [v]} for v in topics]
    combos += [{"official": [v]} for v in officials]
    combos += [{"language": [lang], "year": [year]} for lang in languages for year in years[:2]]
    combos += [{"language": [lang], "topic": [topic]} for lang in languages for topic in topics[:2]]
    combos += [{"year": years[:1], "month": [m]} for m in months]
    combos += [{"language": languages[:1], "year": years[:1], "topic": [t]} for t in topics[:2] if languages and years]
    if len(languages) >= 2:
        combos += [{"language": languages[:2]}, {"language": [languages[0], languages[-1]], "year": years[:1]}]
    if len(years) >= 2:
        combos += [{"year": years[:2]}, {"year": years[1:3], "topic": topics[:1]}]
    if topics and officials:
        combos += [{"topic": topics[:1], "official": officials[:1]}]
    if years:
        combos += [{"from": [f"{years[0]}-03-01"], "to": [f"{years[0]}-09-30"]}]
    combos += [{"language": languages[:1], "sort": ["oldest"]}, {"page": ["2"]}, {"topic": topics[:2], "page": ["2"]}]
    unique = []
    for combo in combos:
        combo = {k: v for k, v in combo.items() if v}
        if combo not in unique:
            unique.append(combo)
    return everything, unique, {"topics": topics, "officials": officials, "languages": languages, "years": years}


def timed(run, params):
    started = time.perf_counter()
    result = run(params)
    return (time.perf_counter() - started) * 1000, result


def quality(items, depth=10):
    """The quality set (bench/quality.py) through `query.run`, as the reader types it (plain words):
    [{"id", "ms", "count", "top", "variants"}]: the source URLs of the first `depth` hits (one per story),
    and of the other articles of each hit's story."""
    from archive.search import query

    out = []
    for item in items:
        ms, result = timed(query.run, {"q": [" ".join(item["words"])]})
        hits = result.hits[:depth]
        top = [hit.article.source_url for hit in hits]
        variants = [[v.source_url for v in hit.variants] for hit in hits]
        out.append({"id": item["id"], "ms": ms, "count": result.count, "top": top, "variants": variants})
    return out


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="?")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--clear-cache", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    clear_caches()
    if args.clear_cache:
        return

    from archive.models import Official, Topic
    from archive.search import query
    from bench.queries import params

    with open(args.queries, encoding="utf-8") as handle:
        query_set = json.load(handle)
    warmup_ms, first = timed(query.run, {"q": ["gazettebenchwarmup"]})
    out = {"warmup_ms": warmup_ms, "warmup_count": first.count}
    second_ms, _ = timed(query.run, {"q": ["gazettebenchwarmuptwo"]})
    out["second_ms"] = second_ms

    everything, combos, picked = browse_combinations(query.run)
    out["documents"] = everything.count
    out["picked"] = picked
    # Repeated pages: the most frequent topic and official (else any the gazetteer has).
    out["topic"] = (
        picked["topics"] or list(Topic.objects.order_by("pk").values_list("slug", flat=True)[:1]) or [None]
    )[0]
    out["official"] = (
        picked["officials"] or list(Official.objects.order_by("pk").values_list("slug", flat=True)[:1]) or [None]
    )[0]

    for name, queries in (("search", query_set["queries"]), ("variants", query_set["variants"])):
        out[name] = []
        for q in queries:
            ms, result = timed(query.run, params(q))
            out[name].append({"id": q["id"], "ms": ms, "count": result.count, "hits": len(result.hits)})
    if query_set.get("quality"):
        out["quality"] = quality(query_set["quality"])
    clear_caches()
    out["browse"] = []
    for combo in combos:
        ms, result = timed(query.run, combo)
        out["browse"].append({"params": combo, "ms": ms, "count": result.count})
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(out, handle, ensure_ascii=False)


if __name__ == "__main__":
    main()
