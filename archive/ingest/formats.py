"""Readers: files, folders, zips and JSON Lines become `Source` records (or `Failure`s, one per bad input).

Text and Markdown files may start with a header of `Key: value` lines (keys in English, Russian or
Vietnamese); the header overrides whatever the pipeline would infer. Limits are checked before any
content is read: file size, and for zips the entry count, uncompressed size, compression ratio, names
and symlinks.
"""

import codecs
import datetime
import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath

from django.conf import settings

from archive.ingest import budget
from archive.ingest.decode import DecodeError, decode_report
from archive.ingest.html import Block, parse_html, text_block
from archive.text import fold_key, nfc, strip_controls

TEXT_EXTENSIONS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
WARC_EXTENSIONS = {".warc", ".warc.gz", ".wacz"}
EXTENSIONS = {*TEXT_EXTENSIONS, ".zip", ".jsonl", *WARC_EXTENSIONS}
ACCEPTED = ".txt, .md, .html, .zip, .jsonl, .warc, .warc.gz or .wacz"
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 10 * MB  # one article file, or one JSON line
    jsonl_bytes: int = 2048 * MB
    warc_bytes: int = 4096 * MB  # one WARC or WACZ file
    files: int = 50  # per upload
    zip_entries: int = 2000
    zip_bytes: int = 200 * MB  # uncompressed, all entries
    zip_ratio: int = 100  # uncompressed / compressed, per entry
    file_seconds: float = 30.0  # to read and prepare one article file, or one JSON line

    @classmethod
    def from_settings(cls):
        return cls(**getattr(settings, "INGEST_LIMITS", {}))


@dataclass(frozen=True)
class Capture:
    """Where and when a page was captured, as the WARC record states it."""

    record_id: str  # WARC-Record-ID, e.g. <urn:uuid:…>
    target_uri: str
    date: datetime.datetime | None  # WARC-Date
    payload_digest: str = ""  # WARC-Payload-Digest, e.g. sha1:…
    revisit_of: str = ""  # a revisit's WARC-Refers-To-Target-URI


@dataclass
class Source:
    """One article as read from its file, before inference."""

    name: str  # file name, zip member or "file.jsonl:12"
    blocks: list  # html.Block
    fields: dict = field(default_factory=dict)  # what the input states explicitly (header, JSONL, HTML meta)
    raw_html: str = ""  # the article's HTML as given, for the sanitizer's report
    warnings: list = field(default_factory=list)  # told to the editor
    notes: list = field(default_factory=list)  # for the editor to review (the article is flagged)
    verbatim_html: str | None = None  # an exported article's body, stored as it is (see source_from_record)
    capture: Capture | None = None  # a page from a web archive: where and when it was captured
    deadline: float = float("inf")  # when its processing must be over (budget.start)


@dataclass
class Skipped:
    """An input that is not an article (a crawl's index page, a redirect): reported, not failed."""

    name: str
    reason: str


@dataclass
class Failure:
    name: str
    reason: str


class InputError(ValueError):
    pass


class NotAnArticle(InputError):
    """A captured page with too little text to be an article: skipped rather than failed."""


# Header keys, folded (case and diacritics ignored), to field names.
HEADER_KEYS = {
    "title": "title", "headline": "title", "заголовок": "title", "tieu de": "title",
    "date": "published", "published": "published", "дата": "published", "ngay": "published", "ngay dang": "published",
    "language": "language", "lang": "language", "язык": "language", "ngon ngu": "language",
    "source": "source", "источник": "source", "nguon": "source",
    "url": "source_url", "source url": "source_url",
    "officials": "officials", "должностные лица": "officials", "официальные лица": "officials",
    "quan chuc": "officials", "lanh dao": "officials",
    "topics": "topics", "темы": "topics", "chu de": "topics",
    "story": "story", "сюжет": "story", "su kien": "story",
}  # fmt: skip
_LIST_FIELDS = {"officials", "topics"}


def parse_header(text):
    """Split `Key: value` lines at the top of a text from the rest. Returns (fields, rest)."""
    lines = text.split("\n")
    fields = {}
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1  # blank lines before the header
    lines, index = lines[index:], 0
    if lines and lines[0].strip() == "---":  # Markdown front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end:
            for line in lines[1:end]:
                _header_field(line, fields)
            return fields, "\n".join(lines[end + 1 :])
    while index < len(lines) and _header_field(lines[index], fields):
        index += 1
    if not fields:
        return {}, text
    return fields, "\n".join(lines[index:])


