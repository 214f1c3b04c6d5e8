"""Remove site chrome from copied web pages and keep the article.

What counts as chrome comes from real copies of government news pages: the portal's tagline, the
"Comment (0)" widget, template placeholders such as "{keywords}", "No data", lists of unrelated
headlines after the article, image placeholders ("<headline>, изображение 2"), video file names, empty
"Source" lines and bylines. Photo captions are article text (they name who is in the picture): they are
kept as <figure><figcaption>, with the image before them when there is one.
A "Source:/Nguồn:/Источник:" line that names a URL or an outlet is kept as metadata, not as text.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from archive.ingest.html import Block
from archive.text import fold_key

_URL = re.compile(r"https?://[^\s<>\"]+")
_FULL_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}"

# Whole lines that are never article text (compared folded: case and diacritics ignored).
_CHROME_LINES = [
    r"\{[\w ]+\}",  # unfilled template placeholders
    r"(comment|comments|комментари[йи]|binh luan)\s*\(\d+\)",
    r"no data|no videos available|нет данных|khong co du lieu",
    r"(share|print|tags?|related( news| articles)?|read more|see more|xem them|tin lien quan|поделиться)\s*:?",
    r"(back to top|top|menu|home|trang chu|главная)",
    r"[\w.-]+\.(vn|com|org|net|ru|info)\s*[-–—|:]\s*.{0,80}",  # "Vietnam.vn - Nền tảng quảng bá Việt Nam"
    r"video\s*:\s*\S+\.(mp4|webm|mov|avi)\S*",
    r".*\.(mp4|mp3|jpg|jpeg|png|webp)(\?\S*)?",
]
_CHROME = re.compile("^(?:" + "|".join(_CHROME_LINES) + ")$")
# Lines after which nothing belongs to the article.
_TAIL = re.compile(r"^(source|источник|nguon|comment \(\d+\)|комментари[йи] \(\d+\)|no data)$")
_SOURCE_LINE = re.compile(r"^(?:source|источник|nguồn|nguon)\s*:\s*(.+)$", re.IGNORECASE)
# Marked photo captions: "… |", "…, изображение 2", "— VNA/VNS Photo Thong Nhat", "(Ảnh: …)".
_MARKED_CAPTION = re.compile(
    r"(\s\|\s*$)|(,\s*(изображение|рисунок|фото|photo|image|ảnh|hình)\s*\d+\.?$)"
    r"|([—–-]\s*[A-Z][A-Za-z/]*\s+(Photo|Ảnh)\b)|(^(Photo|Ảnh|Фото)\s*:)|(\((Photo|Ảnh|Фото)\s*:[^)]*\)\.?$)",
    re.IGNORECASE,
)
# The headline repeated as an image's alternative text, numbered: "…, изображение 2", "…, рисунок 3".
_IMAGE_PLACEHOLDER = re.compile(r",\s*(изображение|рисунок|фото|photo|image|ảnh|hình)\s*\d+\.?$", re.IGNORECASE)
_CAPTION_MARK = re.compile(r"(?<=\s)\|\s*$")  # linear: no run of spaces is tried twice
# Unmarked captions name who did what in the picture: one short sentence around one of these verbs.
_CAPTION_VERBS = re.compile(
    r"\b(attend(s|ed|ing)?|speak(s|ing)?|chair(s|ed)?|present(s|ed)|award(s|ed)|deliver(s|ed)|pose(s|d)?"
    r"|visit(s|ed)|receive(s|d)|preside(s|d)?|принял[аи]? участие|принимает участие|выступает|выступил[аи]?"
    r"|присвоил[аи]?|вручил[аи]?|вручает|председательствует|посетил[аи]?)\b",
    re.IGNORECASE,
)
# Starts only where a run of spaces starts, and never gives spaces back: a long run stays linear.
_AGENCY_SIGNOFF = re.compile(r"(?<!\s)\s++[—–]\s*+([A-Z][A-Z/]{1,12})\s*+$")


@dataclass
class Cleaned:
    blocks: list
    headline: str = ""
    byline_date: str = ""
    source_name: str = ""
    source_url: str = ""
    dropped: list = field(default_factory=list)


def is_caption(text, *, first):
    words = text.split()
    if _MARKED_CAPTION.search(text):
        return len(words) <= 40  # a long paragraph that ends in a photo credit is text, not a caption
    return (
        not first
        and len(words) <= 25
        and text.rstrip().endswith(".")
        and not re.search(r"[\d\"“”«»:;]", text)
        and len(re.findall(r"[.!?](\s|$)", text)) == 1
        and bool(_CAPTION_VERBS.search(" ".join(words[:12])))
    )


def clean(blocks, *, has_title=False):
    """The article in `blocks`: each paragraph is settled by the first of _LINE_RULES that applies, until one
    says the article is over; then _PAGE_RULES look at what is kept as a whole."""
    page = _Page(blocks, has_title)
    for index, block in enumerate(blocks):
        line = _Line(block, index)
        for rule in _LINE_RULES:
            if rule(line, page):
                break
        if page.ended:
            break
    for rule in _PAGE_RULES:
        rule(page)
    return page.out


class _Line:
    def __init__(self, block, index):
        self.block, self.index = block, index
        self.text = block.text.strip()

    @cached_property
    def folded(self):
        # Chrome lines are short; long paragraphs skip the (costly) folding.
        return fold_key(self.text) if len(self.text) <= 160 else self.text.casefold()


class _Page:
    def __init__(self, blocks, has_title):
        self.blocks, self.has_title = blocks, has_title
        self.out = Cleaned(blocks=[])
        self.ended = False

    @property
    def kept(self):
        return self.out.blocks

    def end_at(self, index):
        """The article is over: the rest of the page is the site's."""
        self.out.dropped.extend(b.text for b in self.blocks[index:] if b.text.strip())
        self.ended = True


