"""The benchmark's Markdown report: one table per archive size, the goals, notes, and the quality tables.

Columns: Gazette, raw Whoosh, SQLite FTS5, Gazette ÷ raw Whoosh, Gazette ÷ FTS5, goal. Cells with two
numbers are `p50 / p95` (milliseconds unless the row says otherwise); ratios divide like by like
(p50 by p50, p95 by p95). For times lower is better, for throughputs higher is better.
"""

from bench.common import summary

ROWS = (
    "Documents searchable",
    "Import and indexing, docs/s",
    "Indexing process peak RSS, MB",
    "Plain search (top 20 + exact count), ms",
    "Search + facets, Python API, ms",
    "Search + facets, a filter selected, Python API, ms",
    "First search in a process (warm-up), ms",
    "Search + facets over HTTP, server time (Server-Timing), ms",
    "Search + facets over HTTP, client time, ms",
    "Browse (no query) + facets, Python API, ms",
    "Browse (no query) + facets over HTTP, server time, ms",
    "Repeated page `/` (home), p50 ms",
    "Repeated page topic, p50 ms",
    "Repeated page official, p50 ms",
    "Repeated page popular search, p50 ms",
    "wrk -c 8 -d 10s on `/`, req/s",
    "Web worker RSS after the HTTP runs, MB",
    "Index lag while importing, median / max s",
    "Queries with at least one hit",
)
GOAL_FACTOR = 2.0  # goal 1: faceted p95 within 2x of FTS5's
BROWSE_MS = 50.0  # goal 2
PAGE_MS = 5.0  # goal 4
WRK_RPS = 300.0  # goal 4
LAG_MEDIAN_S, LAG_MAX_S = 1.0, 5.0  # goal 5
PHRASE_PRECISION = 0.95  # goal 6: Vietnamese compounds
MRR = 0.97  # goal 7: titles
QUALITY_ENGINES = ("Gazette", "raw Whoosh", "FTS5 AND", "FTS5 phrase-first")
PP_ROWS = (("diacritics", "with diacritics"), ("folded", "folded"), ("all", "all"))
MRR_ROWS = (
    ("vi as written", "vi, with diacritics"),
    ("vi folded", "vi, folded"),
    ("en as written", "en, as written"),
    ("en lowercase", "en, lowercase"),
    ("ru as written", "ru, as written"),
    ("ru folded", "ru, folded (ё → е)"),
    ("all", "all titles"),
)
WHOLE = "whole query set (queries + compounds + titles)"
LATENCY_COLUMNS = ("Gazette, Python API", "Gazette over HTTP, server", "raw Whoosh", "FTS5")


def _ms(value):
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _pair(stats):
    if not stats or stats.get("p50") is None:
        return "—"
    return f"{_ms(stats['p50'])} / {_ms(stats['p95'])}"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def _x(value):
    return "—" if value is None else (f"{value:.2f}×" if value < 10 else f"{value:,.0f}×")


def _pair_ratio(g, ref):
    if not g or not ref or g.get("p50") is None or ref.get("p50") is None:
        return "—"
    return f"{_x(_ratio(g['p50'], ref['p50']))} / {_x(_ratio(g['p95'], ref['p95']))}"


def _stats(rows, key="ms"):
    values = [r[key] for r in rows or [] if r.get(key) is not None]
    return summary(values) if values else None


def _met(ok):
    return "**met**" if ok else "**not met**"


