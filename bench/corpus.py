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
import unicodedata
from itertools import chain, count, islice
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
            try:  # "09:20 20.10.2023"
                published = datetime.datetime.strptime(row["datetime"].split()[-1], "%d.%m.%Y").date().isoformat()
            except (KeyError, IndexError, AttributeError, ValueError):
                published = _spread_date("ru" + row["id"])
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


READERS = {
    "en": (_reuters, "reuters21578.jsonl.gz"),
    "ru": (_ria, "ria_ru_2k.jsonl.gz"),
    "vi": (_baomoi, "baomoi_35k.jsonl.gz"),
}


def _text_key(text):
    """What makes two bodies the same article (roughly Gazette's content hash: NFC, case- and space-folded)."""
    return hashlib.sha256(" ".join(unicodedata.normalize("NFC", text).casefold().split()).encode()).digest()


def _originals(language, corpus_dir):
    """The articles of one language with a body, each body and source URL once (Reuters repeats some)."""
    reader, name = READERS[language]
    seen = set()
    for article in reader(corpus_dir / name):
        keys = (_text_key(article["body"]), article["source_url"])
        if seen.isdisjoint(keys):
            seen.update(keys)
            yield article


def _composites(language, corpus_dir, round_):
    """Round N >= 1 beyond the originals: the first half of article i joined to the second half of
    article i + N (same language), so that archives larger than the corpora (100k) still hold real text."""
    firsts = _originals(language, corpus_dir)
    seconds = _originals(language, corpus_dir)
    head = list(islice(seconds, round_))
    for a, b in zip(firsts, chain(seconds, head), strict=True):
        words_a, words_b = a["body"].split(), b["body"].split()
        body = " ".join(words_a[: len(words_a) // 2] + words_b[len(words_b) // 2 :])
        yield {
            **a,
            "body": body,
            "published": _spread_date(f"{language}{round_}:{a['source_url']}"),
            "source_url": f"{a['source_url']}#round-{round_}",
        }


def articles(limit, corpus_dir=CORPUS_DIR):
    """Up to `limit` articles, interleaved by MIX; a language that runs out leaves room to the others.

    Once every corpus is used up (about 56,000 articles), rounds of composite articles follow
    (`_composites`), so any size can be built; the report says how many articles are composites.
    """
    produced = 0
    seen = set()
    for round_ in count():
        if round_:
            sources = {language: _composites(language, corpus_dir, round_) for language, _ in MIX}
        else:
            sources = {language: _originals(language, corpus_dir) for language, _ in MIX}
        while sources and produced < limit:
            for language, share in MIX:
                if language not in sources:
                    continue
                batch = list(islice(sources[language], share))
                if len(batch) < share:
                    del sources[language]
                for article in batch:
                    if produced >= limit:
                        return
                    key = _text_key(article["body"])
                    if key in seen:
                        continue
                    seen.add(key)
                    produced += 1
                    yield article
        if produced >= limit:
            return


def write(path, limit, skip=0, corpus_dir=CORPUS_DIR):
    """Write articles skip+1 .. limit to `path` as import JSON Lines; returns (articles, words, composites)."""
    written = words = composites = 0
    with open(path, "w", encoding="utf-8") as out:
        for article in islice(articles(limit, corpus_dir), skip, None):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            written += 1
            words += len(article["title"].split()) + len(article["body"].split())
            composites += "#round-" in article["source_url"]
    return written, words, composites


def write_chunks(paths, skip, size, corpus_dir=CORPUS_DIR):
    """Articles skip+1 .. skip+len(paths)*size, `size` to a file, in one pass; returns the counts written."""
    counts = [0] * len(paths)
    outs = [open(path, "w", encoding="utf-8") for path in paths]  # noqa: SIM115
    try:
        for n, article in enumerate(islice(articles(skip + size * len(paths), corpus_dir), skip, None)):
            outs[n // size].write(json.dumps(article, ensure_ascii=False) + "\n")
            counts[n // size] += 1
    finally:
        for out in outs:
            out.close()
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    for article in articles(args.count):
        sys.stdout.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
