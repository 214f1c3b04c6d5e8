"""Build benchmark archives from the real corpora in ../shared/corpus/ as import JSON Lines.

English (Reuters-21578), Russian (RIA Novosti) and Vietnamese (baomoi) are interleaved in a fixed
order, so that a 10k archive is a prefix of the 50k one. Dates a source lacks are spread
deterministically over 2016-2024 from the article id. Nothing random: the same N gives the same file.

    python -m bench.corpus 10000 > /tmp/archive-10k.jsonl
"""

import argparse
import datetime
import gzip
import hashlib
import json
import sys
from itertools import islice
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# Share of each language in the mix, in articles per cycle of 20: roughly the corpora's proportions.
MIX = (("vi", 11), ("en", 7), ("ru", 2))


def _spread_date(key):
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return (datetime.date(2016, 1, 1) + datetime.timedelta(days=digest % 3288)).isoformat()


def _reuters(path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if not row.get("body") or not row.get("title"):
                continue
            try:
                published = datetime.datetime.strptime(row["date"].split()[0], "%d-%b-%Y").date().isoformat()
            except (KeyError, ValueError):
                published = _spread_date("en" + row["newid"])
            yield {
                "title": row["title"].title(),
                "body": " ".join(row["body"].split()),
                "language": "en",
                "published": published,
                "source_name": "Reuters",
                "source_url": f"https://example.org/reuters/{row['newid']}",
            }


def _ria(path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if not row.get("content") or not row.get("title"):
                continue
            published = (row.get("datetime") or "")[:10] or _spread_date("ru" + row["id"])
            yield {
                "title": row["title"],
                "body": row["content"],
                "language": "ru",
                "published": published,
                "source_name": "РИА Новости",
                "source_url": row.get("url") or f"https://example.org/ria/{row['id']}",
            }


def _baomoi(path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if not row.get("body") or not row.get("title"):
                continue
            yield {
                "title": row["title"],
                "body": row["body"],
                "language": "vi",
                "published": _spread_date("vi" + row["id"]),
                "source_name": "Báo Mới",
                "source_url": row.get("url") or f"https://example.org/baomoi/{row['id']}",
            }


def articles(limit, corpus_dir=CORPUS_DIR):
    """Up to `limit` articles, interleaved by MIX; a language that runs out leaves room to the others."""
    sources = {
        "en": _reuters(corpus_dir / "reuters21578.jsonl.gz"),
        "ru": _ria(corpus_dir / "ria_ru_2k.jsonl.gz"),
        "vi": _baomoi(corpus_dir / "baomoi_35k.jsonl.gz"),
    }
    produced = 0
    while sources and produced < limit:
        for language, share in MIX:
            if language not in sources:
                continue
            batch = list(islice(sources[language], share))
            if len(batch) < share:
                del sources[language]
            for article in batch[: limit - produced]:
                produced += 1
                yield article


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    for article in articles(args.count):
        sys.stdout.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
