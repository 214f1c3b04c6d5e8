"""The benchmark (bench/, `make bench`) end to end on a 300-article archive, so that it cannot rot.

Runs the documented command with small settings: Gazette's import, both references, the Python API and
HTTP passes (gunicorn), repeated pages, and the index lag with two probes (when `manage.py run_indexer`
exists); wrk is skipped. About 30-40 seconds on two cores. It reads the real corpora when they are beside
the project (../shared/corpus/), else small stand-ins in the same three formats written here.
"""

import gzip
import hashlib
import json
import subprocess
import sys

import pytest

from bench import quality
from bench.common import ROOT, percentile
from bench.corpus import CORPUS_DIR
from bench.report import ROWS

SIZE = 300

_VOCABULARY = {
    "en": "government minister said reform public service online digital council economy trade bank market "
    "price oil export budget tax law court president agency report growth rate company shares profit year",
    "ru": "правительство министр заявил реформа государственный услуга цифровой совет экономика торговля банк "
    "рынок цена нефть экспорт бюджет налог закон суд президент агентство доклад рост компания акции прибыль",
    "vi": "chính phủ bộ trưởng cải cách hành chính dịch vụ công trực tuyến số hóa hội đồng kinh tế thương mại "
    "ngân hàng thị trường giá dầu xuất khẩu ngân sách thuế luật tòa án doanh nghiệp lợi nhuận năm",
}


def _text(language, key, n):
    """n words of `language`, frequent words more often (deterministic in `key`)."""
    base = _VOCABULARY[language].split()
    words = base + [a + b for b in base[:12] for a in base]  # a long tail of rarer (made-up) words
    out = []
    for i in range(n):
        u = int.from_bytes(hashlib.sha256(f"{key}:{i}".encode()).digest()[:4], "big") / 2**32
        out.append(words[int(len(words) * u**3)])
    return " ".join(out)


