"""An article as a reference: the text of its citation (APA style) and RIS, BibTeX and CSL-JSON records.

Reference managers (Zotero, Mendeley, EndNote) read the article page's Highwire `citation_*` meta tags
(templates/archive/article.html) or import these downloads. A government press office writes as an
organisation: its name (the article's source) is the corporate author and the publisher; without one,
the archive is the publisher. The URL is the archive's permalink; the original address is kept as a note.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

ARCHIVE = "Gazette"
FORMATS = {
    # format: (file extension, content type)
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "bibtex": ("bib", "application/x-bibtex; charset=utf-8"),
    "csl": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


@dataclass
class Reference:
    key: str  # stable: gazette-<article id>
    title: str
    published: datetime.date
    language: str
    url: str  # the archive's permalink
    source: str = ""  # the press office or outlet: corporate author and publisher
    source_url: str = ""  # where the archive took the article from
    subjects: list = field(default_factory=list)  # officials named, then topics
    accessed: datetime.date = field(default_factory=datetime.date.today)

    @property
    def publisher(self):
        return self.source or ARCHIVE


def reference(article, url, officials, topics):
    return Reference(
        key=f"gazette-{article.pk}",
        title=article.title,
        published=article.published,
        language=article.language,
        url=url,
        source=article.source_name,
        source_url=article.source_url,
        subjects=[o.name for o in officials] + [t.name(article.language) for t in topics],
    )


def text(ref):
    """APA (7th edition) for a news article without a personal author: Source. (Date). Title. Site. URL"""
    date = f"{ref.published.year}, {_MONTHS[ref.published.month - 1]} {ref.published.day}"
    title = ref.title.rstrip(".")
    if ref.source:
        return f"{ref.source}. ({date}). {title}. {ARCHIVE}. {ref.url}"
    return f"{title}. ({date}). {ARCHIVE}. {ref.url}"


def ris(ref):
    """RIS: one tag per line, `TY` first and `ER` last."""
    lines = [("TY", "NEWS"), ("TI", ref.title)]
    if ref.source:
        lines.append(("AU", ref.source))
    lines += [
        ("DA", ref.published.strftime("%Y/%m/%d")),
        ("PY", str(ref.published.year)),
        ("LA", ref.language),
        ("PB", ref.publisher),
        ("T2", ARCHIVE),
        ("UR", ref.url),
        ("Y2", ref.accessed.strftime("%Y/%m/%d")),
    ]
    lines += [("KW", subject) for subject in ref.subjects]
    if ref.source_url:
        lines.append(("N1", f"Original: {ref.source_url}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}".rstrip() + "\r\n" for tag, value in lines)


def bibtex(ref):
    """BibTeX `@misc` (read by BibTeX, biblatex and every manager): braces keep the title's capitals."""
    fields = [("title", f"{{{_tex(ref.title)}}}")]
    if ref.source:
        fields.append(("author", f"{{{_tex(ref.source)}}}"))  # a corporate author: not split into names
    fields += [
        ("year", str(ref.published.year)),
        ("month", str(ref.published.month)),
        ("date", ref.published.isoformat()),
        ("language", ref.language),
        ("publisher", _tex(ref.publisher)),
        ("howpublished", f"\\url{{{_url(ref.url)}}}"),
        ("url", _url(ref.url)),
        ("urldate", ref.accessed.isoformat()),
    ]
    if ref.subjects:
        fields.append(("keywords", _tex(", ".join(ref.subjects))))
    if ref.source_url:
        fields.append(("note", f"Original: \\url{{{_url(ref.source_url)}}}"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{ref.key},\n{body}\n}}\n"


def csl(ref):
    """CSL-JSON: a list of one item, as citeproc processors and Zotero read it."""
    item = {
        "id": ref.key,
        "type": "article-newspaper",
        "title": ref.title,
        "issued": {"date-parts": [[ref.published.year, ref.published.month, ref.published.day]]},
        "accessed": {"date-parts": [[ref.accessed.year, ref.accessed.month, ref.accessed.day]]},
        "language": ref.language,
        "publisher": ref.publisher,
        "container-title": ARCHIVE,
        "URL": ref.url,
    }
    if ref.source:
        item["author"] = [{"literal": ref.source}]
    if ref.subjects:
        item["keyword"] = ", ".join(ref.subjects)
    if ref.source_url:
        item["note"] = f"Original: {ref.source_url}"
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


RENDER = {"ris": ris, "bibtex": bibtex, "csl": csl}


def _one_line(value):
    return " ".join(str(value).split())


# TeX's special characters, escaped so that a title with "&" or "%" is not read as markup.
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
        "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}  # fmt: skip
_TEX_SPECIAL = re.compile(r"[\\{}&%$#_~^]")


def _url(value):
    return value.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _tex(value):
    return _TEX_SPECIAL.sub(lambda match: _TEX[match.group(0)], _one_line(value))
