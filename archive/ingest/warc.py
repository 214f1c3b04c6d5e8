"""Web-archive captures: WARC (ISO 28500; `.warc`, `.warc.gz`) and WACZ (a zip of WARCs with an index).

Each HTML `response` (or `resource`) record becomes a Source for the usual pipeline, with the target URI as
its source URL and a `Capture` that keeps the record's provenance (record id, capture date, payload
digest). Records that are not pages of an article come back as `Skipped` with the reason: redirects, error
statuses, non-HTML payloads, home, tag and category pages. A `revisit` record (a later capture whose payload
is the same as an earlier one's) comes back as a `Revisit`, which the importer resolves by payload digest.
Request, metadata and warcinfo records describe the crawl and are passed over silently.

A record cut short (a crawl that stopped mid-write, a truncated download) fails alone; what comes before it
is read. Bytes after the last complete record that cannot be read as one are reported by offset.
"""

import dataclasses
import datetime
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.ingest import budget
from archive.ingest.decode import DecodeError, decode_report
from archive.ingest.formats import Capture, Failure, InputError, Skipped, check_zip, read_html, too_large

PAGE_RECORDS = {"response", "resource"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# A path segment that names a listing rather than an article (English, Russian and Vietnamese sites).
LISTING_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "topic", "topics", "section", "sections", "author", "authors",
     "search", "page", "archive", "archives", "rubric", "rubrika", "tegi", "teg", "tema", "chu-de", "the",
     "tag-search", "tim-kiem", "chuyen-muc", "danh-muc"}
)  # fmt: skip
_INDEX_FILE = re.compile(r"^/?(index|default|home)(\.\w+)?$", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([-\w:.]+)""", re.IGNORECASE)
_UNREADABLE = (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError)


@dataclass
class Revisit:
    """A revisit record: the same payload as an earlier capture, which the importer looks up by digest."""

    name: str
    capture: Capture


def read_warc(name, handle, size, limits):
    """The records of a WARC stream (plain, or gzip per record) as Sources, Skipped, Revisits and Failures."""
    if size > limits.warc_bytes:
        yield Failure(name, too_large(size, limits.warc_bytes))
        return
    number = 0
    try:
        records = WARCIterator(handle, check_digests=True)
        for record in records:
            if record.rec_type in PAGE_RECORDS or record.rec_type == "revisit":
                number += 1
                yield _read_record(f"{name}#{number}", record, limits)
    except _UNREADABLE as error:
        if number == 0:
            yield Failure(name, f"not a readable WARC file ({_reason(error)})")
        else:
            reason = f"unreadable WARC record ({_reason(error)}); the records before it were read"
            yield Failure(f"{name}#{number + 1}", reason)
        return
    end = records.offset
    if number == 0 and end == 0:
        yield Failure(name, "not a WARC file (no WARC record found)")
    elif end < size:
        yield Failure(
            f"{name}#{number + 1}",
            f"truncated or unreadable data at byte {end} ({size - end} bytes after the last complete record)",
        )


def _reason(error):
    return " ".join(str(error).split())[:200] or type(error).__name__


def _read_record(name, record, limits):
    try:
        return _from_record(name, record, limits)
    except (zlib.error, EOFError, ValueError) as error:  # a payload whose compression or chunking is broken
        return Failure(name, f"unreadable payload ({_reason(error)})")


def _from_record(name, record, limits):
    capture = _capture(record)
    if record.rec_type == "revisit":
        return Revisit(name, capture)
    skipped = _not_a_page(name, record)
    if skipped:
        return skipped
    data = record.content_stream().read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        return Failure(name, too_large(len(data), limits.file_bytes).replace("file", "record", 1))
    record.raw_stream.read()  # to the end of the block, so that the digest is checked on all of it
    if record.raw_stream.limit > 0:
        return Failure(name, f"truncated record: {record.raw_stream.limit} bytes of {record.length} missing")
    checker = record.digest_checker
    if checker is not None and checker.passed is False:
        return Failure(name, "the record's digest does not match its content (corrupt record)")
    if skipped := _listing(name, capture.target_uri):
        return skipped
    try:
        decoded = _decode(record, data)
    except DecodeError as error:
        return Failure(name, str(error))
    source = read_html(name, decoded.text, base=capture.target_uri)
    source.fields["source_url"] = capture.target_uri
    source.warnings.extend(decoded.warnings)
    source.notes.extend(decoded.notes)
    source.capture = capture
    source.deadline = budget.start(limits.file_seconds)  # the pipeline's time bound for one input
    return source


def _capture(record):
    headers = record.rec_headers
    return Capture(
        record_id=headers.get_header("WARC-Record-ID") or "",
        target_uri=headers.get_header("WARC-Target-URI") or "",
        date=_warc_date(headers.get_header("WARC-Date")),
        payload_digest=headers.get_header("WARC-Payload-Digest") or "",
        revisit_of=headers.get_header("WARC-Refers-To-Target-URI") or "",
    )


def _warc_date(value):
    try:
        return datetime.datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def _content_type(record):
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type") or ""
    else:
        value = record.rec_headers.get_header("Content-Type") or ""
    return value.split(";")[0].strip().lower(), value


def _not_a_page(name, record):
    """Skipped for a redirect, an error status or a payload that is not HTML; None for an HTML page."""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if status.startswith("3"):
            location = record.http_headers.get_header("Location") or "?"
            return Skipped(name, f"a redirect (HTTP {status}) to {location[:200]}")
        if not status.startswith("2"):
            return Skipped(name, f"not a page: HTTP status {status or 'missing'}")
    kind, _ = _content_type(record)
    if kind not in HTML_TYPES:
        return Skipped(name, f"not an HTML page ({kind or 'no content type'})")
    return None


def _listing(name, uri):
    """Skipped for a site's home page or a tag, category, search or author page."""
    path = urlsplit(uri).path
    if path in ("", "/") or _INDEX_FILE.match(path):
        return Skipped(name, f"an index page, not an article: {uri[:200]}")
    segments = [segment.lower() for segment in path.split("/") if segment]
    if LISTING_SEGMENTS.intersection(segments[:-1] if len(segments) > 1 else segments):
        return Skipped(name, f"a tag or category page, not an article: {uri[:200]}")
    return None


def _decode(record, data):
    """The payload as text: in the charset the response declares (HTTP header, else <meta charset>), when it
    decodes; otherwise as any file is decoded."""
    _, content_type = _content_type(record)
    declared = re.search(r"charset\s*=\s*[\"']?([-\w:.]+)", content_type, re.IGNORECASE)
    charset = declared.group(1) if declared else ""
    if not charset and (meta := _META_CHARSET.search(data[:4096])):
        charset = meta.group(1).decode("ascii", "replace")
    if charset:
        try:
            return decode_report(data.decode(charset).encode("utf-8"))
        except (LookupError, UnicodeDecodeError):
            decoded = decode_report(data)
            decoded.warnings.append(f"the declared charset {charset!r} did not fit; the text was decoded as detected")
            return decoded
    return decode_report(data)


# WACZ ---------------------------------------------------------------------------------------------


def read_wacz(name, handle, limits):
    """A WACZ's WARC files (under archive/), record by record; the rest of the package (indexes, pages list,
    datapackage) is not needed to import the captures."""
    try:
        package = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as error:
        yield Failure(name, f"not a readable WACZ (zip) file ({error})")
        return
    with package:
        try:
            # WARCs are large and stored already compressed: the whole package is held to the WARC limit.
            entries = check_zip(package, dataclasses.replace(limits, zip_bytes=limits.warc_bytes))
        except InputError as error:
            yield Failure(name, str(error))
            return
        warcs = [info for info in entries if _is_archive_warc(info.filename)]
        if not warcs:
            yield Failure(name, "no WARC file under archive/ (is it a WACZ?)")
            return
        for info in warcs:
            member = f"{name}/{info.filename}"
            try:
                with package.open(info) as stream:
                    yield from read_warc(member, stream, info.file_size, limits)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
                yield Failure(member, f"cannot extract ({error})")


def _is_archive_warc(filename):
    path = PurePosixPath(filename)
    return path.parts[:1] == ("archive",) and path.name.lower().endswith((".warc", ".warc.gz"))