# Line rules: each returns True when it has settled the line (kept it, dropped it, or ended the article).


def _other_element(line, page):
    # Headings, lists, tables and figures are kept: chrome comes as paragraphs.
    if line.block.tag == "p":
        return False
    page.kept.append(line.block)
    return True


def _empty(line, page):
    # An image-only paragraph stays: a caption after it makes it the figure's image (_figure).
    if line.text:
        return False
    if "<img" in line.block.html:
        page.kept.append(line.block)
    return True


def _source_line(line, page):
    if not (source := _SOURCE_LINE.match(line.text)):
        return False
    value, out = source.group(1).strip(), page.out
    if url := _URL.search(value):
        out.source_url = out.source_url or url.group(0).rstrip(".,;)")
    else:
        out.source_name = out.source_name or value
    out.dropped.append(line.text)
    return True


def _tail(line, page):
    # "Source", "Comment (0)", "No data": the article is over; what follows is the site's.
    if not (_TAIL.match(line.folded) and page.kept):
        return False
    page.end_at(line.index)
    if _is_author(page.kept[-1].text):
        page.out.dropped.append(page.kept.pop().text)
    return True


def _teaser(line, page):
    # A teaser card repeats its headline (link text, then image alt): the related-news list starts.
    kept = page.kept
    if not (len(kept) > 2 and kept[-1].tag == "p" and kept[-1].text.strip().casefold() == line.text.casefold()):
        return False
    page.out.dropped.append(kept.pop().text)
    page.end_at(line.index)
    return True


def _chrome(line, page):
    if not _CHROME.match(line.folded):
        return False
    page.out.dropped.append(line.text)
    return True


def _byline_line(line, page):
    # Only near the top: further down, a short line ending in a date is text.
    if len(page.kept) >= 4 or not (byline := _byline(line.text)):
        return False
    out, kept = page.out, page.kept
    out.byline_date, name = byline
    out.source_name = out.source_name or name
    out.dropped.append(line.text)
    if kept and not page.has_title and not out.headline and kept[-1].tag == "p":
        out.headline = kept.pop().text  # the line above a byline is the headline
    return True


def _caption(line, page):
    if not is_caption(line.text, first=not page.kept):
        return False
    if _IMAGE_PLACEHOLDER.search(line.text):
        page.out.dropped.append(line.text)
    else:
        page.kept.append(_figure(line.text, page.kept))
    return True


def _text(line, page):
    page.kept.append(line.block)
    return True


_LINE_RULES = [_other_element, _empty, _source_line, _tail, _teaser, _chrome, _byline_line, _caption, _text]


# Page rules, on what the line rules kept.


def _agency_signoff(page):
    """'… — VNA' ending the last paragraph names the outlet; the sign-off is not text."""
    kept = page.kept
    if not (kept and kept[-1].tag == "p" and (signoff := _AGENCY_SIGNOFF.search(kept[-1].text))):
        return
    last = kept[-1]
    page.out.source_name = page.out.source_name or signoff.group(1)
    kept[-1] = type(last)(last.tag, _AGENCY_SIGNOFF.sub("", last.html), _AGENCY_SIGNOFF.sub("", last.text))


def _first_line_headline(page):
    # With no stated title and no byline under a headline, a short first line without a full stop is the title.
    kept, out = page.kept, page.out
    if page.has_title or out.headline or len(kept) < 2:
        return
    if kept[0].tag == "p" and _looks_like_headline(kept[0].text):
        out.headline = kept.pop(0).text


_PAGE_RULES = [_agency_signoff, _first_line_headline]


def _figure(caption, kept):
    """A caption as a figure; an image-only paragraph just before it becomes the figure's image."""
    text = _CAPTION_MARK.sub("", caption).strip()
    image = ""
    if kept and kept[-1].tag == "p" and not kept[-1].text.strip() and "<img" in kept[-1].html:
        image = kept.pop().html
    return Block("figure", f"<figure>{image}<figcaption>{escape(text, quote=False)}</figcaption></figure>", text)


def _byline(text):
    """'Công LuậnCông Luận13/01/2024' → ('13/01/2024', 'Công Luận'): a short line ending in a full date."""
    match = re.match(
        rf"^(.{{0,60}}?)[\s,|·-]*({_FULL_DATE})([\s|,-]+\d{{1,2}}[:h]\d{{2}}(\s*\(?(GMT|UTC)\s*[+-]\d{{1,2}}(:\d{{2}})?\)?)?)?$",
        text,
    )
    if not match:
        return None
    name = _NOT_A_NAME.sub("", match.group(1)).strip(" ,|·-")
    half = len(name) // 2
    if half and name[:half] == name[half:]:  # the outlet's logo text and its name, run together
        name = name[:half]
    return match.group(2), name


# What precedes a date in a byline without being the outlet: a weekday, "Updated:".
_NOT_A_NAME = re.compile(
    r"(?i:\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|cập nhật|ngày đăng|đăng ngày|updated|published"
    r"|posted|обновлено|опубликовано)\b:?)"
)


def _is_author(text):
    words = text.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and not re.search(r"[.!?,:;\d]", text)


def _looks_like_headline(text):
    # A headline is short and has no closing full stop; a first line ending in "." is the lead.
    return len(text) <= 200 and len(text.split()) <= 30 and not text.rstrip().endswith((".", "…", ":", ";"))