def _stand_in_corpora(directory):
    """Small corpora in the three source formats bench/corpus.py reads (when the real ones are absent)."""
    rows = {
        "reuters21578.jsonl.gz": [
            {
                "newid": str(k),
                "date": f"{1 + k % 28:02d}-MAR-1987 10:00:00.00",
                "title": _text("en", f"t{k}", 6).upper(),
                "body": _text("en", k, 120),
            }
            for k in range(1, 301)
        ],
        "ria_ru_2k.jsonl.gz": [
            {
                "id": str(k),
                "url": f"https://example.org/ru/{k}",
                "title": _text("ru", f"t{k}", 6),
                "content": _text("ru", k, 120),
                "datetime": f"09:20 {1 + k % 28:02d}.10.2023",
            }
            for k in range(1, 101)
        ],
        "baomoi_35k.jsonl.gz": [
            {
                "id": str(k),
                "url": f"https://example.org/vi/{k}",
                "title": _text("vi", f"t{k}", 8),
                "body": _text("vi", k, 160),
            }
            for k in range(1, 401)
        ],
    }
    for name, articles in rows.items():
        with gzip.open(directory / name, "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in articles)
    return directory


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    corpora = CORPUS_DIR if CORPUS_DIR.is_dir() else _stand_in_corpora(tmp_path_factory.mktemp("corpora"))
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--sizes",
        str(SIZE),
        "--queries",
        "40",
        "--repeat",
        "3",
        "--probes",
        "2",
        "--lag-import",
        "60",
        "--no-wrk",
        "--keep",
        "--work-dir",
        str(out),
        "--corpus-dir",
        str(corpora),
        "--out",
        str(out / "report.md"),
        "--json",
        str(out / "report.json"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = (out / "report.md").read_text(encoding="utf-8")
    (result,) = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report, result


def _series(rows, key="ms"):
    return [row[key] for row in rows]


def test_report_has_every_row_and_goal(bench):
    report, _ = bench
    assert report.startswith("# Gazette search benchmark")
    assert "- Command: `.venv/bin/python -m bench.run --sizes 300" in report
    for row in ROWS:
        assert f"| {row} |" in report, row
    for number in range(1, 6):
        assert f"\n{number}. " in report


def test_every_engine_holds_the_same_documents(bench):
    _, result = bench
    assert result["corpus"]["articles"] == SIZE
    assert result["corpus"]["languages"].keys() == {"en", "ru", "vi"}
    assert result["gazette_import"]["created"] == SIZE
    assert result["api"]["documents"] == result["whoosh"]["documents"] == result["fts5"]["documents"] == SIZE


def test_numbers_are_sane(bench):
    _, result = bench
    for engine in (result["gazette_import"], result["whoosh"], result["fts5"]):
        assert engine["docs_per_s"] > 0
        assert engine["peak_rss_mb"] > 0
    series = [
        _series(result["whoosh"]["plain"]),
        _series(result["whoosh"]["faceted"]),
        _series(result["fts5"]["plain"]),
        _series(result["fts5"]["faceted"]),
        _series(result["api"]["search"]),
        _series(result["api"]["variants"]),
        _series(result["api"]["browse"]),
        _series(result["http"]["search"], "client_ms"),
        _series(result["http"]["search"], "server_ms"),
        _series(result["http"]["browse"], "server_ms"),
    ]
    for values in series:
        assert values and all(v is not None and v > 0 for v in values)
        assert percentile(values, 95) >= percentile(values, 50) > 0
    # The same queries reach every engine, and they find things.
    ids = [row["id"] for row in result["api"]["search"]]
    assert ids == [row["id"] for row in result["fts5"]["plain"]] == [row["id"] for row in result["whoosh"]["plain"]]
    assert len(ids) == 40
    for rows in (result["api"]["search"], result["fts5"]["plain"], result["whoosh"]["plain"]):
        assert sum(1 for row in rows if row["count"]) >= 0.9 * len(rows)
    assert all(row["status"] == 200 for row in result["http"]["search"] + result["http"]["browse"])
    assert len(result["http"]["browse"]) >= 10
    home = result["http"]["pages"]["home"]
    assert home["statuses"] == {"200": 4} and home["p50"] > 0
    assert all(rss and rss > 0 for rss in result["http"]["worker_rss_mb"].values())
    assert len(result["http"]["worker_rss_mb"]) == 2


def test_lag_is_measured_or_reported_missing(bench):
    _, result = bench
    lag = result["lag"]
    if lag["status"] == "ok":
        assert lag["probes"] == 2
        assert 0 < lag["median_s"] <= lag["max_s"]
    else:
        assert lag["status"].startswith("n/a")


def test_nothing_stopped_the_run(bench):
    _, result = bench
    assert not [note for note in result["notes"] if note.startswith("the run stopped")]


# --- the quality pass (bench/quality.py): the report's rows, and the metrics on hand-checked cases ---------------


def test_report_has_the_quality_rows_and_goals(bench):
    report, result = bench
    for label in ("Phrase precision@k, compounds with diacritics", "… folded", "MRR@10, vi, with diacritics"):
        assert label.replace("… ", "Phrase precision@k, compounds ") in report, label
    assert "| Whole query set (queries + compounds + titles), ms |" in report
    for number in (6, 7, 8):
        assert f"\n{number}. " in report
    quality = result["quality"]
    assert set(quality["metrics"]) == {"Gazette", "raw Whoosh", "FTS5 AND", "FTS5 phrase-first"}


def test_quality_metrics_are_shares_computed_from_every_query(bench):
    _, result = bench
    quality = result["quality"]
    items = quality["items"]
    compounds = [q for q in items if q["kind"] == "compound" and q["k"]]
    titles = [q for q in items if q["kind"] == "title"]
    assert compounds and titles
    assert {q["form"] for q in compounds} == {"diacritics", "folded"}
    for engine, metrics in quality["metrics"].items():
        assert metrics["phrase_precision"]["all"]["n"] == len(compounds), engine
        assert metrics["mrr"]["all"]["n"] == len(titles), engine
        for group in (*metrics["phrase_precision"].values(), *metrics["mrr"].values()):
            assert 0 <= group["mean"] <= 1, engine
    # Every engine answered every quality query, over HTTP too.
    ids = [q["id"] for q in items]
    for rows in (
        result["api"]["quality"],
        result["whoosh"]["quality"],
        result["fts5"]["quality"]["and"],
        result["fts5"]["quality"]["phrase_first"],
        result["http"]["quality"],
    ):
        assert [row["id"] for row in rows] == ids
    assert all(row["status"] == 200 for row in result["http"]["quality"])


def test_the_reported_mrr_is_the_rankings_mrr(bench):
    _, result = bench
    quality_ = result["quality"]
    targets = {q["id"]: q["target"] for q in quality_["items"] if q["kind"] == "title"}
    for engine, rows in (("Gazette", result["api"]["quality"]), ("FTS5 AND", result["fts5"]["quality"]["and"])):
        total = 0
        for row in rows:
            if row["id"] in targets:
                stories = [
                    [url, *others] for url, others in zip(row["top"], row.get("variants", [[]] * 10), strict=False)
                ]
                ranks = [rank for rank, story in enumerate(stories[:10], 1) if targets[row["id"]] in story]
                total += 1 / ranks[0] if ranks else 0
        assert quality_["metrics"][engine]["mrr"]["all"]["mean"] == pytest.approx(total / len(targets))


def test_fts5_phrase_first_agrees_with_the_archive_scan(bench):
    # The phrase query of an independent engine finds what the archive scan counted: k and the phrase
    # test are right, and a ranking that puts the phrase first scores (nearly) 1.
    _, result = bench
    assert result["quality"]["metrics"]["FTS5 phrase-first"]["phrase_precision"]["all"]["mean"] >= 0.9
    assert result["quality"]["metrics"]["FTS5 phrase-first"]["mrr"]["all"]["mean"] >= 0.5


def test_the_quick_pass_reuses_a_kept_work_dir(bench, tmp_path):
    _, result = bench
    (work,) = [note.split(" kept in ")[1] for note in result["notes"] if note.startswith("work files kept in ")]
    out = tmp_path / "quality.json"
    command = [sys.executable, "-m", "bench.quality", "--work", work, "--limit", "24", "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| Phrase precision@k, compounds all" in done.stdout
    assert "| MRR@10, all titles" in done.stdout
    assert "\n6. " in done.stdout and "\n7. " in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = data["runs"]["FTS5 phrase-first"]
    assert len(rows) == 24
    # The same set and the same FTS5 database as the run: the same rankings.
    in_run = {row["id"]: row["top"] for row in result["fts5"]["quality"]["phrase_first"]}
    assert [row["top"] for row in rows] == [in_run[row["id"]] for row in rows]
    assert [row["id"] for row in data["runs"]["Gazette"]] == [row["id"] for row in rows]
    for metrics in data["metrics"].values():
        for group in (*metrics["phrase_precision"].values(), *metrics["mrr"].values()):
            assert 0 <= group["mean"] <= 1


def test_fold_and_the_phrase_test():
    assert quality.fold("Đà Nẵng, Chính Phủ") == "da nang, chinh phu"
    sequence = quality.folded_sequence("Chính phủ điện tử", "Ví điện tử, chính phủ.")
    assert sequence == " chinh phu dien tu vi dien tu chinh phu "
    assert quality.holds(sequence, ["chính", "phủ", "điện", "tử"])
    assert quality.holds(sequence, ["chinh", "phu", "dien", "tu"])
    assert quality.holds(sequence, ["tử", "chính"])  # across a comma: the \w+ word sequence
    assert not quality.holds(sequence, ["phủ", "tử"])
    assert not quality.holds(sequence, ["hinh", "phu"])  # whole words only


def test_phrase_precision_and_reciprocal_rank_by_hand():
    assert quality.phrase_precision(["a", "b", "c", "d"], {"a", "c", "d"}, 3) == pytest.approx(2 / 3)
    assert quality.phrase_precision(["b", "a"], {"a", "c"}, 2) == 0.5
    assert quality.phrase_precision(["a"], {"a", "c"}, 2) == 0.5  # a missing result counts as a miss
    assert quality.phrase_precision(["a"], set(), 0) is None  # skipped
    assert quality.reciprocal_rank(["x", "y", "t"], "t") == pytest.approx(1 / 3)
    assert quality.reciprocal_rank(["x"] * 10 + ["t"], "t") == 0
    assert quality.reciprocal_rank([], "t") == 0
    # One hit per story: the target found among the variants of the second hit counts at rank 2.
    assert quality.reciprocal_rank(["x", "y"], "t", variants=[["z"], ["t"]]) == 0.5


def _archive(tmp_path, rows):
    path = tmp_path / "archive.jsonl"
    path.write_text(
        "".join(
            json.dumps({"title": t, "body": b, "language": "vi", "source_url": f"u{i}"}, ensure_ascii=False) + "\n"
            for i, (t, b) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    return quality.Archive(path)


def test_evaluate_on_a_hand_made_ranking(tmp_path):
    archive = _archive(
        tmp_path,
        [
            ("Chính phủ điện tử", "Bộ triển khai chính phủ điện tử."),  # u0 holds the phrase
            ("Ví điện tử", "Chính phủ họp. Ví điện tử thu phí."),  # u1: the words apart
            ("Dịch vụ công", "Chính phủ điện tử giúp dân."),  # u2 holds it
            ("Prime Minister", "The prime minister said."),  # u3
        ],
    )
    phrase = ["chính", "phủ", "điện", "tử"]
    assert archive.holding(phrase) == {"u0", "u2"}
    items = [
        {"id": "c1", "kind": "compound", "lang": "vi", "form": "diacritics", "words": phrase, "phrase": phrase, "k": 2},
        {"id": "c2", "kind": "compound", "lang": "vi", "form": "folded", "words": phrase, "phrase": phrase, "k": 2},
        {"id": "t1", "kind": "title", "lang": "vi", "form": "as written", "words": ["x"], "target": "u2"},
    ]
    rankings = {
        "together": {"c1": ["u0", "u2", "u1"], "c2": ["u2"], "t1": ["u0", "u2"]},
        "apart": {"c1": ["u1", "u3"], "c2": ["u1", "u0"], "t1": []},
    }
    rows = {engine: {qid: {"top": top} for qid, top in ranked.items()} for engine, ranked in rankings.items()}
    metrics = quality.evaluate(archive, items, rows)
    assert metrics["together"]["phrase_precision"]["diacritics"] == {"mean": 1.0, "n": 1}
    assert metrics["together"]["phrase_precision"]["all"] == {"mean": 0.75, "n": 2}
    assert metrics["together"]["mrr"]["all"] == {"mean": 0.5, "n": 1}
    assert metrics["apart"]["phrase_precision"]["all"] == {"mean": 0.25, "n": 2}
    assert metrics["apart"]["mrr"]["vi as written"] == {"mean": 0.0, "n": 1}


_BEFORE = ["Tỉnh đẩy mạnh", "Bộ trưởng bàn", "Hội nghị về", "Người dân góp ý", "Thành phố tiếp tục"]
_AFTER = ["năm nay", "trong tháng", "ở cơ sở", "toàn diện", "đạt kết quả"]


def test_compounds_are_sticky_grams_not_their_fragments_or_function_words():
    articles = [
        {"title": f"Tin {i}", "body": f"{b} cải cách hành chính {a}. Của và các là được."}
        for i, (b, a) in enumerate(zip(_BEFORE, _AFTER, strict=True))
    ]
    articles.append({"title": "Khác", "body": "cải tiến hành động chính xác cách mạng"})
    assert quality.compounds(articles, {2: 3, 3: 2, 4: 2}) == [("cải", "cách", "hành", "chính")]


def test_the_quality_set_types_each_query_twice(tmp_path):
    rows = [
        (f"Tin số {i} trong ngày hôm nay", f"{b} cải cách hành chính {a}.")
        for i, (b, a) in enumerate(zip(_BEFORE, _AFTER, strict=True))
    ]
    archive = _archive(tmp_path, rows)
    items = quality.build(archive, compound_quota={4: 1}, title_quota={"vi": 2})
    texts = {(q["kind"], q["form"]): " ".join(q["words"]) for q in items}
    assert texts[("compound", "diacritics")] == "cải cách hành chính"
    assert texts[("compound", "folded")] == "cai cach hanh chinh"
    compound = next(q for q in items if q["kind"] == "compound")
    assert compound["k"] == 5
    titles = [q for q in items if q["kind"] == "title"]
    assert len(titles) == 4 and {q["form"] for q in titles} == {"as written", "folded"}
    assert {q["target"] for q in titles} <= {f"u{i}" for i in range(5)}
    folded = [" ".join(q["words"]) for q in titles if q["form"] == "folded"]
    assert folded == ["tin so 0 trong ngay hom nay", "tin so 2 trong ngay hom nay"]
