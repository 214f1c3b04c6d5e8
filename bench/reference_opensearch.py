"""OpenSearch reference: the archive in one index of a running cluster (`make opensearch`, ops/opensearch/).

What a site that outgrows Whoosh would switch to. The same documents and facets as the raw Whoosh and FTS5
references: `content` (title and body, standard tokenizer, lowercase, asciifolding) and five keyword facets.
One primary shard with a replica on every node (`auto_expand_replicas: 0-all`), as Gazette's backend
creates it. Import: bulk requests of 500, refresh off until the end; docs/s counts until the index is
refreshed and every copy started. Plain search: top 20 by BM25 and an exact count (`track_total_hits`);
faceted: the same plus five `terms` aggregations. Times are measured at the client, over loopback HTTP.

    python -m bench.reference_opensearch ARCHIVE.jsonl QUERIES.json HOSTS OUT.json

HOSTS: the nodes the client sends requests to, comma-separated (searches go round them). For one node, start
a one-node cluster (`OPENSEARCH_NODES=1 make opensearch`) and pass 127.0.0.1:9201; for three, `make opensearch`
and 127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203. `nodes` in the output is the cluster's size. The index
(`bench_ref_<random>`) is deleted afterwards.
"""

import json
import time
import uuid

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk

from bench.reference_whoosh import FACETS, facet_values, reference_inputs

BULK = 500

SETTINGS = {
    "settings": {
        "index": {"number_of_shards": 1, "auto_expand_replicas": "0-all", "refresh_interval": "-1"},
        "analysis": {
            "analyzer": {"folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}}
        },
    },
    "mappings": {
        "properties": {
            "content": {"type": "text", "analyzer": "folded"},
            "title": {"type": "keyword", "index": False},
            "date": {"type": "date"},
            **{name: {"type": "keyword"} for name in FACETS},
        }
    },
}


def build(conn, index, articles):
    conn.indices.create(index=index, body=SETTINGS)
    started = time.perf_counter()

    def actions():
        for number, article in enumerate(articles, 1):
            values = facet_values(article)
            values["date"] = values["date"].isoformat()
            content = article["title"] + "\n" + article["body"]
            yield {"_index": index, "_id": number, "_source": {"title": article["title"], "content": content, **values}}

    bulk(conn, actions(), chunk_size=BULK, request_timeout=120)
    conn.indices.put_settings(index=index, body={"index": {"refresh_interval": None}})
    conn.indices.refresh(index=index)
    conn.cluster.health(index=index, wait_for_status="green", timeout="300s")
    return time.perf_counter() - started


def query_body(q, faceted):
    kind = "match_phrase" if q["kind"] == "phrase" else "match"
    text = {"query": " ".join(q["words"])}
    if kind == "match":
        text["operator"] = "and"
    filters = [{"term": {name: values[0]}} for name, values in q["filters"].items()]
    body = {
        "query": {"bool": {"must": [{kind: {"content": text}}], "filter": filters}},
        "size": 20,
        "track_total_hits": True,
        "_source": ["title"],
    }
    if faceted:
        body["aggs"] = {name: {"terms": {"field": name, "size": 50}} for name in FACETS}
    return body


def search(conn, index, q, faceted):
    started = time.perf_counter()
    raw = conn.search(index=index, body=query_body(q, faceted))
    return (time.perf_counter() - started) * 1000, raw["hits"]["total"]["value"], len(raw["hits"]["hits"])


def main(argv=None):
    args, articles, query_set = reference_inputs(argv, "hosts")
    hosts = [f"http://{host}/" for host in args.hosts.split(",") if host]
    conn = Elasticsearch(hosts, timeout=120)
    index = f"bench_ref_{uuid.uuid4().hex[:8]}"
    try:
        seconds = build(conn, index, articles)
        out = {
            "engine": "opensearch",
            "version": conn.info()["version"]["number"],
            "nodes": conn.cluster.health()["number_of_nodes"],
            "documents": conn.count(index=index)["count"],
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
                ms, count, _ = search(conn, index, q, faceted)
                out[name].append({"id": q["id"], "ms": ms, "count": count})
    finally:
        conn.indices.delete(index=index, ignore=404)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