def goals(r):
    """[(number, text, met or None)] for one size."""
    out = []
    fts = _stats(r.get("fts5", {}).get("faceted"))
    server = _stats(r.get("http", {}).get("search"), "server_ms")
    if server and fts:
        ratio = server["p95"] / fts["p95"] if fts["p95"] else None
        out.append(
            (
                1,
                f"uncached search + facets, server time p95 {_ms(server['p95'])} ms = {_x(ratio)} FTS5's "
                f"{_ms(fts['p95'])} ms (goal ≤ {GOAL_FACTOR:g}×)",
                ratio is not None and ratio <= GOAL_FACTOR,
            )
        )
    else:
        out.append((1, "not measured", None))
    browse = _stats(r.get("http", {}).get("browse"), "server_ms")
    if browse:
        out.append(
            (
                2,
                f"browse + facets, server time p95 {_ms(browse['p95'])} ms (goal < {BROWSE_MS:g} ms)",
                browse["p95"] < BROWSE_MS,
            )
        )
    else:
        out.append((2, "not measured", None))
    g_rate = r.get("gazette_import", {}).get("docs_per_s")
    w_rate = r.get("whoosh", {}).get("docs_per_s")
    if g_rate and w_rate:
        out.append(
            (
                3,
                f"import {g_rate:,.0f} docs/s vs raw Whoosh {w_rate:,.0f} docs/s (goal ≥ 1×: {_x(g_rate / w_rate)})",
                g_rate >= w_rate,
            )
        )
    else:
        out.append((3, "not measured", None))
    pages = r.get("http", {}).get("pages", {})
    p50s = {name: page["p50"] for name, page in pages.items() if page.get("p50") is not None}
    rate = r.get("http", {}).get("wrk", {}).get("req_per_s")
    if p50s:
        worst = max(p50s, key=p50s.get)
        text = f"repeated pages p50 worst {_ms(p50s[worst])} ms ({worst}; goal < {PAGE_MS:g} ms)"
        ok = p50s[worst] < PAGE_MS
        if rate is not None:
            text += f", wrk {rate:,.0f} req/s (goal ≥ {WRK_RPS:g})"
            ok = ok and rate >= WRK_RPS
        else:
            text += ", wrk not run"
        out.append((4, text, ok))
    else:
        out.append((4, "not measured", None))
    lag = r.get("lag", {})
    if lag.get("status") == "ok":
        out.append(
            (
                5,
                f"index lag median {lag['median_s']:.2f} s, max {lag['max_s']:.2f} s over {lag['probes']} saves, "
                f"{lag['during_import']} during the import (goal ≤ {LAG_MEDIAN_S:g} s / ≤ {LAG_MAX_S:g} s)",
                lag["median_s"] <= LAG_MEDIAN_S and lag["max_s"] <= LAG_MAX_S,
            )
        )
    else:
        out.append((5, lag.get("status", "not measured"), None))
    return out + quality_goals(r.get("quality"))


def _metric(q, engine, kind, group):
    return (q or {}).get("metrics", {}).get(engine, {}).get(kind, {}).get(group) or {}


def _whole(q):
    """(Gazette's whole-set p95, which Gazette timing, FTS5's whole-set p95)."""
    whole = (q or {}).get("whole") or {}
    fts = (whole.get("FTS5") or {}).get("p95")
    for name in ("Gazette over HTTP, server", "Gazette, Python API"):
        if (whole.get(name) or {}).get("p95") is not None:
            return whole[name]["p95"], name, fts
    return None, None, fts


def quality_goals(q):
    """Goals 6-8 (issue 14): phrase precision@k, MRR@10, whole-set p95 against FTS5's."""
    if not q:
        return [(n, "not measured", None) for n in (6, 7, 8)]
    out = []
    for number, kind, group, goal, what in (
        (6, "phrase_precision", "all", PHRASE_PRECISION, "phrase precision@k on the Vietnamese compounds"),
        (7, "mrr", "all", MRR, "known-item MRR@10 on the titles"),
    ):
        mine = _metric(q, "Gazette", kind, group).get("mean")
        best = max(
            (v for v in (_metric(q, e, kind, group).get("mean") for e in ("FTS5 AND", "FTS5 phrase-first")) if v),
            default=None,
        )
        if mine is None:
            out.append((number, "not measured", None))
            continue
        text = f"{what} {mine:.3f} (goal ≥ {goal:g}; FTS5's better of AND and phrase-first {_num(best)})"
        out.append((number, text, mine >= goal))
    gazette, name, fts = _whole(q)
    if gazette is None or not fts:
        out.append((8, "not measured", None))
    else:
        ratio = gazette / fts
        out.append(
            (
                8,
                f"{q.get('whole_label', WHOLE)}, {name} p95 {_ms(gazette)} ms = {_x(ratio)} "
                f"FTS5's {_ms(fts)} ms (goal ≤ {GOAL_FACTOR:g}×, at 50,000)",
                ratio <= GOAL_FACTOR,
            )
        )
    return out


def _first_upper(text):
    return text[:1].upper() + text[1:]


def _num(value):
    return "—" if value is None else f"{value:.3f}"


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def quality_table(q):
    """Phrase precision@k and MRR@10 per engine, with the goal each decides."""
    goal_list = quality_goals(q)
    rows = []
    for group, label in PP_ROWS:
        n = max((_metric(q, e, "phrase_precision", group).get("n", 0) for e in QUALITY_ENGINES), default=0)
        cells = [_num(_metric(q, e, "phrase_precision", group).get("mean")) for e in QUALITY_ENGINES]
        rows.append(
            (f"Phrase precision@k, compounds {label} ({n})", *cells, _goal_cell(goal_list, 6) if group == "all" else "")
        )
    for group, label in MRR_ROWS:
        n = max((_metric(q, e, "mrr", group).get("n", 0) for e in QUALITY_ENGINES), default=0)
        if not n:
            continue
        cells = [_num(_metric(q, e, "mrr", group).get("mean")) for e in QUALITY_ENGINES]
        rows.append((f"MRR@10, {label} ({n})", *cells, _goal_cell(goal_list, 7) if group == "all" else ""))
    return _markdown(("Quality (queries)", *QUALITY_ENGINES, "Goal"), rows)


