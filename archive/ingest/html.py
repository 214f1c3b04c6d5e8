"""A small HTML reader: page metadata from <head>, and the article's content as a list of blocks.

Blocks are what cleaning and metadata work on: paragraphs, headings, lists, quotes, figures, tables.
Page furniture (nav, header, footer, aside, forms, scripts) never becomes a block.
"""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed"})
SKIP = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
     "iframe", "svg", "head", "title", "object", "menu", "dialog"}
)  # fmt: skip
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure", "table", "pre", "hr"})
CONTAINERS = frozenset({"div", "section", "article", "main", "body", "html", "center", "span", "font", "td", "li"})


@dataclass
class Block:
    tag: str  # p, h1…h6, ul, ol, blockquote, figure, table, pre, hr, img
    html: str  # inner HTML for p/h*, outer HTML for the rest
    text: str

    def outer(self):
        return f"<{self.tag}>{self.html}</{self.tag}>" if self.tag == "p" or self.tag[0] == "h" else self.html


def text_block(text):
    return Block("p", escape(text, quote=False), text)


@dataclass
class Node:
    tag: str
    attrs: list = field(default_factory=list)
    children: list = field(default_factory=list)  # Node or str

    def text(self):
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in SKIP:
                parts.append("\n" if child.tag == "br" else child.text())
                if child.tag in BLOCKS or child.tag in {"li", "div", "tr"}:
                    parts.append(" ")
        return "".join(parts)

    def attr(self, name):
        return next((value for key, value in self.attrs if key == name), None)

    def set(self, name, value):
        """Replace an attribute; None removes it."""
        self.attrs = [(k, v) for k, v in self.attrs if k != name] + ([(name, value)] if value is not None else [])

    def inner_html(self):
        return "".join(_serialize(child) for child in self.children)


def _serialize(node, raw=False):
    """HTML of a node; page furniture is left out unless `raw` (what the page really held, for the audit)."""
    if isinstance(node, str):
        return escape(node, quote=False)
    if node.tag in SKIP and not raw:
        return ""
    attrs = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in node.attrs)
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{''.join(_serialize(child, raw) for child in node.children)}</{node.tag}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.meta = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            key = (dict(attrs).get("property") or dict(attrs).get("name") or "").lower()
            if key and dict(attrs).get("content"):
                self.meta.setdefault(key, dict(attrs)["content"].strip())
            return
        if tag == "link" and "canonical" in (dict(attrs).get("rel") or "").lower():
            self.meta.setdefault("canonical", (dict(attrs).get("href") or "").strip())
            return
        if tag == "base" and dict(attrs).get("href"):
            self.meta.setdefault("base", dict(attrs)["href"].strip())
        if tag == "html" and dict(attrs).get("lang"):
            self.meta.setdefault("lang", dict(attrs)["lang"])
        if tag == "title":
            self._in_title = True
        # An unclosed <p> ends where the next block begins (as browsers do).
        if self.stack[-1].tag == "p" and (tag in BLOCKS or tag in CONTAINERS - {"span", "font"}):
            self.stack.pop()
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.stack[-1].children.append(data)


def _find(node, tag):
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                return child
            if child.tag not in SKIP and (found := _find(child, tag)):
                return found
    return None


def _blocks(node, out):
    """Flatten containers into blocks; loose inline content becomes a paragraph."""
    inline = []

    def flush():
        html = "".join(_serialize(part) for part in inline).strip()
        text = " ".join("".join(p if isinstance(p, str) else p.text() for p in inline).split())
        if text or "<img" in html:
            out.append(Block("p", html, text))
        inline.clear()

    for child in node.children:
        if isinstance(child, str) or (child.tag not in BLOCKS and child.tag not in CONTAINERS and child.tag != "br"):
            if isinstance(child, Node) and child.tag in SKIP:
                continue
            inline.append(child)
        elif child.tag == "br":
            flush()
        elif child.tag in CONTAINERS and child.tag not in {"span", "font"}:
            flush()
            _blocks(child, out)
        elif child.tag in {"span", "font"}:
            inline.append(child)
        else:
            flush()
            text = " ".join(child.text().split())
            if child.tag in {"p"} or child.tag[0] == "h":
                out.append(Block(child.tag, child.inner_html().strip(), text))
            elif text or child.tag == "hr" or _find(child, "img"):
                out.append(Block(child.tag, _serialize(child), text))
    flush()
    return out


# Lazy-loading pages put the real image here and a placeholder (or nothing) in src.
_LAZY_SRC = ("data-src", "data-original", "data-lazy-src", "data-lazy")


def _absolute(url, base):
    """An absolute http(s) URL, resolved against the page's address; None when it cannot be (a relative
    link with no known base would point into this archive). Other schemes are left to the sanitizer."""
    url = (url or "").strip()
    if not url or url.startswith("#"):
        return None
    if urlsplit(url).scheme:
        return url
    if url.startswith("//"):
        return "https:" + url
    if base and urlsplit(base).scheme in {"http", "https"}:
        return urljoin(base, url)
    return None


def _fix_urls(node, base):
    for child in node.children:
        if not isinstance(child, Node):
            continue
        if child.tag == "img" and (not child.attr("src") or child.attr("src").startswith("data:")):
            lazy = next((child.attr(name) for name in _LAZY_SRC if child.attr(name)), None)
            if lazy:
                child.set("src", lazy)
        for name in ("href", "src"):
            if child.attr(name) is not None:
                child.set(name, _absolute(child.attr(name), base))
        _fix_urls(child, base)
    node.children = [c for c in node.children if not (isinstance(c, Node) and c.tag == "img" and not c.attr("src"))]


@dataclass
class Page:
    meta: dict
    title: str
    blocks: list
    raw: str = ""  # the article's part of the page as given, scripts and all


def parse_html(html, base=None):
    """`base`: the page's address when the caller knows it; the page's own <base>, canonical link or
    og:url come first. Relative links and images are made absolute against it, or dropped."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    content = _find(root, "article") or _find(root, "main") or _find(root, "body") or root
    raw = "".join(_serialize(child, raw=True) for child in content.children)
    meta = builder.meta
    base = meta.get("base") or meta.get("canonical") or meta.get("og:url") or base
    if base and meta.get("base"):
        base = urljoin(meta.get("canonical") or meta.get("og:url") or "", base)
    _fix_urls(content, base)
    blocks = _blocks(content, [])
    title = ""
    for index, block in enumerate(blocks):  # the first h1 is the headline, not body
        if block.tag == "h1":
            title = block.text
            del blocks[index]
            break
    meta = dict(builder.meta)
    title = title or meta.get("og:title", "") or _without_site_name(" ".join(builder.title.split()), meta)
    return Page(meta=meta, title=title, blocks=blocks, raw=raw)


def _without_site_name(title, meta):
    """'Headline | Vietnam.vn' → 'Headline': a <title> usually carries the site's name too."""
    site = (meta.get("og:site_name") or "").casefold()
    parts = [part.strip() for part in re.split(r"(?<!\s)\s++[|–—-]\s+", title) if part.strip()]
    rest = [part for part in parts if part.casefold() != site]
    if site and 0 < len(rest) < len(parts):
        return " - ".join(rest)
    # No declared site name: only "|" is taken as the separator ("Vietnam - Laos talks" is a headline), and
    # the shorter end is the site's name.
    parts = [part.strip() for part in title.split("|") if part.strip()]
    if len(parts) < 2:
        return title
    return " | ".join(parts[:-1] if len(parts[-1]) <= len(parts[0]) else parts[1:])