def _header_field(line, fields):
    # Split at the first colon rather than with a pattern: a long run of spaces cannot make it slow.
    key, colon, value = line.partition(":")
    key, value = key.strip(), value.strip()
    if not colon or not 0 < len(key) <= 30 or fold_key(key) not in HEADER_KEYS:
        return False
    name = HEADER_KEYS[fold_key(key)]
    if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()  # YAML-style quoting in Markdown front matter
    if name == "source":
        # "Báo Nhân Dân https://nhandan.vn/…": the outlet and its address.
        if url := re.search(r"https?://\S+", value):
            fields["source_url"] = url.group(0).rstrip(".,;)")
            value = (value[: url.start()] + value[url.end() :]).strip(" -–—|,:()")
        name = "source_name"
    if name in _LIST_FIELDS:
        fields[name] = [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
    elif value:
        fields[name] = value
    return True


def text_paragraphs(text):
    """Plain text to paragraphs: a blank line, an indented line or a finished sentence starts a new one;
    a hard-wrapped line (no final punctuation, next line in lower case) continues it."""
    paragraphs, current = [], []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and (raw[:2].isspace() or not _continues(current[-1], line)):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _continues(previous, line):
    return previous[-1] not in '.!?:;…"»”)|' and (line[0].islower() or line[0].isdigit())


def read_text(name, text):
    fields, rest = parse_header(text)
    return Source(name, [text_block(p) for p in text_paragraphs(rest)], fields)


# Every pattern stops at the next character that could start another match (a bracket, a star), so that each
# part of a paragraph is scanned a bounded number of times: "[a](" or "*a " repeated stays linear.
_MD_INLINE = [
    (re.compile(r"!\[([^\[\]]*)\]\(([^()\s]+)\)"), r'<img src="\2" alt="\1">'),
    (re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?![\s*])([^*]+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
]
_MD_LINK_TEXT = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")


def _md_inline(text):
    html = escape(text, quote=True)  # raw HTML in Markdown is shown as text, never run
    for pattern, replacement in _MD_INLINE:
        html = pattern.sub(replacement, html)
    return html


def read_markdown(name, text):
    fields, rest = parse_header(text)
    blocks = []
    for chunk in re.split(r"\n\s*\n", rest):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if heading := re.match(r"^(#{1,6})\s+(.*?)\s*#*$", lines[0]):
            level, title = len(heading.group(1)), heading.group(2)
            if level == 1 and "title" not in fields and not blocks:
                fields["title"] = title
            else:
                blocks.append(Block(f"h{max(level, 2)}", _md_inline(title), title))
            lines = lines[1:]
            if not lines:
                continue
        if all(re.match(r"^\s*([-*+]|\d+[.)])\s+", line) for line in lines):
            tag = "ol" if re.match(r"^\s*\d", lines[0]) else "ul"
            items = [re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", line) for line in lines]
            html = f"<{tag}>" + "".join(f"<li>{_md_inline(i)}</li>" for i in items) + f"</{tag}>"
            blocks.append(Block(tag, html, " ".join(items)))
        elif all(line.lstrip().startswith(">") for line in lines):
            text = " ".join(line.lstrip()[1:].strip() for line in lines)
            blocks.append(Block("blockquote", f"<blockquote><p>{_md_inline(text)}</p></blockquote>", text))
        else:
            text = " ".join(line.strip() for line in lines)
            blocks.append(Block("p", _md_inline(text), re.sub(r"[*`]", "", _MD_LINK_TEXT.sub(r"\1", text))))
    return Source(name, blocks, fields)


def read_html(name, html, base=None):
    page = parse_html(html, base)
    meta = page.meta
    fields = {}
    if page.title:
        fields["title"] = page.title
    if lang := meta.get("lang"):
        fields["language_hint"] = lang.split("-")[0].lower()
    if date := meta.get("article:published_time") or meta.get("date") or meta.get("dc.date"):
        fields["published"] = date[:10]
    if url := meta.get("og:url") or meta.get("canonical"):
        fields["source_url"] = url
    if site := meta.get("og:site_name"):
        fields["source_name"] = site
    return Source(name, page.blocks, fields, raw_html=page.raw)


def read_document(name, data, limits):
    """One .txt/.md/.html file's bytes to a Source, or a Failure."""
    deadline = budget.start(limits.file_seconds)
    try:
        with budget.until(deadline, limits.file_seconds):
            source = _read_document(name, data, limits)
    except budget.OverTime as error:
        return Failure(name, str(error))
    if isinstance(source, Source):
        source.deadline = deadline
    return source


def _read_document(name, data, limits):
    if len(data) > limits.file_bytes:
        return Failure(name, too_large(len(data), limits.file_bytes))
    try:
        decoded = decode_report(data)
    except DecodeError as error:
        return Failure(name, str(error))
    text = decoded.text
    kind = TEXT_EXTENSIONS[Path(name).suffix.lower()]
    if kind == "text" and re.match(r"<!doctype html|<html[\s>]", text.lstrip(), re.IGNORECASE):
        kind = "html"
    source = {"text": read_text, "markdown": read_markdown, "html": read_html}[kind](name, text)
    if not any(block.text or block.tag != "p" for block in source.blocks):
        return Failure(name, "no article text")
    source.warnings.extend(decoded.warnings)
    source.notes.extend(decoded.notes)
    return source


def too_large(size, limit):
    return f"file too large ({size / MB:.1f} MB; the limit is {limit / MB:.0f} MB)"


# JSON Lines ---------------------------------------------------------------------------------------

JSONL_KEYS = {
    "title", "body", "language", "published", "source_url", "source_name", "officials", "topics", "story",
    # Written by export_articles so that a round trip loses nothing:
    "slug", "lead", "status", "legal_refs", "needs_review", "review_notes", "old_slugs", "captures",
}  # fmt: skip


def jsonl_lines(handle, limit):
    """The lines of a JSON Lines stream as UTF-8 bytes; a line longer than `limit` comes as its length (int)
    after being skipped, so that one runaway line cannot fill the memory. A UTF-16 or UTF-32 file (with
    its byte order mark, as Windows tools write them) is re-encoded line by line."""
    head = handle.read(4)
    handle.seek(0)
    wide = next((enc for bom, enc in _WIDE_BOMS if head.startswith(bom)), None)
    if wide:
        text = io.TextIOWrapper(handle, encoding=wide, newline=None)
        try:
            while line := text.readline(limit + 1):
                encoded = line.encode("utf-8", errors="surrogatepass")
                if len(encoded) > limit and not line.endswith("\n"):
                    yield len(encoded) + _skip_line(text.readline)
                else:
                    yield encoded
        except UnicodeDecodeError as error:
            raise InputError(f"invalid {wide.upper()} text ({error.reason})") from None
        finally:
            text.detach()
        return
    while line := handle.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            yield len(line) + _skip_line(handle.readline)
        else:
            yield line


_WIDE_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _skip_line(readline):
    skipped = 0
    while chunk := readline(MB):
        skipped += len(chunk)
        if chunk.endswith(b"\n" if isinstance(chunk, bytes) else "\n"):
            break
    return skipped


def read_jsonl(name, handle, limits):
    """A JSON Lines stream (binary) to Sources; a broken line fails alone, named by file:line."""
    warned = set()
    lines = jsonl_lines(handle, limits.file_bytes)
    number = 0
    while True:
        try:
            raw = next(lines, None)
        except InputError as error:
            yield Failure(f"{name}:{number + 1}", str(error))
            return
        if raw is None:
            return
        number += 1
        label = f"{name}:{number}"
        if isinstance(raw, int):
            yield Failure(label, too_large(raw, limits.file_bytes).replace("file", "line", 1))
            continue
        if not raw.strip():
            continue
        deadline = budget.start(limits.file_seconds)
        try:
            # The result is made inside the time bound and handed out after it: the timer must not run while
            # the consumer works on the line.
            with budget.until(deadline, limits.file_seconds):
                result = _read_line(label, raw, number == 1, warned)
        except budget.OverTime as error:
            result = Failure(label, str(error))
        if isinstance(result, Source):
            result.deadline = deadline
        yield result


def _read_line(label, raw, first, warned):
    """One JSON line to a Source, or a Failure."""
    try:
        record = json.loads(decode_report(raw, bom=first).text.lstrip("\ufeff"))
    except DecodeError as error:
        return Failure(label, f"invalid JSON line: {error}")
    except ValueError as error:
        return Failure(label, f"invalid JSON ({error})")
    except RecursionError:  # json's parser recurses once per level: [[[[…]]]] a few thousand deep
        return Failure(label, "invalid JSON: nested too deeply")
    if not isinstance(record, dict):
        return Failure(label, "a line must be a JSON object")
    try:
        source = source_from_record(label, record)
    except InputError as error:
        return Failure(label, str(error))
    unknown = sorted(set(record) - JSONL_KEYS - warned)
    if unknown:
        warned.update(unknown)
        source.warnings.append(f"unknown keys ignored: {', '.join(unknown)}")
    return source


# A real tag, in lower case: wire copy writes company names as "<Texaco Inc>" or "<I.B.M. Corp>".
# Possessive, and an unquoted value cannot start like a quoted one: each "<p" is looked at once ("<p a='"
# repeated used to take minutes).
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|h[1-6]|ul|ol|li|a|img|strong|em|b|i|table|blockquote|figure|span)"
    r"""(?:\s++[a-z-]++(?:=(?:"[^"]*+"|'[^']*+'|[^\s>"'=<`]++))?+)*+\s*+/?>"""
)


def source_from_record(label, record):
    # JSON escapes (\u0000, \u000c) get past the byte-level decoding: clean every string again.
    record = {key: _clean_json(value) for key, value in record.items()}
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        raise InputError("no body")
    # A record with a slug was written by export_articles: the archive's own article. It is taken as it
    # stands (no chrome removal; empty officials, topics or lead stay empty) so that a round trip loses nothing.
    verbatim = bool(record.get("slug"))
    fields = {**_text_fields(record, verbatim), **_list_fields(record, verbatim)}
    if "needs_review" in record:
        fields["needs_review"] = bool(record["needs_review"])
        fields["review_notes"] = str(record.get("review_notes") or "")
    source = _body_source(label, body, record.get("source_url"))
    if record.get("captures"):
        fields["captures"] = _captures(record["captures"])
    source.fields.update(fields)
    if verbatim:
        source.verbatim_html = body
    return source


_TEXT_KEYS = ("title", "language", "published", "source_url", "source_name", "story", "slug", "lead", "status")
_LIST_KEYS = ("officials", "topics", "legal_refs", "old_slugs")


def _text_fields(record, verbatim):
    fields = {}
    for key in _TEXT_KEYS:
        value = record.get(key)
        if value in (None, ""):
            if verbatim and key in record:
                fields[key] = ""  # an export states an empty field: it stays empty
            continue
        if not isinstance(value, str | int):
            raise InputError(f"{key}: expected a string")
        fields[key] = str(value).strip()
    return fields


def _list_fields(record, verbatim):
    fields = {}
    for key in _LIST_KEYS:
        value = record.get(key)
        if value in (None, "", []):
            if verbatim and key in record:
                fields[key] = []
            continue
        if isinstance(value, str):  # "a; b, c", as a spreadsheet writes a list
            value = [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{key}: expected a list of strings")
        fields[key] = value
    return fields


def _body_source(label, body, source_url):
    """The body as paragraphs: read as HTML when it has real tags, else as plain text."""
    if not _HTML_TAG.search(body):
        return Source(label, [text_block(p) for p in text_paragraphs(body)])
    source = read_html(label, body, base=source_url if isinstance(source_url, str) else None)
    source.fields.pop("title", None)  # a stray <h1> in the body does not override the record
    return source


def _captures(value):
    """An exported article's web-archive captures (export_articles writes them), as Capture records."""
    if not isinstance(value, list) or not all(isinstance(item, dict) and item.get("record_id") for item in value):
        raise InputError("captures: expected a list of objects with a record_id")
    try:
        return [
            Capture(
                record_id=str(item["record_id"]),
                target_uri=str(item.get("target_uri") or ""),
                date=datetime.datetime.fromisoformat(item["captured"]) if item.get("captured") else None,
                payload_digest=str(item.get("payload_digest") or ""),
            )
            for item in value
        ]
    except (TypeError, ValueError) as error:
        raise InputError(f"captures: {error}") from None


def _clean_json(value):
    # One level only: fields are strings or lists of strings, and deeper values are refused later; recursing
    # into them would let a deeply nested value overflow the stack.
    if isinstance(value, str):
        return strip_controls(nfc(value))
    if isinstance(value, list):
        return [strip_controls(nfc(v)) if isinstance(v, str) else v for v in value]
    return value


# Files, folders, zips -----------------------------------------------------------------------------


def iter_paths(paths, limits):
    """Every article found under the given paths, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path).parts
                if not any(part.startswith(".") for part in relative) and file_suffix(child.name) in EXTENSIONS:
                    yield from iter_file(child, limits)
        elif path.is_file():
            yield from iter_file(path, limits)
        else:
            yield Failure(str(path), "no such file or folder")


def file_suffix(name):
    """The file type as its name says it, in lower case: '.txt', '.zip', '.warc.gz'…"""
    lower = str(name).lower()
    return ".warc.gz" if lower.endswith(".warc.gz") else PurePosixPath(lower).suffix


def _unsupported(name, suffix):
    return Failure(name, f"unsupported file type '{suffix or PurePosixPath(name).name}' (use {ACCEPTED})")


def iter_file(path, limits):
    suffix = file_suffix(path.name)
    name = str(path)
    if suffix not in EXTENSIONS:
        yield _unsupported(name, suffix)
        return
    size = path.stat().st_size
    if suffix == ".jsonl":
        if size > limits.jsonl_bytes:
            yield Failure(name, too_large(size, limits.jsonl_bytes))
            return
        with path.open("rb") as handle:
            yield from read_jsonl(name, handle, limits)
        return
    if suffix in WARC_EXTENSIONS or suffix == ".zip":
        with path.open("rb") as handle:
            yield from iter_archive(name, suffix, handle, size, limits)
        return
    if size > limits.file_bytes:  # checked before reading
        yield Failure(name, too_large(size, limits.file_bytes))
        return
    yield read_document(name, path.read_bytes(), limits)


def iter_archive(name, suffix, handle, size, limits):
    """A zip, WARC or WACZ stream, entry by entry or record by record."""
    # Imported here: the WARC reader builds on this module's Sources.
    from archive.ingest import warc

    if suffix == ".zip":
        yield from read_zip(name, handle, limits, size=size)
    elif suffix == ".wacz":
        yield from warc.read_wacz(name, handle, limits)
    else:
        yield from warc.read_warc(name, handle, size, limits)


def _read_streamed(name, suffix, handle, size, limits):
    if suffix == ".jsonl":
        return read_jsonl(name, handle, limits)
    return iter_archive(name, suffix, handle, size, limits)


def iter_upload(name, handle, size, limits):
    """An uploaded file (a file-like object whose size is known) to Sources."""
    suffix = file_suffix(name)
    if suffix not in EXTENSIONS:
        yield _unsupported(name, suffix)
    elif suffix in WARC_EXTENSIONS or suffix == ".zip":
        yield from iter_archive(name, suffix, handle, size, limits)
    elif size > (limits.jsonl_bytes if suffix == ".jsonl" else limits.file_bytes):
        yield Failure(name, too_large(size, limits.jsonl_bytes if suffix == ".jsonl" else limits.file_bytes))
    elif suffix == ".jsonl":
        yield from read_jsonl(name, handle, limits)
    else:
        yield read_document(name, handle.read(), limits)


def check_zip(archive, limits):
    """Refuse a zip as a whole before extracting anything: too many entries, too big, bombs, unsafe names."""
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > limits.zip_entries:
        raise InputError(f"zip has {len(entries)} entries; the limit is {limits.zip_entries}")
    total = 0
    for info in entries:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise InputError(f"unsafe entry name in zip: {info.filename!r}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"zip contains a symbolic link: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise InputError(f"zip entry is encrypted: {info.filename!r}")
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.zip_ratio and info.file_size > MB:
            raise InputError(
                f"zip entry {info.filename!r} expands {ratio:.0f}× (a zip bomb?); the limit is {limits.zip_ratio}×"
            )
        total += info.file_size
    if total > limits.zip_bytes:
        raise InputError(f"zip expands to {total / MB:.0f} MB; the limit is {limits.zip_bytes / MB:.0f} MB")
    return entries


def read_zip(name, handle, limits, size=None):
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as error:
        yield Failure(name, f"not a readable zip ({error})")
        return
    with archive:
        try:
            entries = check_zip(archive, limits)
        except InputError as error:
            yield Failure(name, str(error))
            return
        for info in entries:
            member = f"{name}/{info.filename}"
            parts = PurePosixPath(info.filename).parts
            if any(part.startswith(".") or part == "__MACOSX" for part in parts):
                continue
            suffix = file_suffix(info.filename)
            if suffix not in EXTENSIONS or suffix in {".zip", ".wacz"}:
                nested = suffix in {".zip", ".wacz"}
                yield Failure(member, "nested zips are not accepted" if nested else f"unsupported file type '{suffix}'")
                continue
            streamed = suffix == ".jsonl" or suffix in WARC_EXTENSIONS
            if not streamed and info.file_size > limits.file_bytes:
                yield Failure(member, too_large(info.file_size, limits.file_bytes))
                continue
            try:
                with archive.open(info) as stream:
                    if streamed:
                        yield from _read_streamed(member, suffix, stream, info.file_size, limits)
                        continue
                    # Read one byte past the limit: headers can lie about sizes.
                    data = stream.read(limits.file_bytes + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
                yield Failure(member, f"cannot extract ({error})")
                continue
            yield read_document(member, data, limits)