def latency_table(q):
    """p50 / p95 ms of the quality set (and the whole query set) per engine, with Gazette ÷ FTS5."""
    goal_list = quality_goals(q)
    rows = []
    groups = [(q.get("latency", {}), "compounds", "Compounds"), (q.get("latency", {}), "titles", "Titles")]
    for source, key, label in groups:
        stats = {c: (source.get(c) or {}).get(key) for c in LATENCY_COLUMNS}
        rows.append(
            (
                f"{label}, ms",
                *(_pair(stats[c]) for c in LATENCY_COLUMNS),
                _pair_ratio(stats["Gazette, Python API"], stats["FTS5"]),
                _pair_ratio(stats["Gazette over HTTP, server"], stats["FTS5"]),
                "",
            )
        )
    whole = q.get("whole") or {}
    if whole:
        stats = {c: whole.get(c) for c in LATENCY_COLUMNS}
        rows.append(
            (
                f"{_first_upper(q.get('whole_label', WHOLE))}, ms",
                *(_pair(stats[c]) for c in LATENCY_COLUMNS),
                _pair_ratio(stats["Gazette, Python API"], stats["FTS5"]),
                _pair_ratio(stats["Gazette over HTTP, server"], stats["FTS5"]),
                _goal_cell(goal_list, 8),
            )
        )
    header = ("p50 / p95", *LATENCY_COLUMNS, "API ÷ FTS5", "HTTP server ÷ FTS5", "Goal")
    return _markdown(header, rows)


def quality_section(q, title=None, with_goals=False):
    """The quality part of a size's section (or of `bench.quality`'s output)."""
    out = [f"### {title}" if title else "### Quality: Vietnamese compounds and known-item titles", ""]
    out += [f"Quality set: {q.get('set', '—')}.", ""]
    out += [quality_table(q), "", latency_table(q), ""]
    out.append(
        "FTS5 times are the AND query with its count and five facets; raw Whoosh's the same with its facets. "
        "Gazette's hits are one per story."
    )
    if q.get("notes"):
        out += [""] + [f"- {note}" for note in q["notes"]]
    if with_goals:
        out.append("")
        for number, description, ok in quality_goals(q):
            state = "n/a" if ok is None else ("met" if ok else "NOT met")
            out.append(f"{number}. {state}: {description}")
    return "\n".join(out)


def _goal_cell(goal_list, number):
    for n, _, ok in goal_list:
        if n == number:
            return "—" if ok is None else f"{_met(ok)} (goal {number})"
    return ""


def _hits(rows):
    if not rows:
        return "—"
    return f"{sum(1 for row in rows if row.get('count'))} of {len(rows)}"


