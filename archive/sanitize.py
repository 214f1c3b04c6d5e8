"""The one place where HTML is made safe to store and show.

nh3 (Ammonia) does the cleaning: bleach, which the design card names, had its final release and gets
no more security fixes. Every allowlist is explicit here; nothing else in the project sanitizes HTML.
Alongside the clean HTML it reports what it removed, so that the editor is told when input changed.
"""

import re
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlsplit

import nh3

TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "a", "img", "figure",
        "figcaption", "strong", "b", "em", "i", "u", "sub", "sup", "table", "thead", "tbody", "tr", "th", "td",
        "caption", "pre", "code", "hr", "abbr", "q", "cite", "small",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Removed with their content, not just unwrapped.
CONTENT_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"})
# Reported to the editor when dropped: active content and form controls. Unknown layout tags (div, span,
# nav…) are unwrapped quietly, as are harmless attributes such as class and id.
_NOTEWORTHY_TAGS = CONTENT_TAGS | {
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "frame",
    "frameset",
    "applet",
}
_QUIET_ATTRIBUTES = frozenset({"class", "id", "rel", "lang", "dir", "target", "role", "loading", "decoding", "name"})


class Sanitized(NamedTuple):
    html: str
    removed: tuple  # what was taken out ("script", "onclick attribute", "javascript: URL"…); empty when unchanged

    @property
    def changed(self):
        return bool(self.removed)


def sanitize_html(html):
    """Return Sanitized(clean_html, removed). Unpacks as `clean, removed = sanitize_html(html)`."""
    audit = _Audit()
    audit.feed(html or "")
    audit.close()
    clean = nh3.clean(
        html or "",
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_check_cite,
    )
    return Sanitized(clean, tuple(sorted(audit.removed)))


def _check_cite(tag, attribute, value):
    # Ammonia checks the scheme of href and src, not of cite: a quotation's source may be a javascript: URL.
    return None if attribute == "cite" and _foreign_scheme(value) else value


def _foreign_scheme(url):
    squashed = re.sub(r"[\x00-\x20]", "", url)  # browsers skip controls and spaces in a scheme ("jav\tascript:")
    try:
        scheme = urlsplit(squashed).scheme.lower()
    except ValueError:  # not a URL a browser would follow either
        return True
    return bool(scheme) and scheme not in URL_SCHEMES


class _Audit(HTMLParser):
    """Lists what nh3 will drop, in words an editor understands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removed = set()

    def handle_starttag(self, tag, attrs):
        allowed_tag = tag in TAGS
        if not allowed_tag and tag in _NOTEWORTHY_TAGS:
            self.removed.add(tag)
        allowed = ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name.startswith("on"):
                self.removed.add("event handler")
            elif name in URL_ATTRIBUTES and value and (scheme := urlsplit(value.strip()).scheme.lower()):
                if scheme not in URL_SCHEMES:
                    self.removed.add(f"{scheme}: URL")
            elif allowed_tag and name not in allowed | _QUIET_ATTRIBUTES and not name.startswith(("data-", "aria-")):
                self.removed.add(f"{name} attribute")

    def handle_comment(self, data):
        self.removed.add("comment")
