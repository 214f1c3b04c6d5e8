"""Titles and snippets with <mark> around matched words; everything else escaped.

A word is marked when it has the same folded form as a query word (so `Le` marks `Lê`), or the same
stem in the article's language (`документ` marks `документов`). This uses the index's own analysis
(archive/search/analysis.py), which haystack's highlighter does not, and it never emits unescaped
stored text (haystack's `{% highlight %}` does).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.search.analysis import forms, words

SNIPPET_CHARS = 240


class Marker:
    def __init__(self, query_words):
        keys = [forms(w) for w in query_words]
        self.folded = {k["text"] for k in keys}
        self.stems = {"en": {k["text_en"] for k in keys}, "ru": {k["text_ru"] for k in keys}}

    def __bool__(self):
        return bool(self.folded)

    def matches(self, word, language):
        f = forms(word)
        if f["text"] in self.folded:
            return True
        stems = self.stems.get(language)
        return bool(stems) and f[f"text_{language}"] in stems

    def spans(self, text, language):
        return [(start, end) for word, start, end in words(text) if self.matches(word, language)]


def render(text, spans):
    """Escaped `text` with <mark> around each (start, end) span."""
    out, pos = [], 0
    for start, end in spans:
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above went through escape()


def title(text, marker, language):
    return render(text, marker.spans(text, language) if marker else [])


def snippet(text, marker, language, size=SNIPPET_CHARS):
    """A window of about `size` characters around the densest cluster of matches, cut at word edges."""
    spans = marker.spans(text, language) if marker else []
    if len(text) <= size:
        return render(text, spans)
    start = 0
    if spans:
        spans = spans[:200]
        # The window that starts at a match and holds the most matches.
        best = max(range(len(spans)), key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + size))
        start = max(0, spans[best][0] - size // 4)
        floor = max(0, start - 40)
        while start > floor and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + size)
    ceiling = min(len(text), end + 40)
    while end < ceiling and not text[end].isspace():
        end += 1
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = render(text[start:end].rstrip(), window)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(escape(prefix) + body + escape(suffix))  # noqa: S308 - parts escaped
