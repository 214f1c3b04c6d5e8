"""WARC and WACZ files written with warcio, as a crawler writes them, for the import tests."""

import gzip
import io
import json
import zipfile
from html import escape
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
CAPTURED = "2024-03-01T08:00:00Z"


def page(paragraphs, *, title="", lang="en", charset="utf-8"):
    """An HTML page as a news site serves it: navigation and footer around the article."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())
    heading = f"<h1>{escape(title)}</h1>" if title else ""
    head = f"<title>{escape(title)} | The site</title>" if title else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="{charset}">{head}</head><body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>'
        f"<article>{heading}{body}</article><footer>© The site</footer></body></html>"
    )


def seed_page(path):
    return page(path.read_text(encoding="utf-8").splitlines())


def seed_paths():
    return sorted(SEEDS.glob("*.txt"))


def seed_uri(path):
    return f"https://news.example.gov/articles/{path.stem}.html"


def chunked(data, size=100):
    """`data` in HTTP/1.1 chunked transfer encoding."""
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class Warc:
    """Records written one by one; `bytes()` is the file. Gzip per record by default, as crawlers write."""

    def __init__(self, *, gzip=True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)
        self.writer.write_record(self.writer.create_warcinfo_record("crawl.warc.gz", {"software": "tests"}))

    def response(self, uri, payload, *, status="200 OK", headers=(), date=CAPTURED):
        """A response record; `payload` as sent on the wire (after any transfer or content encoding)."""
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        headers = list(headers) or [("Content-Type", "text/html; charset=utf-8")]
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Date": date}
        )
        self.writer.write_record(record)
        request = self.writer.create_warc_record(
            uri, "request", payload=io.BytesIO(f"GET {uri} HTTP/1.1\r\n\r\n".encode()), warc_content_type=None
        )
        self.writer.write_record(request)
        return record

    def resource(self, uri, payload, content_type):
        record = self.writer.create_warc_record(
            uri, "resource", payload=io.BytesIO(payload), warc_content_type=content_type
        )
        self.writer.write_record(record)
        return record

    def revisit(self, uri, original, *, date="2024-02-01T08:00:00Z"):
        """A revisit of `original` (a record returned by response()): same payload, captured again."""
        headers = original.rec_headers
        record = self.writer.create_revisit_record(
            uri,
            digest=headers.get_header("WARC-Payload-Digest"),
            refers_to_uri=headers.get_header("WARC-Target-URI"),
            refers_to_date=headers.get_header("WARC-Date"),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        )
        record.rec_headers.replace_header("WARC-Date", date)
        self.writer.write_record(record)
        return record

    def bytes(self):
        return self.buffer.getvalue()


def seeds_warc():
    warc = Warc()
    for path in seed_paths():
        warc.response(seed_uri(path), seed_page(path))
    return warc.bytes()


def wacz(warcs):
    """A WACZ package (as Browsertrix writes it) holding `warcs`: {file name: WARC bytes}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in warcs.items():
            package.writestr(f"archive/{name}", data, compress_type=zipfile.ZIP_STORED)
        package.writestr("pages/pages.jsonl", json.dumps({"format": "json-pages-1.0", "id": "pages"}) + "\n")
        package.writestr("indexes/index.cdx", "")
        package.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
    return buffer.getvalue()


def gzipped(data):
    return gzip.compress(data)