def table(r):
    g_import = r.get("gazette_import", {})
    w = r.get("whoosh", {})
    f = r.get("fts5", {})
    api = r.get("api", {})
    web = r.get("http", {})
    goal_list = goals(r)
    rows = []

    def add(name, gazette="—", whoosh="—", fts="—", vs_w="—", vs_f="—", goal=""):
        rows.append((name, gazette, whoosh, fts, vs_w, vs_f, goal))

    add(
        ROWS[0],
        *(
            f"{n:,}" if isinstance(n, int) else "—"
            for n in (api.get("documents"), w.get("documents"), f.get("documents"))
        ),
    )
    g_rate, w_rate, f_rate = g_import.get("docs_per_s"), w.get("docs_per_s"), f.get("docs_per_s")
    add(
        ROWS[1],
        f"{g_rate:,.0f}" if g_rate else "—",
        f"{w_rate:,.0f}" if w_rate else "—",
        f"{f_rate:,.0f}" if f_rate else "—",
        _x(_ratio(g_rate, w_rate)),
        _x(_ratio(g_rate, f_rate)),
        _goal_cell(goal_list, 3),
    )
    g_rss, w_rss, f_rss = g_import.get("peak_rss_mb"), w.get("peak_rss_mb"), f.get("peak_rss_mb")
    add(
        ROWS[2],
        *(f"{v:,.0f}" if v else "—" for v in (g_rss, w_rss, f_rss)),
        _x(_ratio(g_rss, w_rss)),
        _x(_ratio(g_rss, f_rss)),
    )
    add(ROWS[3], "— (always counts facets)", _pair(_stats(w.get("plain"))), _pair(_stats(f.get("plain"))))
    g, ws, fs = _stats(api.get("search")), _stats(w.get("faceted")), _stats(f.get("faceted"))
    add(ROWS[4], _pair(g), _pair(ws), _pair(fs), _pair_ratio(g, ws), _pair_ratio(g, fs))
    g, ws, fs = _stats(api.get("variants")), _stats(w.get("variants")), _stats(f.get("variants"))
    add(ROWS[5], _pair(g), _pair(ws), _pair(fs), _pair_ratio(g, ws), _pair_ratio(g, fs))
    warm = web.get("warmup_ms")
    add(
        ROWS[6],
        f"{_ms(api.get('warmup_ms'))} API; {_ms(max(warm) if warm else None)} HTTP",
        f"{_ms(w.get('searcher_open_ms'))} (open searcher)",
    )
    g, fs = _stats(web.get("search"), "server_ms"), _stats(f.get("faceted"))
    ws = _stats(w.get("faceted"))
    add(ROWS[7], _pair(g), _pair(ws), _pair(fs), _pair_ratio(g, ws), _pair_ratio(g, fs), _goal_cell(goal_list, 1))
    g = _stats(web.get("search"), "client_ms")
    add(ROWS[8], _pair(g), _pair(ws), _pair(fs), _pair_ratio(g, ws), _pair_ratio(g, fs))
    add(ROWS[9], _pair(_stats(api.get("browse"))))
    add(ROWS[10], _pair(_stats(web.get("browse"), "server_ms")), goal=_goal_cell(goal_list, 2))
    pages = web.get("pages", {})
    for name, key in zip(ROWS[11:15], ("home", "topic", "official", "popular search"), strict=True):
        page = pages.get(key)
        if page and page.get("p50") is not None:
            cell = f"{_ms(page['p50'])} (first {_ms(page['first'])}; `{page['path']}`)"
            goal = f"{_met(page['p50'] < PAGE_MS)} (goal 4)"
        else:
            cell, goal = (page or {}).get("note", "—"), ""
        add(name, cell, goal=goal)
    wrk = web.get("wrk", {})
    if "req_per_s" in wrk:
        extra = f" ({wrk['non_2xx']} non-2xx)" if wrk.get("non_2xx") else ""
        add(ROWS[15], f"{wrk['req_per_s']:,.0f}{extra}", goal=f"{_met(wrk['req_per_s'] >= WRK_RPS)} (goal 4)")
    else:
        add(ROWS[15], wrk.get("note", "—"))
    rss = web.get("worker_rss_mb") or {}
    values = [v for v in rss.values() if v is not None]
    add(ROWS[16], " + ".join(f"{v:,.0f}" for v in values) if values else "—")
    lag = r.get("lag", {})
    if lag.get("status") == "ok":
        add(ROWS[17], f"{lag['median_s']:.2f} / {lag['max_s']:.2f}", goal=_goal_cell(goal_list, 5))
    else:
        add(ROWS[17], lag.get("status", "—"))
    add(ROWS[18], _hits(api.get("search")), _hits(w.get("plain")), _hits(f.get("plain")))

    header = ("Metric", "Gazette", "raw Whoosh", "SQLite FTS5", "Gazette ÷ Whoosh", "Gazette ÷ FTS5", "Goal")
    return _markdown(header, rows), goal_list


def section(r):
    out = [f"## {r['size']:,} articles"]
    corpus = r.get("corpus", {})
    if corpus:
        langs = ", ".join(f"{lang} {n:,}" for lang, n in sorted(corpus.get("languages", {}).items()))
        out.append(
            f"Archive: {corpus['articles']:,} articles ({langs}), {corpus['words_avg']:.0f} words on average"
            + (f", {corpus['composites']:,} composites (beyond the corpora)" if corpus.get("composites") else "")
            + "."
        )
    if r.get("query_set"):
        out.append(f"Query set: {r['query_set']}.")
    text, goal_list = table(r)
    out += ["", text, "", "Goals (set at 50,000 articles):", ""]
    for number, description, ok in goal_list:
        state = "n/a" if ok is None else ("met" if ok else "NOT met")
        out.append(f"{number}. {state}: {description}")
    if r.get("quality"):
        out += ["", quality_section(r["quality"])]
    notes = r.get("notes", [])
    if notes:
        out += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    timing = r.get("timing", {})
    if timing:
        out += ["", "Harness time: " + ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in timing.items())]
    load = r.get("load", {})
    if load:
        out += [
            "",
            "Load average (1 min) after each step: " + ", ".join(f"{name} {value:.1f}" for name, value in load.items()),
        ]
    return "\n".join(out)


def document(header_lines, results):
    parts = ["# Gazette search benchmark", "", *header_lines, "", __doc__.split("\n\n")[1].replace("\n", " "), ""]
    for r in results:
        parts += [section(r), ""]
    return "\n".join(parts)
