"""The attack catalogue's vectors, and the checks that say whether markup can still run script.

Checks parse with lxml (an HTML5-ish parser, like a browser would) and look at what a browser would
execute: script elements, event-handler attributes, script-bearing URLs, inline styles, plugin and
frame elements. Text that merely *reads* like an attack ("<script>" shown escaped) is fine.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import lxml.etree
import lxml.html

_CONTROLS = {"{TAB}": "\t", "{LF}": "\n", "{CR}": "\r", "{NUL}": "\0"}


def load_vectors():
    vectors = []
    for line in (Path(__file__).parent / "xss_vectors.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        for token, char in _CONTROLS.items():
            line = line.replace(token, char)
        vectors.append(line)
    return vectors


VECTORS = load_vectors()

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "lowsrc", "dynsrc", "poster", "cite"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "bgsound", "xml", "import"}
# Data blocks a browser never executes.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def _squash(value):
    # Browsers ignore ASCII whitespace and controls inside a URL scheme ("jav\tascript:").
    return re.sub(r"[\x00-\x20]", "", value or "").lower()


def dangerous_url(value, attribute="href"):
    url = _squash(value)
    if url.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    if url.startswith("data:"):
        # An image data URL in <img src> is inert; anything else (text/html, svg in a link) is not.
        return not (attribute == "src" and re.match(r"data:image/(png|jpeg|gif|webp)[;,]", url))
    return False


def problems(html, *, fragment, nonce=None):
    """Everything in `html` that could run script. A fragment (sanitizer output) may hold no script
    element at all; a page's scripts must be external same-origin files, data blocks or carry `nonce`.

    Two parsers look, because attacks live in the places where parsers disagree: lxml builds the tree
    (as libxml2 sees it), and html.parser tokenizes tag by tag (closer to a browser's tokenizer; it
    also sees `<body onload>` inside a fragment, which a browser merges into the page's own body)."""
    if not html.strip():
        return []
    return sorted(set(_tree_problems(html, fragment, nonce)) | set(_token_problems(html, fragment)))


# Raw-text and document-level elements: where sanitizer and browser parsers most often disagree.
_NOT_IN_FRAGMENTS = {
    "script", "body", "html", "head", "style", "svg", "math", "noscript", "template", "xmp", "noembed",
    "noframes", "plaintext", "textarea", "title",
} | FORBIDDEN_TAGS  # fmt: skip


class _Tokens(HTMLParser):
    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.found = []

    def handle_starttag(self, tag, attrs):
        if self.fragment and tag in _NOT_IN_FRAGMENTS:
            self.found.append(f"<{tag}> in sanitized HTML")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> event handler")
            elif name in URL_ATTRIBUTES and dangerous_url(value, name):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def _token_problems(html, fragment):
    tokens = _Tokens(fragment)
    tokens.feed(html)
    tokens.close()
    return tokens.found


def _tree_problems(html, fragment, nonce):
    root = lxml.html.fragment_fromstring(html, create_parent="div") if fragment else lxml.html.document_fromstring(html)
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions do not run
        tag = el.tag.lower().rsplit("}", 1)[-1]
        if tag == "script":
            kind = (el.get("type") or "").lower()
            if fragment:
                found.append(f"<script> {lxml.html.tostring(el)[:80]!r}")
            elif kind in DATA_SCRIPT_TYPES:
                if "</script" in (el.text or "").lower():
                    found.append("data block holding </script")
            elif el.get("src"):
                if _squash(el.get("src")).startswith(("//", "http:", "https:", "data:", "javascript:")):
                    found.append(f"script from another origin: {el.get('src')!r}")
            elif nonce is None or el.get("nonce") != nonce:
                found.append(f"inline script without this response's nonce: {(el.text or '')[:60]!r}")
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and (el.get("http-equiv") or "").lower() in {"refresh", "set-cookie", "content-type"}:
            found.append(f"<meta http-equiv={el.get('http-equiv')!r}>")
        if fragment and tag in {"style", "svg", "math", "link", "meta", "form", "input", "button", "textarea"}:
            found.append(f"<{tag}> in sanitized HTML")
        for name, value in el.attrib.items():
            name = name.lower().rsplit("}", 1)[-1]
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…> event handler")
            elif name == "style" and fragment:
                found.append(f"<{tag} style=…> (a script vector in old browsers)")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
            elif name in URL_ATTRIBUTES and dangerous_url(value, name):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def assert_fragment_inert(html, source=""):
    found = problems(html, fragment=True)
    assert not found, f"executable markup survived from {source!r}: {found} in {html!r}"


def assert_page_inert(response, source=""):
    nonce = nonce_of(response)
    found = problems(response.content.decode(response.charset or "utf-8"), fragment=False, nonce=nonce)
    assert not found, f"{response.request['PATH_INFO']} from {source!r}: {found}"


def nonce_of(response):
    match = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


ATOM = "http://www.w3.org/2005/Atom"


def assert_feed_inert(response, source, marker_attribute="data-canary"):
    """A feed is XML whose title/description/content a reader renders as HTML: no vector may become an
    element of the XML, and the HTML it carries must be inert once unescaped."""
    assert response.status_code == 200, source
    tree = lxml.etree.fromstring(response.content)
    names = {lxml.etree.QName(el).localname.lower() for el in tree.iter() if isinstance(el.tag, str)}
    assert not names & {"script", "iframe", "img", "svg", "body", "object", "embed", "a", "style", "em"}, (
        source,
        names,
    )
    for el in tree.iter():
        if not isinstance(el.tag, str) or not el.text:
            continue
        qname = lxml.etree.QName(el)
        name = qname.localname
        # RSS gives no type, and readers render its titles and descriptions as HTML; an Atom text
        # construct is HTML only when it says type="html" (the default, "text", is shown as text).
        as_html = el.get("type") == "html" if qname.namespace == ATOM else name in {"title", "description"}
        if as_html:
            assert_fragment_inert(el.text, f"{source} <{name}>")
            html_root = lxml.html.fragment_fromstring(el.text, create_parent="div")
            assert not html_root.xpath(f"//*[@{marker_attribute}]"), f"{source} <{name}> reflects markup"
