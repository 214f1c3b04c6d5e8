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
