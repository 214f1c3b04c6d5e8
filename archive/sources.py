"""Who published an article: one Source per publisher, whatever the article calls it.

`vietnamplus.vn`, `www.vietnamplus.vn`, `en.vietnamplus.vn` and `VietnamPlus` are one source: a host keeps the
label before its public suffix (`vietnamplus`, `chinhphu` of `chinhphu.gov.vn`), a name is folded and loses
spaces and punctuation (`Báo Chính phủ` -> `baochinhphu`, as baochinhphu.vn). The stated source name decides;
the source URL's host is the fallback. Editors set the name readers see in the admin.
"""

import re
from urllib.parse import urlsplit

from archive.text import fold, nfc, strip_controls

# Second-level labels that belong to a country's public suffix (chinhphu.gov.vn, bbc.co.uk).
_GENERIC = frozenset({"ac", "co", "com", "edu", "gov", "info", "int", "net", "org"})
_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}\.?", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


def host_key(host):
    """The publisher's label of a host name: www.vietnamplus.vn -> vietnamplus."""
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) < 2 or labels[-1].isdigit():  # localhost, an IP address
        return ".".join(labels)
    labels.pop()  # the top-level domain
    if len(labels) > 1 and labels[-1] in _GENERIC:
        labels.pop()
    return _NOT_WORD.sub("", labels[-1])


def _host(url):
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:  # a malformed address (http://[x) names no host
        return ""


def source_key(name="", url=""):
    """One key per publisher, from the stated source name, else the host of the source URL ("" if neither)."""
    name = nfc(name or "").strip()
    if "://" in name:
        name = _host(name)
    key = host_key(name) if _HOST.fullmatch(name) else _NOT_WORD.sub("", fold(name).casefold())[:200]
    return key or host_key(_host(url))


def display_name(name="", url=""):
    """What a new source is called until an editor names it: the stated name, else the host."""
    name = strip_controls(nfc(name or "")).strip()
    return (name or _host(url).removeprefix("www."))[:200]


def attach(articles):
    """Link each article to the Source of its stated name and URL, creating the sources it needs."""
    from archive.models import Source

    keys = {id(a): source_key(a.source_name, a.source_url) for a in articles}
    names = {}
    for article in articles:
        names.setdefault(keys[id(article)], display_name(article.source_name, article.source_url))
    names.pop("", None)
    known = {s.key: s for s in Source.objects.filter(key__in=names)}
    for key in names.keys() - known.keys():
        # get_or_create: another import may create the same source meanwhile.
        known[key] = Source.objects.get_or_create(key=key, defaults={"name": names[key]})[0]
    for article in articles:
        article.source = known.get(keys[id(article)])
